// A Lua value copied out of the sandbox: nil, boolean, number, string or a table of them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace moonring::lua::config {

struct LuaEntry;

struct LuaValue {
  enum class Type : std::uint8_t { Nil, Boolean, Number, String, Table, Other };
  Type type = Type::Nil;
  bool boolean = false;
  double number = 0;
  std::string string;
  std::vector<LuaEntry> entries;  // a table's pairs with string or number keys

  bool is_string() const { return type == Type::String; }
  bool is_table() const { return type == Type::Table; }
  bool is_boolean() const { return type == Type::Boolean; }
  // The value under a string key, or nullptr.
  const LuaValue* get(std::string_view key) const;
  // The values under the keys 1, 2, 3, ... in order (the array part as ipairs sees it).
  std::vector<const LuaValue*> array() const;
  // The entries whose keys are strings, sorted by key.
  std::vector<const LuaEntry*> string_keyed() const;
  std::string_view type_name() const;
};

struct LuaEntry {
  LuaValue key;
  LuaValue value;
};

// Decodes the sandbox's serialisation (see sandbox.cpp); nullopt when it is malformed.
std::optional<LuaValue> decode_lua_value(std::string_view encoded);

}  // namespace moonring::lua::config
