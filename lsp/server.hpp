// The language server's lifecycle on a JSON-RPC method table: initialize, initialized, shutdown,
// exit, and the rules around them (-32002 before initialize, nothing but exit after shutdown).
// Language features plug in here in later issues, through a LanguageService.
#pragma once

#include <functional>
#include <string>

#include "protocol/jsonrpc/dispatcher.hpp"
#include "protocol/jsonrpc/endpoint.hpp"

namespace moonring::lsp {

class Server {
 public:
  explicit Server(jsonrpc::Endpoint& endpoint);
  // On a bare method table; `close` ends the session (on `exit`). bench/jsonrpc runs the server's
  // table this way, in memory.
  Server(jsonrpc::Dispatcher& dispatcher, std::function<void()> close);

  // The process exit code the LSP prescribes: 0 once shutdown was answered (whether `exit` or
  // the end of the input follows), 1 when the session ends without it.
  int exit_code() const { return shutdown_requested_ ? 0 : 1; }
  // "utf-8", "utf-16" or "utf-32", as negotiated in initialize.
  const std::string& position_encoding() const { return position_encoding_; }

 private:
  enum class State { uninitialized, initialized, shut_down };
  std::function<void()> close_;
  State state_ = State::uninitialized;
  bool shutdown_requested_ = false;
  std::string position_encoding_ = "utf-16";
};

}  // namespace moonring::lsp
