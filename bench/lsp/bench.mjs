// The lsp bench's driver (bench/lsp/run.sh builds the workspaces and calls it): runs `moonring lsp`
// (and LuaLS when given) on the NSE workspace RUNS times, taking turns, then on the 1 GB replica;
// prints a table, LuaLS's figures and ratios when it ran, and last the `bench lsp: ...` line.
// usage: node bench/lsp/bench.mjs --moonring BIN --nse DIR [--big DIR] [--luals BIN] [--logdir DIR]
// env: RUNS (3), RUNS_1GB (1), POSITIONS (100), SEED (13), FILES (5: the largest files asked
//      about), CHANGES (20), REQUEST_LIMIT_MS (10000), READY_LIMIT_S (300), READY_LIMIT_1GB_S
//      (600), QUIET_MS (5000), BUSY_INTERVAL_MS (10), LUALS_1GB (0)
import { readdirSync, realpathSync, statSync } from 'node:fs';
import os from 'node:os';
import { join, relative } from 'node:path';
import { pickPositions } from './positions.mjs';
import { QUERIES, readText, Session } from './session.mjs';
import { report } from './report.mjs';

const env = (name, fallback) => Number(process.env[name] ?? fallback);
const config = {
  runs: env('RUNS', 3),
  runs1gb: env('RUNS_1GB', 1),
  positions: env('POSITIONS', 100),
  seed: env('SEED', 13),
  fileCount: env('FILES', 5),
  changes: env('CHANGES', 20),
  requestLimitMs: env('REQUEST_LIMIT_MS', 10_000),
  readyLimitS: env('READY_LIMIT_S', 300),
  readyLimit1gbS: env('READY_LIMIT_1GB_S', 600),
  quietMs: env('QUIET_MS', 5000),
  busyIntervalMs: env('BUSY_INTERVAL_MS', 10),
  luals1gb: env('LUALS_1GB', 0) === 1,
};

const args = {};
for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
if (!args.moonring || !args.nse) {
  console.error('usage: bench.mjs --moonring BIN --nse DIR [--big DIR] [--luals BIN] [--logdir DIR]');
  process.exit(2);
}

const log = (message) => console.error(`bench lsp: ${message}`);

// Every .lua file under root (real, absolute paths), with its size.
function luaFiles(root) {
  const out = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile() && entry.name.endsWith('.lua')) out.push({ path, size: statSync(path).size });
    }
  };
  walk(realpathSync(root));
  return out;
}

// Server logs and stderr go here (run.sh's temporary folder unless LOGDIR keeps them).
const logdir = args.logdir ?? '/tmp';
const servers = [{ name: 'moonring', command: [args.moonring, 'lsp', '--stdio'] }];
if (args.luals) {
  servers.push({ name: 'luals', command: [args.luals, `--logpath=${logdir}/luals-log`, `--metapath=${logdir}/luals-meta`] });
}

const nse = luaFiles(args.nse);
const largest = [...nse].sort((a, b) => b.size - a.size || a.path.localeCompare(b.path)).slice(0, config.fileCount)
  .map((f) => ({ ...f, text: readText(f.path) }));
const picks = pickPositions(largest, config.positions, config.seed);
log(`NSE workspace: ${nse.length} files, ${(nse.reduce((s, f) => s + f.size, 0) / 1e6).toFixed(2)} MB; ` +
  `${picks.length} positions in ${largest.map((f) => relative(args.nse, f.path)).join(', ')}`);

const timeLimited = (promise, ms) => Promise.race([promise, new Promise((r) => setTimeout(() => r(null), ms))]);

// Starts the session; a server that fails to initialize is stopped and its run recorded as failed.
async function started(s) {
  try {
    await s.start();
    return true;
  } catch (e) {
    s.startError = e.message;
    log(`${s.command[0]}: ${e.message}`);
    await s.stop();
    return false;
  }
}

// The result of a run whose server never initialized: every figure n/a with the reason.
function failedRun(s, files) {
  const na = `initialize failed: ${s.startError.slice(0, 200)}`;
  const none = () => ({ samples: [], empty: 0, failures: 0, timeouts: 0, skipped: 0, na });
  return { ready: { seconds: null, how: 'none', published: 0, files, exited: true, reason: na },
    queries: Object.fromEntries(Object.keys(QUERIES).map((q) => [q, none()])), change: none(),
    busy: none(), rssMb: null, status: null, stderr: s.stderrTail };
}

// One session on the NSE workspace: ready, the four queries, didChange, peak RSS.
async function nseSession(server, run) {
  const s = new Session({ command: server.command, root: args.nse, files: nse.map((f) => f.path),
    requestLimitMs: config.requestLimitMs, log: (m) => log(`${server.name}: ${m}`),
    stderrPath: join(logdir, `${server.name}-nse-${run}.stderr`) });
  if (!(await started(s))) return failedRun(s, nse.length);
  const ready = await s.ready(config.readyLimitS, config.quietMs);
  // The asked-about files are open, as in an editor; their first diagnostics after didOpen (or 5 s).
  await timeLimited(Promise.all(largest.map((f) => s.open(f.path, f.text))), 5000);
  const queries = {};
  for (const name of Object.keys(QUERIES)) queries[name] = await s.measure(name, picks);
  const change = await s.changeToDiagnostics(largest[0].path, largest[0].text, config.changes,
    config.requestLimitMs);
  const rssMb = s.peakRssMb();
  const status = await s.stop();
  return { ready, queries, change, rssMb, status, stderr: s.stderrTail };
}

// One session on the 1 GB replica: hovers on an open file until every file's diagnostics arrived.
async function bigSession(server, run, bigFiles, busyPicks) {
  const s = new Session({ command: server.command, root: args.big, files: bigFiles,
    requestLimitMs: config.requestLimitMs, log: (m) => log(`${server.name} 1gb: ${m}`),
    stderrPath: join(logdir, `${server.name}-1gb-${run}.stderr`) });
  const cpuBefore = process.cpuUsage();
  if (!(await started(s))) return { ...failedRun(s, bigFiles.length), clientCpuS: 0 };
  s.open(busyPicks[0].path, readText(busyPicks[0].path));
  const ready = s.ready(config.readyLimit1gbS, config.quietMs);
  const busy = await s.hoverUntil(busyPicks, ready, config.busyIntervalMs);
  const readyResult = await ready;
  const rssMb = s.peakRssMb();
  const cpu = process.cpuUsage(cpuBefore);
  const status = await s.stop();
  return { ready: readyResult, busy, rssMb, status, clientCpuS: (cpu.user + cpu.system) / 1e6, stderr: s.stderrTail };
}

const loadBefore = os.loadavg()[0];
const results = Object.fromEntries(servers.map((s) => [s.name, { nse: [], big: [] }]));
for (let run = 1; run <= config.runs; run++) {
  for (const server of servers) {
    log(`${server.name}: NSE run ${run}/${config.runs}`);
    const r = await nseSession(server, run);
    results[server.name].nse.push(r);
    if (r.status?.code !== 0) log(`${server.name}: exited ${JSON.stringify(r.status)}; stderr ends: ${r.stderr.slice(-600)}`);
    log(`${server.name}: ready ${r.ready.seconds?.toFixed(3) ?? 'n/a'} s (${r.ready.how}, ` +
      `${r.ready.published}/${r.ready.files} published), rss ${r.rssMb?.toFixed(1) ?? 'n/a'} MB, exit ${JSON.stringify(r.status)}`);
  }
}

if (args.big) {
  const bigFiles = luaFiles(args.big).map((f) => f.path);
  const busyFile = join(realpathSync(args.big), 'copy001', relative(realpathSync(args.nse), largest[0].path));
  const busyPicks = pickPositions([{ path: busyFile, text: readText(busyFile) }], config.positions, config.seed);
  log(`1 GB workspace: ${bigFiles.length} files; busy hovers in ${relative(args.big, busyFile)}`);
  for (let run = 1; run <= config.runs1gb; run++) {
    for (const server of servers) {
      if (server.name === 'luals' && !config.luals1gb) continue;
      log(`${server.name}: 1 GB run ${run}/${config.runs1gb}`);
      const r = await bigSession(server, run, bigFiles, busyPicks);
      results[server.name].big.push(r);
      if (r.status?.code !== 0) log(`${server.name}: exited ${JSON.stringify(r.status)}; stderr ends: ${r.stderr.slice(-600)}`);
      log(`${server.name}: 1 GB ready ${r.ready.seconds?.toFixed(3) ?? 'n/a'} s (${r.ready.how}, ` +
        `${r.ready.published}/${r.ready.files} published), rss ${r.rssMb?.toFixed(1) ?? 'n/a'} MB, ` +
        `${r.busy.samples.length} busy hovers, client CPU ${r.clientCpuS.toFixed(1)} s`);
    }
  }
}

config.load = `load average ${loadBefore.toFixed(1)} at the start, ${os.loadavg()[0].toFixed(1)} at the end ` +
  `(${os.cpus().length} CPUs)`;
report(results, config);
process.exit(0);  // not waiting for the limits' timers still pending
