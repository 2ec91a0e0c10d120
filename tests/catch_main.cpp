// The one Catch2 main shared by every test executable, and the skips of tests/skip.hpp.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <atomic>
#include <cstdlib>
#include <string>

#include "tests/skip.hpp"

namespace moonring::test {
namespace {

std::atomic<bool> skipped{false};

bool tools_required() {
  const char* v = std::getenv("MOONRING_REQUIRE_TOOLS");
  return v != nullptr && std::string_view(v) == "1";
}

}  // namespace

void missing_tool(std::string_view what) {
  if (tools_required()) {
    FAIL("missing: " << what
                     << " (MOONRING_REQUIRE_TOOLS=1: scripts/install-deps.sh should have installed "
                        "it)");
  }
  skip_because("missing: " + std::string(what) + " (scripts/install-deps.sh installs it)");
}

void skip_because(std::string_view why) {
  skipped = true;
  // WARN shows in Catch2's output and in CTest's log; the exit code carries the skip to CTest.
  WARN("SKIPPED: " << why);
}

bool any_skipped() {
  return skipped;
}

}  // namespace moonring::test

int main(int argc, char* argv[]) {
  int failures = Catch::Session().run(argc, argv);
  // Catch2 exits with the number of failed assertions: 77 of them must not read as a skip.
  if (failures != 0) return failures == moonring::test::kSkipExitCode ? 1 : failures;
  return moonring::test::any_skipped() ? moonring::test::kSkipExitCode : 0;
}
