#!/usr/bin/env bash
# dap bench driver: `moonring dap` debugging Lua 5.4 programs (bench/dap/client.mjs has the
# measurements); the anchor, plain lua5.4 on the same program, runs in the same run. Last line:
# `bench dap: overhead=… step_p50_ms=… step_p99_ms=… step_p99_tcp_ms=… pause_ms=…`.
#
# usage: bench/dap/run.sh [BUILD_DIR]      (default build-release)
# env:   RUNS (5), ROUNDS (3: the program's size), STEPS (200), PAUSES (20)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$(cd "${1:-build-release}" && pwd)
MOONRING="$BUILD/app/moonring"

die() {
  echo "bench dap: FAILED: $*" >&2
  exit 1
}

[[ -x "$MOONRING" ]] || die "$MOONRING not found; build the moonring target first"
command -v node >/dev/null || die "node not found (scripts/install-deps.sh installs it)"
LUA=$(command -v lua5.4) || die "lua5.4 not found (scripts/install-deps.sh installs it)"
"$ROOT/scripts/node-deps.sh" || die "could not install the Node packages"
if ! grep -q '^CMAKE_BUILD_TYPE:STRING=Release$' "$BUILD/CMakeCache.txt" 2>/dev/null; then
  echo "bench dap: warning: $BUILD is not a Release build; figures will not be representative" >&2
fi
echo "bench dap: $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
exec node "$ROOT/bench/dap/client.mjs" "$MOONRING" "$LUA"
