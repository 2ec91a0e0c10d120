// The malloc re-exec (see malloc_tuning.hpp).
#include "app/malloc_tuning.hpp"

#include <unistd.h>

#include <cstdlib>
#include <string>
#include <string_view>

namespace moonring::app {
namespace {

constexpr const char* kMarker = "MOONRING_MALLOC_TUNED";

constexpr bool kSanitized =
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
    true;
#else
    false;
#endif

}  // namespace

std::optional<MallocReexec> malloc_reexec_plan(const char* glibc_tunables, const char* tuning,
                                               const char* marker, bool sanitized) {
  if (marker != nullptr) return std::nullopt;  // this is the re-executed image
  const std::string_view t = tuning ? tuning : "";
  if (t == "off") return std::nullopt;
  if (sanitized && t != "on") return std::nullopt;
  const std::string_view user = glibc_tunables ? glibc_tunables : "";
  for (std::string_view ours :
       {"glibc.malloc.hugetlb", "glibc.malloc.top_pad", "glibc.malloc.mmap_threshold"})
    if (user.find(ours) != std::string_view::npos) return std::nullopt;
  MallocReexec plan;
  plan.tunables =
      user.empty() ? std::string(kMallocTunables) : std::string(user) + ":" + kMallocTunables;
  if (glibc_tunables != nullptr) plan.marker = "=" + std::string(user);
  return plan;
}

bool restore_after_malloc_reexec() {
  const char* marker = std::getenv(kMarker);
  if (marker == nullptr) return false;
  if (marker[0] == '=') {
    const std::string user = marker + 1;
    setenv("GLIBC_TUNABLES", user.c_str(), 1);
  } else {
    unsetenv("GLIBC_TUNABLES");
  }
  unsetenv(kMarker);
  return true;
}

void tune_malloc(char** argv) {
  const char* user = std::getenv("GLIBC_TUNABLES");
  const std::optional<MallocReexec> plan = malloc_reexec_plan(
      user, std::getenv("MOONRING_MALLOC_TUNING"), std::getenv(kMarker), kSanitized);
  if (!plan) {
    restore_after_malloc_reexec();
    return;
  }
  setenv(kMarker, plan->marker.c_str(), 1);
  setenv("GLIBC_TUNABLES", plan->tunables.c_str(), 1);
  execv("/proc/self/exe", argv);
  // No /proc (a bare chroot): on as before, untuned, with the environment put back as the
  // re-executed image would have put it.
  restore_after_malloc_reexec();
}

}  // namespace moonring::app
