// `moonring lsp` and files changed on disk outside the editor, both ways: a client without
// didChangeWatchedFiles registration (Neovim without the capability) gets the server's own
// inotify watching, so files written, changed and deleted on disk are re-analysed and a
// .luarc.json written on disk reloads the configuration; a client that registers gets the
// server's watchers and tells it of changes itself. One that refuses the registration gets
// the server's watching too.
// Run: MOONRING_BIN=build-asan/app/moonring node --test tests/node/lsp_features_watch.test.mjs
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { ResponseError } from 'vscode-jsonrpc/node';
import { killAll, startMoonring, waitForExit } from './support/process.mjs';
import { lspConnection, request } from './support/lsp.mjs';
import { copyFixture, luaFiles, Published, uriOf } from './support/workspace.mjs';

const timeout = 60_000;
after(killAll);

// A server on a fresh copy of the `watch` fixture, every file published; `onRegister` answers
// client/registerCapability (the registrations are kept in `registered`).
async function session(capabilities, onRegister = () => null) {
  const root = copyFixture('watch');
  const server = startMoonring(['lsp', '--stdio'], { collectStdout: false });
  const connection = lspConnection(server.stdout, server.stdin);
  const published = new Published(connection);
  const registered = [];
  connection.onRequest('client/registerCapability', (params) => {
    registered.push(...params.registrations);
    return onRegister();
  });
  await request(connection, 'initialize', {
    processId: process.pid,
    workspaceFolders: [{ uri: uriOf(root), name: 'watch' }],
    capabilities,
  });
  await connection.sendNotification('initialized', {});
  await published.all(luaFiles(root).map(uriOf));
  const close = async () => {
    assert.equal(await request(connection, 'shutdown'), null);
    await connection.sendNotification('exit');
    assert.deepEqual(await waitForExit(server), { code: 0, signal: null });
    connection.dispose();
  };
  return { root, connection, published, registered, close };
}

const codes = (p) => p.diagnostics.map((d) => d.code);
const undefinedGlobal = (p) => codes(p).includes('undefined-global');

// Files created, changed and deleted on disk, and a .luarc.json written, with nothing but the
// disk telling the server.
async function diskChangesReachTheServer(s) {
  const usesUri = uriOf(path.join(s.root, 'uses.lua'));
  assert.ok(undefinedGlobal(s.published.latest.get(usesUri)));

  // A new file with a problem of its own, in a new folder.
  const fresh = path.join(s.root, 'sub', 'fresh.lua');
  fs.mkdirSync(path.dirname(fresh));
  fs.writeFileSync(fresh, 'print(fresh_missing)\n');
  await s.published.until(uriOf(fresh), undefinedGlobal);

  // A new file defining what uses.lua reads: uses.lua becomes clean.
  fs.writeFileSync(path.join(s.root, 'defs.lua'), 'shared_name = 1\n');
  await s.published.until(usesUri, (p) => p.diagnostics.length === 0);

  // A file changed on disk.
  const main = path.join(s.root, 'main.lua');
  fs.writeFileSync(main, 'print(main_missing)\n');
  await s.published.until(uriOf(main), undefinedGlobal);

  // A file deleted: its diagnostics are cleared.
  fs.rmSync(fresh);
  await s.published.until(uriOf(fresh), (p) => p.diagnostics.length === 0);

  // The configuration written on disk: main.lua's global is declared.
  fs.writeFileSync(path.join(s.root, '.luarc.json'),
    JSON.stringify({ diagnostics: { globals: ['main_missing'] } }));
  await s.published.until(uriOf(main), (p) => p.diagnostics.length === 0);
}

test('no watcher registration: the server watches the disk itself', { timeout }, async () => {
  const s = await session({});
  assert.deepEqual(s.registered, []);
  await diskChangesReachTheServer(s);
  await s.close();
});

test('the client refuses the registration: the server watches the disk itself', { timeout }, async () => {
  const s = await session({ workspace: { didChangeWatchedFiles: { dynamicRegistration: true } } },
    () => new ResponseError(-32603, 'no watching here'));
  assert.equal(s.registered.length, 1);
  await diskChangesReachTheServer(s);
  await s.close();
});

test('the client registers the watchers and reports changes', { timeout }, async () => {
  const s = await session({ workspace: { didChangeWatchedFiles: { dynamicRegistration: true } } });
  assert.equal(s.registered.length, 1);
  const [registration] = s.registered;
  assert.equal(registration.method, 'workspace/didChangeWatchedFiles');
  const globs = registration.registerOptions.watchers.map((w) => w.globPattern).sort();
  assert.deepEqual(globs, ['**/*.lua', '**/.luacheckrc', '**/.luarc.json', '**/.luarc.jsonc']);

  const fresh = path.join(s.root, 'fresh.lua');
  fs.writeFileSync(fresh, 'print(fresh_missing)\n');
  await s.connection.sendNotification('workspace/didChangeWatchedFiles',
    { changes: [{ uri: uriOf(fresh), type: 1 }] });
  await s.published.until(uriOf(fresh), undefinedGlobal);
  const luarc = path.join(s.root, '.luarc.json');
  fs.writeFileSync(luarc, JSON.stringify({ diagnostics: { globals: ['fresh_missing'] } }));
  await s.connection.sendNotification('workspace/didChangeWatchedFiles',
    { changes: [{ uri: uriOf(luarc), type: 1 }] });
  await s.published.until(uriOf(fresh), (p) => p.diagnostics.length === 0);
  await s.close();
});
