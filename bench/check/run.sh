#!/usr/bin/env bash
# check bench driver: `moonring check` against luacheck (Debian's lua-check) on two real Lua
# codebases, the NSE corpus (nmap-common's *.lua and *.nse, .nse copied as .lua) and Prosody, in one
# run; and against LuaLS (`lua-language-server --check`) when LUALS_BIN points at a build
# (docs/ANCHORS.md says how to build one). Wall time and peak RSS of each, medians of RUNS runs,
# and moonring with --jobs 1 against --jobs 2 on the NSE corpus; moonring --jobs 1 against luacheck
# with both confined to CPU 0 (taskset -c 0); and moonring alone on an adversarial corpus that
# gen_adversarial.py writes (one 4 MB line; 160,000 locals in one scope; 20 MB of small
# functions), whose rate in MB/s must stay at least half the NSE corpus's (luacheck takes minutes
# on a tenth of it, so it is not timed there). kinds=M/N: of the N distinct luacheck codes luacheck
# reports on the NSE corpus (--codes), the M that moonring reports too (its codes mapped to
# luacheck's). The last line reads
# `bench check: seconds=… rss_mb=… vs_luacheck=… vs_luacheck_1cpu=… vs_luals=… scaling_2core=…
#  nse_mb_per_s=… adversarial_mb_per_s=… kinds=M/N` (NSE corpus unless named; each vs_ ratio is
# the anchor's wall time over ours; vs_luals only when LUALS_BIN is set).
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
# The NSE corpus as docs/ANCHORS.md defines it: every *.lua and *.nse under /usr/share/nmap, .nse as .lua.
(cd /usr/share/nmap && find . -type f \( -name '*.lua' -o -name '*.nse' \) -print0) |
  while IFS= read -r -d '' f; do
    dest="$WORK/nse/${f%.nse}"
    [[ $f == *.nse ]] && dest+=".lua"
    mkdir -p "$(dirname "$dest")" && cp "/usr/share/nmap/$f" "$dest"
  done

command -v taskset >/dev/null || die "taskset not found (util-linux)"
python3 "$(dirname "$0")/gen_adversarial.py" "$WORK/adversarial" >/dev/null

exec python3 - "$MOONRING" "$WORK" "$RUNS" "${LUALS_BIN:-}" <<'PY'
import json, os, re, statistics, subprocess, sys, time

moonring, work, runs, luals = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
corpora = {"nse": os.path.join(work, "nse"), "prosody": "/usr/lib/prosody",
           "adversarial": os.path.join(work, "adversarial")}

def tree_mb(path):
    return sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(path)
               for f in fs) / 1e6

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

LUACHECK = ["luacheck", "--no-cache", "--formatter", "plain", "--no-color"]
CPU0 = ["taskset", "-c", "0"]

def contenders(corpus, path):
    yield "moonring", [moonring, "check", path, "--format", "text"], {0, 1}
    if corpus == "nse":
        yield "moonring_jobs1", [moonring, "check", path, "--format", "text", "--jobs", "1"], {0, 1}
        yield "moonring_jobs2", [moonring, "check", path, "--format", "text", "--jobs", "2"], {0, 1}
        yield "moonring_json", [moonring, "check", path, "--format", "json"], {0, 1}
        # Both on CPU 0 alone: the one-CPU comparison (luacheck runs on one CPU by default).
        yield "moonring_1cpu", CPU0 + [moonring, "check", path, "--format", "text", "--jobs", "1"], {0, 1}
    if corpus == "adversarial":
        return  # luacheck takes minutes on a tenth of this corpus
    # luacheck as a team runs it: the whole tree, no cache, its own defaults.
    yield "luacheck", LUACHECK + [path], {0, 1, 2}
    if corpus == "nse":
        yield "luacheck_1cpu", CPU0 + LUACHECK + [path], {0, 1, 2}
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
    for _ in range(3 * runs if corpus != "adversarial" else runs):  # seconds a run there
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
    ours = med(corpus, "moonring_1cpu" if name.endswith("_1cpu") else "moonring", 0)
    ratio = f"{med(corpus, name, 0) / ours:.1f}" if not name.startswith("moonring") else ""
    print(f"{corpus:8} {name:15} {statistics.median(secs):9.3f} "
          f"{f'{min(secs):.3f}-{max(secs):.3f}':>15} {med(corpus, name, 1):12.1f} {ratio:>12}")

# kinds: the luacheck codes luacheck reports on the NSE corpus, and those moonring reports too
# (each moonring diagnostic mapped to luacheck's code; unused and shadowing split as luacheck
# splits them, which the message says).
def luacheck_kind(d):
    code, message = d["code"], d["message"]
    if code in ("syntax-error", "goto-error", "assign-to-const"):
        return "E011"
    if code == "undefined-global":
        return "W113"
    if code in ("unused-local", "unused-arg", "unused-loop-var"):
        digit = {"unused-local": "1", "unused-arg": "2", "unused-loop-var": "3"}[code]
        return ("W23" if "assigned but never read" in message else "W21") + digit
    if code == "shadowing":
        where = "3" if "shadows upvalue" in message else "1" if "redefines" in message else "2"
        what = message.split("' on line")[0]
        digit = "3" if "loop variable '" in what else "2" if "argument '" in what else "1"
        return "W4" + where + digit
    return {"unreachable-code": "W511", "duplicate-key": "W314", "redundant-value": "W531"}.get(code)

nse = corpora["nse"]
theirs_out = subprocess.run(LUACHECK + ["--codes", nse], capture_output=True, text=True).stdout
theirs = set(re.findall(r"^.+?:\d+:\d+: \(([EW]\d{3})\)", theirs_out, re.M))
ours_out = subprocess.run([moonring, "check", nse, "--format", "json"], capture_output=True,
                          text=True).stdout
ours_kinds = {luacheck_kind(d) for d in json.loads(ours_out)}
kinds = f"{len(theirs & ours_kinds)}/{len(theirs)}"
print(f"luacheck kinds on NSE: {' '.join(sorted(theirs))}; moonring reports "
      f"{' '.join(sorted(theirs & ours_kinds)) or 'none'}")

ours = med("nse", "moonring", 0)
nse_rate = tree_mb(nse) / ours
adversarial_rate = tree_mb(corpora["adversarial"]) / med("adversarial", "moonring", 0)
if adversarial_rate < nse_rate / 2:
    print(f"bench check: warning: adversarial_mb_per_s {adversarial_rate:.1f} is under half of "
          f"nse_mb_per_s {nse_rate:.1f}", file=sys.stderr)
line = (f"bench check: seconds={ours:.3f} rss_mb={med('nse', 'moonring', 1):.1f} "
        f"vs_luacheck={med('nse', 'luacheck', 0) / ours:.1f} "
        f"vs_luacheck_1cpu={med('nse', 'luacheck_1cpu', 0) / med('nse', 'moonring_1cpu', 0):.1f}")
if luals:
    line += f" vs_luals={med('nse', 'luals', 0) / ours:.1f}"
line += f" scaling_2core={med('nse', 'moonring_jobs1', 0) / med('nse', 'moonring_jobs2', 0):.2f}"
line += (f" json_vs_text={med('nse', 'moonring_json', 0) / ours:.2f}"
         f" nse_mb_per_s={nse_rate:.1f} adversarial_mb_per_s={adversarial_rate:.1f} kinds={kinds}")
print()
print(line)
PY
