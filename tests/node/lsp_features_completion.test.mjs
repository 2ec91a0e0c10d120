// `moonring lsp`'s completion list: filtered on the server by what is typed, ordered locals >
// upvalues > globals > keywords (labels the typed part starts before those it only runs
// through), and cut at 100 items with isIncomplete, so the client asks again as the user types.
// Run: MOONRING_BIN=build-asan/app/moonring node --test tests/node/lsp_features_completion.test.mjs
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { killAll, startMoonring, waitForExit } from './support/process.mjs';
import { lspConnection, request } from './support/lsp.mjs';
import { copyFixture, fileMarkers, luaFiles, Published, uriOf } from './support/workspace.mjs';

const timeout = 60_000;
after(killAll);

const manyGlobals = 150;
const name = (i) => `many_${String(i).padStart(3, '0')}`;

test('completion: filtered, ordered by nearness, truncated with isIncomplete', { timeout }, async () => {
  const root = copyFixture('completion');
  // More globals than one reply holds.
  fs.writeFileSync(path.join(root, 'globals.lua'),
    Array.from({ length: manyGlobals }, (_, i) => `${name(i)} = ${i}\n`).join(''));
  const server = startMoonring(['lsp', '--stdio'], { collectStdout: false });
  const connection = lspConnection(server.stdout, server.stdin);
  const published = new Published(connection);
  await request(connection, 'initialize', {
    processId: process.pid,
    workspaceFolders: [{ uri: uriOf(root), name: 'completion' }],
    capabilities: {},
  });
  await connection.sendNotification('initialized', {});
  await published.all(luaFiles(root).map(uriOf));
  const main = path.join(root, 'main.lua');
  const marks = fileMarkers(main);
  const complete = (position) =>
    request(connection, 'textDocument/completion', { textDocument: { uri: uriOf(main) }, position });

  // `wh|`: the local, the upvalue, the workspace's global, the keyword, in that order.
  const typed = await complete({ ...marks.order, character: marks.order.character + 2 });
  assert.equal(typed.isIncomplete, false);
  assert.deepEqual(typed.items.map((i) => i.label), ['wh_beta', 'wh_alpha', 'wh_global', 'while']);
  const sorted = [...typed.items].sort((a, b) => (a.sortText < b.sortText ? -1 : 1));
  assert.deepEqual(sorted, typed.items);

  // Nothing typed: more than a reply holds, so the list is cut and marked incomplete; what is
  // nearest comes first.
  const everything = await complete(marks.empty);
  assert.equal(everything.isIncomplete, true);
  assert.equal(everything.items.length, 100);
  assert.deepEqual(everything.items.slice(0, 2).map((i) => i.label), ['run', 'wh_alpha']);

  // Typing narrows it on the server: labels the typed part starts come first.
  const uri = uriOf(main);
  const text = fs.readFileSync(main, 'utf8').replace('--[[@order]]wh', '--[[@order]]many_14');
  await connection.sendNotification('textDocument/didOpen',
    { textDocument: { uri, languageId: 'lua', version: 1, text } });
  await published.until(uri, (p) => p.version === 1);
  const fourteen = await complete({ ...marks.order, character: marks.order.character + 7 });
  assert.equal(fourteen.isIncomplete, false);
  const labels = fourteen.items.map((i) => i.label);
  const starting = Array.from({ length: 10 }, (_, i) => name(140 + i));
  assert.deepEqual(labels.slice(0, 10), starting);
  assert.ok(labels.length > 10, 'labels the typed part only runs through follow');
  assert.ok(labels.every((l) => l.startsWith('many_')), JSON.stringify(labels));

  assert.equal(await request(connection, 'shutdown'), null);
  await connection.sendNotification('exit');
  assert.deepEqual(await waitForExit(server), { code: 0, signal: null });
  connection.dispose();
});
