// app/malloc_tuning: when `moonring` re-executes itself with GLIBC_TUNABLES, and that the
// re-executed image puts the user's environment back (tests/node/dap_launch.test.mjs checks
// the whole path: a debuggee launched by a re-executed adapter sees the user's value).
#include <catch2/catch.hpp>

#include <cstdlib>
#include <string>

#include "app/malloc_tuning.hpp"

using moonring::app::kMallocTunables;
using moonring::app::malloc_reexec_plan;
using moonring::app::restore_after_malloc_reexec;

TEST_CASE("malloc tuning: the plan") {
  SECTION("no GLIBC_TUNABLES: ours, and the marker says it was unset") {
    auto plan = malloc_reexec_plan(nullptr, nullptr, nullptr, false);
    REQUIRE(plan);
    CHECK(plan->tunables == kMallocTunables);
    CHECK(plan->marker.empty());
  }
  SECTION("the user's other tunables come first and are kept in the marker") {
    auto plan = malloc_reexec_plan("glibc.malloc.arena_max=2", nullptr, nullptr, false);
    REQUIRE(plan);
    CHECK(plan->tunables == std::string("glibc.malloc.arena_max=2:") + kMallocTunables);
    CHECK(plan->marker == "=glibc.malloc.arena_max=2");
  }
  SECTION("set but empty: the marker keeps it set") {
    auto plan = malloc_reexec_plan("", nullptr, nullptr, false);
    REQUIRE(plan);
    CHECK(plan->tunables == kMallocTunables);
    CHECK(plan->marker == "=");
  }
  SECTION("no re-exec") {
    CHECK_FALSE(malloc_reexec_plan(nullptr, nullptr, "", false));  // already re-executed
    CHECK_FALSE(malloc_reexec_plan(nullptr, "off", nullptr, false));
    CHECK_FALSE(malloc_reexec_plan("glibc.malloc.hugetlb=0", nullptr, nullptr, false));
    CHECK_FALSE(malloc_reexec_plan("glibc.malloc.top_pad=0", nullptr, nullptr, false));
    CHECK_FALSE(malloc_reexec_plan("glibc.malloc.mmap_threshold=0", nullptr, nullptr, false));
    CHECK_FALSE(malloc_reexec_plan(nullptr, nullptr, nullptr, true));  // a sanitizer's malloc
  }
  SECTION("a sanitizer build re-executes when asked to (the tests do)") {
    CHECK(malloc_reexec_plan(nullptr, "on", nullptr, true));
  }
}

TEST_CASE("malloc tuning: the re-executed image restores the user's environment") {
  setenv("GLIBC_TUNABLES", "glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1", 1);
  setenv("MOONRING_MALLOC_TUNED", "=glibc.malloc.arena_max=2", 1);
  CHECK(restore_after_malloc_reexec());
  CHECK(std::string(std::getenv("GLIBC_TUNABLES")) == "glibc.malloc.arena_max=2");
  CHECK(std::getenv("MOONRING_MALLOC_TUNED") == nullptr);

  setenv("GLIBC_TUNABLES", kMallocTunables, 1);
  setenv("MOONRING_MALLOC_TUNED", "", 1);
  CHECK(restore_after_malloc_reexec());
  CHECK(std::getenv("GLIBC_TUNABLES") == nullptr);

  CHECK_FALSE(restore_after_malloc_reexec());  // not re-executed: nothing touched
  CHECK(std::getenv("GLIBC_TUNABLES") == nullptr);
}
