// The debug adapter's session on a DAP endpoint: initialize (typed arguments, capabilities, then
// the `initialized` event) and disconnect (typed arguments). Launch, attach and the rest arrive
// with the debug backend in a later issue, through a DebugBackend.
#pragma once

#include <optional>

#include "protocol/dap/arguments.hpp"
#include "protocol/dap/endpoint.hpp"

namespace moonring::dap {

class Server {
 public:
  explicit Server(Endpoint& endpoint);

  // What the client said in initialize (line and column bases, path format, what it supports);
  // empty before it.
  const std::optional<InitializeArguments>& client() const { return client_; }
  // What the client asked for in disconnect; empty before it.
  const std::optional<DisconnectArguments>& disconnect() const { return disconnect_; }

 private:
  Endpoint& endpoint_;
  std::optional<InitializeArguments> client_;
  std::optional<DisconnectArguments> disconnect_;
};

}  // namespace moonring::dap
