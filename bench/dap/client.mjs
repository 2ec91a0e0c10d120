// The dap bench's client: drives `moonring dap` with @vscode/debugadapter-testsupport's
// DebugClient and measures (1) the cost of debugging a CPU-bound program with one breakpoint
// that is never hit, against the same program under plain lua5.4 in the same run, runs
// alternating; (2) the latency from `next` to its stopped event over STEPS steps, launched (the
// editor on the adapter's stdio) and attached (the adapter on TCP to `moonring run --listen`);
// (3) the latency from `pause` to the stopped event in a loop without calls.
// usage: node client.mjs MOONRING LUA   (env: RUNS, ROUNDS, STEPS, PAUSES; NO_BREAKPOINT=1
// debugs the overhead run without its breakpoint, to tell the session's cost from the hooks')
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DebugClient } from '@vscode/debugadapter-testsupport';

const [moonring, lua] = process.argv.slice(2);
const RUNS = Number(process.env.RUNS ?? 5);
const ROUNDS = String(process.env.ROUNDS ?? 3);
const STEPS = Number(process.env.STEPS ?? 200);
const PAUSES = Number(process.env.PAUSES ?? 20);
const LIMIT_MS = 120_000;
const here = path.dirname(fileURLToPath(import.meta.url));
const program = (name) => path.join(here, name);
const tagLine = (file, tag) => fs.readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes(`@${tag}`)) + 1;

const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;
const median = (xs) => quantile(xs, 0.5);
function quantile(xs, q) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
}
function within(promise, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out: ${what}`)), LIMIT_MS))),
  ]).finally(() => clearTimeout(timer));
}

async function adapter() {
  const dc = new DebugClient(moonring, 'dap', 'moonring');
  dc.defaultTimeout = LIMIT_MS;
  await dc.start();
  dc._adapterProcess.stderr.on('data', () => {});
  return dc;
}

// Starts a session in VS Code's order; `configure` sends the configuration requests.
async function session(request, args, configure = async () => {}) {
  const dc = await adapter();
  const initialized = dc.waitForEvent('initialized');
  await within(dc.initializeRequest(), 'initialize');
  const started = request === 'launch' ? dc.launchRequest(args) : dc.attachRequest(args);
  started.catch(() => {});
  await initialized;
  await configure(dc);
  return { dc, started };
}

async function plainRun() {
  const t0 = process.hrtime.bigint();
  const child = spawn(lua, [program('fib_table.lua'), ROUNDS], { stdio: ['ignore', 'ignore', 'inherit'] });
  const code = await new Promise((resolve) => child.on('exit', resolve));
  if (code !== 0) throw new Error(`lua5.4 exited with ${code}`);
  return ms(t0);
}

// From the launch request to the exited event: spawn, handshake and the whole run.
async function debuggedRun() {
  const file = program('fib_table.lua');
  const t0 = process.hrtime.bigint();
  const { dc, started } = await session('launch', { program: file, args: [ROUNDS] }, async (c) => {
    if (process.env.NO_BREAKPOINT) return; // attribution: the session's cost without a breakpoint
    const r = await c.setBreakpointsRequest({ source: { path: file }, breakpoints: [{ line: tagLine(file, 'never') }] });
    if (r.body.breakpoints.length !== 1) throw new Error('the breakpoint was not set');
    c.on('stopped', (e) => { throw new Error(`the never-hit breakpoint was hit: ${JSON.stringify(e.body)} ${JSON.stringify(r.body)}`); });
  });
  const exited = dc.waitForEvent('exited');
  await within(dc.configurationDoneRequest(), 'configurationDone');
  await within(started, 'launch');
  const code = (await within(exited, 'exited')).body.exitCode;
  const elapsed = ms(t0);
  if (code !== 0) throw new Error(`the debugged program exited with ${code}`);
  await dc.stop();
  return elapsed;
}

async function stepLatencies(request, args) {
  const file = program('steps.lua');
  const { dc, started } = await session(request, args, (c) =>
    c.setBreakpointsRequest({ source: { path: file }, breakpoints: [{ line: tagLine(file, 'first') }] }));
  const first = dc.waitForEvent('stopped');
  await within(dc.configurationDoneRequest(), 'configurationDone');
  await within(started, request);
  const threadId = (await within(first, 'the first stop')).body.threadId;
  await dc.setBreakpointsRequest({ source: { path: file }, breakpoints: [] });
  const latencies = [];
  for (let i = 0; i < STEPS + 10; ++i) {
    const stopped = dc.waitForEvent('stopped');
    const t0 = process.hrtime.bigint();
    await within(dc.nextRequest({ threadId }), 'next');
    await within(stopped, 'stopped after next');
    if (i >= 10) latencies.push(ms(t0)); // the first ten warm up
  }
  await dc.disconnectRequest({ terminateDebuggee: true }).catch(() => {});
  dc.stopAdapter();
  return latencies;
}

async function pauseLatencies() {
  const file = program('spin.lua');
  const { dc, started } = await session('launch', { program: file });
  const spinning = new Promise((resolve) => dc.on('output', (e) => e.body.output.includes('spinning') && resolve()));
  await within(dc.configurationDoneRequest(), 'configurationDone');
  await within(started, 'launch');
  await within(spinning, 'the program spinning');
  const latencies = [];
  for (let i = 0; i < PAUSES; ++i) {
    await new Promise((resolve) => setTimeout(resolve, 20)); // deep in the loop again
    const stopped = dc.waitForEvent('stopped');
    const t0 = process.hrtime.bigint();
    await within(dc.pauseRequest({ threadId: 1 }), 'pause');
    const body = (await within(stopped, 'stopped after pause')).body;
    latencies.push(ms(t0));
    if (body.reason !== 'pause') throw new Error(`stopped for ${body.reason}`);
    await within(dc.continueRequest({ threadId: body.threadId ?? 1 }), 'continue');
  }
  await dc.disconnectRequest({ terminateDebuggee: true }).catch(() => {});
  dc.stopAdapter();
  return latencies;
}

async function freePort() {
  const s = net.createServer();
  await new Promise((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address();
  await new Promise((resolve) => s.close(resolve));
  return port;
}

async function listening(port) {
  for (let i = 0; i < 400; ++i) {
    const open = await new Promise((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => { s.destroy(); resolve(true); });
      s.on('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('the debuggee never listened');
}

const plain = [];
const debugged = [];
for (let i = 0; i < RUNS; ++i) {
  plain.push(await plainRun());
  debugged.push(await debuggedRun());
  console.log(`run ${i + 1}: lua5.4 ${plain.at(-1).toFixed(0)} ms, moonring dap ${debugged.at(-1).toFixed(0)} ms`);
}
const overhead = median(debugged) / median(plain);

const steps = await stepLatencies('launch', { program: program('steps.lua') });
const port = await freePort();
const listener = spawn(moonring, ['run', `--listen=127.0.0.1:${port}`, '--wait', '--no-auth', program('steps.lua')], { stdio: 'ignore' });
let stepsTcp;
try {
  await listening(port);
  stepsTcp = await stepLatencies('attach', { port });
} finally {
  listener.kill('SIGKILL');
}
const pauses = await pauseLatencies();

const f = (x) => x.toFixed(3);
console.log(`overhead: median ${median(debugged).toFixed(0)} ms debugged / ${median(plain).toFixed(0)} ms plain lua5.4 (${RUNS} runs each, alternating)`);
console.log(`next->stopped, launched (stdio): p50 ${f(median(steps))} ms, p99 ${f(quantile(steps, 0.99))} ms, max ${f(Math.max(...steps))} ms over ${steps.length}`);
console.log(`next->stopped, attached (tcp):   p50 ${f(median(stepsTcp))} ms, p99 ${f(quantile(stepsTcp, 0.99))} ms, max ${f(Math.max(...stepsTcp))} ms over ${stepsTcp.length}`);
console.log(`pause->stopped (loop without calls): median ${f(median(pauses))} ms, max ${f(Math.max(...pauses))} ms over ${pauses.length}`);
console.log(`bench dap: overhead=${overhead.toFixed(3)} step_p50_ms=${f(median(steps))} step_p99_ms=${f(quantile(steps, 0.99))} step_p99_tcp_ms=${f(quantile(stepsTcp, 0.99))} pause_ms=${f(median(pauses))}`);
process.exit(0);
