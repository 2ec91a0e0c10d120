// A message body: bytes owned in one heap block with simdjson's padding readable after them, so
// views into it stay valid when the body moves and the JSON parser can read it in place.
#pragma once

#include <cstddef>
#include <cstring>
#include <memory>
#include <string_view>

namespace moonring::protocol {

inline constexpr std::size_t kJsonPadding = 64;  // >= SIMDJSON_PADDING

class Body {
 public:
  Body() = default;
  explicit Body(std::size_t size)
      : data_(std::make_unique_for_overwrite<char[]>(size + kJsonPadding)), size_(size) {
    std::memset(data_.get() + size, 0, kJsonPadding);
  }
  static Body copy_of(std::string_view text) {
    Body b(text.size());
    if (!text.empty()) std::memcpy(b.data(), text.data(), text.size());
    return b;
  }

  char* data() { return data_.get(); }
  const char* data() const { return data_.get(); }
  std::size_t size() const { return size_; }
  std::size_t padded_size() const { return size_ + kJsonPadding; }
  std::string_view view() const { return {data_.get(), size_}; }
  bool empty() const { return size_ == 0; }

 private:
  std::unique_ptr<char[]> data_;
  std::size_t size_ = 0;
};

}  // namespace moonring::protocol
