// `moonring lsp`'s configuration across a multi-root workspace: every folder's .luarc.json
// applies (not only the first folder's), and where a .luarc.json and the client's `Lua` section
// both set a key, the file wins (LuaLS's order: VS Code sends its contributed defaults).
// Run: MOONRING_BIN=build-asan/app/moonring node --test tests/node/lsp_config.test.mjs
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, test } from 'node:test';
import { killAll, startMoonring, waitForExit } from './support/process.mjs';
import { lspConnection, request } from './support/lsp.mjs';
import { copyFixture, luaFiles, Published, uriOf } from './support/workspace.mjs';

const timeout = 60_000;
after(killAll);

test('every folder configures its files; .luarc.json wins over the client', { timeout }, async () => {
  const root = copyFixture('config');
  const one = path.join(root, 'one');
  const two = path.join(root, 'two');
  const server = startMoonring(['lsp', '--stdio'], { collectStdout: false });
  const connection = lspConnection(server.stdout, server.stdin);
  const published = new Published(connection);
  // The client's section says Lua 5.4 (as VS Code's defaults do); one/.luarc.json says 5.1.
  connection.onRequest('workspace/configuration', (p) =>
    p.items.map(() => ({ runtime: { version: 'Lua 5.4' } })));
  await request(connection, 'initialize', {
    processId: process.pid,
    workspaceFolders: [{ uri: uriOf(one), name: 'one' }, { uri: uriOf(two), name: 'two' }],
    capabilities: { workspace: { configuration: true } },
  });
  await connection.sendNotification('initialized', {});
  await published.all(luaFiles(root).map(uriOf));

  // `<const>` is Lua 5.4 syntax: an error only if the file's 5.1 won.
  const attrib = published.latest.get(uriOf(path.join(one, 'attrib.lua')));
  assert.ok(attrib.diagnostics.length > 0, JSON.stringify(attrib));
  // The second folder's .luarc.json declares second_global.
  const uses = published.latest.get(uriOf(path.join(two, 'uses.lua')));
  assert.deepEqual(uses.diagnostics, []);

  assert.equal(await request(connection, 'shutdown'), null);
  await connection.sendNotification('exit');
  assert.deepEqual(await waitForExit(server), { code: 0, signal: null });
  connection.dispose();
});
