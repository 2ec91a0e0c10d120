// The language server's persistent index (docs/cache.md) with real servers on an NSE workspace
// (nselib and 120 scripts): a warm start publishes exactly what a cold start does, file by file;
// after one file changes, what a server without the index publishes; a truncated, bit-flipped,
// foreign or emptied store is reported, rebuilt and never served.
// Run: MOONRING_BIN=build-asan/app/moonring node --test tests/node/lsp_cache.test.mjs
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { killAll, startMoonring, waitForExit } from './support/process.mjs';
import { lspConnection, request } from './support/lsp.mjs';
import { luaFiles, Published, uriOf } from './support/workspace.mjs';

const NMAP = '/usr/share/nmap';
const timeout = 280_000;
const READY_MS = 120_000;
let work;
let root;
let cacheHome;
let files;

before(() => {
  assert.ok(fs.existsSync(`${NMAP}/nselib`), 'nmap-common is not installed (scripts/install-deps.sh)');
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'moonring-lsp-cache-'));
  root = path.join(work, 'nse');
  fs.mkdirSync(path.join(root, 'scripts'), { recursive: true });
  for (const file of luaFiles(`${NMAP}/nselib`)) {
    const dest = path.join(root, path.relative(`${NMAP}/nselib`, file));
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    fs.copyFileSync(file, dest);
  }
  const scripts = fs.readdirSync(`${NMAP}/scripts`).filter((n) => n.endsWith('.nse')).sort().slice(0, 120);
  for (const name of scripts) {
    fs.copyFileSync(`${NMAP}/scripts/${name}`, path.join(root, 'scripts', name.replace(/\.nse$/, '.lua')));
  }
  files = luaFiles(root);
  cacheHome = path.join(work, 'cache');
  process.env.XDG_CACHE_HOME = cacheHome;  // the servers inherit it
  delete process.env.MOONRING_CACHE;
});

after(() => {
  killAll();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

const storeFolder = () => path.join(cacheHome, 'moonring');
const stores = () =>
  fs.existsSync(storeFolder()) ? fs.readdirSync(storeFolder()).filter((n) => n.endsWith('.store')) : [];

// One server from spawn to every file's diagnostics; waits for the store it writes after its
// load (unless the index is off), then shutdown and exit. Returns the diagnostics by path and the
// logged messages.
async function startToReady({ cache = true } = {}) {
  if (cache) delete process.env.MOONRING_CACHE;
  else process.env.MOONRING_CACHE = 'off';
  const startedMs = Date.now() - 1000;
  const server = startMoonring(['lsp', '--stdio'], { collectStdout: false });
  delete process.env.MOONRING_CACHE;
  const connection = lspConnection(server.stdout, server.stdin);
  const published = new Published(connection);
  const logs = [];
  connection.onNotification('window/logMessage', (p) => logs.push(p.message));
  await request(connection, 'initialize', {
    processId: process.pid,
    rootUri: uriOf(root),
    workspaceFolders: [{ uri: uriOf(root), name: 'nse' }],
    // Related information too: every part of a diagnostic must come back from the index.
    capabilities: { textDocument: { publishDiagnostics: { relatedInformation: true } } },
  });
  await connection.sendNotification('initialized', {});
  await published.all(files.map(uriOf), READY_MS);
  if (cache) {
    const deadline = Date.now() + 30_000;
    const fresh = () => stores().some((n) => fs.statSync(path.join(storeFolder(), n)).mtimeMs >= startedMs);
    while (!fresh() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  }
  assert.equal(await request(connection, 'shutdown'), null);
  await connection.sendNotification('exit');
  assert.deepEqual(await waitForExit(server, 30_000), { code: 0, signal: null });
  connection.dispose();
  const diagnostics = new Map();
  for (const file of files) diagnostics.set(file, published.latest.get(uriOf(file)).diagnostics);
  return { diagnostics, logs };
}

function assertSameFileByFile(actual, expected) {
  for (const file of files) assert.deepEqual(actual.get(file), expected.get(file), `diagnostics of ${file}`);
}

const indexLogs = (logs) => logs.filter((m) => m.includes('persistent index'));

let reference;  // a server without the index, on the current content

test('a warm start publishes what the cold start did, file by file', { timeout }, async () => {
  fs.rmSync(cacheHome, { recursive: true, force: true });
  const cold = await startToReady();
  assert.equal(stores().length, 1, 'the cold start wrote the workspace\'s store');
  assert.ok(files.length > 200);
  assert.ok([...cold.diagnostics.values()].some((ds) => ds.some((d) => d.relatedInformation?.length)),
    'some diagnostic carries related information');
  const warm = await startToReady();
  assertSameFileByFile(warm.diagnostics, cold.diagnostics);
  assert.deepEqual(indexLogs(warm.logs), []);
  reference = await startToReady({ cache: false });
  assertSameFileByFile(reference.diagnostics, cold.diagnostics);
});

test('after one file changes, a warm start publishes what a server without the index does', { timeout }, async () => {
  // A script: nselib's modules set _ENV, where no global read is undefined.
  const changed = files.find((f) => f.includes('/scripts/'));
  fs.appendFileSync(changed, '\nprint(cache_probe_global)\n');
  const warm = await startToReady();
  reference = await startToReady({ cache: false });
  assertSameFileByFile(warm.diagnostics, reference.diagnostics);
  assert.ok(warm.diagnostics.get(changed).some((d) => d.message.includes('cache_probe_global')));
});

// Each kind of damage to the store: reported, rebuilt, never served.
const damage = {
  truncated: (bytes) => bytes.subarray(0, Math.floor(bytes.length / 2)),
  // Records follow the 64-byte header; the index (40 bytes an entry) ends the file.
  'bit-flipped in a record': (bytes) => {
    const out = Buffer.from(bytes);
    out[64 + 5] ^= 0x04;
    return out;
  },
  'bit-flipped in the index': (bytes) => {
    const out = Buffer.from(bytes);
    out[out.length - 17] ^= 0x80;
    return out;
  },
  foreign: (bytes) => Buffer.from(Array.from({ length: bytes.length }, (_, i) => (i * 131 + 7) & 0xff)),
  empty: () => Buffer.alloc(0),
};

for (const [kind, spoil] of Object.entries(damage)) {
  test(`a ${kind} store is rebuilt, never served`, { timeout }, async () => {
    assert.ok(reference, 'runs after the tests above');
    const [name] = stores();
    const store = path.join(storeFolder(), name);
    fs.writeFileSync(store, spoil(fs.readFileSync(store)));
    const damaged = await startToReady();
    assertSameFileByFile(damaged.diagnostics, reference.diagnostics);
    assert.equal(indexLogs(damaged.logs).length, 1, `one report of the damage: ${JSON.stringify(damaged.logs)}`);
    const next = await startToReady();  // the rebuilt store is whole
    assertSameFileByFile(next.diagnostics, reference.diagnostics);
    assert.deepEqual(indexLogs(next.logs), []);
  });
}
