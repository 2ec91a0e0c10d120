// `moonring lsp`'s views on the `features` fixture (positions from `--[[@name]]` markers and
// from the text): workspace/symbol, foldingRange, selectionRange, documentLink, inlayHint,
// semanticTokens (full, range, and a delta that rebuilds the new full result), and codeAction
// quick fixes from an unused-local diagnostic.
// Run: MOONRING_BIN=build-asan/app/moonring node --test tests/node/lsp_views.test.mjs
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { killAll, startMoonring, waitForExit } from './support/process.mjs';
import { lspConnection, request } from './support/lsp.mjs';
import { copyFixture, fileMarkers, luaFiles, Published, uriOf } from './support/workspace.mjs';

const timeout = 60_000;
after(killAll);

function positionAfter(text, needle) {
  const index = text.indexOf(needle);
  assert.notEqual(index, -1, needle);
  const lines = text.slice(0, index + needle.length).split('\n');
  return { line: lines.length - 1, character: lines[lines.length - 1].length };
}
const before = (a, b) => a.line < b.line || (a.line === b.line && a.character <= b.character);
const contains = (outer, inner) => before(outer.start, inner.start) && before(inner.end, outer.end);

test('views: symbols, folding, selection, links, inlay hints, tokens, quick fixes', { timeout }, async () => {
  const root = copyFixture('features');
  const server = startMoonring(['lsp', '--stdio'], { collectStdout: false });
  const conn = lspConnection(server.stdout, server.stdin);
  const published = new Published(conn);
  const init = await request(conn, 'initialize', {
    processId: process.pid,
    workspaceFolders: [{ uri: uriOf(root), name: 'features' }],
    capabilities: {},
  });
  const caps = init.capabilities;
  assert.equal(caps.workspaceSymbolProvider, true);
  assert.equal(caps.foldingRangeProvider, true);
  assert.equal(caps.selectionRangeProvider, true);
  assert.equal(caps.inlayHintProvider, true);
  assert.ok(caps.documentLinkProvider);
  assert.deepEqual(caps.codeActionProvider, { codeActionKinds: ['quickfix'] });
  assert.equal(caps.semanticTokensProvider.full.delta, true);
  assert.equal(caps.semanticTokensProvider.range, true);
  const legend = caps.semanticTokensProvider.legend;
  assert.ok(legend.tokenTypes.includes('variable'));
  await conn.sendNotification('initialized', {});
  await published.all(luaFiles(root).map(uriOf));

  const utilPath = path.join(root, 'mod', 'util.lua');
  const util = { uri: uriOf(utilPath), marks: fileMarkers(utilPath), text: fs.readFileSync(utilPath, 'utf8') };
  const mainPath = path.join(root, 'main.lua');
  const main = { uri: uriOf(mainPath), marks: fileMarkers(mainPath), text: fs.readFileSync(mainPath, 'utf8') };

  const symbols = await request(conn, 'workspace/symbol', { query: 'add' });
  const add = symbols.find((s) => s.location.uri === util.uri && /add/.test(s.name));
  assert.ok(add, JSON.stringify(symbols));
  assert.equal(add.location.range.start.line, util.marks.add_def.line);

  // util.lua is not open: folded from disk; the function folds up to the line before `end`.
  const folds = await request(conn, 'textDocument/foldingRange', { textDocument: { uri: util.uri } });
  const endLine = util.text.split('\n').findIndex((l, i) => i > util.marks.add_def.line && l === 'end');
  assert.ok(folds.some((f) => f.startLine === util.marks.add_def.line && f.endLine === endLine - 1),
    JSON.stringify(folds));

  const [selection] = await request(conn, 'textDocument/selectionRange',
    { textDocument: { uri: main.uri }, positions: [main.marks.count_read] });
  let level = selection;
  assert.ok(before(level.range.start, main.marks.count_read) && before(main.marks.count_read, level.range.end));
  let depth = 1;
  while (level.parent) {
    assert.ok(contains(level.parent.range, level.range));
    level = level.parent;
    depth += 1;
  }
  assert.ok(depth >= 3, `depth ${depth}`);
  assert.deepEqual(level.range.start, { line: 0, character: 0 });

  const links = await request(conn, 'textDocument/documentLink', { textDocument: { uri: main.uri } });
  assert.ok(links.some((l) => l.target === util.uri), JSON.stringify(links));

  const lines = main.text.split('\n').length;
  const hints = await request(conn, 'textDocument/inlayHint', {
    textDocument: { uri: main.uri },
    range: { start: { line: 0, character: 0 }, end: { line: lines - 1, character: 0 } },
  });
  const argument = positionAfter(main.text, 'add(');
  const hint = hints.find((h) => h.position.line === argument.line && h.position.character === argument.character);
  assert.ok(hint, JSON.stringify(hints));
  assert.match(hint.label, /^a/);

  // Tokens of the open document; an edit; the delta applied to the old data gives the new data.
  await conn.sendNotification('textDocument/didOpen',
    { textDocument: { uri: main.uri, languageId: 'lua', version: 1, text: main.text } });
  await published.until(main.uri, (p) => p.version === 1);
  const full = await request(conn, 'textDocument/semanticTokens/full', { textDocument: { uri: main.uri } });
  assert.ok(full.data.length > 0 && full.data.length % 5 === 0);
  assert.equal(typeof full.resultId, 'string');
  const ranged = await request(conn, 'textDocument/semanticTokens/range', {
    textDocument: { uri: main.uri },
    range: { start: { line: main.marks.count_decl.line, character: 0 }, end: { line: main.marks.count_decl.line + 1, character: 0 } },
  });
  assert.ok(ranged.data.length > 0 && ranged.data.length < full.data.length);
  await conn.sendNotification('textDocument/didChange', {
    textDocument: { uri: main.uri, version: 2 },
    contentChanges: [{ range: { start: { line: lines - 1, character: 0 }, end: { line: lines - 1, character: 0 } },
      text: 'local extra = count\n' }],
  });
  await published.until(main.uri, (p) => p.version === 2);
  const delta = await request(conn, 'textDocument/semanticTokens/full/delta',
    { textDocument: { uri: main.uri }, previousResultId: full.resultId });
  assert.ok(Array.isArray(delta.edits), JSON.stringify(delta));
  const rebuilt = [...full.data];
  for (const e of [...delta.edits].reverse()) rebuilt.splice(e.start, e.deleteCount, ...(e.data ?? []));
  const fresh = await request(conn, 'textDocument/semanticTokens/full', { textDocument: { uri: main.uri } });
  assert.deepEqual(rebuilt, fresh.data);
  assert.ok(fresh.data.length > full.data.length);
  // An unknown previous result: the whole data again.
  const unknown = await request(conn, 'textDocument/semanticTokens/full/delta',
    { textDocument: { uri: main.uri }, previousResultId: 'nope' });
  assert.deepEqual(unknown.data, fresh.data);

  // Quick fixes for an unused local, from the diagnostic the server published.
  const scratch = uriOf(path.join(root, 'scratch.lua'));
  await conn.sendNotification('textDocument/didOpen',
    { textDocument: { uri: scratch, languageId: 'lua', version: 1, text: 'local leftover = 42\nreturn 1\n' } });
  const diagnostics = (await published.until(scratch, (p) => p.version === 1)).diagnostics;
  const unused = diagnostics.find((d) => d.code === 'unused-local');
  assert.ok(unused, JSON.stringify(diagnostics));
  const actions = await request(conn, 'textDocument/codeAction', {
    textDocument: { uri: scratch }, range: unused.range, context: { diagnostics: [unused] },
  });
  assert.ok(actions.length >= 1, JSON.stringify(actions));
  assert.ok(actions.every((a) => a.kind === 'quickfix' && a.diagnostics[0].code === 'unused-local'));
  const prefix = actions.find((a) => a.edit.changes[scratch].some((e) => e.newText.startsWith('_')));
  assert.ok(prefix, JSON.stringify(actions));
  assert.deepEqual(await request(conn, 'textDocument/codeAction', {
    textDocument: { uri: scratch }, range: unused.range, context: { diagnostics: [] },
  }), []);

  assert.equal(await request(conn, 'shutdown'), null);
  await conn.sendNotification('exit');
  assert.deepEqual(await waitForExit(server), { code: 0, signal: null });
  conn.dispose();
});
