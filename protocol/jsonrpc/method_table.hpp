// A small table from method names to handlers, looked up once per message: open addressing in a
// power-of-two array (no division, no node to chase), the hash stored beside each name so a miss
// rarely compares a string. Entries never move once the table stops growing, so pointers to
// values stay valid while nothing is added.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace moonring::jsonrpc {

// A word-at-a-time hash: method names are short ASCII paths ("textDocument/hover").
inline uint64_t method_hash(std::string_view s) {
  constexpr uint64_t kMultiplier = 0x9E3779B97F4A7C15u;  // 2^64 / golden ratio
  uint64_t h = s.size() * kMultiplier;
  std::size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, s.data() + i, sizeof w);
    h = (h ^ w) * kMultiplier;
    h ^= h >> 29;
  }
  uint64_t tail = 0;  // the last 0-7 bytes, without a variable-length copy
  for (std::size_t shift = 0; i < s.size(); ++i, shift += 8) {
    tail |= uint64_t{static_cast<unsigned char>(s[i])} << shift;
  }
  h = (h ^ tail) * kMultiplier;
  return h ^ (h >> 32);
}

template <typename Value>
class MethodTable {
 public:
  // Adds or replaces. Values live in their own heap cells, so growing the table moves no value.
  Value& set(std::string name, Value value) {
    if (Value* old = find(name)) return *old = std::move(value);
    if ((count_ + 1) * 2 > slots_.size()) grow();
    const uint64_t h = method_hash(name);
    Slot& slot = slots_[probe(h, name)];
    slot = Slot{h, std::move(name), std::make_unique<Value>(std::move(value))};
    ++count_;
    return *slot.value;
  }

  Value* find(std::string_view name) const {
    if (slots_.empty()) return nullptr;
    const Slot& slot = slots_[probe(method_hash(name), name)];
    return slot.value ? slot.value.get() : nullptr;
  }

 private:
  struct Slot {
    uint64_t hash = 0;
    std::string name;
    std::unique_ptr<Value> value;  // null: empty
  };

  // The slot holding `name`, or the empty slot where it would go.
  std::size_t probe(uint64_t h, std::string_view name) const {
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = h & mask;; i = (i + 1) & mask) {
      const Slot& slot = slots_[i];
      if (!slot.value || (slot.hash == h && slot.name == name)) return i;
    }
  }

  void grow() {
    std::vector<Slot> old = std::move(slots_);
    slots_ = std::vector<Slot>(old.empty() ? 16 : old.size() * 2);
    for (Slot& slot : old) {
      if (slot.value) slots_[probe(slot.hash, slot.name)] = std::move(slot);
    }
  }

  std::vector<Slot> slots_;
  std::size_t count_ = 0;
};

}  // namespace moonring::jsonrpc
