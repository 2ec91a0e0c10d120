// Every debugging feature of issue 14 through `moonring dap`, on a launched Lua 5.4 program and on
// one attached over TCP: breakpoints with conditions, hit conditions and log points, function and
// exception breakpoints with exceptionInfo, threads with coroutines, stackTrace paging, scopes,
// variables (tables, metatables, escaped strings), evaluate, setVariable, setExpression, stepIn,
// stepOut, loadedSources. Lines are found by their tags in fixtures/dap/features.lua.
// Run: MOONRING_BIN=build-asan/app/moonring node --test tests/node/dap_features.test.mjs
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import { freePort, killAll, moonringBin, startMoonring, waitForExit, withTimeout } from './support/process.mjs';

const timeout = 60_000;
const STEP_MS = 10_000;
after(killAll);

const program = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'dap', 'features.lua');
const lines = fs.readFileSync(program, 'utf8').split('\n');
const at = (tag) => {
  const i = lines.findIndex((l) => l.includes(`@${tag}`));
  assert.notEqual(i, -1, tag);
  return i + 1;
};

async function agentIsBuilt() {
  const server = net.createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const connected = new Promise((resolve) => server.once('connection', (s) => { s.destroy(); resolve(true); }));
  const child = startMoonring(['run', `--debug-connect=127.0.0.1:${server.address().port}`, '--token=probe', program]);
  const exited = waitForExit(child, STEP_MS).then(() => false, () => false);
  const answer = await Promise.race([connected, exited]);
  child.kill('SIGKILL');
  server.close();
  return answer;
}
const skip = (await agentIsBuilt()) ? false : '`moonring run --debug-connect` does not connect yet (no agent in this build)';

class Client extends DebugClient {
  received = [];

  dispatch(body) {
    this.received.push(JSON.parse(body));
    super.dispatch(body);
  }

  output(category) {
    return this.received.filter((m) => m.event === 'output' && m.body.category === category).map((m) => m.body.output).join('');
  }

  async top(threadId = 1) {
    const trace = await withTimeout(this.stackTraceRequest({ threadId, startFrame: 0, levels: 20 }), STEP_MS, 'stackTrace');
    return trace.body.stackFrames[0];
  }

  async variablesOf(reference) {
    const r = await withTimeout(this.variablesRequest({ variablesReference: reference }), STEP_MS, 'variables');
    return Object.fromEntries(r.body.variables.map((v) => [v.name, v]));
  }

  async scopes(frameId) {
    const r = await withTimeout(this.scopesRequest({ frameId }), STEP_MS, 'scopes');
    return Object.fromEntries(r.body.scopes.map((s) => [s.name, s]));
  }

  async evaluate(expression, frameId, context = 'repl') {
    return (await withTimeout(this.evaluateRequest({ expression, frameId, context }), STEP_MS, `evaluate ${expression}`)).body;
  }

  // Resumes with `request` and waits for the next stop (or the end).
  async resume(request, args = { threadId: 1 }) {
    const stopped = this.waitForEvent('stopped', STEP_MS);
    await withTimeout(this[`${request}Request`](args), STEP_MS, request);
    return (await stopped).body;
  }
}

// Starts a session in VS Code's order with the given configuration requests; resolves with the
// first stopped event's body.
async function start(request, args, configure) {
  const dc = new Client(moonringBin, 'dap', 'moonring');
  await dc.start();
  dc._adapterProcess.stderr.on('data', (d) => process.env.DAP_DEBUG && process.stderr.write(d));
  const initialized = dc.waitForEvent('initialized', STEP_MS);
  await withTimeout(dc.initializeRequest(), STEP_MS, 'initialize');
  const started = request === 'launch' ? dc.launchRequest(args) : dc.attachRequest(args);
  started.catch(() => {});
  await initialized;
  const stopped = dc.waitForEvent('stopped', STEP_MS);
  const answers = await configure(dc);
  await withTimeout(dc.configurationDoneRequest(), STEP_MS, 'configurationDone');
  await withTimeout(started, STEP_MS, request);
  return { dc, answers, stopped: (await stopped).body };
}

const source = { path: program };

async function everything(request, args) {
  const { dc, answers, stopped } = await start(request, args, async (c) => ({
    bps: await c.setBreakpointsRequest({
      source,
      breakpoints: [
        { line: at('loop'), condition: 'i == 3' },
        { line: at('log'), logMessage: 'log i={i} r={#r > 0}' },
        { line: at('in_coroutine'), hitCondition: '1' },
      ],
    }),
    fns: await c.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'work' }] }),
    exc: await c.setExceptionBreakpointsRequest({ filters: ['uncaught'] }),
  }));
  try {
    assert.equal(answers.bps.body.breakpoints.length, 3);
    assert.equal(answers.fns.body.breakpoints.length, 1);

    // The hit condition: the coroutine's first line stops, with the coroutine among the threads.
    let frame = await dc.top(stopped.threadId);
    assert.equal(frame.line, at('in_coroutine'));
    assert.equal(frame.source.path, program);
    const threads = (await dc.threadsRequest()).body.threads;
    assert.ok(threads.length >= 2, JSON.stringify(threads));
    assert.ok(threads.some((t) => t.name === 'main'));

    // The function breakpoint stops at work's first call, and scopes are all there.
    let stop = await dc.resume('continue', { threadId: stopped.threadId });
    assert.equal(stop.reason, 'function breakpoint');
    frame = await dc.top();
    const scopes = await dc.scopes(frame.id);
    for (const name of ['Locals', 'Upvalues', 'Varargs', 'Globals']) assert.ok(scopes[name], `scope ${name}`);
    const locals = await dc.variablesOf(scopes.Locals.variablesReference);
    assert.equal(locals.a.value, '"v1"');
    const upvalues = await dc.variablesOf(scopes.Upvalues.variablesReference);
    assert.equal(upvalues.up.value, '"upvalue"');
    const varargs = await dc.variablesOf(scopes.Varargs.variablesReference);
    assert.equal(Object.keys(varargs).length, 2);

    // evaluate reads and assigns locals and upvalues; setVariable and setExpression too.
    assert.equal((await dc.evaluate('a .. "!"', frame.id)).result, '"v1!"');
    await dc.evaluate('up = "changed"', frame.id);
    assert.equal((await dc.evaluate('up', frame.id, 'watch')).result, '"changed"');
    const set = await withTimeout(dc.setVariableRequest({ variablesReference: scopes.Locals.variablesReference, name: 'a', value: '"w"' }), STEP_MS, 'setVariable');
    assert.equal(set.body.value, '"w"');
    assert.equal((await dc.evaluate('a', frame.id, 'hover')).result, '"w"');
    const expr = await withTimeout(dc.customRequest('setExpression', { expression: 'a', value: '"x" .. 1', frameId: frame.id }), STEP_MS, 'setExpression');
    assert.equal(expr.body.value, '"x1"');

    // A table: fields, escaped strings, its metatable; the frame's caller in the stack (paging).
    const table = await dc.evaluate('t', frame.id);
    assert.ok(table.variablesReference > 0);
    const fields = await dc.variablesOf(table.variablesReference);
    assert.equal(fields.name.value, '"two\\nlines \\"quoted\\""');
    assert.ok(fields.nested.variablesReference > 0);
    assert.ok(Object.keys(fields).some((k) => /metatable/.test(k)), Object.keys(fields).join(','));
    const page = await withTimeout(dc.stackTraceRequest({ threadId: 1, startFrame: 1, levels: 1 }), STEP_MS, 'stackTrace page');
    assert.equal(page.body.stackFrames.length, 1);
    assert.equal(page.body.stackFrames[0].line, at('loop'));

    // stepOut returns to the loop; the condition stops at i == 3 only; the log point logs each pass.
    stop = await dc.resume('stepOut');
    assert.equal(stop.reason, 'step');
    // Back in the loop of the main chunk (where depends on the line events Lua 5.4 gives the rest
    // of the call's line).
    const back = (await dc.top()).line;
    assert.ok(back >= at('loop') - 1 && back <= at('log'), `stepOut to line ${back}`);
    await dc.setFunctionBreakpointsRequest({ breakpoints: [] });
    stop = await dc.resume('continue');
    frame = await dc.top();
    assert.equal(frame.line, at('loop'));
    assert.equal((await dc.evaluate('i', frame.id)).result, '3');
    assert.match(dc.output('console') + dc.output('stdout'), /log i=1 r=true/);

    // stepIn enters work.
    stop = await dc.resume('stepIn');
    assert.equal((await dc.top()).line, at('in_work'));

    // loadedSources knows the program.
    const loaded = await withTimeout(dc.customRequest('loadedSources'), STEP_MS, 'loadedSources');
    assert.ok(loaded.body.sources.some((s) => s.path === program));

    // The uncaught error stops with exceptionInfo (the caught one does not).
    await dc.setBreakpointsRequest({ source, breakpoints: [] });
    stop = await dc.resume('continue');
    assert.equal(stop.reason, 'exception');
    // The raising frame: below the C function `error`, which the stack shows too.
    const frames = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames;
    assert.equal(frames.find((f) => f.source?.path === program).line, at('boom'));
    const info = await withTimeout(dc.exceptionInfoRequest({ threadId: 1 }), STEP_MS, 'exceptionInfo');
    assert.match(info.body.description ?? info.body.exceptionId, /uncaught boom/);
    // The log point logged each pass until the breakpoints were cleared at i == 3.
    const logged = (dc.output('console') + dc.output('stdout')).match(/log i=\d r=\w+/g);
    assert.deepEqual(logged, ['log i=1 r=true', 'log i=2 r=true']);
    return dc;
  } catch (error) {
    dc.stopAdapter();
    throw error;
  }
}

test('launch (Lua 5.4): every feature through the adapter', { timeout, skip }, async () => {
  const dc = await everything('launch', { program });
  try {
    const terminated = dc.waitForEvent('terminated', STEP_MS);
    await withTimeout(dc.continueRequest({ threadId: 1 }), STEP_MS, 'continue');
    await terminated;
    assert.equal(dc.received.find((m) => m.event === 'exited').body.exitCode, 1);
    assert.match(dc.output('stderr'), /uncaught boom/);
  } finally {
    dc.stopAdapter();
  }
});

test('attach (Lua 5.4, `moonring run --listen --wait`): every feature through the adapter', { timeout, skip }, async () => {
  const port = await freePort();
  const debuggee = startMoonring(['run', `--listen=127.0.0.1:${port}`, '--wait', '--token=feat', program]);
  // --wait holds the program until a debugger is configured: poll for the port.
  for (let i = 0; ; ++i) {
    const open = await new Promise((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => { s.destroy(); resolve(true); });
      s.on('error', () => resolve(false));
    });
    if (open) break;
    assert.ok(i < 200, 'the debuggee never listened');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  const dc = await everything('attach', { port, token: 'feat' });
  try {
    await withTimeout(dc.disconnectRequest({ terminateDebuggee: true }), STEP_MS, 'disconnect');
    await waitForExit(debuggee, STEP_MS);
  } finally {
    dc.stopAdapter();
    debuggee.kill('SIGKILL');
  }
});
