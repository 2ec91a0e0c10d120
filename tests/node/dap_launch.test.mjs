// `moonring dap` launching Lua programs under `moonring run`'s agent, and attaching to
// `moonring run --listen`, driven by @vscode/debugadapter-testsupport's DebugClient in VS Code's
// request order (initialize, launch without awaiting it, the initialized event, breakpoints,
// configurationDone). Fixture lines are found by their tags (`-- @bp1`), never by number.
// Needs the agent in the same build; without it (`moonring run --debug-connect` never connects)
// every test here is skipped and says so.
// Run: MOONRING_BIN=build-asan/app/moonring node --test tests/node/dap_launch.test.mjs
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';
import { fixture, fixtures, RecordingDebugClient, startAdapter, tagLine } from './support/dap.mjs';
import { freePort, killAll, moonringBin, start, startMoonring, waitForExit, withTimeout } from './support/process.mjs';

const timeout = 60_000;
const STEP_MS = 10_000;
after(killAll);

// Whether `moonring run --debug-connect` connects to an adapter at all (the agent is built).
async function agentIsBuilt() {
  const server = net.createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const connected = new Promise((resolve) => server.once('connection', (s) => { s.destroy(); resolve(true); }));
  const child = startMoonring(['run', `--debug-connect=127.0.0.1:${server.address().port}`, '--token=probe', fixture('prints.lua')]);
  const exited = waitForExit(child, STEP_MS).then(() => false, () => false);
  const answer = await Promise.race([connected, exited]);
  child.kill('SIGKILL');
  server.close();
  return answer;
}
const skip = (await agentIsBuilt()) ? false : '`moonring run --debug-connect` does not connect yet (no agent in this build)';

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function gone(pid) {
  const deadline = Date.now() + STEP_MS;
  while (alive(pid)) {
    assert.ok(Date.now() < deadline, `process ${pid} is still there`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

// VS Code's order; `breakpoints` maps a source path to its lines. Resolves with the responses.
async function startSession(dc, request, args, breakpoints = {}) {
  const initialized = dc.waitForEvent('initialized', STEP_MS);
  await withTimeout(dc.initializeRequest(), STEP_MS, 'initialize');
  const started = request === 'launch' ? dc.launchRequest(args) : dc.attachRequest(args);
  started.catch(() => {});
  await initialized;
  const set = [];
  for (const [file, lines] of Object.entries(breakpoints))
    set.push(await withTimeout(dc.setBreakpointsRequest({ source: { path: file }, breakpoints: lines.map((line) => ({ line })) }), STEP_MS, 'setBreakpoints'));
  await withTimeout(dc.configurationDoneRequest(), STEP_MS, 'configurationDone');
  await withTimeout(started, STEP_MS, `${request} response`);
  return set;
}

test('launch: output events, then exited with the exit status, then terminated; no process left', { timeout, skip }, async () => {
  const dc = await startAdapter();
  try {
    const terminated = dc.waitForEvent('terminated', STEP_MS);
    await startSession(dc, 'launch', { program: fixture('prints.lua'), args: ['one'], cwd: fixtures });
    await terminated;
    const out = (category) => dc.events('output').filter((e) => e.body.category === category).map((e) => e.body.output).join('');
    assert.equal(out('stdout'), 'hello from the debuggee\ncafé 1 one\n');
    assert.equal(out('stderr'), 'a line on stderr\n');
    const exited = dc.events('exited');
    assert.equal(exited.length, 1);
    assert.equal(exited[0].body.exitCode, 3);
    const order = dc.received.filter((m) => m.type === 'event').map((m) => m.event);
    assert.ok(order.lastIndexOf('output') < order.indexOf('exited') && order.indexOf('exited') < order.indexOf('terminated'), order.join(','));
    const pid = dc.debuggeePid();
    assert.ok(pid, 'the adapter names the debuggee');
    await gone(pid);
    await withTimeout(dc.disconnectRequest({}), STEP_MS, 'disconnect');
  } finally {
    dc.stopAdapter();
  }
});

test('launch: env and cwd reach the program', { timeout, skip }, async () => {
  const dir = fs.mkdtempSync(path.join(fixtures, '..', 'tmp-'));
  const program = path.join(dir, 'env.lua');
  fs.writeFileSync(program, 'print(os.getenv("MOONRING_TEST_VAR"), os.getenv("HOME") == nil, io.open("here.txt") ~= nil)\n');
  fs.writeFileSync(path.join(dir, 'here.txt'), '');
  const dc = await startAdapter();
  try {
    const terminated = dc.waitForEvent('terminated', STEP_MS);
    await startSession(dc, 'launch', { program: 'env.lua', cwd: dir, env: { MOONRING_TEST_VAR: 'set', HOME: null } });
    await terminated;
    const stdout = dc.events('output').filter((e) => e.body.category === 'stdout').map((e) => e.body.output).join('');
    assert.equal(stdout, 'set\ttrue\ttrue\n');
  } finally {
    dc.stopAdapter();
    fs.rmSync(dir, { recursive: true });
  }
});

test('launch: the adapter re-executes itself for malloc (app/malloc_tuning.hpp), the program gets the user\'s environment', { timeout, skip }, async () => {
  const dir = fs.mkdtempSync(path.join(fixtures, '..', 'tmp-'));
  fs.writeFileSync(path.join(dir, 'tunables.lua'), 'print(os.getenv("GLIBC_TUNABLES"), os.getenv("MOONRING_MALLOC_TUNED"))\n');
  // On in every build (sanitizer builds leave it off by default); the user's own tunable kept.
  const saved = { tuning: process.env.MOONRING_MALLOC_TUNING, tunables: process.env.GLIBC_TUNABLES };
  process.env.MOONRING_MALLOC_TUNING = 'on';
  process.env.GLIBC_TUNABLES = 'glibc.malloc.arena_max=4';
  let dc;
  try {
    dc = await startAdapter();
  } finally {
    for (const [key, name] of [['tuning', 'MOONRING_MALLOC_TUNING'], ['tunables', 'GLIBC_TUNABLES']]) {
      if (saved[key] === undefined) delete process.env[name];
      else process.env[name] = saved[key];
    }
  }
  try {
    const terminated = dc.waitForEvent('terminated', STEP_MS);
    await startSession(dc, 'launch', { program: 'tunables.lua', cwd: dir });
    await terminated;
    // The adapter's image (it has answered, so it is the last one) was started with the marker:
    // it did re-execute.
    const environ = fs.readFileSync(`/proc/${dc._adapterProcess.pid}/environ`, 'utf8').split('\0');
    assert.ok(environ.some((v) => v.startsWith('MOONRING_MALLOC_TUNED=')), environ.filter((v) => /GLIBC|MOONRING/.test(v)).join(' '));
    const stdout = dc.events('output').filter((e) => e.body.category === 'stdout').map((e) => e.body.output).join('');
    assert.equal(stdout, 'glibc.malloc.arena_max=4\tnil\n');
  } finally {
    dc.stopAdapter();
    fs.rmSync(dir, { recursive: true });
  }
});

test('launch: a breakpoint on a tagged line stops there; disconnect ends the program', { timeout, skip }, async () => {
  const program = fixture('steps.lua');
  const line = tagLine(program, 'bp1');
  const dc = await startAdapter();
  try {
    const stopped = dc.waitForEvent('stopped', STEP_MS);
    const [bps] = await startSession(dc, 'launch', { program }, { [program]: [line] });
    // Verified once the source is loaded (a breakpoint event may say so later).
    assert.equal(bps.body.breakpoints.length, 1);
    assert.equal((await stopped).body.reason, 'breakpoint');
    const threads = await withTimeout(dc.threadsRequest(), STEP_MS, 'threads');
    const threadId = threads.body.threads[0].id;
    const trace = await withTimeout(dc.stackTraceRequest({ threadId }), STEP_MS, 'stackTrace');
    assert.equal(trace.body.stackFrames[0].line, line);
    assert.equal(trace.body.stackFrames[0].source.path, program);
    const pid = dc.debuggeePid();
    await withTimeout(dc.disconnectRequest({}), STEP_MS, 'disconnect');
    await gone(pid);
    const { signal } = await waitForExit(dc._adapterProcess, STEP_MS);
    assert.equal(signal, null);
  } finally {
    dc.stopAdapter();
  }
});

test('launch: stopOnEntry, then next steps a line and continue runs to the end', { timeout, skip }, async () => {
  const program = fixture('steps.lua');
  const dc = await startAdapter();
  try {
    const entry = dc.waitForEvent('stopped', STEP_MS);
    await startSession(dc, 'launch', { program, stopOnEntry: true });
    assert.equal((await entry).body.reason, 'entry');
    const threadId = (await entry).body.threadId ?? 1;
    const before = (await dc.stackTraceRequest({ threadId })).body.stackFrames[0].line;
    const stepped = dc.waitForEvent('stopped', STEP_MS);
    await withTimeout(dc.nextRequest({ threadId }), STEP_MS, 'next');
    assert.equal((await stepped).body.reason, 'step');
    const after = (await dc.stackTraceRequest({ threadId })).body.stackFrames[0].line;
    assert.ok(after > before, `next moved from line ${before} to ${after}`);
    const terminated = dc.waitForEvent('terminated', STEP_MS);
    await withTimeout(dc.continueRequest({ threadId }), STEP_MS, 'continue');
    await terminated;
    assert.equal(dc.events('exited')[0].body.exitCode, 0);
  } finally {
    dc.stopAdapter();
  }
});

test('launch: pause stops a loop without calls; terminate ends it', { timeout, skip }, async () => {
  const program = fixture('spins.lua');
  const dc = await startAdapter();
  try {
    const spinning = dc.assertOutput('stdout', 'spinning', STEP_MS);
    await startSession(dc, 'launch', { program });
    await spinning;
    const paused = dc.waitForEvent('stopped', STEP_MS);
    await withTimeout(dc.pauseRequest({ threadId: 1 }), STEP_MS, 'pause');
    assert.equal((await paused).body.reason, 'pause');
    const terminated = dc.waitForEvent('terminated', STEP_MS);
    const pid = dc.debuggeePid();
    await withTimeout(dc.terminateRequest(), STEP_MS, 'terminate');
    await terminated;
    await gone(pid);
  } finally {
    dc.stopAdapter();
  }
});

test('launch: the debuggee killed mid-session: exited (137) and terminated, the adapter serves on', { timeout, skip }, async () => {
  const dc = await startAdapter();
  try {
    const spinning = dc.assertOutput('stdout', 'spinning', STEP_MS);
    await startSession(dc, 'launch', { program: fixture('spins.lua') });
    await spinning;
    const terminated = dc.waitForEvent('terminated', STEP_MS);
    process.kill(dc.debuggeePid(), 'SIGKILL');
    await terminated;
    assert.equal(dc.events('exited')[0].body.exitCode, 137);
    await withTimeout(dc.disconnectRequest({}), STEP_MS, 'disconnect');
  } finally {
    dc.stopAdapter();
  }
});

test('launch: the editor vanishing ends the program (closed stdin, SIGTERM, a killed adapter)', { timeout, skip }, async () => {
  for (const how of ['stdin', 'SIGTERM', 'SIGKILL']) {
    const dc = await startAdapter();
    const adapter = dc._adapterProcess;
    let stderr = '';
    adapter.stderr.on('data', (d) => (stderr += d));
    try {
      const spinning = dc.assertOutput('stdout', 'spinning', STEP_MS);
      await startSession(dc, 'launch', { program: fixture('spins.lua') });
      await spinning;
      const pid = dc.debuggeePid();
      if (how === 'stdin') adapter.stdin.end();
      else adapter.kill(how);
      await gone(pid);
      await waitForExit(adapter, STEP_MS);
      // Ending while the program's output is being read frees nothing still in use.
      assert.doesNotMatch(stderr, /AddressSanitizer|runtime error/, `${how}: ${stderr}`);
    } finally {
      adapter.kill('SIGKILL');
    }
  }
});

test('attach to `moonring run --listen`: with the token, a wrong token refused (the program runs on), --no-auth', { timeout, skip }, async () => {
  const program = fixture('spins.lua');
  const port = await freePort();
  const debuggee = startMoonring(['run', `--listen=127.0.0.1:${port}`, '--token=t0k3n', program]);
  try {
    await withTimeout(new Promise((resolve) => debuggee.stdout.on('data', (d) => d.toString().includes('spinning') && resolve())), STEP_MS, 'the program running');
    const refused = await startAdapter();
    try {
      await withTimeout(refused.initializeRequest(), STEP_MS, 'initialize');
      await assert.rejects(withTimeout(refused.attachRequest({ port, token: 'wrong' }), STEP_MS, 'attach'), /invalid token/);
    } finally {
      refused.stopAdapter();
    }
    assert.equal(debuggee.exitCode, null, 'the program runs on after a refused attach');

    const dc = await startAdapter();
    try {
      await startSession(dc, 'attach', { port, token: 't0k3n' });
      const paused = dc.waitForEvent('stopped', STEP_MS);
      await withTimeout(dc.pauseRequest({ threadId: 1 }), STEP_MS, 'pause');
      await paused;
      await withTimeout(dc.disconnectRequest({}), STEP_MS, 'disconnect');
    } finally {
      dc.stopAdapter();
    }
    assert.equal(debuggee.exitCode, null, 'an attached program runs on after disconnect');
  } finally {
    debuggee.kill('SIGKILL');
  }

  const port2 = await freePort();
  const open = startMoonring(['run', `--listen=127.0.0.1:${port2}`, '--no-auth', program]);
  try {
    await withTimeout(new Promise((resolve) => open.stdout.on('data', (d) => d.toString().includes('spinning') && resolve())), STEP_MS, 'the program running');
    const dc = await startAdapter();
    try {
      await startSession(dc, 'attach', { port: port2 });
      await withTimeout(dc.disconnectRequest({ terminateDebuggee: true }), STEP_MS, 'disconnect');
      await waitForExit(open, STEP_MS);
    } finally {
      dc.stopAdapter();
    }
  } finally {
    open.kill('SIGKILL');
  }
});

// A client that runs the program in its own "terminal" when the adapter asks (runInTerminal).
class TerminalClient extends RecordingDebugClient {
  terminalOutput = '';
  terminalRequests = [];

  dispatch(body) {
    const message = JSON.parse(body);
    if (message.type !== 'request' || message.command !== 'runInTerminal') return super.dispatch(body);
    this.received.push(message);
    this.terminalRequests.push(message.arguments);
    const { args, cwd, env } = message.arguments;
    const environment = { ...process.env };
    for (const [k, v] of Object.entries(env ?? {})) v === null ? delete environment[k] : (environment[k] = v);
    const child = spawn(args[0], args.slice(1), { cwd, env: environment, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (d) => (this.terminalOutput += d));
    this.terminal = child;
    const response = { seq: 0, type: 'response', request_seq: message.seq, command: 'runInTerminal', success: true, body: { processId: child.pid } };
    const json = JSON.stringify(response);
    this.outputStream.write(`Content-Length: ${Buffer.byteLength(json)}\r\n\r\n${json}`);
  }
}

test('launch with console integratedTerminal: the program runs through runInTerminal', { timeout, skip }, async () => {
  const dc = new TerminalClient(moonringBin, 'dap', 'moonring');
  await dc.start();
  try {
    const initialized = dc.waitForEvent('initialized', STEP_MS);
    await withTimeout(dc.initializeRequest({ adapterID: 'moonring', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path', supportsRunInTerminalRequest: true }), STEP_MS, 'initialize');
    const terminated = dc.waitForEvent('terminated', STEP_MS);
    const launched = dc.launchRequest({ program: fixture('prints.lua'), args: ['x'], console: 'integratedTerminal', env: { MOONRING_T: '1' } });
    await initialized;
    await withTimeout(dc.configurationDoneRequest(), STEP_MS, 'configurationDone');
    await withTimeout(launched, STEP_MS, 'launch');
    await terminated;
    assert.equal(dc.terminalRequests.length, 1);
    assert.equal(dc.terminalRequests[0].kind, 'integrated');
    assert.deepEqual(dc.terminalRequests[0].env, { MOONRING_T: '1' });
    await waitForExit(dc.terminal, STEP_MS);
    assert.match(dc.terminalOutput, /hello from the debuggee/);
    assert.equal(dc.events('output').filter((e) => e.body.category === 'stdout').length, 0, 'no output through the adapter');
    assert.equal(dc.events('exited')[0]?.body.exitCode, 3);
  } finally {
    dc.terminal?.kill('SIGKILL');
    dc.stopAdapter();
  }
});

test('launch with console integratedTerminal from a client without runInTerminal: output events, and a note', { timeout, skip }, async () => {
  const dc = await startAdapter();
  try {
    const terminated = dc.waitForEvent('terminated', STEP_MS);
    await startSession(dc, 'launch', { program: fixture('prints.lua'), console: 'integratedTerminal' });
    await terminated;
    assert.match(dc.events('output').map((e) => e.body.output).join(''), /cannot open a terminal/);
    assert.match(dc.events('output').filter((e) => e.body.category === 'stdout').map((e) => e.body.output).join(''), /hello from the debuggee/);
  } finally {
    dc.stopAdapter();
  }
});

// Lua 5.1 and LuaJIT programs that load the agent as the C module moonring/debug.so (built into
// <build>/lua-modules/<vm>/ beside the moonring binary), attached through the adapter.
const modules = path.resolve(path.dirname(path.dirname(moonringBin)), 'lua-modules');
for (const [vm, interpreter] of [['lua51', 'lua5.1'], ['luajit', 'luajit']]) {
  const so = path.join(modules, vm, 'moonring', 'debug.so');
  const which = spawnSync('sh', ['-c', `command -v ${interpreter}`]).status === 0;
  const why = skip || (!fs.existsSync(so) && `${so} is not built`) || (!which && `${interpreter} is not installed`);
  test(`attach to a ${interpreter} program that loads moonring.debug: breakpoint, stack, evaluate, detach`, { timeout, skip: why }, async () => {
    const program = fixture('steps.lua');
    const line = tagLine(program, 'bp1');
    const port = await freePort();
    const script = `package.cpath = ${JSON.stringify(path.join(modules, vm, '?.so'))} .. ";" .. package.cpath
      assert(require("moonring.debug").listen{port = ${port}, token = "jit", wait = true})
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
        const stopped = dc.waitForEvent('stopped', STEP_MS);
        await startSession(dc, 'attach', { port, token: 'jit' }, { [program]: [line] });
        const body = (await stopped).body;
        assert.equal(body.reason, 'breakpoint');
        assert.match(dc.events('output').map((e) => e.body.output).join(''), vm === 'luajit' ? /LuaJIT/ : /Lua 5\.1/);
        const frames = (await dc.stackTraceRequest({ threadId: body.threadId })).body.stackFrames;
        const top = frames.find((f) => f.source?.path === program);
        assert.equal(top.line, line);
        const total = await dc.evaluateRequest({ expression: 'total + 100', frameId: top.id, context: 'repl' });
        assert.equal(total.body.result, '100');
        await dc.setBreakpointsRequest({ source: { path: program }, breakpoints: [] });
        await withTimeout(dc.disconnectRequest({ terminateDebuggee: false }), STEP_MS, 'disconnect');
        const { code } = await waitForExit(debuggee, STEP_MS);
        assert.equal(code, 0, 'a detached program runs to its end');
        assert.match(debuggee.output().stdout, /total\t6/);
      } finally {
        dc.stopAdapter();
      }
    } finally {
      debuggee.kill('SIGKILL');
    }
  });
}
