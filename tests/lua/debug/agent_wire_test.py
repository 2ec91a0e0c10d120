#!/usr/bin/env python3
"""The debug agent over the wire (docs/debugger.md): a Python peer speaks DAP to `moonring run`
on 127.0.0.1 as the adapter would: the hello (wrong and right token), breakpoints on tagged lines
(`-- @name` in fixtures/agent/program.lua; no line number is written here), stops, stack,
scopes, variables, evaluation and assignment in a frame, steps, log points, conditions, pause of
a loop without calls, exceptions, a vanishing adapter, garbage on the socket, --debug-connect
with --stop-on-entry. Every wait is bounded.

  agent_wire_test.py MOONRING
"""

import json
import os
import re
import socket
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PROGRAM = os.path.realpath(os.path.join(HERE, "fixtures", "agent", "program.lua"))
TIMEOUT = 20  # seconds, for any single wait

with open(PROGRAM) as f:
    TAGS = {m.group(1): n for n, line in enumerate(f, 1) for m in [re.search(r"-- @(\w+)", line)] if m}


class Peer:
    def __init__(self, sock):
        self.sock = sock
        self.sock.settimeout(TIMEOUT)
        self.buffer = b""
        self.seq = 0
        self.events = []

    def send_raw(self, data):
        self.sock.sendall(data)

    def send(self, command, arguments=None):
        self.seq += 1
        message = {"seq": self.seq, "type": "request", "command": command}
        if arguments is not None:
            message["arguments"] = arguments
        body = json.dumps(message).encode()
        self.send_raw(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        return self.seq

    def read(self):
        while b"\r\n\r\n" not in self.buffer:
            chunk = self.sock.recv(65536)
            if not chunk:
                return None
            self.buffer += chunk
        header, rest = self.buffer.split(b"\r\n\r\n", 1)
        length = int(re.search(rb"Content-Length: (\d+)", header).group(1))
        while len(rest) < length:
            chunk = self.sock.recv(65536)
            if not chunk:
                return None
            rest += chunk
        self.buffer = rest[length:]
        return json.loads(rest[:length])

    def request(self, command, arguments=None):
        seq = self.send(command, arguments)
        while True:
            message = self.read()
            assert message is not None, f"connection closed waiting for {command}"
            if message["type"] == "response" and message["request_seq"] == seq:
                assert message["command"] == command, message
                return message
            self.events.append(message)

    def ok(self, command, arguments=None):
        response = self.request(command, arguments)
        assert response["success"], response
        return response.get("body", {})

    def event(self, name):
        for i, message in enumerate(self.events):
            if message.get("event") == name:
                return self.events.pop(i)
        while True:
            message = self.read()
            assert message is not None, f"connection closed waiting for event {name}"
            if message.get("event") == name:
                return message
            self.events.append(message)


def start(args, **kwargs):
    return subprocess.Popen([MOONRING, "run"] + args, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, cwd=os.path.dirname(PROGRAM), **kwargs)


def listening_port(process):
    """The port `--listen=...:0` got, from the agent's line on stderr."""
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        line = process.stderr.readline().decode()
        m = re.search(r"debugger listening on .*:(\d+)", line)
        if m:
            return int(m.group(1))
        assert line, "moonring run ended before listening"
    raise AssertionError("no listening line")


def connect(port, token=None, garbage=b""):
    peer = Peer(socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT))
    if garbage:
        peer.send_raw(garbage)
    args = {"linesStartAt1": True, "columnsStartAt1": True, "pathFormat": "path"}
    if token is not None:
        args["token"] = token
    return peer, peer.request("moonringHello", args)


def top_frame(peer, thread=1):
    frames = peer.ok("stackTrace", {"threadId": thread, "startFrame": 0, "levels": 20})
    return frames["stackFrames"][0], frames


def evaluate(peer, expression, frame_id, context="watch"):
    return peer.ok("evaluate", {"expression": expression, "frameId": frame_id, "context": context})


def variables_of(peer, reference, **paging):
    args = {"variablesReference": reference}
    args.update(paging)
    return {v["name"]: v for v in peer.ok("variables", args)["variables"]}


def test_listen_session():
    process = start(["--listen=127.0.0.1:0", "--wait", "--token=sekret", PROGRAM])
    try:
        port = listening_port(process)
        # A wrong token: refused, logged, the connection closed; the program still waits.
        bad, hello = connect(port, token="wrong")
        assert not hello["success"] and hello["message"] == "invalid token", hello
        assert bad.read() is None
        assert b"refused a debugger" in process.stderr.readline()
        # Garbage before the hello is skipped; the right token is accepted.
        peer, hello = connect(port, token="sekret",
                              garbage=b"nonsense\r\n\r\nContent-Length: 4\r\n\r\n{{{{")
        assert hello["success"], hello
        body = hello["body"]
        assert body["luaVersion"] == "Lua 5.4" and body["program"] == PROGRAM, body
        assert body["pid"] == process.pid

        bps = peer.ok("setBreakpoints", {"source": {"path": PROGRAM}, "breakpoints": [
            {"line": TAGS["bp_add"]}, {"line": TAGS["moved"]},
            {"line": TAGS["print"], "logMessage": "log: counter is {counter}, {{braces}}"},
            {"line": TAGS["loop_body"], "condition": "i == 3"}]})["breakpoints"]
        assert len(bps) == 4
        peer.ok("configurationDone")

        # The comment line's breakpoint moved to the next line with code once the chunk ran.
        changed = peer.event("breakpoint")["body"]["breakpoint"]
        stopped = peer.event("stopped")["body"]
        assert stopped["reason"] == "breakpoint", stopped
        frame, _ = top_frame(peer)
        assert frame["line"] == TAGS["call_add"], (frame, changed)
        assert changed["verified"] and changed["id"] == bps[1]["id"] and changed["line"] == TAGS["call_add"], changed
        peer.ok("continue", {"threadId": 1})

        stopped = peer.event("stopped")["body"]
        assert stopped["reason"] == "breakpoint" and stopped["threadId"] == 1, stopped
        frame, trace = top_frame(peer)
        assert frame["line"] == TAGS["bp_add"] and frame["name"] == "add", frame
        assert frame["source"]["path"] == PROGRAM, frame
        assert trace["totalFrames"] >= 2 and trace["stackFrames"][1]["name"] == "main chunk", trace
        scopes = {s["name"]: s for s in peer.ok("scopes", {"frameId": frame["id"]})["scopes"]}
        assert {"Locals", "Upvalues", "Globals"} <= set(scopes), scopes
        local = variables_of(peer, scopes["Locals"]["variablesReference"])
        assert local["a"]["value"] == "2" and local["b"]["value"] == "3", local
        # Evaluate in the frame; assign a local through the _ENV proxy, then see it take effect.
        assert evaluate(peer, "a + b", frame["id"])["result"] == "5"
        evaluate(peer, "a = 10", frame["id"], context="repl")
        assert evaluate(peer, "a", frame["id"])["result"] == "10"
        main_frame = trace["stackFrames"][1]["id"]
        assert evaluate(peer, "counter", main_frame)["result"] == "0"  # the caller's local
        peer.ok("setVariable", {"variablesReference": scopes["Locals"]["variablesReference"],
                                "name": "b", "value": "b * 2"})
        failed = peer.request("evaluate", {"expression": "nosuch.field", "frameId": frame["id"],
                                           "context": "watch"})
        assert not failed["success"] and "nosuch" in failed["message"], failed

        peer.ok("next", {"threadId": 1})
        assert peer.event("stopped")["body"]["reason"] == "step"
        frame, _ = top_frame(peer)
        assert frame["line"] == TAGS["after_sum"], frame
        assert evaluate(peer, "sum", frame["id"])["result"] == "16"  # 10 + 3 * 2

        peer.ok("stepOut", {"threadId": 1})
        assert peer.event("stopped")["body"]["reason"] == "step"
        frame, _ = top_frame(peer)
        assert frame["name"] == "main chunk" and frame["line"] in (TAGS["call_add"], TAGS["print"]), frame
        # Tables: entries sorted, strings escaped, the metatable shown; paging.
        t = evaluate(peer, "t", frame["id"])
        entries = variables_of(peer, t["variablesReference"])
        assert entries["[3]"]["value"] == '"three"', entries
        assert entries['["key with space"]']["value"] == '"v\\n"', entries
        assert "[metatable]" in entries and entries["nested"]["variablesReference"] > 0, entries
        page = peer.ok("variables", {"variablesReference": t["variablesReference"], "start": 1,
                                     "count": 1, "filter": "indexed"})["variables"]
        assert [v["name"] for v in page] == ["[2]"], page

        peer.ok("continue", {"threadId": 1})
        output = peer.event("output")["body"]
        assert output["output"] == "log: counter is 16, {braces}\n", output
        stopped = peer.event("stopped")["body"]
        frame, _ = top_frame(peer)
        assert frame["line"] == TAGS["loop_body"] and evaluate(peer, "i", frame["id"])["result"] == "3"
        sources = peer.ok("loadedSources")["sources"]
        assert any(s["path"] == PROGRAM for s in sources), sources
        threads = peer.ok("threads")["threads"]
        assert threads[0]["id"] == 1, threads

        peer.ok("continue", {"threadId": 1})
        exited = peer.event("exited")["body"]
        assert exited["exitCode"] == 0, exited
        peer.event("terminated")
        out, _ = process.communicate(timeout=TIMEOUT)
        assert process.returncode == 0 and b"done 22" in out, (process.returncode, out)
    finally:
        process.kill()
        process.wait()


def test_pause_detach_and_terminate():
    process = start(["--listen=127.0.0.1:0", "--no-auth", PROGRAM, "spin"])
    try:
        port = listening_port(process)
        # An adapter that vanishes mid-session: the program runs on and the agent listens again.
        peer, hello = connect(port)
        assert hello["success"], hello
        peer.ok("configurationDone")
        peer.sock.close()
        peer, hello = connect(port, token="anything")  # --no-auth accepts any hello
        assert hello["success"], hello
        peer.ok("configurationDone")
        began = time.monotonic()
        peer.ok("pause", {"threadId": 1})
        stopped = peer.event("stopped")["body"]
        pause_ms = (time.monotonic() - began) * 1000
        assert stopped["reason"] == "pause", stopped
        frame, _ = top_frame(peer)
        assert frame["line"] == TAGS["spin"], frame
        print(f"pause in a loop without calls: {pause_ms:.1f} ms")
        # The adapter vanishing while the program is stopped: the program is detached and runs
        # on (a new debugger can pause it again, on the loop's line).
        peer.sock.close()
        peer, hello = connect(port)
        assert hello["success"], hello
        peer.ok("pause", {"threadId": 1})
        assert peer.event("stopped")["body"]["reason"] == "pause"
        frame, _ = top_frame(peer)
        assert frame["line"] == TAGS["spin"], frame
        # Malformed requests get error responses; the session goes on.
        bad = peer.request("stackTrace", {"threadId": "one"})
        assert not bad["success"], bad
        bad = peer.request("scopes", {})
        assert not bad["success"], bad
        peer.send_raw(b"Content-Length: 2\r\n\r\n[]")
        assert not peer.request("noSuchCommand")["success"]
        assert top_frame(peer)[0]["line"] == TAGS["spin"]
        # Detach: the program keeps spinning; then attach again and end it.
        peer.ok("disconnect", {"terminateDebuggee": False})
        assert process.poll() is None
        # Attaching late: a breakpoint in the loop that is already running is verified at once
        # and hit.
        peer, hello = connect(port)
        assert hello["success"], hello
        bps = peer.ok("setBreakpoints", {"source": {"path": PROGRAM},
                                         "breakpoints": [{"line": TAGS["spin"]}]})["breakpoints"]
        assert bps[0]["verified"] and bps[0]["line"] == TAGS["spin"], bps
        peer.ok("configurationDone")
        stopped = peer.event("stopped")["body"]
        assert stopped["reason"] == "breakpoint", stopped
        frame, _ = top_frame(peer)
        assert frame["line"] == TAGS["spin"], frame
        peer.ok("setBreakpoints", {"source": {"path": PROGRAM}, "breakpoints": []})
        # Step latency over TCP: a step is a response then a stopped event, two small writes;
        # with Nagle's algorithm on the agent's socket the second waits for the peer's delayed
        # ACK (about 40 ms). Each `next` in the one-line loop stops again on
        # its line (a backward jump is a new line event).
        latencies = []
        for _ in range(20):
            began = time.monotonic()
            peer.ok("next", {"threadId": 1})
            peer.event("stopped")
            latencies.append((time.monotonic() - began) * 1000)
        latencies.sort()
        print(f"step over TCP: median {latencies[10]:.2f} ms, max {latencies[-1]:.2f} ms")
        assert latencies[10] < 20, latencies
        frame, _ = top_frame(peer)
        assert frame["line"] == TAGS["spin"], frame
        peer.ok("disconnect", {"terminateDebuggee": False})
        assert process.poll() is None
        peer, hello = connect(port)
        assert hello["success"], hello
        peer.ok("disconnect", {"terminateDebuggee": True})
        assert process.wait(timeout=TIMEOUT) == 1
    finally:
        process.kill()
        process.wait()


def test_debug_connect_entry_and_exception():
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(TIMEOUT)
    port = server.getsockname()[1]
    process = start([f"--debug-connect=127.0.0.1:{port}", "--token=t0k", "--stop-on-entry", "--",
                     PROGRAM, "fail"])
    try:
        conn, _ = server.accept()
        peer = Peer(conn)
        hello = peer.request("moonringHello", {"token": "t0k", "linesStartAt1": True,
                                               "columnsStartAt1": True})
        assert hello["success"], hello
        peer.ok("setExceptionBreakpoints", {"filters": ["uncaught"]})
        peer.ok("setFunctionBreakpoints", {"breakpoints": [{"name": "add"}]})
        peer.ok("configurationDone")
        assert peer.event("stopped")["body"]["reason"] == "entry"
        frame, _ = top_frame(peer)
        assert frame["line"] == 2, frame  # the first line with code
        peer.ok("continue", {"threadId": 1})
        assert peer.event("stopped")["body"]["reason"] == "function breakpoint"
        frame, _ = top_frame(peer)
        assert frame["name"] == "add", frame
        peer.ok("continue", {"threadId": 1})
        stopped = peer.event("stopped")["body"]
        assert stopped["reason"] == "exception", stopped
        info = peer.ok("exceptionInfo", {"threadId": 1})
        assert "failing on purpose" in info["description"], info
        _, trace = top_frame(peer)
        raising = [f for f in trace["stackFrames"] if f.get("line") == TAGS["raise"]]
        assert raising, trace
        assert evaluate(peer, "reason", raising[0]["id"])["result"] == '"on purpose"'
        peer.ok("continue", {"threadId": 1})
        assert peer.event("exited")["body"]["exitCode"] == 1
        peer.event("terminated")
        _, err = process.communicate(timeout=TIMEOUT)
        assert process.returncode == 1 and b"failing on purpose" in err, err
    finally:
        process.kill()
        process.wait()
        server.close()


def main():
    global MOONRING
    MOONRING = os.path.abspath(sys.argv[1])
    failures = 0
    for test in (test_listen_session, test_pause_detach_and_terminate,
                 test_debug_connect_entry_and_exception):
        try:
            test()
            print(f"ok: {test.__name__}")
        except Exception as e:  # report every test, then fail
            failures += 1
            import traceback
            traceback.print_exc()
            print(f"FAILED: {test.__name__}: {e!r}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
