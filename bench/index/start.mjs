// The language server's start on the NSE workspace, cold (no persistent index) and warm (the index
// present, one file changed since): milliseconds from spawn to the last file's first
// publishDiagnostics, medians of RUNS runs each. Driven over stdio by vscode-jsonrpc as an editor
// does (bench/lsp's pattern). The warm runs' diagnostics are checked against a cold run's on the
// same content, file by file, before any figure is printed.
//
// usage: node bench/index/start.mjs [--moonring PATH] [--runs N] [--nse DIR]
//        (defaults: $MOONRING_BIN or build-release/app/moonring, $RUNS or 5; NSE from
//        /usr/share/nmap, or a copy of DIR). Each server gets XDG_CACHE_HOME in a temporary
//        folder.
// Last line: `cold_ready_ms=… warm_ready_ms=…`.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const moonring = path.resolve(option('--moonring',
  process.env.MOONRING_BIN ?? path.join(repoRoot, 'build-release/app/moonring')));
const runs = Number(option('--runs', process.env.RUNS ?? 5));
const NMAP = '/usr/share/nmap';
const READY_LIMIT_MS = 120_000;

function fail(message) {
  console.error(`bench index start: FAILED: ${message}`);
  process.exit(1);
}
if (!fs.existsSync(moonring)) fail(`${moonring} not found; build the moonring target first`);
if (!fs.existsSync(`${NMAP}/nselib`)) fail('nmap-common is not installed (scripts/install-deps.sh)');

// The NSE workspace as docs/ANCHORS.md defines it: nselib at the root, scripts/*.nse as
// scripts/*.lua.
// `--nse DIR` (bench/index/run.sh's) is copied rather than used: the warm runs change a file.
function makeNse(dest) {
  const given = option('--nse', null);
  if (given) {
    fs.cpSync(given, dest, { recursive: true });
    return;
  }
  fs.cpSync(`${NMAP}/nselib`, dest, { recursive: true });
  fs.mkdirSync(path.join(dest, 'scripts'), { recursive: true });
  for (const name of fs.readdirSync(`${NMAP}/scripts`)) {
    if (name.endsWith('.nse')) {
      fs.copyFileSync(`${NMAP}/scripts/${name}`, path.join(dest, 'scripts', name.replace(/\.nse$/, '.lua')));
    }
  }
}

function luaFiles(dir) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && entry.name.endsWith('.lua')) out.push(path.join(entry.parentPath ?? entry.path, entry.name));
  }
  return out;
}

// The CPU time the server has used, all its threads (ended ones too), in milliseconds: user and
// system ticks of /proc/PID/stat at 100 Hz, so 10 ms steps. Unlike the wall time it does not grow
// when other processes compete for the CPUs.
function serverCpuMs(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;  // utime, stime (fields 14 and 15)
  } catch {
    return null;
  }
}

// One server from spawn to every file's diagnostics, then shutdown. Returns the milliseconds to
// the last file's first publish and each file's last diagnostics.
async function session(root, files, env) {
  const spawnedAt = performance.now();
  const proc = spawn(moonring, ['lsp', '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'], env });
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr = (stderr + d).slice(-4000); });
  const exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  const c = createMessageConnection(new StreamMessageReader(proc.stdout), new StreamMessageWriter(proc.stdin));
  const wanted = new Set(files);
  const diagnostics = new Map();
  let readyAt = null;
  let cpuMs = null;
  let resolveReady;
  const ready = new Promise((r) => { resolveReady = r; });
  c.onNotification('textDocument/publishDiagnostics', (p) => {
    const now = performance.now();
    const file = fileURLToPath(p.uri);
    diagnostics.set(file, p.diagnostics);
    if (wanted.delete(file) && wanted.size === 0) {
      readyAt = now;
      cpuMs = serverCpuMs(proc.pid);
      resolveReady();
    }
  });
  c.onNotification(() => {});
  c.onRequest((method, params) =>
    method === 'workspace/configuration' ? (params?.items ?? []).map(() => null) : null);
  c.onError(() => {});
  c.listen();
  const uri = pathToFileURL(root).href;
  await c.sendRequest('initialize', {
    processId: process.pid,
    rootUri: uri,
    workspaceFolders: [{ uri, name: 'nse' }],
    capabilities: {
      window: { workDoneProgress: true },
      workspace: { configuration: true, workspaceFolders: true },
      textDocument: { publishDiagnostics: { relatedInformation: true } },
    },
  });
  await c.sendNotification('initialized', {});
  const limit = new Promise((r) => setTimeout(r, READY_LIMIT_MS).unref());
  await Promise.race([ready, limit, exited]);
  if (readyAt === null) {
    proc.kill('SIGKILL');
    fail(`not ready within ${READY_LIMIT_MS} ms: ${wanted.size} files unpublished; stderr: ${stderr}`);
  }
  return { ms: readyAt - spawnedAt, cpuMs, diagnostics, stop: async () => {
    await c.sendRequest('shutdown');
    await c.sendNotification('exit');
    const status = await exited;
    c.dispose();
    if (status.code !== 0) fail(`server exited with ${JSON.stringify(status)}; stderr: ${stderr}`);
  } };
}

// Waits (bounded) until the store the server writes after its load is on disk and settled.
async function storeWritten(cacheHome, sinceMs) {
  const folder = path.join(cacheHome, 'moonring');
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const stores = fs.existsSync(folder) ? fs.readdirSync(folder).filter((n) => n.endsWith('.store')) : [];
    if (stores.some((n) => fs.statSync(path.join(folder, n)).mtimeMs >= sinceMs)) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  fail('the persistent index was not written within 20 s');
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'moonring-bench-index-'));
try {
  const root = path.join(work, 'nse');
  makeNse(root);
  const files = luaFiles(root);
  // A workspace is not usually written the moment before the editor opens it: the persistent
  // index trusts a file's stamp only once the file is 3 s old (docs/cache.md), so the copy is
  // given that long before the first start. The file changed before each warm start is fresh.
  await new Promise((r) => setTimeout(r, 3500));
  const cacheHome = path.join(work, 'cache');
  const env = { ...process.env, XDG_CACHE_HOME: cacheHome };
  delete env.MOONRING_CACHE;
  console.error(`bench index start: ${moonring}, NSE workspace of ${files.length} files, ${runs} runs each`);

  const cold = [];
  const warm = [];
  const coldCpu = [];
  const warmCpu = [];
  const changed = files.find((f) => f.endsWith('/stdnse.lua')) ?? files[0];
  for (let run = 0; run < runs; ++run) {
    // Cold: no cache folder at all.
    fs.rmSync(cacheHome, { recursive: true, force: true });
    const before = Date.now() - 1000;
    const c = await session(root, files, env);
    cold.push(c.ms);
    coldCpu.push(c.cpuMs);
    await storeWritten(cacheHome, before);
    await c.stop();

    // Warm: the index present, one file changed since it was written.
    fs.appendFileSync(changed, `\n-- changed for warm run ${run}\nlocal _ = bench_warm_probe_${run}\n`);
    const w = await session(root, files, env);
    warm.push(w.ms);
    warmCpu.push(w.cpuMs);
    await w.stop();

    // The warm diagnostics against a server without the index, on the same content.
    if (run === 0) {
      const reference = await session(root, files, { ...env, MOONRING_CACHE: 'off' });
      await reference.stop();
      for (const file of files) {
        const a = JSON.stringify(w.diagnostics.get(file));
        const b = JSON.stringify(reference.diagnostics.get(file));
        if (a !== b) fail(`warm diagnostics differ from a cold start's for ${file}:\n  warm ${a}\n  cold ${b}`);
      }
      console.error(`bench index start: warm diagnostics equal a cold start's for all ${files.length} files`);
    }
    console.error(`bench index start: run ${run + 1}: cold ${cold.at(-1).toFixed(1)} ms ` +
      `(server CPU ${coldCpu.at(-1)} ms), warm ${warm.at(-1).toFixed(1)} ms (server CPU ${warmCpu.at(-1)} ms)`);
  }
  const load = os.loadavg()[0].toFixed(1);
  console.error(`bench index start: server CPU to ready, medians: cold ${median(coldCpu)} ms, warm ` +
    `${median(warmCpu)} ms (10 ms steps); load average ${load} on ${os.cpus().length} CPUs`);
  console.log(`cold_ready_ms=${median(cold).toFixed(1)} warm_ready_ms=${median(warm).toFixed(1)}`);
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
