// `moonring lsp`'s diagnostics' relatedInformation (shadowing -> the shadowed declaration,
// duplicate-key -> the first key, unused -> none), only for a client that declares support, and
// the quick fix that declares an undefined global in .luarc.json: a WorkspaceEdit that makes the
// file (CreateFile, for a client that can) or edits it keeping its other keys; applied on disk,
// the server's own watching reloads the configuration and the diagnostic goes.
// Run: MOONRING_BIN=build-asan/app/moonring node --test tests/node/lsp_features_fixes.test.mjs
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { killAll, startMoonring, waitForExit } from './support/process.mjs';
import { lspConnection, request } from './support/lsp.mjs';
import { copyFixture, fileMarkers, luaFiles, Published, uriOf } from './support/workspace.mjs';

const timeout = 60_000;
after(killAll);

// A server on a fresh copy of the `fixes` fixture, every file published.
async function session(capabilities) {
  const root = copyFixture('fixes');
  const server = startMoonring(['lsp', '--stdio'], { collectStdout: false });
  const connection = lspConnection(server.stdout, server.stdin);
  const published = new Published(connection);
  await request(connection, 'initialize', {
    processId: process.pid,
    workspaceFolders: [{ uri: uriOf(root), name: 'fixes' }],
    capabilities,
  });
  await connection.sendNotification('initialized', {});
  await published.all(luaFiles(root).map(uriOf));
  const main = path.join(root, 'main.lua');
  const close = async () => {
    assert.equal(await request(connection, 'shutdown'), null);
    await connection.sendNotification('exit');
    assert.deepEqual(await waitForExit(server), { code: 0, signal: null });
    connection.dispose();
  };
  return { root, connection, published, main, uri: uriOf(main), marks: fileMarkers(main), close };
}

const startingAt = (diagnostics, code, mark) =>
  diagnostics.find((d) => d.code === code && d.range.start.line === mark.line &&
    d.range.start.character === mark.character);
const has = (code) => (p) => p.diagnostics.some((d) => d.code === code);
const lacks = (code) => (p) => !has(code)(p);

// The edits of a TextDocumentEdit applied to `text` (ASCII, as the .luarc.json here is).
function applied(text, edits) {
  const lines = text.split('\n');
  const offset = (p) => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  const sorted = [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start));
  for (const e of sorted) text = text.slice(0, offset(e.range.start)) + e.newText + text.slice(offset(e.range.end));
  return text;
}

async function fixesFor(s, diagnostic) {
  return request(s.connection, 'textDocument/codeAction', {
    textDocument: { uri: s.uri },
    range: diagnostic.range,
    context: { diagnostics: [diagnostic] },
  });
}
const declaring = (actions) => actions.find((a) => /missing_global/.test(a.title) && /\.luarc\.json/.test(a.title));

test('relatedInformation for a client that takes it, pushed and pulled', { timeout }, async () => {
  const s = await session({ textDocument: { publishDiagnostics: { relatedInformation: true } } });
  const { marks, uri } = s;
  const span = (mark, length) => ({ start: mark, end: { line: mark.line, character: mark.character + length } });
  const pushed = s.published.latest.get(uri).diagnostics;
  const pulled = (await request(s.connection, 'textDocument/diagnostic', { textDocument: { uri } })).items;
  for (const diagnostics of [pushed, pulled]) {
    const shadowing = startingAt(diagnostics, 'shadowing', marks.inner);
    assert.ok(shadowing, JSON.stringify(diagnostics));
    assert.deepEqual(shadowing.relatedInformation,
      [{ location: { uri, range: span(marks.outer, 'value'.length) }, message: "'value' is declared here" }]);
    const duplicate = startingAt(diagnostics, 'duplicate-key', marks.second_key);
    assert.ok(duplicate, JSON.stringify(diagnostics));
    assert.deepEqual(duplicate.relatedInformation,
      [{ location: { uri, range: span(marks.first_key, 'name'.length) }, message: "the first 'name' key" }]);
    const unused = startingAt(diagnostics, 'unused-local', marks.unused);
    assert.ok(unused, JSON.stringify(diagnostics));
    assert.equal(unused.relatedInformation, undefined);
  }
  await s.close();
});

test('no relatedInformation for a client that does not declare it', { timeout }, async () => {
  const s = await session({});
  const diagnostics = s.published.latest.get(s.uri).diagnostics;
  assert.ok(startingAt(diagnostics, 'shadowing', s.marks.inner));
  assert.ok(diagnostics.every((d) => d.relatedInformation === undefined), JSON.stringify(diagnostics));
  await s.close();
});

test('declare a global: the fix makes .luarc.json, and the diagnostic goes once it is written', { timeout }, async () => {
  const s = await session({ workspace: { workspaceEdit: { documentChanges: true, resourceOperations: ['create'] } } });
  const missing = startingAt(s.published.latest.get(s.uri).diagnostics, 'undefined-global', s.marks.missing);
  assert.ok(missing);
  const fix = declaring(await fixesFor(s, missing));
  assert.ok(fix, 'the declare-global fix');
  const luarc = path.join(s.root, '.luarc.json');
  const [create, edit] = fix.edit.documentChanges;
  assert.deepEqual(create, { kind: 'create', uri: uriOf(luarc), options: { ignoreIfExists: true } });
  assert.equal(edit.textDocument.uri, uriOf(luarc));
  // Applied as an editor would: the file made, then the edit saved.
  fs.writeFileSync(luarc, applied('', edit.edits));
  assert.deepEqual(JSON.parse(fs.readFileSync(luarc, 'utf8')), { diagnostics: { globals: ['missing_global'] } });
  await s.published.until(s.uri, lacks('undefined-global'));
  await s.close();
});

test('declare a global: the fix edits an existing .luarc.json, keeping its other keys', { timeout }, async () => {
  const s = await session({});
  const missing = startingAt(s.published.latest.get(s.uri).diagnostics, 'undefined-global', s.marks.missing);
  // No .luarc.json yet, and a client that cannot make files: nothing to offer.
  assert.equal(declaring(await fixesFor(s, missing)), undefined);

  const luarc = path.join(s.root, '.luarc.json');
  const settings = { runtime: { version: 'Lua 5.4' }, diagnostics: { disable: ['unused-local'], globals: ['other'] } };
  fs.writeFileSync(luarc, JSON.stringify(settings, null, 4));
  await s.published.until(s.uri, lacks('unused-local'));  // the server read it
  const fix = declaring(await fixesFor(s, missing));
  assert.ok(fix, 'the declare-global fix');
  assert.deepEqual(Object.keys(fix.edit.changes), [uriOf(luarc)]);
  fs.writeFileSync(luarc, applied(fs.readFileSync(luarc, 'utf8'), fix.edit.changes[uriOf(luarc)]));
  settings.diagnostics.globals.push('missing_global');
  assert.deepEqual(JSON.parse(fs.readFileSync(luarc, 'utf8')), settings);
  const after = await s.published.until(s.uri, lacks('undefined-global'));
  assert.ok(lacks('unused-local')(after));

  // A .luarc.json with comments is left alone (its comments would be lost).
  fs.writeFileSync(luarc, '// mine\n{ "diagnostics": { "disable": ["unused-local"] } }\n');
  await s.published.until(s.uri, has('undefined-global'));
  const again = startingAt(s.published.latest.get(s.uri).diagnostics, 'undefined-global', s.marks.missing);
  assert.equal(declaring(await fixesFor(s, again)), undefined);
  await s.close();
});
