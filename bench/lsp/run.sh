#!/usr/bin/env bash
# lsp bench driver: `moonring lsp` (and LuaLS when LUALS_BIN points at a build, docs/ANCHORS.md) as
# an editor drives it over stdio with vscode-jsonrpc, on the NSE workspace (nmap-common's nselib at
# the root, its scripts as scripts/*.lua: 749 files, 8 MB) and on that workspace copied 128 times
# (~96,000 files, 1 GB, kept and reused: BIG_DIR). Time to every file's diagnostics, peak RSS,
# p50/p99 of hover, definition, references and completion, didChange -> diagnostics, and on 1 GB
# time to ready, peak RSS and hover while the workspace is still analysed. See bench/README.md.
# The last line reads `bench lsp: ready_s=… rss_mb=… hover_p99_ms=… definition_p99_ms=…
# completion_p99_ms=… references_p99_ms=… change_diag_ms=… ready_1gb_s=… rss_1gb_mb=…
# hover_busy_p99_ms=…`.
#
# usage: bench/lsp/run.sh [BUILD_DIR]      (default build-release)
# env:   RUNS (3), RUNS_1GB (1), BIG (1: 0 skips the 1 GB phase), BIG_DIR
#        (${TMPDIR:-/tmp}/moonring-bench-lsp-1gb), COPIES (128), LUALS_BIN (unset), LUALS_1GB (0),
#        LOGDIR (unset: the servers' stderr is not kept), VERBOSE (1: log the wait for readiness),
#        and bench.mjs's POSITIONS, SEED, FILES, CHANGES, REQUEST_LIMIT_MS, READY_LIMIT_S,
#        READY_LIMIT_1GB_S, QUIET_MS, BUSY_INTERVAL_MS; HOVER_TRACE=path writes each busy hover
#        (sent at in ms since the epoch, latency, files published by then), to line up with the
#        server's MOONRING_TRACE_STALLS=path (lang/lua/services/lua_service_trace.hpp)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$(cd "${1:-build-release}" && pwd)
MOONRING="$BUILD/app/moonring"
NMAP=/usr/share/nmap
BIG=${BIG:-1}
BIG_DIR=${BIG_DIR:-${TMPDIR:-/tmp}/moonring-bench-lsp-1gb}
COPIES=${COPIES:-128}

die() {
  echo "bench lsp: FAILED: $*" >&2
  exit 1
}
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"

[[ -x "$MOONRING" ]] || die "$MOONRING not found; build the moonring target first"
command -v node >/dev/null || die "node not found (scripts/install-deps.sh installs it)"
"$ROOT/scripts/node-deps.sh" >/dev/null || die "could not install the Node packages"
[[ -d $NMAP/nselib ]] || die "nmap-common is not installed (scripts/install-deps.sh)"
if ! grep -q '^CMAKE_BUILD_TYPE:STRING=Release$' "$BUILD/CMakeCache.txt" 2>/dev/null; then
  echo "bench lsp: warning: $BUILD is not a Release build; figures will not be representative" >&2
fi
if [[ -n "${LUALS_BIN:-}" && ! -x "$LUALS_BIN" ]]; then
  die "LUALS_BIN=$LUALS_BIN is not an executable"
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/moonring-bench-lsp-XXXXXX")
trap 'rm -rf "$WORK"' EXIT

make_nse "$WORK/nse"

[[ $BIG == 1 ]] && make_big lsp "$WORK/nse" "$BIG_DIR" "$COPIES"

# The servers' stderr (and LuaLS's logs) go to LOGDIR when set, kept; otherwise into WORK.
LOGDIR=${LOGDIR:-$WORK}
mkdir -p "$LOGDIR"
args=(--moonring "$MOONRING" --nse "$WORK/nse" --logdir "$LOGDIR")
[[ $BIG == 1 ]] && args+=(--big "$BIG_DIR")
[[ -n "${LUALS_BIN:-}" ]] && args+=(--luals "$LUALS_BIN")
# Cold starts: the persistent index (docs/cache.md) would turn every run after the first into a
# warm start; bench/index/start.mjs measures warm starts on their own.
export MOONRING_CACHE=off
# Not exec: the trap removes WORK when node is done.
node "$ROOT/bench/lsp/bench.mjs" "${args[@]}"
