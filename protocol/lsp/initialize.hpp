// LSP's `initialize` params, typed: the fields moonring uses. Unknown fields are ignored; a
// missing or mistyped required field is an error that names it (-32602).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/jsonrpc/message.hpp"

namespace moonring::lsp {

struct InitializeParams {
  std::optional<int64_t> process_id;  // null: the client has no process to watch
  std::optional<std::string> root_uri;
  std::vector<std::string> position_encodings;  // capabilities.general.positionEncodings
  std::optional<std::string> client_name;       // clientInfo.name
  bool work_done_progress = false;              // capabilities.window.workDoneProgress
};

// Decodes `params` (raw JSON of the request, padded by the body it lives in).
struct InitializeDecode {
  std::optional<InitializeParams> params;
  std::optional<jsonrpc::ErrorObject> error;
};
InitializeDecode decode_initialize_params(std::string_view params_json);

}  // namespace moonring::lsp
