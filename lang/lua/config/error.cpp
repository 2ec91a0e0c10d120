// The configuration error category.
#include "lang/lua/config/error.hpp"

namespace moonring::lua::config {
namespace {

class Category : public std::error_category {
 public:
  const char* name() const noexcept override { return "moonring.lua.config"; }
  std::string message(int code) const override {
    switch (static_cast<ConfigErrc>(code)) {
      case ConfigErrc::invalid_json:
        return "invalid JSON";
      case ConfigErrc::wrong_type:
        return "wrong type of value";
      case ConfigErrc::lua_error:
        return "error in Lua configuration";
      case ConfigErrc::limit_exceeded:
        return "sandbox limit exceeded";
    }
    return "configuration error";
  }
};

}  // namespace

const std::error_category& config_category() noexcept {
  static const Category category;
  return category;
}

}  // namespace moonring::lua::config
