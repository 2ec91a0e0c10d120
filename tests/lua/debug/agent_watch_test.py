#!/usr/bin/env python3
"""Breakpoints the return hook must not lose (fixtures/module/watch.lua), on the C module under
lua5.4, lua5.1 and luajit: a breakpoint right after a return from deep unwatched calls, from C
functions calling back, from tail calls, and after errors took frames away. Every tagged line
must stop, in order, and the program must end normally.

  agent_watch_test.py MODULES_DIR     (MODULES_DIR/<vm>/moonring/debug.so)
"""

import os
import shutil
import subprocess
import sys

import agent_module_test as module
import agent_wire_test as wire

PROGRAM = os.path.realpath(os.path.join(wire.HERE, "fixtures", "module", "watch.lua"))
with open(PROGRAM) as f:
    TAGS = {m.group(1): n for n, line in enumerate(f, 1)
            for m in [wire.re.search(r"-- @(w\d+)", line)] if m}
# doomed() runs three times: its line stops each time.
EXPECTED = ["w1", "w2", "w3", "w4", "w4", "w4", "w5", "w6"]
# LuaJIT runs no hook for C and fast functions (pcall, table.sort): a return through one into a
# function with breakpoints goes unseen, so w2 and w5 are missed there (docs/debugger.md).
EXPECTED_LUAJIT = ["w1", "w3", "w4", "w4", "w4", "w6"]


def run(modules, vm, interpreter):
    expected = EXPECTED_LUAJIT if vm == "luajit" else EXPECTED
    env = dict(os.environ, LUA_CPATH=os.path.join(modules, vm, "?.so"))
    process = subprocess.Popen([interpreter, PROGRAM], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, env=env, cwd=os.path.dirname(PROGRAM))
    try:
        peer, hello = wire.connect(wire.listening_port(process))
        assert hello["success"], hello
        lines = [{"line": TAGS[name]} for name in sorted(TAGS)]
        answer = peer.ok("setBreakpoints", {"source": {"path": PROGRAM}, "breakpoints": lines})
        assert len(answer["breakpoints"]) == len(lines), answer
        peer.ok("configurationDone")
        by_line = {line: name for name, line in TAGS.items()}
        seen = []
        for _ in expected:
            try:
                stopped = peer.event("stopped")["body"]
            except AssertionError as e:
                raise AssertionError(f"{e} after stops at {seen}") from None
            assert stopped["reason"] == "breakpoint", stopped
            frame, _ = wire.top_frame(peer)
            seen.append(by_line.get(frame["line"], frame["line"]))
            peer.ok("continue", {"threadId": 1})
        assert seen == expected, seen
        assert peer.event("exited")["body"]["exitCode"] == 0
        out, _ = process.communicate(timeout=wire.TIMEOUT)
        assert b"hits\t" in out and process.returncode == 0, (out, process.returncode)
    finally:
        process.kill()
        process.wait()


def main():
    modules = os.path.abspath(sys.argv[1])
    failures = ran = 0
    for vm, interpreter, _ in module.VMS:
        if shutil.which(interpreter) is None or not os.path.exists(
                os.path.join(modules, vm, "moonring", "debug.so")):
            print(f"skipped: {vm} (no {interpreter} or no module)")
            continue
        ran += 1
        try:
            run(modules, vm, interpreter)
            print(f"ok: {vm}")
        except Exception as e:
            failures += 1
            import traceback
            traceback.print_exc()
            print(f"FAILED: {vm}: {e!r}")
    if ran == 0:
        return 77
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
