#!/usr/bin/env bash
# Every test: installs what is missing, builds a ThreadSanitizer tree (for the cross-core tests)
# and an ASan+UBSan tree, then runs the whole suite through CTest, on both runtime backends.
# CTest's summary is the last thing printed.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
scripts/node-deps.sh
jobs=$(nproc)

cmake -S . -B build-tsan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMOONRING_TSAN=ON \
  -DMOONRING_BENCH=OFF >/dev/null
cmake --build build-tsan --parallel "$jobs" --target runtime_test

cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DMOONRING_SANITIZE=ON \
  -DMOONRING_TSAN_TREE="$PWD/build-tsan" >/dev/null
cmake --build build-asan --parallel "$jobs"

cd build-asan
exec ctest --output-on-failure --timeout 600
