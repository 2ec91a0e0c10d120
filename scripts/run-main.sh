#!/usr/bin/env bash
# moonring's main job on a fresh machine: install what is missing, build a release, run it.
# Until the Lua checker exists, the main job is the echo benchmark of the runtime (bench/echo).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
cmake -S . -B build-release -G Ninja -DCMAKE_BUILD_TYPE=Release -DMOONRING_TESTS=OFF >/dev/null
cmake --build build-release --parallel "$(nproc)"
exec bench/echo/run.sh build-release
