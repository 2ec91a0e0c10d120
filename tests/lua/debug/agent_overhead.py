#!/usr/bin/env python3
"""The agent's cost on CPU-bound work (fixtures/bench/fib_tables.lua): plain lua5.4 against
lua5.4 with the agent module attached and one breakpoint that is never hit, in the same run,
alternating, median of N runs each. Prints `agent overhead: ratio=...` (wall time) and
`agent cpu overhead: ratio=...` (the process's user+sys time, steadier on a shared machine).

  agent_overhead.py MODULE_DIR [RUNS]   (MODULE_DIR/moonring/debug.so, built for Lua 5.4)
"""

import os
import statistics
import subprocess
import sys
import time

import agent_wire_test as wire

PROGRAM = os.path.realpath(os.path.join(wire.HERE, "fixtures", "bench", "fib_tables.lua"))
with open(PROGRAM) as f:
    NEVER = next(n for n, line in enumerate(f, 1) if "-- @never" in line)


def cpu_of(process):
    """Waits for the process; its user+sys CPU seconds."""
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    assert process.returncode == 0, process.returncode
    return usage.ru_utime + usage.ru_stime


def plain():
    began = time.monotonic()
    process = subprocess.Popen(["lua5.4", PROGRAM], stdout=subprocess.DEVNULL)
    cpu = cpu_of(process)
    return time.monotonic() - began, cpu


def debugged(module_dir, breakpoint):
    env = dict(os.environ, LUA_CPATH=os.path.join(module_dir, "?.so"), MOONRING_AGENT_PORT="0")
    process = subprocess.Popen(["lua5.4", PROGRAM], stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, env=env)
    try:
        port = wire.listening_port(process)
        peer, hello = wire.connect(port)
        assert hello["success"], hello
        lines = [{"line": NEVER}] if breakpoint else []
        peer.ok("setBreakpoints", {"source": {"path": PROGRAM}, "breakpoints": lines})
        began = time.monotonic()
        peer.ok("configurationDone")
        peer.event("exited")
        elapsed = time.monotonic() - began
        return elapsed, cpu_of(process)
    finally:
        process.kill()
        process.wait()


def main():
    module_dir = os.path.abspath(sys.argv[1])
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    base, with_bp, attached = [], [], []
    for _ in range(runs):
        base.append(plain())
        with_bp.append(debugged(module_dir, True))
        attached.append(debugged(module_dir, False))
    b, d, a = (statistics.median(x[0] for x in runs_of) for runs_of in (base, with_bp, attached))
    print(f"plain lua5.4 {b:.3f} s; attached, no breakpoint {a:.3f} s; "
          f"one never-hit breakpoint {d:.3f} s (median of {runs})")
    print(f"agent overhead: ratio={d / b:.2f} attached_only={a / b:.2f}")
    b, d, a = (statistics.median(x[1] for x in runs_of) for runs_of in (base, with_bp, attached))
    print(f"agent cpu overhead: ratio={d / b:.2f} attached_only={a / b:.2f} "
          f"(plain {b:.3f} s cpu)")


if __name__ == "__main__":
    main()
