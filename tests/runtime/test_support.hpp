// Helpers for runtime tests: a runtime per test on the backend that MOONRING_BACKEND chose.
#pragma once

#include <catch2/catch.hpp>

#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "runtime/runtime.hpp"

// Await a Result-returning operation and fail the test with its message when it is an error.
// Never put co_await inside Catch2's own macros: GCC 12 evaluates the macro's dead
// `false && (expr)` operand when expr contains co_await, so the operation would run twice.
#define REQUIRE_AWAIT_OK(expr)                                            \
  do {                                                                    \
    auto moonring_result_ = co_await (expr);                              \
    if (!moonring_result_.ok()) FAIL(moonring_result_.error().message()); \
  } while (0)

namespace moonring::test {

inline std::unique_ptr<Runtime> start_runtime(unsigned cores = 1, RuntimeConfig config = {}) {
  config.cores = cores;
  config.shutdown_grace = std::chrono::milliseconds(2000);
  auto rt = Runtime::start(config);
  if (!rt) FAIL("runtime did not start: " << rt.error().message());
  return std::move(*rt);
}

// Spans over text, for I/O calls.
inline std::span<const std::byte> bytes(std::string_view s) {
  return std::as_bytes(std::span<const char>(s.data(), s.size()));
}
inline std::string text(std::span<const std::byte> b) {
  return std::string(reinterpret_cast<const char*>(b.data()), b.size());
}

}  // namespace moonring::test
