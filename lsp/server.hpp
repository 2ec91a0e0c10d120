// The language server on a JSON-RPC method table: the lifecycle (initialize, initialized,
// shutdown, exit, and the rules around them: -32002 before initialize, nothing but exit after
// shutdown), and, given a LanguageService, the language features (language.hpp).
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "lsp/language.hpp"
#include "protocol/jsonrpc/dispatcher.hpp"
#include "protocol/jsonrpc/endpoint.hpp"

namespace moonring::lsp {

class Server {
 public:
  // The lifecycle alone.
  explicit Server(jsonrpc::Endpoint& endpoint);
  // The lifecycle and the language features of the service `make_service` builds.
  Server(jsonrpc::Endpoint& endpoint, const ServiceFactory& make_service);
  // On a bare method table; `close` ends the session (on `exit`). bench/jsonrpc runs the server's
  // table this way, in memory.
  Server(jsonrpc::Dispatcher& dispatcher, std::function<void()> close);

  // After the session: stops the language service (its background work first).
  Task<void> finish();

  // The process exit code the LSP prescribes: 0 once shutdown was answered (whether `exit` or
  // the end of the input follows), 1 when the session ends without it.
  int exit_code() const { return shutdown_requested_ ? 0 : 1; }
  // "utf-8", "utf-16" or "utf-32", as negotiated in initialize.
  const std::string& position_encoding() const { return position_encoding_; }

 private:
  enum class State { uninitialized, initialized, shut_down };
  std::function<void()> close_;
  std::unique_ptr<Language> language_;
  State state_ = State::uninitialized;
  bool shutdown_requested_ = false;
  std::string position_encoding_ = "utf-16";
};

}  // namespace moonring::lsp
