// The one place the choice of backend is read: RuntimeConfig::backend, overridden (when it is
// `automatic`) by the environment variable MOONRING_BACKEND=io_uring|asio|auto. The runtime's
// cores and the rings of other threads (FileBatch) both follow it.
#pragma once

#include "runtime/backend.hpp"
#include "runtime/result.hpp"

namespace moonring {

// `configured` when it is explicit; else what MOONRING_BACKEND says (`automatic` when unset or
// "auto"). An unknown value is an error naming it.
Result<BackendKind> chosen_backend(BackendKind configured = BackendKind::automatic);

}  // namespace moonring
