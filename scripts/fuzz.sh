#!/usr/bin/env bash
# Fuzzes the protocol codec, the Lua parser, the workspace's text parsers (file: URIs,
# .gitignore) and the debug agent's framing: builds the libFuzzer targets (tests/fuzz/) with clang in build-fuzz/, then runs
# each for SECONDS (default 30) on a copy of its seed corpus in a temporary directory, so the
# repository's corpus is never written. Exits 1 if any target crashes;
# the input that did it is kept in build-fuzz/fuzz-artifacts/.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-30}
targets=(frame_fuzz jsonrpc_fuzz dap_fuzz lua_parse_fuzz workspace_fuzz agent_wire_fuzz)

CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DMOONRING_FUZZ=ON -DMOONRING_TESTS=OFF -DMOONRING_BENCH=OFF >/dev/null
cmake --build build-fuzz --parallel "$(nproc)" --target "${targets[@]}"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
artifacts=$PWD/build-fuzz/fuzz-artifacts
mkdir -p "$artifacts"

status=0
for target in "${targets[@]}"; do
  binary=$(find "$PWD/build-fuzz" -type f -name "$target" -perm -u+x | head -n 1)
  cp -r "tests/fuzz/corpus/$target" "$work/$target"
  echo "fuzz $target: ${seconds}s"
  if (cd "$work" && "$binary" "$work/$target" -max_total_time="$seconds" -timeout=10 \
        -artifact_prefix="$artifacts/$target-" -print_final_stats=1 >"$work/$target.log" 2>&1); then
    grep -E '^stat::(number_of_executed_units|new_units_added)' "$work/$target.log" || true
  else
    status=1
    tail -n 60 "$work/$target.log"
    echo "fuzz $target: FAILED (artifacts in $artifacts)"
  fi
done
exit "$status"
