// Decoding LSP's `initialize` params with simdjson's DOM parser (small, once per session).
#include "protocol/lsp/initialize.hpp"

#include <simdjson.h>

namespace moonring::lsp {

namespace {
jsonrpc::ErrorObject invalid(std::string what) {
  return jsonrpc::ErrorObject{jsonrpc::code::invalid_params, "initialize: " + std::move(what), {}};
}
}  // namespace

InitializeDecode decode_initialize_params(std::string_view params_json) {
  InitializeDecode out;
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (params_json.empty() || parser.parse(params_json.data(), params_json.size()).get(root)) {
    out.error = invalid("params must be an object");
    return out;
  }
  simdjson::dom::object obj;
  if (root.get_object().get(obj)) {
    out.error = invalid("params must be an object");
    return out;
  }
  InitializeParams p;

  simdjson::dom::element pid;
  if (obj["processId"].get(pid)) {
    out.error = invalid("missing required field 'processId'");
    return out;
  }
  if (!pid.is_null()) {
    int64_t n;
    if (pid.get_int64().get(n)) {
      out.error = invalid("field 'processId' must be an integer or null");
      return out;
    }
    p.process_id = n;
  }

  simdjson::dom::element caps;
  if (obj["capabilities"].get(caps) || !caps.is_object()) {
    out.error = invalid("missing required field 'capabilities' (an object)");
    return out;
  }
  simdjson::dom::array encodings;
  if (!caps.at_pointer("/general/positionEncodings").get_array().get(encodings)) {
    for (auto e : encodings) {
      std::string_view s;
      if (!e.get_string().get(s)) p.position_encodings.emplace_back(s);
    }
  }
  bool progress = false;
  if (!caps.at_pointer("/window/workDoneProgress").get_bool().get(progress))
    p.work_done_progress = progress;

  std::string_view text;
  if (!obj["rootUri"].get_string().get(text)) p.root_uri = std::string(text);
  if (!root.at_pointer("/clientInfo/name").get_string().get(text))
    p.client_name = std::string(text);

  out.params = std::move(p);
  return out;
}

}  // namespace moonring::lsp
