// The code tables: moonring's codes and their LuaLS and luacheck counterparts (docs/lua.md has
// the same mapping as a table for users).
#include "lang/lua/config/codes.hpp"

#include <algorithm>
#include <array>

namespace moonring::lua::config {
namespace {

constexpr std::array<std::string_view, 11> kCodes = {
    "syntax-error",    "undefined-global", "unused-local",     "unused-arg",
    "unused-loop-var", "shadowing",        "unreachable-code", "assign-to-const",
    "goto-error",      "duplicate-key",    "redundant-value"};

struct LualsCode {
  std::string_view luals;
  std::string_view ours;
};
// LuaLS reports unused parameters and loop variables under no code of its own, so unused-local
// covers only unused-local.
constexpr std::array<LualsCode, 7> kLuals = {{
    {"undefined-global", "undefined-global"},
    {"unused-local", "unused-local"},
    {"redundant-value", "redundant-value"},
    {"unreachable-code", "unreachable-code"},
    {"code-after-break", "unreachable-code"},
    {"duplicate-index", "duplicate-key"},
    {"redefined-local", "shadowing"},
}};

// luacheck: 011 syntax error; 111/112/113 set/mutate/read an undefined global; 211/212/213 unused
// variable/argument/loop variable, 231/232/233 the same only assigned ("never accessed"); 41x
// redefined, 42x/43x shadowing; 511 unreachable code; 314 duplicate field in a table literal;
// 531 more values than variables.
struct LuacheckCodes {
  std::string_view ours;
  std::array<std::string_view, 9> luacheck;  // "" ends the list
};
constexpr std::array<LuacheckCodes, 9> kLuacheck = {{
    {"syntax-error", {"011"}},
    {"undefined-global", {"111", "112", "113"}},
    {"unused-local", {"211", "231"}},
    {"unused-arg", {"212", "232"}},
    {"unused-loop-var", {"213", "233"}},
    {"shadowing", {"411", "412", "413", "421", "422", "423", "431", "432", "433"}},
    {"unreachable-code", {"511"}},
    {"duplicate-key", {"314"}},
    {"redundant-value", {"531"}},
}};

}  // namespace

std::span<const std::string_view> moonring_codes() {
  return kCodes;
}

bool is_moonring_code(std::string_view code) {
  return std::find(kCodes.begin(), kCodes.end(), code) != kCodes.end();
}

std::vector<std::string_view> codes_for_luals(std::string_view luals_code) {
  if (is_moonring_code(luals_code)) return {luals_code};
  std::vector<std::string_view> out;
  for (const auto& c : kLuals) {
    if (c.luals == luals_code) out.push_back(c.ours);
  }
  return out;
}

std::span<const std::string_view> luacheck_codes_for(std::string_view moonring_code) {
  auto count = [](const std::array<std::string_view, 9>& codes) {
    std::size_t n = 0;
    while (n < codes.size() && !codes[n].empty()) ++n;
    return n;
  };
  for (const auto& c : kLuacheck) {
    if (c.ours == moonring_code) return {c.luacheck.data(), count(c.luacheck)};
  }
  return {};
}

}  // namespace moonring::lua::config
