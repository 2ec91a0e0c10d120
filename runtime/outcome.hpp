// Outcome<T>: how a task ended: with a value, with an exception, or not yet.
#pragma once

#include <exception>
#include <optional>
#include <type_traits>
#include <utility>

namespace moonring {

template <typename T>
class Outcome {
 public:
  bool has_value() const { return value_.has_value() || exception_ != nullptr; }
  template <typename U>
  void set_value(U&& v) {
    value_.emplace(std::forward<U>(v));
  }
  void set_exception(std::exception_ptr e) { exception_ = std::move(e); }
  std::exception_ptr exception() const { return exception_; }
  T take() && {
    if (exception_) std::rethrow_exception(exception_);
    return std::move(*value_);
  }

 private:
  std::optional<T> value_;
  std::exception_ptr exception_;
};

template <>
class Outcome<void> {
 public:
  bool has_value() const { return done_ || exception_ != nullptr; }
  void set_value() { done_ = true; }
  void set_exception(std::exception_ptr e) { exception_ = std::move(e); }
  std::exception_ptr exception() const { return exception_; }
  void take() && {
    if (exception_) std::rethrow_exception(exception_);
  }

 private:
  bool done_ = false;
  std::exception_ptr exception_;
};

}  // namespace moonring
