// `moonring lsp`'s hover and go to definition on an open document of the fixture workspace,
// with positions from `--[[@name]]` markers; positions outside the document and documents that
// that do not exist get clear errors, and the server keeps serving.
// Run: MOONRING_BIN=build-asan/app/moonring node --test tests/node/lsp_navigation.test.mjs
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { killAll, startMoonring, waitForExit } from './support/process.mjs';
import { errorCode, lspConnection, request } from './support/lsp.mjs';
import { copyFixture, fileMarkers, luaFiles, Published, uriOf } from './support/workspace.mjs';

const timeout = 60_000;
after(killAll);

test('hover and definition on an open document, local and cross-file', { timeout }, async () => {
  const root = copyFixture('basic');
  const server = startMoonring(['lsp', '--stdio'], { collectStdout: false });
  const connection = lspConnection(server.stdout, server.stdin);
  const published = new Published(connection);
  const init = await request(connection, 'initialize', {
    processId: process.pid,
    workspaceFolders: [{ uri: uriOf(root), name: 'basic' }],
    capabilities: {},
  });
  assert.equal(init.capabilities.hoverProvider, true);
  assert.equal(init.capabilities.definitionProvider, true);
  await connection.sendNotification('initialized', {});
  await published.all(luaFiles(root).map(uriOf));

  const b = path.join(root, 'b.lua');
  const bUri = uriOf(b);
  const marks = fileMarkers(b);
  const aMarks = fileMarkers(path.join(root, 'a.lua'));
  await connection.sendNotification('textDocument/didOpen', {
    textDocument: { uri: bUri, languageId: 'lua', version: 1, text: fs.readFileSync(b, 'utf8') },
  });
  await published.until(bUri, (p) => p.version === 1);

  const local = await request(connection, 'textDocument/hover', { textDocument: { uri: bUri }, position: marks.value_use });
  assert.equal(local.contents.kind, 'markdown');
  assert.match(local.contents.value, /value/);
  assert.deepEqual(local.range.start, marks.value_use);

  const toLocal = await request(connection, 'textDocument/definition', { textDocument: { uri: bUri }, position: marks.value_use });
  assert.deepEqual(toLocal.map((l) => [l.uri, l.range.start]), [[bUri, marks.value_decl]]);

  const global = await request(connection, 'textDocument/hover', { textDocument: { uri: bUri }, position: marks.shared_use });
  assert.match(global.contents.value, /shared_fn/);
  const toGlobal = await request(connection, 'textDocument/definition', { textDocument: { uri: bUri }, position: marks.shared_use });
  assert.deepEqual(toGlobal.map((l) => [l.uri, l.range.start]), [[uriOf(path.join(root, 'a.lua')), aMarks.shared_def]]);

  // Bad positions and documents: -32602 with a message, and the server goes on.
  assert.equal(await errorCode(connection, 'textDocument/hover', { textDocument: { uri: bUri }, position: { line: 999, character: 0 } }), -32602);
  assert.equal(await errorCode(connection, 'textDocument/hover', { textDocument: { uri: uriOf(path.join(root, 'no-such-file.lua')) }, position: { line: 0, character: 0 } }), -32602);
  assert.equal(await errorCode(connection, 'textDocument/definition', { textDocument: { uri: bUri } }), -32602);
  const again = await request(connection, 'textDocument/hover', { textDocument: { uri: bUri }, position: marks.value_use });
  assert.deepEqual(again, local);

  assert.equal(await request(connection, 'shutdown'), null);
  await connection.sendNotification('exit');
  assert.deepEqual(await waitForExit(server), { code: 0, signal: null });
  connection.dispose();
});
