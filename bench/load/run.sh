#!/usr/bin/env bash
# bench/load/run.sh BUILD_DIR [RUNS]: builds the two trees in a temporary folder (removed at exit)
# and runs the loader bench, warm cache. Small tree: every *.lua and *.nse of /usr/share/nmap
# (nmap-common), .nse renamed .lua, copied 128 times (~96,000 files, ~1 GB). Large: 50 generated
# Lua files of 5-10 MB. Last line:
# `bench load: gb_per_s=... vs_read=... ... vs_read_nthreads=... ceiling_share=...`.
set -euo pipefail
BUILD=${1:?usage: bench/load/run.sh BUILD_DIR [RUNS]}
RUNS=${2:-5}
BIN=$BUILD/bench/load/load_bench
[[ -x $BIN ]] || { echo "no $BIN: build the load_bench target (Release) first" >&2; exit 1; }
NMAP=/usr/share/nmap
[[ -d $NMAP ]] || { echo "no $NMAP: install nmap-common (scripts/install-deps.sh)" >&2; exit 1; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/moonring-load-XXXXXX")
trap 'rm -rf "$WORK"' EXIT

start=$(date +%s.%N)
mkdir -p "$WORK/base" "$WORK/small"
(cd "$NMAP" && find . -type f \( -name '*.lua' -o -name '*.nse' \)) | while read -r f; do
  dest="$WORK/base/${f%.nse}"
  [[ $f == *.nse ]] && dest="$dest.lua"
  mkdir -p "$(dirname "$dest")"
  cp "$NMAP/$f" "$dest"
done
for i in $(seq -w 1 128); do cp -r "$WORK/base" "$WORK/small/copy$i"; done
"$BIN" --make-large "$WORK/large"
# The new trees are 1.4 GB of dirty pages that the kernel would write back ~30 s after they were
# written, in the middle of the runs: the flusher then takes a CPU from the two-thread loader
# while the one-thread anchors have a CPU to spare. Written back now, before anything is timed.
sync -f "$WORK"
printf 'trees built in %.1f s under %s\n' "$(echo "$(date +%s.%N) - $start" | bc)" "$WORK"
echo "cold cache: skipped (dropping the page cache needs root on the host and would disturb other work)"

"$BIN" --small "$WORK/small" --large "$WORK/large" --runs "$RUNS"
