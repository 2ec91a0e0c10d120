// The language server's lifecycle (see server.hpp).
#include "lsp/server.hpp"

#include <algorithm>

#include "protocol/lsp/initialize.hpp"

namespace moonring::lsp {

namespace {
constexpr const char* kVersion = "0.1.0";
}

Server::Server(jsonrpc::Endpoint& endpoint) : endpoint_(endpoint) {
  endpoint_.set_request_gate(
      [this](const jsonrpc::Message& m) -> std::optional<jsonrpc::ErrorObject> {
        if (state_ == State::uninitialized && m.method != "initialize")
          return jsonrpc::ErrorObject{
              jsonrpc::code::server_not_initialized, "server not initialized", {}};
        if (state_ == State::initialized && m.method == "initialize")
          return jsonrpc::ErrorObject{
              jsonrpc::code::invalid_request, "initialize was already received", {}};
        if (state_ == State::shut_down)
          return jsonrpc::ErrorObject{
              jsonrpc::code::invalid_request, "the server is shutting down", {}};
        return std::nullopt;
      });

  endpoint_.on_request("initialize", [this](const jsonrpc::Message& m) -> Task<jsonrpc::Reply> {
    auto decoded = decode_initialize_params(m.params);
    if (decoded.error) co_return jsonrpc::Reply{"null", decoded.error};
    const auto& offered = decoded.params->position_encodings;
    // UTF-8 is what moonring stores; UTF-16 is every client's fallback (LSP 3.17).
    if (std::find(offered.begin(), offered.end(), "utf-8") != offered.end())
      position_encoding_ = "utf-8";
    state_ = State::initialized;
    co_return jsonrpc::Reply::ok(
        std::string("{\"capabilities\":{\"positionEncoding\":\"") + position_encoding_ +
        "\"},\"serverInfo\":{\"name\":\"moonring\",\"version\":\"" + kVersion + "\"}}");
  });

  endpoint_.on_notification("initialized",
                            [](const jsonrpc::Message&) -> Task<void> { co_return; });

  endpoint_.on_request("shutdown", [this](const jsonrpc::Message&) -> Task<jsonrpc::Reply> {
    state_ = State::shut_down;
    shutdown_requested_ = true;
    co_return jsonrpc::Reply::ok("null");
  });

  endpoint_.on_notification("exit", [this](const jsonrpc::Message&) -> Task<void> {
    endpoint_.close();
    co_return;
  });
}

}  // namespace moonring::lsp
