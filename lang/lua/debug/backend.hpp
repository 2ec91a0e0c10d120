// Lua's DebugBackend: programs run under `moonring run`, whose agent speaks the wire of
// docs/debugger.md (the hello `moonringHello`, the VM named in `luaVersion`).
#pragma once

#include "lang/service/debug_backend.hpp"

namespace moonring::lua::debug {

class LuaDebugBackend final : public service::DebugBackend {
 public:
  std::string_view language() const override { return "Lua"; }
  // `moonring run --debug-connect=ADDR --token=T [--stop-on-entry] -- PROGRAM ARGS...`, run by
  // the executable this process was started from.
  Result<service::DebugCommand> launch_command(const service::DebugLaunch& launch) const override;
  service::AgentHandshake handshake() const override { return {"moonringHello", "luaVersion"}; }
  std::vector<service::ExceptionFilter> exception_filters() const override;
  // $XDG_RUNTIME_DIR/moonring/PID.token, else ~/.cache/moonring/PID.token.
  std::string token_file(int pid) const override;
};

}  // namespace moonring::lua::debug
