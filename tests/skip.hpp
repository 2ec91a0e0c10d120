// Skipping a test case honestly: a test that cannot run says so, instead of passing unseen.
#pragma once

#include <string_view>

namespace moonring::test {

// The exit code of a test executable in which a test case was skipped and none failed; CTest
// reports it as "Skipped" (SKIP_RETURN_CODE, set by moonring_test() and moonring_unit_test()).
inline constexpr int kSkipExitCode = 77;

// A tool or data set that scripts/install-deps.sh installs is missing (`what` names it and the
// package). The test case ends here. Under MOONRING_REQUIRE_TOOLS=1, which scripts/test.sh sets,
// that is a failure: the test command must run every test. Otherwise it is a skip, so a developer
// without the tool sees the test as skipped, never as passed. Call as `return missing_tool(...);`.
void missing_tool(std::string_view what);

// A condition of this machine that no install step provides (a kernel limit, a privilege):
// always a skip. The test case ends here. Call as `return skip_because(...);`.
void skip_because(std::string_view why);

// Whether a test case of this run was skipped (catch_main.cpp turns that into kSkipExitCode).
bool any_skipped();

}  // namespace moonring::test
