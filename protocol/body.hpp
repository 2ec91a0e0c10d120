// A message body: bytes in one heap block with simdjson's padding readable after them and a
// reference count before them, so views into it stay valid when the body moves, the JSON parser
// can read it in place, and sharing it (SharedBody) costs no second allocation.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>
#include <string_view>
#include <utility>

namespace moonring::protocol {

inline constexpr std::size_t kJsonPadding = 64;  // >= SIMDJSON_PADDING

// The one owner of a body's bytes, which it may change (decoders unescape strings in place).
class Body {
 public:
  Body() = default;
  // `size` bytes, uninitialised; the padding after them is zeroed.
  explicit Body(std::size_t size) : data_(allocate(size)), size_(size) {
    std::memset(data_ + size, 0, kJsonPadding);
  }
  static Body copy_of(std::string_view text) {
    Body b(text.size());
    if (!text.empty()) std::memcpy(b.data(), text.data(), text.size());
    return b;
  }
  Body(Body&& other) noexcept
      : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)) {}
  Body& operator=(Body&& other) noexcept {
    if (this != &other) {
      release();
      data_ = std::exchange(other.data_, nullptr);
      size_ = std::exchange(other.size_, 0);
    }
    return *this;
  }
  Body(const Body&) = delete;
  Body& operator=(const Body&) = delete;
  ~Body() { release(); }

  char* data() { return data_; }
  const char* data() const { return data_; }
  std::size_t size() const { return size_; }
  std::size_t padded_size() const { return size_ + kJsonPadding; }
  std::string_view view() const { return {data_, size_}; }
  bool empty() const { return size_ == 0; }

 private:
  friend class SharedBody;
  // The count lives in the block's first bytes; the bytes start kHeader after it (aligned).
  static constexpr std::size_t kHeader = 16;
  using Count = std::atomic<uint32_t>;

  static char* allocate(std::size_t size) {
    char* block = static_cast<char*>(::operator new(kHeader + size + kJsonPadding));
    new (block) Count(1);
    return block + kHeader;
  }
  Count& count() const { return *std::launder(reinterpret_cast<Count*>(data_ - kHeader)); }
  void release() {
    if (data_ == nullptr) return;
    Count& c = count();
    // The last owner skips the atomic write: nobody else can reach the count to raise it.
    if (c.load(std::memory_order_acquire) == 1 || c.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      c.~Count();
      ::operator delete(data_ - kHeader);
    }
    data_ = nullptr;
  }

  char* data_ = nullptr;
  std::size_t size_ = 0;
};

// A body shared, read-only, by the messages decoded from it; copies count references in the
// body's own block. Like std::shared_ptr<const Body>: `->`, `*`, comparable with nullptr.
class SharedBody {
 public:
  SharedBody() = default;
  SharedBody(std::nullptr_t) {}  // NOLINT: as a null shared_ptr
  explicit SharedBody(Body&& body) : body_(std::move(body)) {}
  SharedBody(const SharedBody& other) { *this = other; }
  SharedBody& operator=(const SharedBody& other) {
    if (this != &other) {
      body_.release();
      if (other.body_.data_ != nullptr) {
        other.body_.count().fetch_add(1, std::memory_order_relaxed);
        body_.data_ = other.body_.data_;
        body_.size_ = other.body_.size_;
      }
    }
    return *this;
  }
  SharedBody(SharedBody&&) noexcept = default;
  SharedBody& operator=(SharedBody&&) noexcept = default;

  const Body* get() const { return body_.data_ != nullptr ? &body_ : nullptr; }
  const Body* operator->() const { return &body_; }
  const Body& operator*() const { return body_; }
  explicit operator bool() const { return body_.data_ != nullptr; }
  // The same block (as shared_ptr compares its pointers).
  bool operator==(const SharedBody& other) const { return body_.data_ == other.body_.data_; }
  bool operator==(std::nullptr_t) const { return body_.data_ == nullptr; }

  // The decoders' one mutable access: unescaping in place, while the body is not yet shared.
  Body& unshared() { return body_; }

 private:
  Body body_;
};

}  // namespace moonring::protocol
