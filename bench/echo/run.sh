#!/usr/bin/env bash
# Echo bench driver: runs every echo server under echo_load (framed and raw, 1 and 2 cores),
# prints a summary table and, last, the `bench echo: ...` line. See bench/README.md.
#
# usage: bench/echo/run.sh [BUILD_DIR]      (default build-release)
# env:   RUNS (5), DURATION (3 s), WARMUP (0.5 s), CONNECTIONS (64), DEPTH (16)
set -euo pipefail

BUILD=${1:-build-release}
RUNS=${RUNS:-5}
DURATION=${DURATION:-3}
WARMUP=${WARMUP:-0.5}
CONNECTIONS=${CONNECTIONS:-64}
DEPTH=${DEPTH:-16}
BIN="$BUILD/bench/echo"

die() {
  echo "bench echo: FAILED: $*" >&2
  exit 1
}

for tool in echo_load asio_echo_server raw_uring_echo_server echo_frame_scan_check; do
  [[ -x "$BIN/$tool" ]] || die "$BIN/$tool not found; build with -DMOONRING_BENCH=ON first"
done
if [[ "$(nproc)" -lt 2 ]]; then die "needs at least 2 CPUs (server and load generator pinned apart)"; fi
if ! grep -q '^CMAKE_BUILD_TYPE:STRING=Release$' "$BUILD/CMakeCache.txt" 2>/dev/null; then
  echo "bench echo: warning: $BUILD is not a Release build; figures will not be representative" >&2
fi
"$BIN/echo_frame_scan_check" >/dev/null || die "echo_frame_scan_check"

# name|binary|MOONRING_BACKEND. Our runtime's server is optional until it exists: n/a in the report.
SERVERS=()
if [[ -x "$BIN/moonring_echo_server" ]]; then
  SERVERS+=("uring|moonring_echo_server|io_uring" "asio_backend|moonring_echo_server|asio")
else
  echo "bench echo: $BIN/moonring_echo_server not built yet; its figures will be n/a" >&2
fi
SERVERS+=("asio_plain|asio_echo_server|" "raw_uring|raw_uring_echo_server|")

WORK=$(mktemp -d)
SERVER_PID=""
cleanup() {
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -KILL "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# free_port
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"

# Everything is bounded: the generator stops by itself, `timeout` is the backstop.
LOAD_LIMIT=$((${DURATION%.*} + ${WARMUP%.*} + 20))

# run_one MODE CONFIG SERVER_SPEC RUN: one server start, one load run, one result line.
run_one() {
  local mode=$1 config=$2 spec=$3 run=$4
  local name binary backend
  IFS='|' read -r name binary backend <<<"$spec"
  local server_cpus load_cpus threads
  if [[ "$config" == 1core ]]; then
    server_cpus=0 load_cpus=1 threads=1
  else
    server_cpus=0,1 load_cpus=0,1 threads=2
  fi
  local port out="$WORK/server.out" err="$WORK/server.err"
  port=$(free_port)
  : >"$out"
  env ${backend:+MOONRING_BACKEND=$backend} taskset -c "$server_cpus" "$BIN/$binary" \
    --port "$port" --threads "$threads" --mode "$mode" >"$out" 2>"$err" &
  SERVER_PID=$!
  local waited=0
  until grep -qx ready "$out"; do
    kill -0 "$SERVER_PID" 2>/dev/null || die "$name exited before ready: $(cat "$err")"
    ((waited++ < 500)) || die "$name not ready after 10 s"
    sleep 0.02
  done

  local line rc=0
  line=$(timeout "$LOAD_LIMIT" taskset -c "$load_cpus" "$BIN/echo_load" --port "$port" \
    --connections "$CONNECTIONS" --depth "$DEPTH" --duration "$DURATION" --warmup "$WARMUP" \
    --mode "$mode" --threads "$threads" --server-pid "$SERVER_PID" 2>"$WORK/load.err") || rc=$?
  [[ $rc -eq 0 ]] || die "$name $mode $config run $run: echo_load exit $rc: $line $(cat "$WORK/load.err")"

  kill -TERM "$SERVER_PID"
  waited=0
  while kill -0 "$SERVER_PID" 2>/dev/null && ((waited++ < 250)); do sleep 0.02; done
  if kill -0 "$SERVER_PID" 2>/dev/null; then die "$name did not stop within 5 s of SIGTERM"; fi
  rc=0
  wait "$SERVER_PID" || rc=$?
  SERVER_PID=""
  [[ $rc -eq 0 ]] || die "$name exited with status $rc after SIGTERM: $(cat "$err")"

  echo "$mode $config $name $run $line" >>"$WORK/results"
  printf '%-6s %-5s run %d/%d %-12s %s\n' "$mode" "$config" "$run" "$RUNS" "$name" "$line"
}

echo "bench echo: connections=$CONNECTIONS depth=$DEPTH duration=${DURATION}s warmup=${WARMUP}s runs=$RUNS"
: >"$WORK/results"
for mode in framed raw; do
  for config in 1core 2core; do
    # Servers take turns within each run so slow drifts of the machine hit all of them alike.
    for run in $(seq "$RUNS"); do
      for spec in "${SERVERS[@]}"; do run_one "$mode" "$config" "$spec" "$run"; done
    done
  done
done

python3 - "$WORK/results" <<'PY'
import statistics
import sys

SERVERS = ["uring", "asio_backend", "asio_plain", "raw_uring"]
LABELS = {"uring": "moonring io_uring", "asio_backend": "moonring asio",
          "asio_plain": "plain asio", "raw_uring": "raw uring"}

runs = {}
with open(sys.argv[1]) as results:
    for line in results:
        mode, config, server, _run, *fields = line.split()
        values = dict(field.split("=", 1) for field in fields)
        runs.setdefault((mode, config, server), []).append(values)

def median(key, mode, config, server):
    rows = runs.get((mode, config, server))
    if not rows:
        return None
    try:
        return statistics.median(float(row[key]) for row in rows)
    except (KeyError, ValueError):
        return None

def show(value, digits=0):
    return "n/a" if value is None else f"{value:.{digits}f}"

print()
print(f"{'mode':6} {'cores':5} {'server':18} {'rps median':>11} {'rps min-max':>19} "
      f"{'p50 us':>8} {'p99 us':>8} {'srv us/req':>10} {'gen util':>8} {'other':>6}")
for mode in ("framed", "raw"):
    for config in ("1core", "2core"):
        for server in SERVERS:
            rows = runs.get((mode, config, server))
            if not rows:
                print(f"{mode:6} {config:5} {LABELS[server]:18} {'n/a':>11}")
                continue
            rps = [float(row["rps"]) for row in rows]
            print(f"{mode:6} {config:5} {LABELS[server]:18} {statistics.median(rps):11.0f} "
                  f"{f'{min(rps):.0f}-{max(rps):.0f}':>19} "
                  f"{show(median('p50_us', mode, config, server), 1):>8} "
                  f"{show(median('p99_us', mode, config, server), 1):>8} "
                  f"{show(median('server_us_per_req', mode, config, server), 3):>10} "
                  f"{show(median('cpu_util', mode, config, server), 2):>8} "
                  f"{show(median('other_util', mode, config, server), 2):>6}")

# Busy CPU outside the server and the generator, in cores: other processes disturbing the runs.
noisy = [float(row["other_util"]) for rows in runs.values() for row in rows
         if row.get("other_util", "n/a") != "n/a" and float(row["other_util"]) > 0.1]
if noisy:
    print(f"\nwarning: {len(noisy)} runs shared the CPUs with other work (other up to "
          f"{max(noisy):.2f} cores); rerun on a quiet machine for reliable figures")

def rps(config, server):
    return median("rps", "framed", config, server)

def ratio(a, b):
    return "n/a" if a is None or b is None or b == 0 else f"{a / b:.2f}"

print()
print("bench echo: "
      f"rps_uring={show(rps('1core', 'uring'))} "
      f"rps_asio_backend={show(rps('1core', 'asio_backend'))} "
      f"rps_asio_plain={show(rps('1core', 'asio_plain'))} "
      f"rps_raw_uring={show(rps('1core', 'raw_uring'))} "
      f"ratio_1core={ratio(rps('1core', 'uring'), rps('1core', 'asio_plain'))} "
      f"ratio_2core={ratio(rps('2core', 'uring'), rps('2core', 'asio_plain'))} "
      f"vs_raw_uring={ratio(rps('1core', 'uring'), rps('1core', 'raw_uring'))} "
      f"vs_raw_uring_2core={ratio(rps('2core', 'uring'), rps('2core', 'raw_uring'))}")
PY
