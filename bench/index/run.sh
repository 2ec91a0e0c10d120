#!/usr/bin/env bash
# index bench driver: `moonring index` on the NSE workspace (nselib at the root, scripts/*.nse as
# scripts/*.lua, as bench/lsp builds it) and on NSE replicated to 1 GB (bench/lsp's tree under
# BIG_DIR, built here the same way when absent): wall time, peak RSS of the child (GNU time -v),
# SCIP size. LuaLS's `--check` on the NSE workspace in the same run when LUALS_BIN is set (LuaLS
# has no SCIP indexer; its check is the nearest whole-workspace analysis). The language server's
# cold and warm start come from bench/index/start.mjs when present. The last line reads
# `bench index: seconds_nse=… seconds_1gb=… rss_1gb_mb=… scip_mb_1gb=… cold_ready_ms=…
#  warm_ready_ms=…` (n/a where a part did not run). Targets: 1 GB under 10 s on 2 cores, peak
# RSS under 1 GB.
#
# usage: bench/index/run.sh [BUILD_DIR]      (default build-release)
# env:   RUNS (3), BIG (1: 0 skips the 1 GB phase), BIG_DIR (${TMPDIR:-/tmp}/moonring-bench-lsp-1gb),
#        COPIES (128), LUALS_BIN (unset)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$(cd "${1:-$ROOT/build-release}" && pwd)
MOONRING="$BUILD/app/moonring"
RUNS=${RUNS:-3}
BIG=${BIG:-1}
BIG_DIR=${BIG_DIR:-${TMPDIR:-/tmp}/moonring-bench-lsp-1gb}
COPIES=${COPIES:-128}
NMAP=/usr/share/nmap

die() {
  echo "bench index: FAILED: $*" >&2
  exit 1
}
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"

[[ -x "$MOONRING" ]] || die "$MOONRING not found; build first"
[[ -d "$NMAP/nselib" ]] || die "nmap-common is not installed"
[[ -x /usr/bin/time ]] || die "/usr/bin/time (GNU time) is needed for peak RSS"
if [[ -n "${LUALS_BIN:-}" && ! -x "$LUALS_BIN" ]]; then
  die "LUALS_BIN=$LUALS_BIN is not an executable"
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/moonring-bench-index-XXXXXX")
trap 'rm -rf "$WORK"' EXIT

make_nse "$WORK/nse"

[[ $BIG == 1 ]] && make_big index "$WORK/nse" "$BIG_DIR" "$COPIES"

# Every file of DIR read once, so that a timed run starts with the tree in the page cache: this
# machine's memory reclaim (kdamond) evicts cached files some minutes after their last use (reading
# the 1 GB tree back then took 10 s), and a run that reads from disk measures the disk. The
# previous output goes too: each run writes a new file.
warm_tree() {
  find "$1" -type f -print0 | xargs -0 cat >/dev/null
}

# One timed run: "seconds rss_mb scip_mb" of `moonring index DIR`, on a warm tree.
index_once() {
  local dir=$1 out=$2 log="$WORK/time.log"
  warm_tree "$dir"
  rm -f "$out"
  /usr/bin/time -v -o "$log" "$MOONRING" index "$dir" -o "$out" 2>"$WORK/index.err" ||
    die "moonring index $dir: $(tail -3 "$WORK/index.err")"
  local wall rss
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$log" |
    awk -F: '{ if (NF == 3) print $1*3600 + $2*60 + $3; else print $1*60 + $2 }')
  rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2 / 1024}' "$log")
  # CPU seconds too: on a shared machine the wall time says more about the neighbours.
  awk -F': ' -v d="$dir" '/User time/ {u = $2} /System time/ {s = $2}
    END { printf "bench index: %s: cpu %.2f s (user %.2f, sys %.2f)\n", d, u + s, u, s }' "$log" >&2
  echo "$wall $rss $(awk -v b="$(stat -c %s "$out")" 'BEGIN { printf "%.1f", b / 1e6 }')"
}

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

# Median of RUNS runs of each field.
measure() {
  local dir=$1 runs=$2 name=$3 i
  : >"$WORK/$name.runs"
  for i in $(seq 1 "$runs"); do index_once "$dir" "$WORK/$name.scip" >>"$WORK/$name.runs"; done
  echo "$(awk '{print $1}' "$WORK/$name.runs" | median) $(awk '{print $2}' "$WORK/$name.runs" | median) $(awk '{print $3}' "$WORK/$name.runs" | median)"
}

read -r nse_s nse_rss nse_mb < <(measure "$WORK/nse" "$RUNS" nse)
echo "bench index: NSE ($(du -sm "$WORK/nse" | cut -f1) MB): ${nse_s} s, peak RSS ${nse_rss} MB, SCIP ${nse_mb} MB" >&2
tail -1 "$WORK/index.err" >&2

big_s=n/a big_rss=n/a big_mb=n/a
if [[ $BIG == 1 ]]; then
  read -r big_s big_rss big_mb < <(measure "$BIG_DIR" 1 big)
  echo "bench index: 1 GB ($(du -sm "$BIG_DIR" | cut -f1) MB): ${big_s} s, peak RSS ${big_rss} MB, SCIP ${big_mb} MB" >&2
  tail -1 "$WORK/index.err" >&2
fi

if [[ -n "${LUALS_BIN:-}" ]]; then
  warm_tree "$WORK/nse"
  /usr/bin/time -v -o "$WORK/luals.time" "$LUALS_BIN" --check "$WORK/nse" >/dev/null 2>&1 || true
  echo "bench index: LuaLS --check on NSE: $(awk -F': ' '/Elapsed/ {print $2}' "$WORK/luals.time"), peak RSS $(awk -F': ' '/Maximum resident/ {printf "%.0f", $2 / 1024}' "$WORK/luals.time") MB" >&2
fi

cold=n/a warm=n/a
if [[ -f "$ROOT/bench/index/start.mjs" ]]; then
  line=$(node "$ROOT/bench/index/start.mjs" --moonring "$MOONRING" --nse "$WORK/nse" | tail -1)
  cold=$(sed -n 's/.*cold_ready_ms=\([^ ]*\).*/\1/p' <<<"$line")
  warm=$(sed -n 's/.*warm_ready_ms=\([^ ]*\).*/\1/p' <<<"$line")
fi

echo "bench index: seconds_nse=$nse_s seconds_1gb=$big_s rss_1gb_mb=$big_rss scip_mb_1gb=$big_mb cold_ready_ms=${cold:-n/a} warm_ready_ms=${warm:-n/a}"
