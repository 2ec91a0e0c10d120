// Decoding values out of the sandbox. The encoding, produced by trusted Lua code:
// value -> "s" LEN ":" BYTES | "n" NUMBER ";" | "b1" | "b0" | "x" | "t" {value value} "}"
#include "lang/lua/config/lua_value.hpp"

#include <algorithm>
#include <cstdlib>

namespace moonring::lua::config {

const LuaValue* LuaValue::get(std::string_view key) const {
  for (const LuaEntry& e : entries) {
    if (e.key.type == Type::String && e.key.string == key) return &e.value;
  }
  return nullptr;
}

std::vector<const LuaValue*> LuaValue::array() const {
  std::vector<const LuaEntry*> numbered;
  for (const LuaEntry& e : entries) {
    if (e.key.type == Type::Number) numbered.push_back(&e);
  }
  std::sort(numbered.begin(), numbered.end(),
            [](const LuaEntry* a, const LuaEntry* b) { return a->key.number < b->key.number; });
  std::vector<const LuaValue*> out;
  double next = 1;
  for (const LuaEntry* e : numbered) {
    if (e->key.number < next) continue;
    if (e->key.number > next || e->value.type == Type::Nil) break;
    out.push_back(&e->value);
    ++next;
  }
  return out;
}

std::vector<const LuaEntry*> LuaValue::string_keyed() const {
  std::vector<const LuaEntry*> out;
  for (const LuaEntry& e : entries) {
    if (e.key.type == Type::String) out.push_back(&e);
  }
  std::sort(out.begin(), out.end(),
            [](const LuaEntry* a, const LuaEntry* b) { return a->key.string < b->key.string; });
  return out;
}

std::string_view LuaValue::type_name() const {
  switch (type) {
    case Type::Nil:
      return "nil";
    case Type::Boolean:
      return "boolean";
    case Type::Number:
      return "number";
    case Type::String:
      return "string";
    case Type::Table:
      return "table";
    case Type::Other:
      return "function or userdata";
  }
  return "?";
}

namespace {

struct Decoder {
  std::string_view in;
  std::size_t pos = 0;

  bool value(LuaValue& out, int depth) {
    if (pos >= in.size() || depth > 64) return false;
    char tag = in[pos++];
    switch (tag) {
      case 's': {
        std::size_t colon = in.find(':', pos);
        if (colon == std::string_view::npos) return false;
        std::size_t len = 0;
        for (std::size_t i = pos; i < colon; ++i) {
          if (in[i] < '0' || in[i] > '9') return false;
          len = len * 10 + static_cast<std::size_t>(in[i] - '0');
        }
        if (colon + 1 + len > in.size()) return false;
        out.type = LuaValue::Type::String;
        out.string = std::string(in.substr(colon + 1, len));
        pos = colon + 1 + len;
        return true;
      }
      case 'n': {
        std::size_t semi = in.find(';', pos);
        if (semi == std::string_view::npos) return false;
        std::string text(in.substr(pos, semi - pos));
        char* end = nullptr;
        out.type = LuaValue::Type::Number;
        out.number = std::strtod(text.c_str(), &end);
        pos = semi + 1;
        return end != text.c_str();
      }
      case 'b':
        if (pos >= in.size()) return false;
        out.type = LuaValue::Type::Boolean;
        out.boolean = in[pos++] == '1';
        return true;
      case 'x':
        out.type = LuaValue::Type::Other;
        return true;
      case 't':
        out.type = LuaValue::Type::Table;
        while (pos < in.size() && in[pos] != '}') {
          LuaEntry e;
          if (!value(e.key, depth + 1) || !value(e.value, depth + 1)) return false;
          out.entries.push_back(std::move(e));
        }
        if (pos >= in.size()) return false;
        ++pos;
        return true;
      default:
        return false;
    }
  }
};

}  // namespace

std::optional<LuaValue> decode_lua_value(std::string_view encoded) {
  Decoder d{encoded};
  LuaValue v;
  if (!d.value(v, 0) || d.pos != encoded.size()) return std::nullopt;
  return v;
}

}  // namespace moonring::lua::config
