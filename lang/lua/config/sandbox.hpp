// Running untrusted Lua configuration (.luacheckrc) in a sandboxed Lua 5.4 state: no I/O, no os,
// package, debug or load; bounded memory and instruction count.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "lang/lua/config/lua_value.hpp"
#include "runtime/result.hpp"

namespace moonring::lua::config {

struct SandboxLimits {
  std::size_t memory_bytes = std::size_t{64} << 20;
  std::uint64_t instructions = 10'000'000;
  // CPU time of the calling thread, checked with the instruction count: library functions
  // (table.insert shifting, table.sort) work in C, unseen by the count.
  double cpu_seconds = 5.0;
};

// Runs `code` (text only; binary chunks are refused) with a fresh table as its globals and
// returns that table: the names the chunk assigned. The chunk may read the base functions that
// cannot reach outside the state (no dofile/loadfile/load/require/collectgarbage/print) and the
// string, table, math and utf8 libraries (string.dump removed; pattern functions refuse work
// beyond a bound, since a C function runs unseen by the instruction count).
// `path` names the chunk in messages ("/r/.luacheckrc:3: attempt to index a nil value").
Result<LuaValue> run_sandboxed(std::string_view code, const std::string& path,
                               const SandboxLimits& limits = {});

}  // namespace moonring::lua::config
