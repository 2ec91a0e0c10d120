#!/bin/sh
# Stands in for a test whose tool was not found when CMake configured the tree: says what is
# missing, then fails under MOONRING_REQUIRE_TOOLS=1 (scripts/test.sh) or exits 77, which CTest
# reports as skipped (SKIP_RETURN_CODE 77), so the test never passes unseen.
# usage: missing_tool.sh WHAT
echo "missing: $1 (scripts/install-deps.sh installs it)"
[ "${MOONRING_REQUIRE_TOOLS:-}" = 1 ] && exit 1
exit 77
