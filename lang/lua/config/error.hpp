// Errors reading a configuration file: a code for the kind, the context says which file and what.
#pragma once

#include <string>
#include <system_error>

#include "runtime/result.hpp"

namespace moonring::lua::config {

enum class ConfigErrc {
  invalid_json = 1,  // .luarc.json is not JSON (comments and trailing commas allowed)
  wrong_type,        // a known key has a value of the wrong type
  lua_error,         // .luacheckrc raised an error (syntax error included)
  limit_exceeded,    // .luacheckrc ran out of instructions or memory in the sandbox
};

const std::error_category& config_category() noexcept;
inline std::error_code make_error_code(ConfigErrc e) noexcept {
  return {static_cast<int>(e), config_category()};
}
// "/p/.luarc.json:3:7: ..." — `context` names the file and says what is wrong.
inline Error config_error(ConfigErrc e, std::string context) {
  return Error{make_error_code(e), std::move(context)};
}

}  // namespace moonring::lua::config

template <>
struct std::is_error_code_enum<moonring::lua::config::ConfigErrc> : std::true_type {};
