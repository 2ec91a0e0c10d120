// `moonring dap` on what the per-closure call hook must keep exact (closures made in loops, tail
// calls, coroutines, functions that ran before their breakpoints, breakpoints removed and added
// while running, coroutines made before the debugger attached) and on the session's edges:
// disconnect leaving a launched program running (and reaped by a `--listen` adapter when it
// ends), exception breakpoints on errors caught by pcall, xpcall and coroutine.resume (Lua 5.4,
// and Lua 5.1 and LuaJIT through the C module), and `cancel`. Driven by @vscode/debugadapter-testsupport in VS Code's request order; fixture lines
// are found by their tags (`-- @start`).
// Run: MOONRING_BIN=build-dp/app/moonring node --test tests/node/dap_gaps.test.mjs
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';
import { fixture, fixtures, RecordingDebugClient, startAdapter, tagLine } from './support/dap.mjs';
import { connectWhenListening, freePort, killAll, moonringBin, start, startMoonring, waitForExit, withTimeout } from './support/process.mjs';

const timeout = 60_000;
const STEP_MS = 10_000;
after(killAll);

// VS Code's order; `breakpoints` maps a source path to its lines; `exceptions` are the filters.
async function startSession(dc, request, args, breakpoints = {}, exceptions = null) {
  const initialized = dc.waitForEvent('initialized', STEP_MS);
  await withTimeout(dc.initializeRequest(), STEP_MS, 'initialize');
  const started = request === 'launch' ? dc.launchRequest(args) : dc.attachRequest(args);
  started.catch(() => {});
  await initialized;
  for (const [file, lines] of Object.entries(breakpoints))
    await withTimeout(setLines(dc, file, lines), STEP_MS, 'setBreakpoints');
  if (exceptions) await withTimeout(dc.setExceptionBreakpointsRequest({ filters: exceptions }), STEP_MS, 'setExceptionBreakpoints');
  await withTimeout(dc.configurationDoneRequest(), STEP_MS, 'configurationDone');
  await withTimeout(started, STEP_MS, `${request} response`);
}

function setLines(dc, file, lines) {
  return dc.setBreakpointsRequest({ source: { path: file }, breakpoints: lines.map((line) => ({ line })) });
}

// Runs `action` (may be null) and waits for the stopped event that follows (listened for first);
// resolves with it and the top frame of its thread.
async function stopAfter(dc, action, what) {
  const waiting = dc.waitForEvent('stopped', STEP_MS);
  waiting.catch(() => {});
  if (action) await withTimeout(action(), STEP_MS, `${what}: the request`);
  const stopped = await withTimeout(waiting, STEP_MS, what);
  const trace = await withTimeout(dc.stackTraceRequest({ threadId: stopped.body.threadId }), STEP_MS, 'stackTrace');
  // The top frame, or for an error the raising one: below the C functions (error, the handler).
  const frames = trace.body.stackFrames;
  return { stopped, top: frames.find((f) => f.source?.path) ?? frames[0] };
}

test('breakpoints stop in closures made in a loop, tail calls, coroutines and functions that ran before them; a removed one no longer stops', { timeout }, async () => {
  const program = fixture('watch_cases.lua');
  const line = (tag) => tagLine(program, tag);
  const dc = await startAdapter();
  try {
    let stop = await stopAfter(dc, () => startSession(dc, 'launch', { program, cwd: fixtures }, { [program]: [line('start')] }), 'stop at @start');
    assert.equal(stop.top.line, line('start'));
    // early() ran three times before these breakpoints existed.
    const all = ['start', 'early', 'inloop', 'tail', 'incoroutine', 'again'].map(line);
    await withTimeout(setLines(dc, program, all), STEP_MS, 'setBreakpoints');
    const seen = [];
    const expected = ['early', 'inloop', 'inloop', 'inloop', 'tail', 'incoroutine', 'again'];
    const byLine = Object.fromEntries(['early', 'inloop', 'tail', 'incoroutine', 'again'].map((t) => [line(t), t]));
    for (const _ of expected) {
      stop = await stopAfter(dc, () => dc.continueRequest({ threadId: 1 }), `stop ${seen.length + 1} after ${seen.join(',')}`);
      assert.equal(stop.stopped.body.reason, 'breakpoint');
      seen.push(byLine[stop.top.line] ?? stop.top.line);
      if (seen.at(-1) === 'incoroutine') {
        // Removed while stopped: early(3) on the @again line runs past @early without stopping.
        await withTimeout(setLines(dc, program, all.filter((l) => l !== line('early'))), STEP_MS, 'setBreakpoints');
      }
    }
    assert.deepEqual(seen, expected);
    const terminated = dc.waitForEvent('terminated', STEP_MS);
    await withTimeout(dc.continueRequest({ threadId: 1 }), STEP_MS, 'continue');
    await terminated;
    assert.equal(dc.events('stopped').length, expected.length + 1, 'no stop after the last one');
  } finally {
    await dc.stop();
  }
});

test('attach: coroutines made before the debugger came stop at their breakpoints (resume and wrap), set while running', { timeout }, async () => {
  const program = fixture('early_coroutines.lua');
  const port = await freePort();
  const debuggee = startMoonring(['run', `--listen=127.0.0.1:${port}`, '--no-auth', program], { collectStdout: false });
  try {
    await withTimeout(new Promise((resolve) => debuggee.stdout.on('data', (d) => d.toString().includes('running') && resolve())), STEP_MS, 'the program running');
    const dc = await startAdapter();
    try {
      let stop = await stopAfter(dc, () => startSession(dc, 'attach', { port }, { [program]: [tagLine(program, 'incoroutine')] }), 'stop in the coroutine made before attach');
      assert.equal(stop.stopped.body.reason, 'breakpoint');
      assert.equal(stop.top.line, tagLine(program, 'incoroutine'));
      assert.notEqual(stop.stopped.body.threadId, 1, 'a coroutine is its own thread');
      await withTimeout(setLines(dc, program, []), STEP_MS, 'clear');
      await withTimeout(dc.continueRequest({ threadId: 1 }), STEP_MS, 'continue');
      // Set while the program runs: the wrap's coroutine.
      stop = await stopAfter(dc, () => setLines(dc, program, [tagLine(program, 'inwrap')]), 'stop in the wrapped coroutine made before attach');
      assert.equal(stop.top.line, tagLine(program, 'inwrap'));
      await withTimeout(dc.disconnectRequest({}), STEP_MS, 'disconnect');
    } finally {
      dc.stopAdapter();
    }
    assert.equal(debuggee.exitCode, null, 'an attached program runs on after disconnect');
  } finally {
    debuggee.kill('SIGKILL');
  }
});

// The count the program last wrote to `file`, or null.
function countIn(file) {
  try {
    const n = Number(fs.readFileSync(file, 'utf8'));
    return Number.isFinite(n) && n > 0 ? n : null;
  } catch {
    return null;
  }
}

// Resolves once `condition()` holds; fails after STEP_MS.
async function until(condition, what) {
  const deadline = Date.now() + STEP_MS;
  while (!condition()) {
    assert.ok(Date.now() < deadline, `timed out: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

test('launch, then disconnect with terminateDebuggee false: the program runs on (and prints) after the adapter has gone', { timeout }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'moonring-dap-'));
  const ticks = path.join(dir, 'ticks');
  const dc = await startAdapter();
  let pid = null;
  try {
    const running = dc.waitForEvent('output', STEP_MS);
    await startSession(dc, 'launch', { program: fixture('runs_on.lua'), args: [ticks], cwd: fixtures });
    await running;
    await until(() => dc.debuggeePid() !== null && countIn(ticks) !== null, 'the program counting');
    pid = dc.debuggeePid();
    const adapterExit = waitForExit(dc._adapterProcess, STEP_MS);
    await withTimeout(dc.disconnectRequest({ terminateDebuggee: false }), STEP_MS, 'disconnect');
    await adapterExit;
    // A count written after the adapter exited: the program outlived it, printing included.
    const then = countIn(ticks);
    await until(() => countIn(ticks) > then, `the program still counting (pid ${pid}, count ${then})`);
  } finally {
    if (pid !== null) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {}
    }
    dc.stopAdapter();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

// The state letter and parent of process `pid` from /proc (null once it is gone).
function procStat(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state, ppid: Number(ppid) };
  } catch {
    return null;
  }
}

test('dap --listen: a program that disconnect left running (terminateDebuggee false) is reaped when it ends, no zombie', { timeout }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'moonring-dap-'));
  const ticks = path.join(dir, 'ticks');
  const port = await freePort();
  const server = startMoonring(['dap', `--listen=127.0.0.1:${port}`]);
  let pid = null;
  try {
    (await connectWhenListening(port, server)).destroy();
    const dc = new RecordingDebugClient(moonringBin, 'dap', 'moonring');
    await withTimeout(dc.start(port), STEP_MS, 'connecting to the debugServer');
    dc._socket.on('error', () => {});
    try {
      await startSession(dc, 'launch', { program: fixture('runs_on.lua'), args: [ticks], cwd: fixtures });
      await until(() => dc.debuggeePid() !== null && countIn(ticks) !== null, 'the program counting');
      pid = dc.debuggeePid();
      await withTimeout(dc.disconnectRequest({ terminateDebuggee: false }), STEP_MS, 'disconnect');
    } finally {
      dc._socket.destroy();
    }
    const then = countIn(ticks);
    await until(() => countIn(ticks) > then, `the program still counting (pid ${pid})`);
    assert.equal(procStat(pid)?.ppid, server.pid, 'the debugServer launched it');
    process.kill(pid, 'SIGKILL');
    try {
      await until(() => procStat(pid) === null, 'the ended program reaped');
    } catch {
      assert.fail(`the ended program was not reaped: pid ${pid} is in state ${procStat(pid)?.state}`);
    }
    assert.equal(server.exitCode, null, 'the debugServer serves on');
  } finally {
    if (pid !== null && procStat(pid) !== null) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {}
    }
    server.kill('SIGTERM');
    await waitForExit(server);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

const CAUGHT_OUTPUT = 'false\tcaught by pcall\tfalse\thandled: caught by xpcall\nthrough pcall\ttrue resumed\n';

test('exception filter "all": errors caught by pcall and xpcall stop where raised; "uncaught" lets them pass', { timeout }, async () => {
  const program = fixture('caught.lua');
  const dc = await startAdapter();
  try {
    let stop = await stopAfter(dc, () => startSession(dc, 'launch', { program, cwd: fixtures }, {}, ['all']), 'stop at the pcall error');
    assert.equal(stop.stopped.body.reason, 'exception');
    assert.equal(stop.top.line, tagLine(program, 'raise'));
    const info = await withTimeout(dc.exceptionInfoRequest({ threadId: stop.stopped.body.threadId }), STEP_MS, 'exceptionInfo');
    assert.equal(info.body.description, 'caught by pcall');
    assert.equal(info.body.breakMode, 'always');
    stop = await stopAfter(dc, () => dc.continueRequest({ threadId: 1 }), 'stop at the xpcall error');
    assert.equal(stop.top.line, tagLine(program, 'raise'));
    assert.match(stop.stopped.body.text, /caught by xpcall/);
    const terminated = dc.waitForEvent('terminated', STEP_MS);
    await withTimeout(dc.continueRequest({ threadId: 1 }), STEP_MS, 'continue');
    await terminated;
    const out = dc.events('output').filter((e) => e.body.category === 'stdout').map((e) => e.body.output).join('');
    assert.equal(out, CAUGHT_OUTPUT);
    assert.equal(dc.events('stopped').length, 2);
  } finally {
    await dc.stop();
  }

  const quiet = await startAdapter();
  try {
    const terminated = quiet.waitForEvent('terminated', STEP_MS);
    await startSession(quiet, 'launch', { program, cwd: fixtures }, {}, ['uncaught']);
    await terminated;
    const out = quiet.events('output').filter((e) => e.body.category === 'stdout').map((e) => e.body.output).join('');
    assert.equal(out, CAUGHT_OUTPUT);
    assert.equal(quiet.events('stopped').length, 0);
  } finally {
    await quiet.stop();
  }
});

test('exception filter "all": an error inside a coroutine that coroutine.resume catches stops where raised, on the coroutine', { timeout }, async () => {
  const program = fixture('caught_coroutine.lua');
  const expected = 'false\traised inside\nfalse\tcannot resume dead coroutine\n';
  const stdout = (dc) => dc.events('output').filter((e) => e.body.category === 'stdout').map((e) => e.body.output).join('');
  const dc = await startAdapter();
  try {
    const stop = await stopAfter(dc, () => startSession(dc, 'launch', { program, cwd: fixtures }, {}, ['all']), 'stop at the error in the coroutine');
    assert.equal(stop.stopped.body.reason, 'exception');
    assert.notEqual(stop.stopped.body.threadId, 1, 'shown on the coroutine');
    assert.equal(stop.top.line, tagLine(program, 'raise'));
    const info = await withTimeout(dc.exceptionInfoRequest({ threadId: stop.stopped.body.threadId }), STEP_MS, 'exceptionInfo');
    assert.equal(info.body.description, 'raised inside');
    // The dead coroutine's frame is readable: its local.
    const local = await withTimeout(dc.evaluateRequest({ expression: 'inside', frameId: stop.top.id, context: 'repl' }), STEP_MS, 'evaluate');
    assert.match(local.body.result, /raised inside/);
    const terminated = dc.waitForEvent('terminated', STEP_MS);
    await withTimeout(dc.continueRequest({ threadId: 1 }), STEP_MS, 'continue');
    await terminated;
    assert.equal(stdout(dc), expected);
    assert.equal(dc.events('stopped').length, 1, 'no stop for the dead coroutine resumed again');
  } finally {
    await dc.stop();
  }

  const quiet = await startAdapter();
  try {
    const terminated = quiet.waitForEvent('terminated', STEP_MS);
    await startSession(quiet, 'launch', { program, cwd: fixtures }, {}, ['uncaught']);
    await terminated;
    assert.equal(stdout(quiet), expected);
    assert.equal(quiet.events('stopped').length, 0);
  } finally {
    await quiet.stop();
  }
});

// Lua 5.1 and LuaJIT programs that load the agent as the C module (built beside the binary).
const modules = path.resolve(path.dirname(path.dirname(moonringBin)), 'lua-modules');
for (const [vm, interpreter] of [['lua51', 'lua5.1'], ['luajit', 'luajit']]) {
  const so = path.join(modules, vm, 'moonring', 'debug.so');
  const installed = spawnSync('sh', ['-c', `command -v ${interpreter}`]).status === 0;
  const skip = (!fs.existsSync(so) && `${so} is not built`) || (!installed && `${interpreter} is not installed`);
  test(`attach to ${interpreter} (C module), filter "all": errors caught by pcall, xpcall and coroutine.resume stop where raised`, { timeout, skip }, async () => {
    const program = fixture('caught51.lua');
    const port = await freePort();
    const script = `package.cpath = ${JSON.stringify(path.join(modules, vm, '?.so'))} .. ";" .. package.cpath
      assert(require("moonring.debug").listen{port = ${port}, token = "t", wait = true})
      dofile(${JSON.stringify(program)})`;
    const debuggee = start(interpreter, ['-e', script]);
    try {
      for (let i = 0; ; ++i) {
        const open = await new Promise((resolve) => {
          const s = net.connect(port, '127.0.0.1', () => { s.destroy(); resolve(true); });
          s.on('error', () => resolve(false));
        });
        if (open) break;
        assert.ok(i < 200, `the ${interpreter} program never listened: ${debuggee.output().stderr}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      const dc = await startAdapter();
      try {
        let stop = await stopAfter(dc, () => startSession(dc, 'attach', { port, token: 't' }, {}, ['all']), 'stop at the pcall error');
        const seen = [];
        for (const what of ['pcall', 'xpcall', 'resume']) {
          if (what !== 'pcall') stop = await stopAfter(dc, () => dc.continueRequest({ threadId: 1 }), `stop at the ${what} error`);
          assert.equal(stop.stopped.body.reason, 'exception');
          assert.equal(stop.top.line, tagLine(program, 'raise'), `the ${what} error's line`);
          const info = await withTimeout(dc.exceptionInfoRequest({ threadId: stop.stopped.body.threadId }), STEP_MS, 'exceptionInfo');
          seen.push(info.body.description);
          if (what === 'resume') assert.notEqual(stop.stopped.body.threadId, 1, 'shown on the coroutine');
        }
        assert.deepEqual(seen, ['caught by pcall', 'caught by xpcall', 'caught by resume']);
        await withTimeout(dc.continueRequest({ threadId: 1 }), STEP_MS, 'continue');
        const { code } = await waitForExit(debuggee, STEP_MS);
        assert.equal(code, 0, debuggee.output().stderr);
        const lines = ['false\tcaught by pcall\tfalse\thandled: caught by xpcall', 'false\tcaught by resume'];
        if (vm === 'luajit') lines.push('through pcall\ttrue resumed');
        assert.equal(debuggee.output().stdout, lines.join('\n') + '\n');
        assert.equal(dc.events('stopped').length, 3);
      } finally {
        dc.stopAdapter();
      }
    } finally {
      debuggee.kill('SIGKILL');
    }
  });
}

test('cancel: a long evaluation is ended in the debuggee and answered "cancelled"; the session goes on', { timeout }, async () => {
  const program = fixture('watch_cases.lua');
  const dc = await startAdapter();
  try {
    const stop = await stopAfter(dc, () => startSession(dc, 'launch', { program, cwd: fixtures }, { [program]: [tagLine(program, 'start')] }), 'stop at @start');
    const trace = await withTimeout(dc.stackTraceRequest({ threadId: stop.stopped.body.threadId }), STEP_MS, 'stackTrace');
    const frameId = trace.body.stackFrames[0].id;
    const requestId = dc.sequence; // the seq the evaluate below goes out with
    const endless = dc.evaluateRequest({ expression: '(function() while true do end end)()', frameId, context: 'repl' });
    const answered = endless.then(() => 'success', (e) => e.message);
    await withTimeout(dc.send('cancel', { requestId }), STEP_MS, 'cancel');
    assert.equal(await withTimeout(answered, STEP_MS, 'the cancelled evaluate'), 'cancelled');
    // The debuggee is free again: it evaluates, and runs to the end.
    const two = await withTimeout(dc.evaluateRequest({ expression: '1 + 1', frameId, context: 'repl' }), STEP_MS, 'evaluate after the cancel');
    assert.equal(two.body.result, '2');
    const terminated = dc.waitForEvent('terminated', STEP_MS);
    await withTimeout(dc.continueRequest({ threadId: 1 }), STEP_MS, 'continue');
    await terminated;
  } finally {
    await dc.stop();
  }
});
