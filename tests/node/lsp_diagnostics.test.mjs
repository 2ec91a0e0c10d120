// `moonring lsp` on a fixture workspace, driven by vscode-jsonrpc: honest capabilities, the
// workspace loaded and every file's diagnostics published (empty for a clean file), incremental
// sync, cross-file re-analysis, pulled diagnostics, configuration without a restart, progress,
// cancellation and bad input. Positions come from `--[[@name]]` markers in the fixtures.
// Run: MOONRING_BIN=build-asan/app/moonring node --test tests/node/lsp_diagnostics.test.mjs
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { ResponseError } from 'vscode-jsonrpc/node';
import { killAll, startMoonring, waitForExit, withTimeout } from './support/process.mjs';
import { errorCode, frame, lspConnection, RawSession, request } from './support/lsp.mjs';
import { copyFixture, fileMarkers, luaFiles, Published, uriOf } from './support/workspace.mjs';

const timeout = 60_000;
after(killAll);

// A server on `root` with a connection, its published diagnostics, and the initialize result.
async function serve(root, { capabilities = {}, onConnection = () => {} } = {}) {
  const server = startMoonring(['lsp', '--stdio'], { collectStdout: false });
  const connection = lspConnection(server.stdout, server.stdin);
  const published = new Published(connection);
  const logs = [];
  connection.onNotification('window/logMessage', (p) => logs.push(p));
  onConnection(connection);
  const init = await request(connection, 'initialize', {
    processId: process.pid,
    rootUri: uriOf(root),
    workspaceFolders: [{ uri: uriOf(root), name: path.basename(root) }],
    capabilities,
  });
  await connection.sendNotification('initialized', {});
  return { server, connection, published, init, logs };
}

async function stop({ server, connection }) {
  assert.equal(await request(connection, 'shutdown'), null);
  await connection.sendNotification('exit');
  assert.deepEqual(await waitForExit(server), { code: 0, signal: null });
  connection.dispose();
}

const codes = (params) => params.diagnostics.map((d) => d.code).sort();
const at = (d) => ({ line: d.range.start.line, character: d.range.start.character });

test('initialize advertises only what works; utf-16 by default, utf-8 when offered', { timeout }, async () => {
  const root = copyFixture('basic');
  const s = await serve(root);
  const caps = s.init.capabilities;
  assert.equal(caps.positionEncoding, 'utf-16');
  assert.deepEqual(caps.textDocumentSync, { openClose: true, change: 2 });
  assert.equal(caps.diagnosticProvider.workspaceDiagnostics, true);
  assert.equal(caps.diagnosticProvider.interFileDependencies, true);
  // Features with no implementation are not advertised (lsp_features/lsp_views test the rest).
  for (const absent of ['typeDefinitionProvider', 'implementationProvider', 'documentFormattingProvider',
    'callHierarchyProvider', 'typeHierarchyProvider'])
    assert.equal(caps[absent], undefined, `${absent} is not implemented`);
  await stop(s);

  const s8 = await serve(root, { capabilities: { general: { positionEncodings: ['utf-8', 'utf-16'] } } });
  assert.equal(s8.init.capabilities.positionEncoding, 'utf-8');
  await stop(s8);
});

test('every file is published once the workspace is loaded, clean ones with an empty list', { timeout }, async () => {
  const root = copyFixture('basic');
  const s = await serve(root);
  const files = luaFiles(root);
  await s.published.all(files.map(uriOf));
  const a = s.published.latest.get(uriOf(path.join(root, 'a.lua')));
  const marks = fileMarkers(path.join(root, 'a.lua'));
  const missing = a.diagnostics.find((d) => d.code === 'undefined-global');
  assert.ok(missing, JSON.stringify(a));
  assert.deepEqual(at(missing), marks.missing);
  assert.match(missing.message, /missing_name/);
  const unused = a.diagnostics.find((d) => d.code === 'unused-local');
  assert.deepEqual(at(unused), marks.unused);
  assert.deepEqual(unused.tags, [1], 'unused code is tagged unnecessary');
  assert.equal(unused.source, 'moonring');
  // b.lua reads a.lua's global and the .luarc.json one: clean, published as such.
  assert.deepEqual(s.published.latest.get(uriOf(path.join(root, 'b.lua'))).diagnostics, []);
  assert.deepEqual(s.published.latest.get(uriOf(path.join(root, 'clean.lua'))).diagnostics, []);
  const deep = s.published.latest.get(uriOf(path.join(root, 'sub', 'deep.lua')));
  assert.deepEqual(at(deep.diagnostics[0]), fileMarkers(path.join(root, 'sub', 'deep.lua')).deep_missing);
  await stop(s);
});

test('incremental edits re-analyse the file and the files whose globals they change', { timeout }, async () => {
  const root = copyFixture('basic');
  const s = await serve(root);
  const aPath = path.join(root, 'a.lua');
  const aUri = uriOf(aPath);
  const bUri = uriOf(path.join(root, 'b.lua'));
  await s.published.all(luaFiles(root).map(uriOf));
  const text = fs.readFileSync(aPath, 'utf8');
  const marks = fileMarkers(aPath);
  await s.connection.sendNotification('textDocument/didOpen', {
    textDocument: { uri: aUri, languageId: 'lua', version: 1, text },
  });
  await s.published.until(aUri, (p) => p.version === 1);
  // Rename the definition: b.lua's read of shared_fn becomes an undefined global.
  const start = marks.shared_def;
  await s.connection.sendNotification('textDocument/didChange', {
    textDocument: { uri: aUri, version: 2 },
    contentChanges: [{ range: { start, end: { line: start.line, character: start.character + 'shared_fn'.length } }, text: 'renamed_fn' }],
  });
  const b = await s.published.until(bUri, (p) => p.diagnostics.length === 1);
  assert.equal(b.diagnostics[0].code, 'undefined-global');
  assert.deepEqual(at(b.diagnostics[0]), fileMarkers(path.join(root, 'b.lua')).shared_use);
  const a2 = await s.published.until(aUri, (p) => p.version === 2);
  assert.deepEqual(codes(a2), ['undefined-global', 'unused-local']);
  // Put it back: b.lua is clean again.
  await s.connection.sendNotification('textDocument/didChange', {
    textDocument: { uri: aUri, version: 3 },
    contentChanges: [{ range: { start, end: { line: start.line, character: start.character + 'renamed_fn'.length } }, text: 'shared_fn' }],
  });
  await s.published.until(bUri, (p) => p.diagnostics.length === 0);
  // A full-text change, then close: the disk's version is what counts again.
  await s.connection.sendNotification('textDocument/didChange', {
    textDocument: { uri: aUri, version: 4 },
    contentChanges: [{ text: 'local unused_again = 1\n' }],
  });
  await s.published.until(bUri, (p) => p.diagnostics.length === 1);
  await s.connection.sendNotification('textDocument/didClose', { textDocument: { uri: aUri } });
  await s.published.until(bUri, (p) => p.diagnostics.length === 0);
  await s.published.until(aUri, (p) => p.version === undefined && p.diagnostics.length === 2);
  await stop(s);
});

test('pulled diagnostics agree with the pushed ones', { timeout }, async () => {
  const root = copyFixture('basic');
  const s = await serve(root);
  const files = luaFiles(root).map(uriOf);
  await s.published.all(files);
  for (const uri of files) {
    const report = await request(s.connection, 'textDocument/diagnostic', { textDocument: { uri } });
    assert.equal(report.kind, 'full');
    assert.deepEqual(report.items, s.published.latest.get(uri).diagnostics, uri);
  }
  const all = await request(s.connection, 'workspace/diagnostic', { previousResultIds: [] });
  assert.deepEqual(all.items.map((i) => i.uri).sort(), [...files].sort());
  for (const item of all.items) assert.deepEqual(item.items, s.published.latest.get(item.uri).diagnostics);
  assert.equal(await errorCode(s.connection, 'textDocument/diagnostic', {}), -32602);
  await stop(s);
});

test('configuration applies without a restart: didChangeConfiguration, workspace/configuration, .luarc.json', { timeout }, async () => {
  const root = copyFixture('basic');
  let luaSettings = { diagnostics: { globals: ['deep_undefined'] } };
  const s = await serve(root, {
    capabilities: { workspace: { configuration: true } },
    onConnection: (c) => c.onRequest('workspace/configuration', (p) => p.items.map(() => luaSettings)),
  });
  const aUri = uriOf(path.join(root, 'a.lua'));
  const deepUri = uriOf(path.join(root, 'sub', 'deep.lua'));
  // Pulled at start-up: deep_undefined is configured.
  await s.published.all(luaFiles(root).map(uriOf));
  assert.deepEqual(s.published.latest.get(deepUri).diagnostics, []);
  // Pushed in the notification.
  await s.connection.sendNotification('workspace/didChangeConfiguration', {
    settings: { Lua: { diagnostics: { globals: ['missing_name'], disable: ['unused-local'] } } },
  });
  await s.published.until(aUri, (p) => p.diagnostics.length === 0);
  await s.published.until(deepUri, (p) => p.diagnostics.length === 1);
  // Pulled after an empty notification (how VS Code signals a change).
  luaSettings = {};
  await s.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
  await s.published.until(aUri, (p) => p.diagnostics.length === 2);
  // .luarc.json changed on disk, reported by the client's watcher.
  const luarc = path.join(root, '.luarc.json');
  fs.writeFileSync(luarc, JSON.stringify({ diagnostics: { globals: ['missing_name'] } }));
  await s.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(luarc), type: 2 }] });
  await s.published.until(aUri, (p) => codes(p).join() === 'unused-local');
  // b.lua lost configured_global from .luarc.json.
  await s.published.until(uriOf(path.join(root, 'b.lua')), (p) => p.diagnostics.length === 1);
  // A broken .luarc.json is reported to the user, and the server keeps serving.
  fs.writeFileSync(luarc, '{ "diagnostics": ');
  await s.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(luarc), type: 2 }] });
  const deadline = Date.now() + 20_000;
  while (!s.logs.some((l) => l.type === 1 && /luarc/.test(l.message)) && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 20));
  assert.ok(s.logs.some((l) => l.type === 1 && /luarc/.test(l.message)), JSON.stringify(s.logs));
  await stop(s);
});

test('files created, changed and deleted on disk (didChangeWatchedFiles)', { timeout }, async () => {
  const root = copyFixture('basic');
  const s = await serve(root);
  await s.published.all(luaFiles(root).map(uriOf));
  const deepUri = uriOf(path.join(root, 'sub', 'deep.lua'));
  const defs = path.join(root, 'defs.lua');
  fs.writeFileSync(defs, 'deep_undefined = true\n');
  await s.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(defs), type: 1 }] });
  await s.published.until(deepUri, (p) => p.diagnostics.length === 0);
  await s.published.until(uriOf(defs), (p) => p.diagnostics.length === 0);
  fs.rmSync(defs);
  await s.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(defs), type: 3 }] });
  await s.published.until(deepUri, (p) => p.diagnostics.length === 1);
  await stop(s);
});

test('$/progress reports the load with a percentage and ends', { timeout }, async () => {
  const root = copyFixture('basic');
  const progress = [];
  const s = await serve(root, {
    capabilities: { window: { workDoneProgress: true } },
    onConnection: (c) => {
      c.onRequest('window/workDoneProgress/create', () => null);
      c.onNotification('$/progress', (p) => progress.push(p));
    },
  });
  await s.published.all(luaFiles(root).map(uriOf));
  const deadline = Date.now() + 10_000;
  while (!progress.some((p) => p.value.kind === 'end') && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 20));
  const kinds = progress.map((p) => p.value.kind);
  assert.equal(kinds[0], 'begin');
  assert.equal(kinds.at(-1), 'end');
  assert.equal(progress[0].value.percentage, 0);
  for (const p of progress.filter((x) => x.value.kind === 'report'))
    assert.ok(p.value.percentage >= 0 && p.value.percentage <= 100);
  await stop(s);
});

test('every request gets exactly one reply; bad input gets clear errors and the server keeps serving', { timeout }, async () => {
  const root = copyFixture('basic');
  const server = startMoonring(['lsp', '--stdio'], { collectStdout: false });
  const raw = new RawSession(server.stdout, server.stdin);
  raw.send({ id: 1, method: 'initialize', params: { processId: null, rootUri: uriOf(root), capabilities: {} } });
  await raw.untilResponse(1);
  raw.send({ method: 'initialized', params: {} });
  // A request cancelled at once: one reply, its result or -32800.
  raw.send({ id: 2, method: 'workspace/diagnostic', params: { previousResultIds: [] } });
  raw.send({ method: '$/cancelRequest', params: { id: 2 } });
  const got = (await raw.untilResponse(2)).filter((m) => m.id === 2);
  assert.equal(got.length, 1);
  assert.ok(got[0].result !== undefined || got[0].error.code === -32800, JSON.stringify(got[0]));
  // Unknown method, invalid params, invalid JSON inside a correct frame.
  raw.send({ id: 3, method: 'textDocument/unknownThing', params: {} });
  assert.equal((await raw.untilResponse(3)).at(-1).error.code, -32601);
  raw.send({ id: 4, method: 'textDocument/diagnostic', params: { textDocument: { uri: 42 } } });
  assert.equal((await raw.untilResponse(4)).at(-1).error.code, -32602);
  raw.write(frame('{"jsonrpc":"2.0","id":5,"method":'));
  // A change past the document's end is refused (logged), the document is unchanged.
  const uri = uriOf(path.join(root, 'clean.lua'));
  raw.send({ method: 'textDocument/didOpen', params: { textDocument: { uri, languageId: 'lua', version: 1, text: 'local x = 1\n' } } });
  raw.send({ method: 'textDocument/didChange', params: { textDocument: { uri, version: 2 }, contentChanges: [{ range: { start: { line: 99, character: 0 }, end: { line: 99, character: 1 } }, text: 'y' }] } });
  raw.send({ id: 6, method: 'textDocument/diagnostic', params: { textDocument: { uri } } });
  const six = await raw.untilResponse(6);
  assert.ok(six.some((m) => m.method === 'window/logMessage' && m.params.type === 1 && /didChange/.test(m.params.message)), JSON.stringify(six));
  assert.deepEqual(six.at(-1).result.items.map((d) => d.code), ['unused-local']);
  raw.send({ id: 7, method: 'shutdown' });
  await raw.untilResponse(7);
  raw.send({ method: 'exit' });
  assert.deepEqual(await waitForExit(server), { code: 0, signal: null });
  raw.dispose();
});

// didOpen reaches the service through the server's work queue, a request is a task of its own:
// a diagnostic request sent right after a didOpen must still see the opened text, not the file
// on disk (issue 13's "exactly one reply" flake: [] from the clean file on disk).
test('textDocument/diagnostic right after didOpen answers for the opened text', { timeout }, async () => {
  const root = copyFixture('basic');
  for (let i = 0; i < 40; ++i) fs.writeFileSync(path.join(root, `reopened-${i}.lua`), 'return 1\n');
  const server = startMoonring(['lsp', '--stdio'], { collectStdout: false });
  const connection = lspConnection(server.stdout, server.stdin);
  try {
    // Opened once the load has published every file: a file owned by another core makes the
    // service's open wait for that core, which is when a request could overtake it.
    const unseen = new Set(Array.from({ length: 40 }, (_, i) => uriOf(path.join(root, `reopened-${i}.lua`))));
    const loaded = new Promise((resolve) => {
      connection.onNotification('textDocument/publishDiagnostics', ({ uri }) => {
        if (unseen.delete(uri) && unseen.size === 0) resolve();
      });
    });
    await request(connection, 'initialize', { processId: null, rootUri: uriOf(root), capabilities: {} });
    await connection.sendNotification('initialized', {});
    await withTimeout(loaded, 20_000, 'the load publishing every file');
    const answers = [];
    for (let i = 0; i < 40; ++i) {
      const uri = uriOf(path.join(root, `reopened-${i}.lua`));
      connection.sendNotification('textDocument/didOpen', {
        textDocument: { uri, languageId: 'lua', version: 1, text: `local unused_${i} = 1\n` },
      });
      answers.push(request(connection, 'textDocument/diagnostic', { textDocument: { uri } }));
    }
    for (const [i, answer] of (await Promise.all(answers)).entries())
      assert.deepEqual(answer.items.map((d) => d.code), ['unused-local'], `reopened-${i}.lua`);
    assert.equal(await request(connection, 'shutdown'), null);
    await connection.sendNotification('exit');
    assert.deepEqual(await waitForExit(server), { code: 0, signal: null });
  } finally {
    connection.dispose();
  }
});

test('stdin closing ends the server, background load or not', { timeout }, async () => {
  const root = copyFixture('basic');
  const s = await serve(root);
  s.server.stdin.end();
  assert.deepEqual(await waitForExit(s.server), { code: 1, signal: null });
  s.connection.dispose();
});

test('a reply during the load\'s publishing waits behind a few batches, not the workspace', { timeout }, async () => {
  // vscode-jsonrpc reads everything the server sends and handles it in order, so a reply waits
  // behind every notification sent before it. The load's end publishes at the pace the client
  // answers workspace/configuration (one round trip a batch), so a hover asked at the first
  // publish is answered long before the last; paced by the wire alone, it came after most.
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'moonring-pace-'));
  const files = 1500;
  for (let i = 0; i < files; ++i)
    fs.writeFileSync(path.join(root, `f${i}.lua`), `local x = ${i}\nreturn x + y\n`);
  const a = path.join(root, 'a.lua');
  fs.writeFileSync(a, 'local name = 1\nreturn name\n');
  const server = startMoonring(['lsp', '--stdio'], { collectStdout: false });
  const connection = lspConnection(server.stdout, server.stdin);
  let configurations = 0;
  let publishes = 0;
  let hover = null;
  let publishedWhenAnswered = null;
  const all = new Promise((resolve) => {
    connection.onNotification('textDocument/publishDiagnostics', (p) => {
      // An editor spends time on each (drawing, its problem list): 0.2 ms here, so a server
      // that sends faster than that builds a queue in front of its replies.
      for (const until = performance.now() + 0.2; performance.now() < until;);
      if (p.uri.endsWith('/a.lua')) return;
      if (++publishes === 1)
        hover = request(connection, 'textDocument/hover', {
          textDocument: { uri: uriOf(a) }, position: { line: 1, character: 8 },
        }).then((answer) => { publishedWhenAnswered = publishes; return answer; });
      if (publishes === files) resolve();
    });
  });
  connection.onRequest('workspace/configuration', (p) => {
    ++configurations;
    return p.items.map(() => null);
  });
  try {
    await request(connection, 'initialize', {
      processId: process.pid, rootUri: uriOf(root), capabilities: { workspace: { configuration: true } },
    });
    await connection.sendNotification('initialized', {});
    await withTimeout(all, 30_000, 'every file published');
    const answer = await hover;
    assert.match(JSON.stringify(answer), /name/);
    assert.ok(publishedWhenAnswered <= 100, `answered after ${publishedWhenAnswered} of ${files} publishes`);
    assert.ok(configurations >= files / 32, `${configurations} round trips`);
    assert.equal(await request(connection, 'shutdown'), null);
    await connection.sendNotification('exit');
    assert.deepEqual(await waitForExit(server), { code: 0, signal: null });
  } finally {
    connection.dispose();
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('a client that refuses the round trip gets every file, paced by the wire', { timeout }, async () => {
  // The load's end asks workspace/configuration between batches (the test above); a client
  // that answers it with an error is asked once more at most, and still gets every file.
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'moonring-pace-'));
  const files = 200;
  for (let i = 0; i < files; ++i)
    fs.writeFileSync(path.join(root, `f${i}.lua`), `local x = ${i}\nreturn x + y\n`);
  let asked = 0;
  const s = await serve(root, {
    capabilities: { workspace: { configuration: true } },
    onConnection: (c) => c.onRequest('workspace/configuration', () => {
      ++asked;
      return new ResponseError(-32601, 'no settings here');
    }),
  });
  try {
    await s.published.all(luaFiles(root).map(uriOf));
    assert.ok(asked <= 2, `asked ${asked} times`);
    assert.ok(s.logs.some((l) => /paced by the wire/.test(l.message)), JSON.stringify(s.logs));
    await stop(s);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
