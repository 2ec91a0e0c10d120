// Decoding the typed DAP arguments (see arguments.hpp) with simdjson on-demand, field by field.
#include "protocol/dap/arguments.hpp"

#include <simdjson.h>

#include <array>
#include <utility>

#include "protocol/json_check.hpp"

namespace moonring::dap {
namespace {

namespace od = simdjson::ondemand;

// Reads one arguments object of `request`, field by field; the first problem wins.
class Reader {
 public:
  explicit Reader(std::string_view request) : request_(request) {}

  // Calls `on_field(key, value)` for each field; false (with error() set) if `json` is not an
  // object.
  template <typename OnField>
  bool each_field(std::string_view json, OnField on_field) {
    const simdjson::padded_string text(json);  // arguments are small, read once per session
    od::document doc;
    od::object object;
    if (protocol::json::thread_parser().iterate(text).get(doc) || doc.get_object().get(object)) {
      return fail("arguments must be an object");
    }
    for (auto element : object) {
      std::string_view key;
      if (element.error()) return fail("arguments: not JSON");
      od::field& field = element.value_unsafe();
      if (field.unescaped_key().get(key)) return fail("arguments: not JSON");
      // The key's view lives in the parser's string buffer until the next string is read.
      const std::string name(key);
      if (!on_field(name, field.value())) return false;
    }
    return true;
  }

  // A field's value; false (error set) when it has the wrong type. Null leaves `out` unchanged.
  bool read(std::string_view key, od::value value, bool& out) {
    if (is_null(value)) return true;
    if (value.get_bool().get(out)) return mistyped(key, "a boolean");
    return true;
  }
  bool read(std::string_view key, od::value value, std::optional<bool>& out) {
    if (is_null(value)) return true;
    bool b = false;
    if (value.get_bool().get(b)) return mistyped(key, "a boolean");
    out = b;
    return true;
  }
  bool read(std::string_view key, od::value value, std::string& out) {
    if (is_null(value)) return true;
    std::string_view text;
    if (value.get_string().get(text)) return mistyped(key, "a string");
    out.assign(text);
    return true;
  }
  bool read(std::string_view key, od::value value, std::optional<std::string>& out) {
    if (is_null(value)) return true;
    std::string_view text;
    if (value.get_string().get(text)) return mistyped(key, "a string");
    out.emplace(text);
    return true;
  }

  // A required string: null counts as missing (`have` stays false).
  bool read_required(std::string_view key, od::value value, std::string& out, bool& have) {
    if (is_null(value)) return true;
    if (!read(key, value, out)) return false;
    have = true;
    return true;
  }

  bool fail(std::string_view what) {
    if (!error_) error_ = std::string(request_) + ": " + std::string(what);
    return false;
  }
  bool missing(std::string_view key) {
    return fail("missing required field '" + std::string(key) + "'");
  }
  std::optional<std::string> take_error() { return std::move(error_); }

 private:
  static bool is_null(od::value& value) {
    bool null = false;
    return !value.is_null().get(null) && null;
  }
  bool mistyped(std::string_view key, std::string_view wanted) {
    return fail("field '" + std::string(key) + "' must be " + std::string(wanted));
  }

  std::string_view request_;
  std::optional<std::string> error_;
};

// InitializeRequestArguments' boolean capabilities, by name.
using Flag = bool InitializeArguments::*;
constexpr std::array<std::pair<std::string_view, Flag>, 12> kInitializeFlags = {{
    {"linesStartAt1", &InitializeArguments::lines_start_at1},
    {"columnsStartAt1", &InitializeArguments::columns_start_at1},
    {"supportsVariableType", &InitializeArguments::supports_variable_type},
    {"supportsVariablePaging", &InitializeArguments::supports_variable_paging},
    {"supportsRunInTerminalRequest", &InitializeArguments::supports_run_in_terminal_request},
    {"supportsMemoryReferences", &InitializeArguments::supports_memory_references},
    {"supportsProgressReporting", &InitializeArguments::supports_progress_reporting},
    {"supportsInvalidatedEvent", &InitializeArguments::supports_invalidated_event},
    {"supportsMemoryEvent", &InitializeArguments::supports_memory_event},
    {"supportsArgsCanBeInterpretedByShell",
     &InitializeArguments::supports_args_can_be_interpreted_by_shell},
    {"supportsStartDebuggingRequest", &InitializeArguments::supports_start_debugging_request},
    {"supportsANSIStyling", &InitializeArguments::supports_ansi_styling},
}};

}  // namespace

std::optional<std::string> decode_initialize_arguments(std::string_view arguments_json,
                                                       InitializeArguments& out) {
  Reader reader("initialize");
  if (arguments_json.empty()) {
    reader.missing("arguments");
    return reader.take_error();
  }
  InitializeArguments args;
  bool have_adapter = false;
  const bool ok = reader.each_field(arguments_json, [&](std::string_view key, od::value value) {
    if (key == "adapterID") return reader.read_required(key, value, args.adapter_id, have_adapter);
    if (key == "clientID") return reader.read(key, value, args.client_id);
    if (key == "clientName") return reader.read(key, value, args.client_name);
    if (key == "locale") return reader.read(key, value, args.locale);
    if (key == "pathFormat") return reader.read(key, value, args.path_format);
    for (const auto& [name, flag] : kInitializeFlags) {
      if (key == name) return reader.read(key, value, args.*flag);
    }
    return true;  // unknown fields are ignored
  });
  if (ok && !have_adapter) reader.missing("adapterID");
  if (auto error = reader.take_error()) return error;
  out = std::move(args);
  return std::nullopt;
}

std::optional<std::string> decode_disconnect_arguments(std::string_view arguments_json,
                                                       DisconnectArguments& out) {
  DisconnectArguments args;
  if (arguments_json.empty()) {  // all optional, and so are the arguments
    out = args;
    return std::nullopt;
  }
  Reader reader("disconnect");
  reader.each_field(arguments_json, [&](std::string_view key, od::value value) {
    if (key == "restart") return reader.read(key, value, args.restart);
    if (key == "terminateDebuggee") return reader.read(key, value, args.terminate_debuggee);
    if (key == "suspendDebuggee") return reader.read(key, value, args.suspend_debuggee);
    return true;
  });
  if (auto error = reader.take_error()) return error;
  out = args;
  return std::nullopt;
}

}  // namespace moonring::dap
