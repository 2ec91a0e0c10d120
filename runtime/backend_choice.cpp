// Reading the backend choice (see backend_choice.hpp).
#include "runtime/backend_choice.hpp"

#include <cstdlib>
#include <string>
#include <string_view>
#include <system_error>

namespace moonring {

Result<BackendKind> chosen_backend(BackendKind configured) {
  if (configured != BackendKind::automatic) return configured;
  const char* env = std::getenv("MOONRING_BACKEND");
  if (env == nullptr || *env == '\0') return BackendKind::automatic;
  std::string_view v(env);
  if (v == "asio") return BackendKind::asio;
  if (v == "io_uring" || v == "uring") return BackendKind::io_uring;
  if (v == "auto") return BackendKind::automatic;
  return Error{std::make_error_code(std::errc::invalid_argument),
               "MOONRING_BACKEND=" + std::string(v) + " (expected io_uring, asio or auto)"};
}

}  // namespace moonring
