// Typed arguments of the DAP requests moonring answers so far: initialize and disconnect (the DAP
// specification's InitializeRequestArguments and DisconnectArguments). Unknown fields are ignored
// and null counts as absent; a missing required field, or a field of the wrong type, is an error
// whose message names it ("initialize: missing required field 'adapterID'").
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace moonring::dap {

struct InitializeArguments {
  std::string adapter_id;  // adapterID, required
  std::optional<std::string> client_id;
  std::optional<std::string> client_name;
  std::optional<std::string> locale;
  bool lines_start_at1 = true;
  bool columns_start_at1 = true;
  std::string path_format = "path";  // "path", "uri", or another the client names
  bool supports_variable_type = false;
  bool supports_variable_paging = false;
  bool supports_run_in_terminal_request = false;
  bool supports_memory_references = false;
  bool supports_progress_reporting = false;
  bool supports_invalidated_event = false;
  bool supports_memory_event = false;
  bool supports_args_can_be_interpreted_by_shell = false;
  bool supports_start_debugging_request = false;
  bool supports_ansi_styling = false;
};

struct DisconnectArguments {
  bool restart = false;
  std::optional<bool> terminate_debuggee;  // absent: the adapter decides (launch: yes, attach: no)
  std::optional<bool> suspend_debuggee;
};

// Decode a request's raw `arguments` ("" when the request had none) into `out`: nullopt, or the
// error message naming the field at fault.
std::optional<std::string> decode_initialize_arguments(std::string_view arguments_json,
                                                       InitializeArguments& out);
std::optional<std::string> decode_disconnect_arguments(std::string_view arguments_json,
                                                       DisconnectArguments& out);

}  // namespace moonring::dap
