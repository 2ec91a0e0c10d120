#!/usr/bin/env bash
# check bench driver: `moonring check` against luacheck (Debian's lua-check) on two real Lua
# codebases, the NSE corpus (nmap-common's *.lua and *.nse, .nse copied as .lua) and Prosody, in one
# run; and against LuaLS (`lua-language-server --check`) when LUALS_BIN points at a build
# (../shared/ANCHORS.md says how to build one). Wall time and peak RSS of each, medians of RUNS runs,
# and moonring with --jobs 1 against --jobs 2 on the NSE corpus. The last line reads
# `bench check: seconds=… rss_mb=… vs_luacheck=… vs_luals=… scaling_2core=…` (NSE corpus; each
# ratio is the anchor's wall time over ours; vs_luals only when LUALS_BIN is set).
#
# usage: bench/check/run.sh [BUILD_DIR]      (default build-release)
# env:   RUNS (5), LUALS_BIN (unset)
set -euo pipefail

BUILD=$(cd "${1:-build-release}" && pwd)
RUNS=${RUNS:-5}
MOONRING="$BUILD/app/moonring"

die() {
  echo "bench check: FAILED: $*" >&2
  exit 1
}

[[ -x "$MOONRING" ]] || die "$MOONRING not found; build first"
command -v luacheck >/dev/null || die "luacheck not found (scripts/install-deps.sh installs lua-check)"
[[ -d /usr/share/nmap/nselib ]] || die "nmap-common is not installed (scripts/install-deps.sh)"
[[ -d /usr/lib/prosody ]] || die "prosody is not installed (scripts/install-deps.sh)"
if ! grep -q '^CMAKE_BUILD_TYPE:STRING=Release$' "$BUILD/CMakeCache.txt" 2>/dev/null; then
  echo "bench check: warning: $BUILD is not a Release build; figures will not be representative" >&2
fi
if [[ -n "${LUALS_BIN:-}" && ! -x "$LUALS_BIN" ]]; then
  die "LUALS_BIN=$LUALS_BIN is not an executable"
fi

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
# The NSE corpus as ANCHORS.md defines it: every *.lua and *.nse under /usr/share/nmap, .nse as .lua.
(cd /usr/share/nmap && find . -type f \( -name '*.lua' -o -name '*.nse' \) -print0) |
  while IFS= read -r -d '' f; do
    dest="$WORK/nse/${f%.nse}"
    [[ $f == *.nse ]] && dest+=".lua"
    mkdir -p "$(dirname "$dest")" && cp "/usr/share/nmap/$f" "$dest"
  done

exec python3 - "$MOONRING" "$WORK" "$RUNS" "${LUALS_BIN:-}" <<'PY'
import os, statistics, subprocess, sys, time

moonring, work, runs, luals = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
corpora = {"nse": os.path.join(work, "nse"), "prosody": "/usr/lib/prosody"}

def measure(argv, cwd=None):
    """Wall seconds and peak RSS (MB) of one run of argv, its output discarded."""
    start = time.monotonic()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=cwd)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.monotonic() - start
    stderr = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    code = os.waitstatus_to_exitcode(status)
    return seconds, usage.ru_maxrss / 1024.0, code, stderr

def contenders(corpus, path):
    yield "moonring", [moonring, "check", path, "--format", "text"], {0, 1}
    if corpus == "nse":
        yield "moonring_jobs1", [moonring, "check", path, "--format", "text", "--jobs", "1"], {0, 1}
        yield "moonring_jobs2", [moonring, "check", path, "--format", "text", "--jobs", "2"], {0, 1}
    # luacheck as a team runs it: the whole tree, no cache, its own defaults.
    yield "luacheck", ["luacheck", "--no-cache", "--formatter", "plain", "--no-color", path], {0, 1, 2}
    if luals:
        logdir = os.path.join(work, "luals-log")
        yield "luals", [luals, f"--check={path}", f"--logpath={logdir}"], {0, 1}

def record(corpus, name, argv, ok_codes):
    seconds, rss, code, stderr = measure(argv)
    if code not in ok_codes:
        sys.exit(f"bench check: FAILED: {' '.join(argv)} exited {code}:\n{stderr[-2000:]}")
    results.setdefault((corpus, name), []).append((seconds, rss))

# moonring's variants run in rounds, one run of each per round, so that a slow spell on the shared
# machine falls on all of them alike (--jobs 1 against --jobs 2 above all); a run lasts tens of
# milliseconds, so they get three times RUNS rounds, which steadies their medians. The anchors,
# seconds per run, come after.
results = {}
for corpus, path in corpora.items():
    ours = [c for c in contenders(corpus, path) if c[0].startswith("moonring")]
    for _ in range(3 * runs):
        for name, argv, ok_codes in ours:
            record(corpus, name, argv, ok_codes)
    for name, argv, ok_codes in contenders(corpus, path):
        if not name.startswith("moonring"):
            for _ in range(runs if name != "luals" else max(1, min(runs, 5))):
                record(corpus, name, argv, ok_codes)

def med(corpus, name, i):
    rows = results.get((corpus, name))
    return statistics.median(r[i] for r in rows) if rows else None

print(f"{'corpus':8} {'tool':15} {'median s':>9} {'min-max s':>15} {'peak RSS MB':>12} {'anchor/ours':>12}")
for (corpus, name), rows in results.items():
    secs = [r[0] for r in rows]
    ours = med(corpus, "moonring", 0)
    ratio = f"{med(corpus, name, 0) / ours:.1f}" if not name.startswith("moonring") else ""
    print(f"{corpus:8} {name:15} {statistics.median(secs):9.3f} "
          f"{f'{min(secs):.3f}-{max(secs):.3f}':>15} {med(corpus, name, 1):12.1f} {ratio:>12}")

ours = med("nse", "moonring", 0)
line = (f"bench check: seconds={ours:.3f} rss_mb={med('nse', 'moonring', 1):.1f} "
        f"vs_luacheck={med('nse', 'luacheck', 0) / ours:.1f}")
if luals:
    line += f" vs_luals={med('nse', 'luals', 0) / ours:.1f}"
line += f" scaling_2core={med('nse', 'moonring_jobs1', 0) / med('nse', 'moonring_jobs2', 0):.2f}"
print()
print(line)
PY
