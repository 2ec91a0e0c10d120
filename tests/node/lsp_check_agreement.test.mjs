// One analysis, two front ends: `moonring check --format json` and the diagnostics `moonring lsp`
// publishes agree, file by file, on the fixture workspace and on a real corpus (nmap's NSE
// library, /usr/share/nmap/nselib, when installed; skipped otherwise).
// Run: MOONRING_BIN=build-asan/app/moonring node --test tests/node/lsp_check_agreement.test.mjs
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { killAll, moonringBin, startMoonring, waitForExit } from './support/process.mjs';
import { lspConnection, request } from './support/lsp.mjs';
import { copyFixture, luaFiles, Published, uriOf } from './support/workspace.mjs';

const timeout = 300_000;
after(killAll);
const severities = { error: 1, warning: 2, information: 3, hint: 4 };
const key = (file, d) =>
  `${file}:${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character}` +
  ` ${d.code} ${d.severity} ${d.message}`;

function checkReport(root) {
  let out;
  try {
    out = execFileSync(path.resolve(moonringBin), ['check', '--format', 'json'], { cwd: root, maxBuffer: 1 << 28 });
  } catch (e) {
    out = e.stdout;  // exit code 1: there are findings
  }
  return JSON.parse(out.toString()).map((d) =>
    key(path.relative(root, path.resolve(root, d.file)), { ...d, severity: severities[d.severity] }));
}

async function serverReport(root) {
  const server = startMoonring(['lsp', '--stdio'], { collectStdout: false });
  const connection = lspConnection(server.stdout, server.stdin);
  const published = new Published(connection);
  await request(connection, 'initialize', {
    processId: process.pid,
    workspaceFolders: [{ uri: uriOf(root), name: 'corpus' }],
    capabilities: {},
  });
  await connection.sendNotification('initialized', {});
  const files = luaFiles(root);
  await published.all(files.map(uriOf), 120_000);
  const keys = [];
  for (const file of files) {
    for (const d of published.latest.get(uriOf(file)).diagnostics)
      keys.push(key(path.relative(root, file), d));
  }
  assert.equal(await request(connection, 'shutdown'), null);
  await connection.sendNotification('exit');
  assert.deepEqual(await waitForExit(server), { code: 0, signal: null });
  connection.dispose();
  return keys;
}

async function agree(root) {
  const fromCheck = checkReport(root).sort();
  const fromServer = (await serverReport(root)).sort();
  assert.ok(fromCheck.length > 0, 'the corpus has findings to compare');
  assert.deepEqual(fromServer, fromCheck);
}

test('check and the server agree on the fixture workspace', { timeout }, async () => {
  await agree(copyFixture('basic'));
});

const nselib = '/usr/share/nmap/nselib';
test('check and the server agree on nmap\'s NSE library', { timeout, skip: !fs.existsSync(nselib) && 'nmap is not installed' }, async () => {
  await agree(nselib);
});
