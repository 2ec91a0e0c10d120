// The language server's lifecycle (see server.hpp). Its handlers answer inline: the state they
// change is in place before the next message is read, so the gate sees requests in order.
#include "lsp/server.hpp"

#include <algorithm>

#include "lsp/client.hpp"
#include "protocol/lsp/initialize.hpp"

namespace moonring::lsp {

namespace {
constexpr const char* kVersion = "0.1.0";
}

Server::Server(jsonrpc::Endpoint& endpoint)
    : Server(endpoint.dispatcher(), [&endpoint] { endpoint.close(); }) {}

Server::Server(jsonrpc::Endpoint& endpoint, const ServiceFactory& make_service)
    : Server(endpoint.dispatcher(), [&endpoint] { endpoint.close(); }) {
  language_ = std::make_unique<Language>(endpoint, make_service);
}

Task<void> Server::finish() {
  if (language_) co_await language_->finish();
}

Server::Server(jsonrpc::Dispatcher& dispatcher, std::function<void()> close)
    : close_(std::move(close)) {
  dispatcher.set_gate([this](const jsonrpc::Message& m) -> std::optional<jsonrpc::ErrorObject> {
    if (state_ == State::initialized) {
      if (m.method != "initialize") return std::nullopt;
      return jsonrpc::ErrorObject{
          jsonrpc::code::invalid_request, "initialize was already received", {}};
    }
    if (state_ == State::uninitialized && m.method != "initialize")
      return jsonrpc::ErrorObject{
          jsonrpc::code::server_not_initialized, "server not initialized", {}};
    if (state_ == State::shut_down)
      return jsonrpc::ErrorObject{
          jsonrpc::code::invalid_request, "the server is shutting down", {}};
    return std::nullopt;
  });

  dispatcher.on_request_inline("initialize", [this](const jsonrpc::Message& m,
                                                    jsonrpc::Responder& out) {
    auto decoded = decode_initialize_params(m.params);
    if (decoded.error) return out.error(decoded.error->code, decoded.error->message);
    const auto& offered = decoded.params->position_encodings;
    // UTF-8 is what moonring stores; UTF-16 is every client's fallback (LSP 3.17).
    const bool utf8 = std::find(offered.begin(), offered.end(), "utf-8") != offered.end();
    if (utf8) position_encoding_ = "utf-8";
    if (language_) {
      auto client = decode_client(m.params);
      if (client.error) return out.error(client.error->code, client.error->message);
      language_->initialize(std::move(client.client), utf8 ? workspace::PositionEncoding::utf8
                                                           : workspace::PositionEncoding::utf16);
    }
    state_ = State::initialized;
    std::string& result = out.result();
    result += "{\"capabilities\":{\"positionEncoding\":\"";
    result += position_encoding_;
    result += '"';
    if (language_) language_->append_capabilities(result);
    result +=
        std::string("},\"serverInfo\":{\"name\":\"moonring\",\"version\":\"") + kVersion + "\"}}";
  });

  dispatcher.on_notification_inline("initialized", [](const jsonrpc::Message&) {});

  dispatcher.on_request_inline("shutdown", [this](const jsonrpc::Message&, jsonrpc::Responder&) {
    state_ = State::shut_down;
    shutdown_requested_ = true;  // the result is null
  });

  dispatcher.on_notification_inline("exit", [this](const jsonrpc::Message&) { close_(); });
}

}  // namespace moonring::lsp
