// The debug adapter's session on a DAP endpoint: initialize (capabilities, then the
// `initialized` event) and disconnect. Launch, attach and the rest arrive with the debug
// backend in a later issue, through a DebugBackend.
#pragma once

#include "protocol/dap/endpoint.hpp"

namespace moonring::dap {

class Server {
 public:
  explicit Server(Endpoint& endpoint);

 private:
  Endpoint& endpoint_;
  bool initialized_ = false;
};

}  // namespace moonring::dap
