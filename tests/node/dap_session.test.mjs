// `moonring dap`'s own part of a debug session, driven by @vscode/debugadapter-testsupport's
// DebugClient in VS Code's request order: capabilities, typed launch/attach arguments, attach over
// TCP to an agent (with and without a token), requests forwarded with their seq numbers mapped,
// events forwarded back, and the ways a session ends (disconnect, the agent closing, the agent
// sending garbage, the editor vanishing). The agent here is a small DAP peer on loopback that
// follows docs/debugger.md and records what it receives; tests with the real agent inside
// `moonring run` are in dap_launch.test.mjs.
// Run: MOONRING_BIN=build-asan/app/moonring node --test tests/node/dap_session.test.mjs
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, test } from 'node:test';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import { killAll, moonringBin, waitForExit, withTimeout } from './support/process.mjs';

const timeout = 60_000;
const STEP_MS = 10_000;
after(killAll);

// A DebugClient that records every message it receives, in order.
class RecordingDebugClient extends DebugClient {
  received = [];

  dispatch(body) {
    this.received.push(JSON.parse(body));
    super.dispatch(body);
  }
}

function frame(message) {
  const json = JSON.stringify(message);
  return `Content-Length: ${Buffer.byteLength(json, 'utf8')}\r\n\r\n${json}`;
}

// A DAP peer in the agent's place: listens on loopback, answers the hello (checking the token
// when it has one), records every request, and answers the rest with `answer(request)`.
class Agent {
  requests = [];
  seq = 1;
  waiters = [];

  constructor({ token = null, answer = () => ({}) } = {}) {
    this.token = token;
    this.answer = answer;
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
    this.server = net.createServer((socket) => this.serve(socket));
  }

  async listen() {
    await new Promise((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = this.server.address().port;
    return this;
  }

  serve(socket) {
    this.socket = socket;
    socket.on('error', () => {});
    socket.on('close', () => this.resolveClosed());
    let buffer = Buffer.alloc(0);
    socket.on('data', (data) => {
      buffer = Buffer.concat([buffer, data]);
      for (;;) {
        const end = buffer.indexOf('\r\n\r\n');
        if (end < 0) return;
        const length = Number(/Content-Length: *(\d+)/i.exec(buffer.toString('latin1', 0, end))[1]);
        if (buffer.length < end + 4 + length) return;
        const message = JSON.parse(buffer.toString('utf8', end + 4, end + 4 + length));
        buffer = buffer.subarray(end + 4 + length);
        this.receive(message);
      }
    });
  }

  receive(request) {
    if (process.env.DAP_DEBUG) console.error('agent got', JSON.stringify(request));
    this.requests.push(request);
    for (const w of this.waiters.splice(0)) w();
    if (request.command === 'moonringHello') {
      if (this.token !== null && request.arguments?.token !== this.token) {
        this.respond(request, false, 'invalid token');
        this.socket.end();
        return;
      }
      this.respond(request, true, undefined, { pid: process.pid, luaVersion: 'Lua 5.4', program: '/fixture.lua', cwd: '/' });
      return;
    }
    const reply = this.answer(request);
    if (reply !== null) this.respond(request, reply.success ?? true, reply.message, reply.body);
  }

  respond(request, success, message, body) {
    this.send({ type: 'response', request_seq: request.seq, command: request.command, success, message, body });
  }

  event(event, body) {
    this.send({ type: 'event', event, body });
  }

  send(message) {
    this.socket.write(frame({ seq: this.seq++, ...message }));
  }

  // Resolves once a request with `command` has arrived.
  async request(command) {
    const find = () => this.requests.find((r) => r.command === command);
    while (!find()) await withTimeout(new Promise((resolve) => this.waiters.push(resolve)), STEP_MS, `agent: ${command}`);
    return find();
  }

  close() {
    this.socket?.destroy();
    this.server.close();
  }
}

async function startAdapter() {
  const dc = new RecordingDebugClient(moonringBin, 'dap', 'moonring');
  await dc.start();
  dc._adapterProcess.stderr.on('data', (d) => process.env.DAP_DEBUG && process.stderr.write(d));
  return dc;
}

async function initialize(dc) {
  const initialized = dc.waitForEvent('initialized', STEP_MS);
  const response = await withTimeout(dc.initializeRequest(), STEP_MS, 'initialize');
  await initialized;
  return response.body;
}

// The message `dc.send` rejects with, or null when it succeeds.
async function failure(promise) {
  try {
    await withTimeout(promise, STEP_MS, 'a response');
    return null;
  } catch (error) {
    return error.message;
  }
}

test('initialize: the capabilities the adapter and the agent really have', { timeout }, async () => {
  const dc = await startAdapter();
  try {
    const caps = await initialize(dc);
    for (const name of [
      'supportsConfigurationDoneRequest', 'supportsFunctionBreakpoints', 'supportsConditionalBreakpoints',
      'supportsHitConditionalBreakpoints', 'supportsLogPoints', 'supportsEvaluateForHovers', 'supportsSetVariable',
      'supportsSetExpression', 'supportsExceptionInfoRequest', 'supportsLoadedSourcesRequest',
      'supportsTerminateRequest', 'supportTerminateDebuggee',
    ]) assert.equal(caps[name], true, name);
    // Nothing the agent cannot do.
    for (const name of ['supportsStepBack', 'supportsRestartRequest', 'supportsDataBreakpoints', 'supportsGotoTargetsRequest'])
      assert.notEqual(caps[name], true, name);
    assert.deepEqual(caps.exceptionBreakpointFilters.map((f) => f.filter), ['all', 'uncaught']);
    assert.ok((await failure(dc.initializeRequest()))?.includes('already'), 'a second initialize fails');
    await withTimeout(dc.disconnectRequest({}), STEP_MS, 'disconnect');
  } finally {
    dc.stopAdapter();
  }
});

test('launch and attach: invalid arguments are errors naming the field; the session goes on', { timeout }, async () => {
  const dc = await startAdapter();
  try {
    assert.match(await failure(dc.launchRequest({ program: 'x.lua' })), /initialize first/);
    await initialize(dc);
    assert.match(await failure(dc.launchRequest({})), /launch: missing required field 'program'/);
    assert.match(await failure(dc.launchRequest({ program: 'x.lua', args: 'a b' })), /field 'args' must be an array of strings/);
    assert.match(await failure(dc.launchRequest({ program: 'x.lua', env: { A: 1 } })), /field 'env.A' must be a string or null/);
    assert.match(await failure(dc.launchRequest({ program: 'x.lua', stopOnEntry: 'yes' })), /field 'stopOnEntry' must be a boolean/);
    assert.match(await failure(dc.launchRequest({ program: 'x.lua', console: 'somewhere' })), /field 'console'/);
    assert.match(await failure(dc.attachRequest({})), /attach: missing required field 'port'/);
    assert.match(await failure(dc.attachRequest({ port: 70000 })), /field 'port' must be a port number/);
    assert.match(await failure(dc.customRequest('stepBack', { threadId: 1 })), /unsupported request: stepBack/);
    // A program that is not there: said before anything is spawned, and the session can still launch.
    assert.match(await failure(dc.launchRequest({ program: '/nonexistent/x.lua' })), /program '\/nonexistent\/x.lua': No such file or directory/);
    await withTimeout(dc.disconnectRequest({}), STEP_MS, 'disconnect');
    const { signal } = await waitForExit(dc._adapterProcess, STEP_MS);
    assert.equal(signal, null);
  } finally {
    dc.stopAdapter();
  }
});

// VS Code's order: initialize, attach (response not awaited), initialized, setBreakpoints,
// configurationDone. The breakpoints reach the agent after the hello and before configurationDone.
async function attachInVsCodeOrder(dc, agent, extra = {}) {
  await initialize(dc);
  const attached = dc.attachRequest({ port: agent.port, ...extra });
  const breakpoints = dc.setBreakpointsRequest({ source: { path: '/fixture.lua' }, breakpoints: [{ line: 3 }] });
  const done = dc.configurationDoneRequest();
  await withTimeout(attached, STEP_MS, 'attach response');
  const bp = await withTimeout(breakpoints, STEP_MS, 'setBreakpoints response');
  await withTimeout(done, STEP_MS, 'configurationDone response');
  return bp;
}

test('attach with a token: the hello, then requests and events with their seq numbers mapped', { timeout }, async () => {
  const agent = await new Agent({
    token: 's3cret',
    answer: (r) => {
      if (r.command === 'setBreakpoints') return { body: { breakpoints: [{ verified: true, line: 4 }] } };
      if (r.command === 'threads') return { body: { threads: [{ id: 1, name: 'main' }] } };
      if (r.command === 'evaluate') return { success: false, message: 'attempt to call a nil value' };
      return {};
    },
  }).listen();
  const dc = await startAdapter();
  try {
    const bp = await attachInVsCodeOrder(dc, agent, { token: 's3cret' });
    assert.deepEqual(bp.body.breakpoints, [{ verified: true, line: 4 }]);

    const hello = agent.requests[0];
    assert.equal(hello.command, 'moonringHello');
    assert.deepEqual(hello.arguments, { token: 's3cret', stopOnEntry: false, linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' });
    assert.deepEqual(agent.requests.map((r) => r.command), ['moonringHello', 'setBreakpoints', 'configurationDone']);
    // The agent's seq numbers are the adapter's own on that connection: 1, 2, 3...
    assert.deepEqual(agent.requests.map((r) => r.seq), [1, 2, 3]);
    assert.deepEqual(agent.requests[1].arguments, { source: { path: '/fixture.lua' }, breakpoints: [{ line: 3 }] });

    const threads = await withTimeout(dc.threadsRequest(), STEP_MS, 'threads');
    assert.deepEqual(threads.body, { threads: [{ id: 1, name: 'main' }] });
    const mine = dc.received.find((m) => m.type === 'response' && m.command === 'threads');
    assert.equal(mine.request_seq, threads.request_seq);
    assert.match(await failure(dc.evaluateRequest({ expression: 'f()', context: 'repl' })), /attempt to call a nil value/);

    // Events come through as the agent sent them.
    const stopped = dc.waitForEvent('stopped', STEP_MS);
    agent.event('stopped', { reason: 'breakpoint', threadId: 1, allThreadsStopped: true });
    assert.deepEqual((await stopped).body, { reason: 'breakpoint', threadId: 1, allThreadsStopped: true });
    const out = dc.waitForEvent('output', STEP_MS);
    agent.event('output', { category: 'console', output: 'log point 1\n' });
    assert.equal((await out).body.output, 'log point 1\n');

    // disconnect from an attached debuggee detaches by default.
    await withTimeout(dc.disconnectRequest({}), STEP_MS, 'disconnect');
    const disconnect = await agent.request('disconnect');
    assert.deepEqual(disconnect.arguments, { terminateDebuggee: false });
    await withTimeout(agent.closed, STEP_MS, 'the adapter closing the connection');
    await waitForExit(dc._adapterProcess, STEP_MS);
  } finally {
    dc.stopAdapter();
    agent.close();
  }
});

test('attach: a token from a tokenFile; a refused token fails the attach with the reason', { timeout }, async () => {
  const fs = await import('node:fs');
  const os = await import('node:os');
  const path = await import('node:path');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'moonring-dap-'));
  const tokenFile = path.join(dir, '1234.token');
  fs.writeFileSync(tokenFile, 'from-file\n', { mode: 0o600 });
  const agent = await new Agent({ token: 'from-file' }).listen();
  const dc = await startAdapter();
  try {
    await attachInVsCodeOrder(dc, agent, { tokenFile });
    assert.equal(agent.requests[0].arguments.token, 'from-file');
    await withTimeout(dc.disconnectRequest({}), STEP_MS, 'disconnect');
  } finally {
    dc.stopAdapter();
    agent.close();
  }

  const refusing = await new Agent({ token: 'right' }).listen();
  const dc2 = await startAdapter();
  try {
    await initialize(dc2);
    const threads = dc2.threadsRequest(); // waits for the debuggee, then fails with the reason
    assert.match(await failure(dc2.attachRequest({ port: refusing.port, token: 'wrong' })), /refused the debugger: invalid token/);
    assert.match(await failure(threads), /no debuggee: .*invalid token/);
    assert.match(await failure(dc2.attachRequest({ port: refusing.port, tokenFile: path.join(dir, 'none') })), /this session already has a debuggee/);
    await withTimeout(dc2.disconnectRequest({}), STEP_MS, 'disconnect');
  } finally {
    dc2.stopAdapter();
    refusing.close();
    fs.rmSync(dir, { recursive: true });
  }
});

test('attach without a token to an agent that accepts any (--no-auth); a missing tokenFile is an error', { timeout }, async () => {
  const agent = await new Agent().listen();
  const dc = await startAdapter();
  try {
    await attachInVsCodeOrder(dc, agent);
    assert.equal('token' in agent.requests[0].arguments, false);
    await withTimeout(dc.disconnectRequest({}), STEP_MS, 'disconnect');
  } finally {
    dc.stopAdapter();
    agent.close();
  }
  const dc2 = await startAdapter();
  try {
    await initialize(dc2);
    assert.match(await failure(dc2.attachRequest({ port: 1, tokenFile: '/nonexistent/moonring.token' })), /token file \/nonexistent\/moonring.token: No such file/);
  } finally {
    dc2.stopAdapter();
  }
});

test('attach: nobody listening is a clear error', { timeout }, async () => {
  const server = net.createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  const dc = await startAdapter();
  try {
    await initialize(dc);
    assert.match(await failure(dc.attachRequest({ port })), new RegExp(`connect 127.0.0.1:${port}.*refused`, 'i'));
  } finally {
    dc.stopAdapter();
  }
});

test('the agent ending the program: exited and terminated reach the editor', { timeout }, async () => {
  const agent = await new Agent().listen();
  const dc = await startAdapter();
  try {
    await attachInVsCodeOrder(dc, agent);
    const exited = dc.waitForEvent('exited', STEP_MS);
    const terminated = dc.waitForEvent('terminated', STEP_MS);
    agent.event('exited', { exitCode: 7 });
    agent.event('terminated');
    agent.socket.end();
    assert.equal((await exited).body.exitCode, 7);
    await terminated;
    assert.equal(dc.received.filter((m) => m.event === 'terminated').length, 1, 'terminated once');
    assert.match(await failure(dc.threadsRequest()), /ended|not connected/);
  } finally {
    dc.stopAdapter();
    agent.close();
  }
});

test('the agent vanishing mid-session: terminated; a request in flight fails at once', { timeout }, async () => {
  const agent = await new Agent({ answer: (r) => (r.command === 'stackTrace' ? null : {}) }).listen();
  const dc = await startAdapter();
  try {
    await attachInVsCodeOrder(dc, agent);
    const pending = failure(dc.stackTraceRequest({ threadId: 1 }));
    await agent.request('stackTrace');
    const terminated = dc.waitForEvent('terminated', STEP_MS);
    agent.socket.destroy();
    await terminated;
    assert.match(await pending, /session ended first/);
  } finally {
    dc.stopAdapter();
    agent.close();
  }
});

test('garbage from the agent: a clear error in the debug console, and the session ends', { timeout }, async () => {
  const agent = await new Agent().listen();
  const dc = await startAdapter();
  try {
    await attachInVsCodeOrder(dc, agent);
    const terminated = dc.waitForEvent('terminated', STEP_MS);
    agent.socket.write('this is not DAP\r\n\r\n');
    await terminated;
    const said = dc.received.filter((m) => m.event === 'output').map((m) => m.body.output).join('');
    assert.match(said, /the agent sent what is not DAP/);
    // The adapter still answers its editor.
    await withTimeout(dc.disconnectRequest({}), STEP_MS, 'disconnect');
  } finally {
    dc.stopAdapter();
    agent.close();
  }

  // A well-framed body that is not a DAP message ends it the same way.
  const agent2 = await new Agent().listen();
  const dc2 = await startAdapter();
  try {
    await attachInVsCodeOrder(dc2, agent2);
    const terminated = dc2.waitForEvent('terminated', STEP_MS);
    agent2.socket.write('Content-Length: 9\r\n\r\n{"seq":1}');
    await terminated;
  } finally {
    dc2.stopAdapter();
    agent2.close();
  }
});

test('terminate on an attached debuggee asks the agent to end the program', { timeout }, async () => {
  const agent = await new Agent({
    answer: (r) => {
      if (r.command === 'disconnect') setImmediate(() => { agent.event('exited', { exitCode: 1 }); agent.event('terminated'); agent.socket.end(); });
      return {};
    },
  }).listen();
  const dc = await startAdapter();
  try {
    await attachInVsCodeOrder(dc, agent);
    const terminated = dc.waitForEvent('terminated', STEP_MS);
    await withTimeout(dc.terminateRequest(), STEP_MS, 'terminate');
    assert.deepEqual((await agent.request('disconnect')).arguments, { terminateDebuggee: true });
    await terminated;
  } finally {
    dc.stopAdapter();
    agent.close();
  }
});

test('the editor vanishing: an attached debuggee is detached, and the adapter exits', { timeout }, async () => {
  const agent = await new Agent().listen();
  const dc = await startAdapter();
  const adapter = dc._adapterProcess;
  try {
    await attachInVsCodeOrder(dc, agent);
    adapter.stdin.end(); // the editor's side of stdio closes
    assert.deepEqual((await agent.request('disconnect')).arguments, { terminateDebuggee: false });
    await withTimeout(agent.closed, STEP_MS, 'the adapter closing the connection');
    const { signal } = await waitForExit(adapter, STEP_MS);
    assert.equal(signal, null);
  } finally {
    adapter.kill('SIGKILL');
    agent.close();
  }
});
