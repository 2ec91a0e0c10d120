// `moonring lsp`'s language features on the `features` fixture, positions from `--[[@name]]`
// markers: hover and definition of files the editor has not opened, declaration, references
// (with and without the declaration), documentHighlight kinds, prepareRename and rename across
// files (refusals as errors), completion with resolve and snippets only for clients that take
// them, signatureHelp, hierarchical documentSymbol.
// Run: MOONRING_BIN=build-asan/app/moonring node --test tests/node/lsp_features.test.mjs
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { killAll, startMoonring, waitForExit } from './support/process.mjs';
import { errorCode, lspConnection, request } from './support/lsp.mjs';
import { copyFixture, fileMarkers, luaFiles, Published, uriOf } from './support/workspace.mjs';

const timeout = 60_000;
after(killAll);

// A server on a fresh copy of the fixture, every file's diagnostics published.
async function session(capabilities = {}) {
  const root = copyFixture('features');
  const server = startMoonring(['lsp', '--stdio'], { collectStdout: false });
  const connection = lspConnection(server.stdout, server.stdin);
  const published = new Published(connection);
  const init = await request(connection, 'initialize', {
    processId: process.pid,
    workspaceFolders: [{ uri: uriOf(root), name: 'features' }],
    capabilities,
  });
  await connection.sendNotification('initialized', {});
  await published.all(luaFiles(root).map(uriOf));
  const file = (name) => {
    const full = path.join(root, name);
    return { uri: uriOf(full), marks: fileMarkers(full), text: fs.readFileSync(full, 'utf8') };
  };
  const close = async () => {
    assert.equal(await request(connection, 'shutdown'), null);
    await connection.sendNotification('exit');
    assert.deepEqual(await waitForExit(server), { code: 0, signal: null });
    connection.dispose();
  };
  return { root, connection, published, capabilities: init.capabilities, file, close };
}

const at = (doc, mark) => ({ textDocument: { uri: doc.uri }, position: doc.marks[mark] });
const starts = (locations) =>
  locations.map((l) => [l.uri, l.range.start.line, l.range.start.character]).sort();
const where = (doc, mark) => [doc.uri, doc.marks[mark].line, doc.marks[mark].character];
// The position right after the first `needle` in `text`.
function after_(text, needle) {
  const index = text.indexOf(needle);
  assert.notEqual(index, -1, needle);
  const before = text.slice(0, index + needle.length).split('\n');
  return { line: before.length - 1, character: before[before.length - 1].length };
}

test('capabilities: every query the server answers', { timeout }, async () => {
  const s = await session();
  const c = s.capabilities;
  for (const key of ['hoverProvider', 'definitionProvider', 'declarationProvider', 'referencesProvider',
    'documentHighlightProvider', 'documentSymbolProvider'])
    assert.equal(c[key], true, key);
  assert.deepEqual(c.renameProvider, { prepareProvider: true });
  assert.equal(c.completionProvider.resolveProvider, true);
  assert.deepEqual(c.signatureHelpProvider.triggerCharacters, ['(', ',']);
  await s.close();
});

test('navigation: files not open, declaration, references, highlights', { timeout }, async () => {
  const s = await session();
  const main = s.file('main.lua');
  const util = s.file('mod/util.lua');
  const other = s.file('other.lua');
  const conn = s.connection;

  // main.lua is not open: hover and definition read it from the workspace.
  const hover = await request(conn, 'textDocument/hover', at(main, 'add_use'));
  assert.match(hover.contents.value, /add/);
  assert.match(hover.contents.value, /Adds two numbers/);
  const def = await request(conn, 'textDocument/definition', at(main, 'add_use'));
  assert.deepEqual(starts(def), [where(util, 'add_def')]);

  const decl = await request(conn, 'textDocument/declaration', at(main, 'count_read'));
  assert.deepEqual(starts(decl), [where(main, 'count_decl')]);

  const withDecl = await request(conn, 'textDocument/references',
    { ...at(main, 'count_read'), context: { includeDeclaration: true } });
  const without = await request(conn, 'textDocument/references',
    { ...at(main, 'count_read'), context: { includeDeclaration: false } });
  assert.ok(starts(withDecl).some((l) => l.join() === where(main, 'count_decl').join()));
  assert.ok(!starts(without).some((l) => l.join() === where(main, 'count_decl').join()));
  for (const list of [withDecl, without]) {
    assert.ok(starts(list).some((l) => l.join() === where(main, 'count_write').join()));
    assert.ok(starts(list).some((l) => l.join() === where(main, 'count_read').join()));
    // The shadowing local of the same name is another symbol.
    assert.ok(!starts(list).some((l) => l.join() === where(main, 'shadow').join()));
  }
  assert.equal(withDecl.length, without.length + 1);

  // A module member across files.
  const members = await request(conn, 'textDocument/references',
    { ...at(other, 'add_other'), context: { includeDeclaration: true } });
  assert.deepEqual(starts(members),
    [where(main, 'add_use'), where(util, 'add_def'), where(other, 'add_other')].sort());

  // Open now: highlights with write (3) and read (2) kinds.
  await conn.sendNotification('textDocument/didOpen',
    { textDocument: { uri: main.uri, languageId: 'lua', version: 1, text: main.text } });
  await s.published.until(main.uri, (p) => p.version === 1);
  const highlights = await request(conn, 'textDocument/documentHighlight', at(main, 'count_read'));
  const kind = (mark) => highlights.find((h) =>
    h.range.start.line === main.marks[mark].line && h.range.start.character === main.marks[mark].character)?.kind;
  assert.equal(kind('count_decl'), 3);
  assert.equal(kind('count_write'), 3);
  assert.equal(kind('count_read'), 2);
  assert.equal(kind('shadow'), undefined);

  assert.equal(await errorCode(conn, 'textDocument/references', at(main, 'nowhere')), -32602);
  await s.close();
});

test('rename: across files, refusals with their message', { timeout }, async () => {
  const s = await session();
  const main = s.file('main.lua');
  const util = s.file('mod/util.lua');
  const other = s.file('other.lua');
  const conn = s.connection;

  const prepared = await request(conn, 'textDocument/prepareRename', at(main, 'count_read'));
  assert.equal(prepared.placeholder, 'count');
  assert.deepEqual(prepared.range.start, main.marks.count_read);
  try {
    await request(conn, 'textDocument/prepareRename', at(main, 'print_use'));
    assert.fail('renaming print was not refused');
  } catch (error) {
    assert.equal(error.code, -32803);
    assert.match(error.message, /standard library/);
  }

  const local = await request(conn, 'textDocument/rename', { ...at(main, 'count_read'), newName: 'total' });
  assert.deepEqual(Object.keys(local.changes), [main.uri]);
  const edited = local.changes[main.uri].map((e) => [e.range.start.line, e.range.start.character]);
  assert.ok(edited.some(([l, c]) => l === main.marks.count_decl.line && c === main.marks.count_decl.character));
  assert.ok(!edited.some(([l, c]) => l === main.marks.shadow.line && c === main.marks.shadow.character));
  assert.ok(local.changes[main.uri].every((e) => e.newText === 'total'));

  const member = await request(conn, 'textDocument/rename', { ...at(util, 'add_def'), newName: 'sum' });
  assert.deepEqual(Object.keys(member.changes).sort(), [main.uri, other.uri, util.uri].sort());

  try {
    await request(conn, 'textDocument/rename', { ...at(main, 'count_read'), newName: 'end' });
    assert.fail('a keyword as the new name was not refused');
  } catch (error) {
    assert.equal(error.code, -32803);
    assert.ok(error.message.length > 0);
  }
  await s.close();
});

test('completion with resolve and snippets, signatureHelp, documentSymbol', { timeout }, async () => {
  const s = await session({ textDocument: { completion: { completionItem: { snippetSupport: true } } } });
  const conn = s.connection;
  const scratch = path.join(s.root, 'scratch.lua');
  const uri = uriOf(scratch);
  const text = 'local util = require("mod.util")\nlocal counter = 1\nprint(cou)\nutil.add(1, 2)\npri\nwh\n';
  await conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'lua', version: 1, text } });
  await s.published.until(uri, (p) => p.version === 1);

  const list = await request(conn, 'textDocument/completion',
    { textDocument: { uri }, position: after_(text, 'print(cou') });
  const counter = list.items.find((i) => i.label === 'counter');
  assert.ok(counter, 'the local in scope');
  assert.equal(counter.textEdit.newText, 'counter');
  assert.equal(counter.textEdit.range.start.character, after_(text, 'print(').character);
  const statement = await request(conn, 'textDocument/completion',
    { textDocument: { uri }, position: after_(text, '\nwh') });
  const loop = statement.items.find((i) => i.kind === 15 && i.label === 'while');
  assert.ok(loop, 'the while snippet');
  assert.equal(loop.insertTextFormat, 2);
  assert.match(loop.textEdit.newText, /\$\{1:condition\}/);

  const members = await request(conn, 'textDocument/completion',
    { textDocument: { uri }, position: after_(text, 'util.') });
  assert.ok(members.items.some((i) => i.label === 'add'));

  const library = await request(conn, 'textDocument/completion',
    { textDocument: { uri }, position: after_(text, '\npri') });
  const print = library.items.find((i) => i.label === 'print');
  assert.ok(print);
  assert.equal(print.documentation, undefined);
  const resolved = await request(conn, 'completionItem/resolve', print);
  assert.equal(resolved.documentation.kind, 'markdown');
  assert.ok(resolved.documentation.value.length > 0);

  const help = await request(conn, 'textDocument/signatureHelp',
    { textDocument: { uri }, position: after_(text, 'util.add(1, ') });
  assert.equal(help.activeParameter, 1);
  const signature = help.signatures[0];
  const [from, to] = signature.parameters[1].label;
  assert.equal(signature.label.slice(from, to), 'b');

  // util.lua is not open: its outline from disk, hierarchical.
  const util = s.file('mod/util.lua');
  const symbols = await request(conn, 'textDocument/documentSymbol', { textDocument: { uri: util.uri } });
  const flat = (list) => list.flatMap((x) => [x, ...flat(x.children ?? [])]);
  const add = flat(symbols).find((x) => /add/.test(x.name));
  assert.ok(add, JSON.stringify(symbols));
  assert.deepEqual(add.selectionRange.start.line, util.marks.add_def.line);
  await s.close();
});

test('completion without snippet support offers no snippets', { timeout }, async () => {
  const s = await session();
  const conn = s.connection;
  const uri = uriOf(path.join(s.root, 'scratch.lua'));
  const text = 'local counter = 1\nwh\n';
  await conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'lua', version: 1, text } });
  await s.published.until(uri, (p) => p.version === 1);
  const list = await request(conn, 'textDocument/completion',
    { textDocument: { uri }, position: after_(text, '\nwh') });
  assert.ok(list.items.length > 0);
  assert.ok(list.items.every((i) => i.insertTextFormat !== 2 && i.kind !== 15));
  await s.close();
});
