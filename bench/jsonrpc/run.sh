#!/usr/bin/env bash
# jsonrpc bench driver: `moonring jsonrpc-echo` (typed handlers: params read into values, replies
# written from them) against an echo server on vscode-jsonrpc (Node: JSON.parse, JSON.stringify),
# both loaded by jsonrpc_load with the same LSP-shaped messages over stdio pipes and over TCP;
# then the in-memory pipeline bench (if built). Prints a table and, last, the `bench jsonrpc: ...`
# line. See bench/README.md.
#
# usage: bench/jsonrpc/run.sh [BUILD_DIR]      (default build-release)
# env:   RUNS (5), DURATION (3 s), WARMUP (0.5 s), DEPTH (64),
#        MESSAGES ("hover didchange_hover completion diagnostics"), TRANSPORTS ("stdio tcp")
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$(cd "${1:-build-release}" && pwd)
RUNS=${RUNS:-5}
DURATION=${DURATION:-3}
WARMUP=${WARMUP:-0.5}
DEPTH=${DEPTH:-64}
MESSAGES=${MESSAGES:-hover didchange_hover completion diagnostics}
TRANSPORTS=${TRANSPORTS:-stdio tcp}
LOAD="$BUILD/bench/jsonrpc/jsonrpc_load"
PIPELINE="$BUILD/bench/jsonrpc/pipeline_bench"
MOONRING="$BUILD/app/moonring"

die() {
  echo "bench jsonrpc: FAILED: $*" >&2
  exit 1
}

[[ -x "$LOAD" ]] || die "$LOAD not found; build with -DMOONRING_BENCH=ON first"
command -v node >/dev/null || die "node not found (scripts/install-deps.sh installs it)"
"$ROOT/scripts/node-deps.sh" || die "could not install the Node packages"
if ! grep -q '^CMAKE_BUILD_TYPE:STRING=Release$' "$BUILD/CMakeCache.txt" 2>/dev/null; then
  echo "bench jsonrpc: warning: $BUILD is not a Release build; figures will not be representative" >&2
fi

# The load client gets the last CPU, servers the others (all of them on a 1-CPU machine).
CPUS=$(nproc)
# Commands are space-separated words below (paths with spaces are not supported).
if ((CPUS >= 2)) && command -v taskset >/dev/null; then
  LOAD_PIN="taskset -c $((CPUS - 1))"
  SERVER_PIN="taskset -c 0-$((CPUS - 2))"
else
  LOAD_PIN="" SERVER_PIN=""
  echo "bench jsonrpc: warning: client and server share the CPUs" >&2
fi

WORK=$(mktemp -d)
SERVER_PID=""
cleanup() {
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -KILL "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# name|command (without its transport flag). moonring's echo is optional until it exists.
SERVERS=()
probe='{"jsonrpc":"2.0","id":1,"method":"textDocument/hover","params":{"textDocument":{"uri":"file:///a.lua"},"position":{"line":0,"character":0}}}'
if [[ -x "$MOONRING" ]] &&
  printf 'Content-Length: %d\r\n\r\n%s' "${#probe}" "$probe" |
  timeout 5 "$MOONRING" jsonrpc-echo --stdio 2>/dev/null | grep -q '"result"'; then
  SERVERS+=("moonring|$MOONRING jsonrpc-echo")
else
  echo "bench jsonrpc: $MOONRING jsonrpc-echo not available; its figures will be n/a" >&2
fi
SERVERS+=("vscode_jsonrpc|node $ROOT/bench/jsonrpc/node_echo_server.mjs")

# free_port
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"

# Stops a TCP server that has not exited by itself (within 0.2 s) once its connection closed.
stop_server() {
  local waited=0
  while kill -0 "$SERVER_PID" 2>/dev/null && ((waited++ < 10)); do sleep 0.02; done
  kill -TERM "$SERVER_PID" 2>/dev/null || true
  waited=0
  while kill -0 "$SERVER_PID" 2>/dev/null && ((waited++ < 100)); do sleep 0.02; done
  kill -KILL "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}

LOAD_LIMIT=$((${DURATION%.*} + ${WARMUP%.*} + 30))
FAILURES=0

# run_one MESSAGE TRANSPORT SERVER_SPEC RUN: one server start, one load run, one result line.
run_one() {
  local message=$1 transport=$2 spec=$3 run=$4
  local name command
  IFS='|' read -r name command <<<"$spec"
  local args=(--depth "$DEPTH" --duration "$DURATION" --warmup "$WARMUP" --message "$message")
  local line rc=0
  # shellcheck disable=SC2086 # $LOAD_PIN, $SERVER_PIN and $command are words to split
  if [[ "$transport" == stdio ]]; then
    line=$(timeout "$LOAD_LIMIT" $LOAD_PIN "$LOAD" --spawn "$SERVER_PIN $command --stdio" \
      --server-stderr "$WORK/server.err" "${args[@]}" 2>"$WORK/load.err") || rc=$?
  else
    local port
    port=$(free_port)
    $SERVER_PIN $command "--listen=127.0.0.1:$port" >/dev/null 2>"$WORK/server.err" &
    SERVER_PID=$!
    line=$(timeout "$LOAD_LIMIT" $LOAD_PIN "$LOAD" --connect "127.0.0.1:$port" \
      --server-pid "$SERVER_PID" "${args[@]}" 2>"$WORK/load.err") || rc=$?
    stop_server
  fi
  if [[ $rc -ne 0 ]]; then
    FAILURES=$((FAILURES + 1))
    echo "bench jsonrpc: $name $message $transport run $run failed (exit $rc): $line" \
      "$(head -c 600 "$WORK/load.err") $(tail -c 600 "$WORK/server.err")" >&2
    line="failed=1"
  fi
  echo "$message $transport $name $run $line" >>"$WORK/results"
  printf '%-16s %-5s run %d/%d %-15s %s\n' "$message" "$transport" "$run" "$RUNS" "$name" "$line"
}

echo "bench jsonrpc: depth=$DEPTH duration=${DURATION}s warmup=${WARMUP}s runs=$RUNS" \
  "client=${LOAD_PIN:-unpinned} server=${SERVER_PIN:-unpinned}"
: >"$WORK/results"
# Servers, transports and messages take turns within each run, so drifts hit all alike.
for run in $(seq "$RUNS"); do
  for message in $MESSAGES; do
    for transport in $TRANSPORTS; do
      for spec in "${SERVERS[@]}"; do run_one "$message" "$transport" "$spec" "$run"; done
    done
  done
done

# The in-memory pipeline (framing, parsing, dispatch, serialisation) against raw simdjson.
PIPELINE_LINE=""
if [[ -x "$PIPELINE" ]]; then
  PIPELINE_LINE=$("$PIPELINE" | grep 'ratio=' | tail -1) || {
    FAILURES=$((FAILURES + 1))
    echo "bench jsonrpc: pipeline_bench failed" >&2
  }
else
  echo "bench jsonrpc: $PIPELINE not built; vs_simdjson will be n/a" >&2
fi

python3 - "$WORK/results" "$PIPELINE_LINE" "$MESSAGES" "$TRANSPORTS" <<'PY'
import statistics
import sys

results, pipeline_line, messages, transports = sys.argv[1], sys.argv[2], sys.argv[3].split(), sys.argv[4].split()
SERVERS = ["moonring", "vscode_jsonrpc"]

runs = {}
with open(results) as lines:
    for line in lines:
        message, transport, server, _run, *fields = line.split()
        runs.setdefault((message, transport, server), []).append(
            dict(field.split("=", 1) for field in fields))

def good(key):
    return [row for row in runs.get(key, []) if "failed" not in row]

def median(key, field):
    values = [float(row[field]) for row in good(key) if row.get(field, "n/a") != "n/a"]
    return statistics.median(values) if values else None

def show(value, digits=0):
    return "n/a" if value is None else f"{value:.{digits}f}"

def ratio(a, b):
    return "n/a" if a is None or b is None or b == 0 else f"{a / b:.2f}"

print()
print(f"{'message':16} {'via':5} {'server':15} {'msgs/s':>9} {'min-max':>17} {'MB/s':>7} "
      f"{'p50 us':>8} {'p99 us':>9} {'client':>6} {'server':>6} {'other':>5} {'vs node':>7}")
for message in messages:
    for transport in transports:
        node = median((message, transport, "vscode_jsonrpc"), "msgs_per_s")
        for server in SERVERS:
            key = (message, transport, server)
            rows = good(key)
            failed = len(runs.get(key, [])) - len(rows)
            if not rows:
                note = f"failed {failed}/{len(runs[key])}" if key in runs else "n/a"
                print(f"{message:16} {transport:5} {server:15} {note:>9}")
                continue
            rates = [float(row["msgs_per_s"]) for row in rows]
            mine = statistics.median(rates)
            print(f"{message:16} {transport:5} {server:15} {mine:9.0f} "
                  f"{f'{min(rates):.0f}-{max(rates):.0f}':>17} "
                  f"{show(median(key, 'mb_per_s'), 1):>7} {show(median(key, 'p50_us'), 1):>8} "
                  f"{show(median(key, 'p99_us'), 1):>9} {show(median(key, 'cpu_util'), 2):>6} "
                  f"{show(median(key, 'server_cpu_util'), 2):>6} "
                  f"{show(median(key, 'other_util'), 2):>5} "
                  f"{ratio(mine, node) if server != 'vscode_jsonrpc' else '':>7}"
                  + (f"  ({failed} failed)" if failed else ""))
print("(client/server/other: CPU cores busy; didchange_hover counts a didChange+hover pair as one)")
print("(moonring: typed handlers, params read into values and replies written from them;"
      " vscode_jsonrpc: params parsed and serialised back)")

# Busy CPU outside the server and the client, in cores: other processes disturbing the runs.
noisy = [float(row["other_util"]) for rows in runs.values() for row in rows
         if row.get("other_util", "n/a") != "n/a" and float(row["other_util"]) > 0.1]
if noisy:
    print(f"warning: {len(noisy)} runs shared the CPUs with other work (other up to "
          f"{max(noisy):.2f} cores); rerun on a quiet machine for reliable figures")

vs_simdjson = "n/a"
if pipeline_line:
    print()
    print(f"pipeline: {pipeline_line}")
    fields = dict(f.split("=", 1) for f in pipeline_line.split() if "=" in f)
    vs_simdjson = fields.get("ratio", "n/a")

hover = median(("hover", "stdio", "moonring"), "msgs_per_s")
node_hover = median(("hover", "stdio", "vscode_jsonrpc"), "msgs_per_s")
print()
print(f"bench jsonrpc: msgs_per_s={show(hover)} vs_vscode_jsonrpc={ratio(hover, node_hover)} "
      f"vs_simdjson={vs_simdjson}")
PY
((FAILURES == 0)) || exit 1
