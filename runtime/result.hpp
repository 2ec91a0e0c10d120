// Errors as values: Result<T> holds a value or an Error that says what failed and where.
#pragma once

#include <cerrno>
#include <string>
#include <system_error>
#include <utility>
#include <variant>

namespace moonring {

// An error code plus the context a person needs ("connect 127.0.0.1:4711").
struct Error {
  std::error_code code;
  std::string context;

  // "connect 127.0.0.1:4711: Connection refused"
  std::string message() const {
    if (context.empty()) return code.message();
    return context + ": " + code.message();
  }
};

inline Error errno_error(int err, std::string context) {
  return Error{std::error_code(err, std::system_category()), std::move(context)};
}

// Errors specific to the runtime that have no errno.
enum class RuntimeErrc { timed_out = 1, cancelled, shutting_down, closed };

const std::error_category& runtime_category() noexcept;
inline std::error_code make_error_code(RuntimeErrc e) noexcept {
  return {static_cast<int>(e), runtime_category()};
}
inline Error runtime_error(RuntimeErrc e, std::string context) {
  return Error{make_error_code(e), std::move(context)};
}

// True for both the kernel's ECANCELED and the runtime's own cancellation.
inline bool is_cancelled(const Error& e) {
  return e.code == std::errc::operation_canceled ||
         e.code == make_error_code(RuntimeErrc::cancelled);
}
inline bool is_timed_out(const Error& e) {
  return e.code == make_error_code(RuntimeErrc::timed_out);
}

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value)
      : state_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  Result(Error error) : state_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(state_); }
  const T& value() const& { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  T&& operator*() && { return std::move(*this).value(); }

  const Error& error() const { return std::get<1>(state_); }
  Error&& take_error() { return std::get<1>(std::move(state_)); }

 private:
  std::variant<T, Error> state_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), failed_(true) {}  // NOLINT: implicit by design

  bool ok() const { return !failed_; }
  explicit operator bool() const { return ok(); }
  void value() const {}
  const Error& error() const { return error_; }
  Error&& take_error() { return std::move(error_); }

 private:
  Error error_;
  bool failed_ = false;
};

}  // namespace moonring

template <>
struct std::is_error_code_enum<moonring::RuntimeErrc> : std::true_type {};
