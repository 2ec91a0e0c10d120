// End to end, the index against the server: `moonring index` on the NSE workspace, then a real
// `moonring lsp` process over vscode-jsonrpc answers textDocument/definition and
// textDocument/references at a few hundred occurrences of the index; each answer equals the
// index read as docs/index.md says (references: every occurrence of the symbol; definition: its
// first definition in the same document, else its definitions elsewhere). The in-process test
// (tests/index/index_agreement_test.cpp) covers every identifier; this one covers the wire.
// Run: MOONRING_BIN=build-ix-rel/app/moonring node --test tests/node/index_lsp_sample.test.mjs
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { killAll, moonringBin, startMoonring, waitForExit } from './support/process.mjs';
import { lspConnection, request } from './support/lsp.mjs';
import { luaFiles, Published, uriOf } from './support/workspace.mjs';

const timeout = 600_000;
const SAMPLE = 300;
after(killAll);

// The NSE workspace as the benches build it: nselib at the root, scripts/*.nse as scripts/*.lua.
function nseWorkspace() {
  const nmap = '/usr/share/nmap';
  if (!fs.existsSync(path.join(nmap, 'nselib'))) return null;
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'moonring-index-nse-')));
  fs.cpSync(path.join(nmap, 'nselib'), root, { recursive: true, filter: (f) => fs.statSync(f).isDirectory() || f.endsWith('.lua') });
  fs.mkdirSync(path.join(root, 'scripts'));
  for (const f of fs.readdirSync(path.join(nmap, 'scripts')))
    if (f.endsWith('.nse')) fs.copyFileSync(path.join(nmap, 'scripts', f), path.join(root, 'scripts', f.replace(/\.nse$/, '.lua')));
  return root;
}

// Protobuf's wire format, as much as scip.Index's documents and occurrences need.
function* fields(buf, start = 0, end = buf.length) {
  let at = start;
  const varint = () => {
    let v = 0n;
    let shift = 0n;
    for (;;) {
      const b = buf[at++];
      v |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return v;
      shift += 7n;
    }
  };
  while (at < end) {
    const tag = Number(varint());
    const number = tag >> 3;
    const type = tag & 7;
    if (type === 0) yield { number, value: Number(varint()) };
    else if (type === 2) {
      const length = Number(varint());
      yield { number, start: at, end: at + length };
      at += length;
    } else if (type === 5) at += 4;
    else if (type === 1) at += 8;
    else throw new Error(`wire type ${type}`);
  }
}

function packedInts(buf, f) {
  const out = [];
  let at = f.start;
  while (at < f.end) {
    let v = 0;
    let shift = 0;
    for (;;) {
      const b = buf[at++];
      v |= (b & 0x7f) << shift;
      if ((b & 0x80) === 0) break;
      shift += 7;
    }
    out.push(v);
  }
  return out;
}

function readIndex(file) {
  const buf = fs.readFileSync(file);
  const text = (f) => buf.toString('utf8', f.start, f.end);
  const occurrences = [];  // { doc, line, start, endLine, end, symbol, definition }
  for (const top of fields(buf)) {
    if (top.number !== 2) continue;
    let doc = '';
    const occ = [];
    for (const f of fields(buf, top.start, top.end)) {
      if (f.number === 1) doc = text(f);
      if (f.number !== 2) continue;
      const o = { symbol: '', roles: 0, range: [] };
      for (const g of fields(buf, f.start, f.end)) {
        if (g.number === 1) o.range = g.start === undefined ? [...o.range, g.value] : packedInts(buf, g);
        if (g.number === 2) o.symbol = text(g);
        if (g.number === 3) o.roles = g.value;
      }
      occ.push(o);
    }
    for (const o of occ) {
      if (!o.symbol) continue;  // a diagnostic
      const r = o.range;
      const [line, start, endLine, end] = r.length === 4 ? r : [r[0], r[1], r[0], r[2]];
      // `local N` names a symbol of its document only.
      const symbol = o.symbol.startsWith('local ') ? `${doc}\0${o.symbol}` : o.symbol;
      occurrences.push({ doc, line, start, endLine, end, symbol, definition: (o.roles & 1) !== 0 });
    }
  }
  return occurrences;
}

const place = (doc, line, start, endLine, end) => `${doc}:${line}:${start}-${endLine}:${end}`;

test('definition and references from a real moonring lsp equal the index at sampled occurrences', { timeout }, async (t) => {
  const root = nseWorkspace();
  if (!root) return t.skip('nmap-common is not installed');
  const scip = path.join(root, '..', `${path.basename(root)}.scip`);
  execFileSync(path.resolve(moonringBin), ['index', root, '-o', scip], { stdio: ['ignore', 'ignore', 'pipe'] });
  const occurrences = readIndex(scip);
  fs.rmSync(scip);
  assert.ok(occurrences.length > 100_000, `${occurrences.length} occurrences`);
  const bySymbol = new Map();
  for (const o of occurrences) {
    if (!bySymbol.has(o.symbol)) bySymbol.set(o.symbol, []);
    bySymbol.get(o.symbol).push(o);
  }
  const indexDefinition = (o) => {
    const all = bySymbol.get(o.symbol);
    const here = all.find((x) => x.definition && x.doc === o.doc);
    if (here) return [place(here.doc, here.line, here.start, here.endLine, here.end)];
    return all.filter((x) => x.definition).map((x) => place(x.doc, x.line, x.start, x.endLine, x.end)).sort();
  };
  const indexReferences = (o) =>
    [...new Set(bySymbol.get(o.symbol).map((x) => place(x.doc, x.line, x.start, x.endLine, x.end)))].sort();

  const server = startMoonring(['lsp', '--stdio'], { collectStdout: false });
  const connection = lspConnection(server.stdout, server.stdin);
  const published = new Published(connection);
  await request(connection, 'initialize', {
    processId: process.pid,
    workspaceFolders: [{ uri: uriOf(root), name: 'nse' }],
    capabilities: {},
  });
  await connection.sendNotification('initialized', {});
  await published.all(luaFiles(root).map(uriOf), 300_000);

  const fromWire = (locations) =>
    (locations ?? []).map((l) =>
      place(path.relative(root, new URL(l.uri).pathname), l.range.start.line, l.range.start.character, l.range.end.line, l.range.end.character)).sort();
  const step = Math.floor(occurrences.length / SAMPLE);
  let checked = 0;
  let agreed = 0;
  const differences = [];
  for (let i = 0; i < occurrences.length && checked < SAMPLE; i += step, ++checked) {
    // Of two occurrences of one range (a method's name, then its implicit `self`), the name's.
    let j = i;
    while (j > 0 && occurrences[j - 1].doc === occurrences[j].doc &&
      occurrences[j - 1].line === occurrences[j].line && occurrences[j - 1].start === occurrences[j].start) --j;
    const o = occurrences[j];
    const params = { textDocument: { uri: uriOf(path.join(root, o.doc)) }, position: { line: o.line, character: o.start } };
    const definition = fromWire(await request(connection, 'textDocument/definition', params, 60_000));
    const references = fromWire(await request(connection, 'textDocument/references', { ...params, context: { includeDeclaration: true } }, 60_000));
    const same = JSON.stringify(definition) === JSON.stringify(indexDefinition(o)) &&
      JSON.stringify(references) === JSON.stringify(indexReferences(o));
    if (same) ++agreed;
    else if (differences.length < 10) differences.push(`${o.doc}:${o.line}:${o.start} ${o.symbol}`);
  }
  console.log(`index vs moonring lsp: ${agreed}/${checked} sampled occurrences agree`);
  // Every one (docs/index.md, "Reading the index").
  assert.ok(checked === SAMPLE && agreed === checked,
    `${agreed}/${checked} agree; first differences: ${differences.join(', ')}`);

  assert.equal(await request(connection, 'shutdown'), null);
  await connection.sendNotification('exit');
  assert.deepEqual(await waitForExit(server), { code: 0, signal: null });
  connection.dispose();
  fs.rmSync(root, { recursive: true, force: true });
});
