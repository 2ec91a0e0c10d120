#!/usr/bin/env python3
"""The agent as the C module moonring/debug.so, loaded by plain lua5.4, lua5.1 and luajit
processes (require("moonring.debug").listen{...}): attach, break on a tagged line, inspect,
assign, step, run to the end. Reuses agent_wire_test's peer.

  agent_module_test.py MODULES_DIR     (MODULES_DIR/<vm>/moonring/debug.so)
"""

import os
import shutil
import subprocess
import sys

import agent_wire_test as wire

HOST = os.path.realpath(os.path.join(wire.HERE, "fixtures", "module", "host.lua"))
with open(HOST) as f:
    TAGS = {m.group(1): n for n, line in enumerate(f, 1)
            for m in [wire.re.search(r"-- @(\w+)", line)] if m}

VMS = [("lua54", "lua5.4", "Lua 5.4"), ("lua51", "lua5.1", "Lua 5.1"),
       ("luajit", "luajit", "LuaJIT 2.1")]


def attach(modules, vm, interpreter, version):
    env = dict(os.environ, LUA_CPATH=os.path.join(modules, vm, "?.so"))
    process = subprocess.Popen([interpreter, HOST], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, env=env, cwd=os.path.dirname(HOST))
    try:
        port = wire.listening_port(process)
        peer, hello = wire.connect(port)
        assert hello["success"], hello
        assert hello["body"]["luaVersion"] == version and hello["body"]["program"] is None, hello
        bps = peer.ok("setBreakpoints", {"source": {"path": HOST},
                                         "breakpoints": [{"line": TAGS["bp_square"]}]})
        assert len(bps["breakpoints"]) == 1
        peer.ok("configurationDone")
        assert peer.event("stopped")["body"]["reason"] == "breakpoint"
        frame, _ = wire.top_frame(peer)
        assert frame["line"] == TAGS["bp_square"] and frame["source"]["path"] == HOST, frame
        assert wire.evaluate(peer, "x", frame["id"])["result"] == "7"
        wire.evaluate(peer, "x = 8", frame["id"], context="repl")
        peer.ok("next", {"threadId": 1})
        assert peer.event("stopped")["body"]["reason"] == "step"
        frame, _ = wire.top_frame(peer)
        assert frame["line"] == TAGS["return_y"], frame
        assert wire.evaluate(peer, "y", frame["id"])["result"] == "64"
        peer.ok("continue", {"threadId": 1})
        assert peer.event("exited")["body"]["exitCode"] == 0
        peer.event("terminated")
        out, _ = process.communicate(timeout=wire.TIMEOUT)
        assert b"square\t64" in out and process.returncode == 0, (out, process.returncode)
    finally:
        process.kill()
        process.wait()


def main():
    modules = os.path.abspath(sys.argv[1])
    failures = ran = 0
    for vm, interpreter, version in VMS:
        if shutil.which(interpreter) is None or not os.path.exists(
                os.path.join(modules, vm, "moonring", "debug.so")):
            print(f"skipped: {vm} (no {interpreter} or no module)")
            continue
        ran += 1
        try:
            attach(modules, vm, interpreter, version)
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
