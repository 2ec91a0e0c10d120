// Framed messages waiting to be written (see outbox.hpp).
#include "protocol/outbox.hpp"

#include <charconv>
#include <cstring>

#include "protocol/framing.hpp"

namespace moonring::protocol {
namespace {

constexpr std::string_view kName = "Content-Length: ";
constexpr std::string_view kEnd = "\r\n\r\n";
// Digits reserved for an open frame's length: replies of 100-999 bytes (the usual small ones) need
// no move; others move their body once by the difference.
constexpr std::size_t kReserved = 3;
constexpr std::string_view kHeader = "Content-Length: 000\r\n\r\n";
static_assert(kHeader.size() == kName.size() + kReserved + kEnd.size());

}  // namespace

void Outbox::send(std::string_view body) {
  append_frame(open_ ? held_ : bytes_, body);
}

std::string& Outbox::open_frame() {
  open_ = true;
  frame_at_ = bytes_.size();
  bytes_.append(kHeader);
  body_at_ = bytes_.size();
  return bytes_;
}

std::size_t Outbox::frame_body_size() const {
  return open_ ? bytes_.size() - body_at_ : 0;
}

void Outbox::drop_frame() {
  if (!open_) return;
  open_ = false;
  bytes_.resize(frame_at_);
  if (!held_.empty()) {
    bytes_ += held_;
    held_.clear();
  }
}

void Outbox::close_frame() {
  if (!open_) return;
  open_ = false;
  char digits[24];
  const auto number = std::to_chars(digits, digits + sizeof digits, bytes_.size() - body_at_);
  const auto count = static_cast<std::size_t>(number.ptr - digits);
  const std::size_t digits_at = frame_at_ + kName.size();
  if (count != kReserved) {
    // Make room for `count` digits: the body (and the blank line before it) moves.
    const std::size_t tail_at = digits_at + kReserved;
    const std::size_t tail = bytes_.size() - tail_at;
    if (count > kReserved) bytes_.resize(bytes_.size() + (count - kReserved));
    std::memmove(bytes_.data() + digits_at + count, bytes_.data() + tail_at, tail);
    if (count < kReserved) bytes_.resize(bytes_.size() - (kReserved - count));
  }
  for (std::size_t i = 0; i < count; ++i) bytes_[digits_at + i] = digits[i];
  if (!held_.empty()) {
    bytes_ += held_;
    held_.clear();
  }
}

void Outbox::take(std::string& out) {
  if (!open_) {
    out.clear();
    out.swap(bytes_);
    return;
  }
  out.assign(bytes_, 0, frame_at_);
  bytes_.erase(0, frame_at_);
  body_at_ -= frame_at_;
  frame_at_ = 0;
}

}  // namespace moonring::protocol
