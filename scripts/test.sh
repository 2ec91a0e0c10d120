#!/usr/bin/env bash
# Every test: installs what is missing, builds a ThreadSanitizer tree (for the cross-core tests and
# the loader's) and an ASan+UBSan tree, then runs the whole suite through CTest, on both runtime
# backends.
# CTest's summary is the last thing printed.
#
# A test whose tool or data set is missing is a failure here (MOONRING_REQUIRE_TOOLS=1, see
# tests/skip.hpp): install-deps.sh has just installed them all, so a missing one means the install
# step is wrong, and the test command must not pass on tests that did not run. (Run by hand
# without it, such a test reports itself as skipped, never as passed.) Only skips that depend on
# the machine itself (a kernel limit, a privilege) stay skips; CTest lists them under its summary.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
scripts/node-deps.sh
jobs=$(nproc)

cmake -S . -B build-tsan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMOONRING_TSAN=ON \
  -DMOONRING_BENCH=OFF >/dev/null
cmake --build build-tsan --parallel "$jobs" --target runtime_test workspace_map_test

cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DMOONRING_SANITIZE=ON \
  -DMOONRING_TSAN_TREE="$PWD/build-tsan" >/dev/null
cmake --build build-asan --parallel "$jobs"

cd build-asan
export MOONRING_REQUIRE_TOOLS=1
# One test per CPU: many wait on sockets, child processes and node, and the serial run took 17
# minutes of CI's 30 on two CPUs (10.5 in parallel, all passing). The longest declare a COST, so
# they start first.
exec ctest --output-on-failure --timeout 600 --parallel "$jobs"
