// duplicate-key: the same constant key twice in one table constructor. Keys compared: names
// (`a = 1`), strings (`["a"] = 1`, equal to the name a), numbers with integer values (`[1]`,
// `[1.0]`, `[0x1]`, and positional fields, which take the keys 1, 2, 3, ...), other floats,
// true and false. A multi-value last positional field (a call or `...`) has no fixed keys.
// Reported on every repetition after the first, at its key.
#include <algorithm>
#include <cmath>
#include <cstring>

#include "lang/lua/check/rules.hpp"

namespace moonring::lua::rules {

namespace {

enum class KeyType : std::uint8_t { Integer, Float, String, Boolean };

struct Key {
  KeyType type;
  std::int64_t integer;   // Integer, Boolean; Float: the bits of the double
  std::string_view text;  // String
  std::uint32_t order;    // field position in the constructor
  NodeId at;              // what to underline: the key, or a positional field's value
};

bool same_key(const Key& a, const Key& b) {
  return a.type == b.type && a.integer == b.integer && a.text == b.text;
}

bool key_less(const Key& a, const Key& b) {
  if (a.type != b.type) return a.type < b.type;
  if (a.integer != b.integer) return a.integer < b.integer;
  if (a.text != b.text) return a.text < b.text;
  return a.order < b.order;
}

// The constant key of a bracketed key expression, if it has one.
bool constant_key(const Tree& t, NodeId e, Key& key) {
  switch (t.kind(e)) {
    case NodeKind::String:
      key.type = KeyType::String;
      key.text = t.string_value(e);
      return true;
    case NodeKind::True:
    case NodeKind::False:
      key.type = KeyType::Boolean;
      key.integer = t.kind(e) == NodeKind::True;
      return true;
    case NodeKind::Number: {
      NumberValue v = t.number_value(e);
      if (v.kind == NumberKind::Integer) {
        key.type = KeyType::Integer;
        key.integer = v.integer;
        return true;
      }
      if (v.kind != NumberKind::Float || std::isnan(v.real)) return false;  // cdata keys: identity
      // A float with an integer value is the same key as that integer (in every version).
      if (v.real >= -9223372036854775808.0 && v.real < 9223372036854775808.0 &&
          std::floor(v.real) == v.real) {
        key.type = KeyType::Integer;
        key.integer = static_cast<std::int64_t>(v.real);
        return true;
      }
      key.type = KeyType::Float;
      std::memcpy(&key.integer, &v.real, sizeof key.integer);
      return true;
    }
    default:
      return false;
  }
}

bool is_multi_value(const Tree& t, NodeId e) {
  NodeKind k = t.kind(e);
  return k == NodeKind::Call || k == NodeKind::MethodCall || k == NodeKind::Vararg;
}

std::string describe(const Tree& t, const Key& key) {
  switch (key.type) {
    case KeyType::Integer:
      return std::to_string(key.integer);
    case KeyType::Boolean:
      return key.integer != 0 ? "true" : "false";
    case KeyType::String:
      return "'" + std::string(key.text) + "'";
    case KeyType::Float:
      return std::string(t.text(key.at));
  }
  return {};
}

}  // namespace

void duplicate_keys(const RuleContext& cx, std::span<const NodeId> tables) {
  if (!cx.enabled(DiagnosticCode::DuplicateKey)) return;
  const Tree& t = cx.tree;
  std::vector<Key> keys;
  for (const NodeId id : tables) {
    auto fields = t.table_fields(id);
    if (fields.size() < 2) continue;
    keys.clear();
    std::int64_t position = 0;
    for (std::uint32_t i = 0; i < fields.size(); ++i) {
      TableFieldView f = t.table_field(fields[i]);
      Key key{KeyType::Integer, 0, {}, i, kNoNode};
      switch (f.kind) {
        case FieldKind::Named:
          if (f.key == kNoNode || t.kind(f.key) != NodeKind::Name) continue;
          key.type = KeyType::String;
          key.text = t.name_text(f.key);
          key.at = f.key;
          break;
        case FieldKind::Bracketed:
          if (f.key == kNoNode || !constant_key(t, f.key, key)) continue;
          key.at = f.key;
          break;
        case FieldKind::Positional:
          ++position;
          if (f.value == kNoNode || (i + 1 == fields.size() && is_multi_value(t, f.value)))
            continue;
          key.integer = position;
          key.at = f.value;
          break;
      }
      keys.push_back(key);
    }
    std::sort(keys.begin(), keys.end(), key_less);
    for (std::size_t i = 1; i < keys.size(); ++i) {
      if (!same_key(keys[i], keys[i - 1])) continue;
      std::size_t first = i - 1;
      while (first > 0 && same_key(keys[first - 1], keys[i])) --first;
      std::string message = "duplicate key " + describe(t, keys[i]) +
                            " in table constructor (first on line " +
                            std::to_string(cx.line(t.range(keys[first].at).start)) + ")";
      cx.report(DiagnosticCode::DuplicateKey, t.range(keys[i].at), std::move(message),
                t.range(keys[first].at), "the first " + describe(t, keys[first]) + " key");
    }
  }
}

}  // namespace moonring::lua::rules
