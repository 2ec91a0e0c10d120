// `moonring lsp` stopped by SIGTERM or SIGINT while it is still loading a large workspace: the
// signal ends the session as a closed input would, the load stops on every core, and the process
// exits 0 with nothing from the sanitizers (issue 13: the signal used to stop the runtime under
// the running load, which then touched the freed service).
// Run: MOONRING_BIN=build-asan/app/moonring node --test tests/node/lsp_signals.test.mjs
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { killAll, startMoonring, waitForExit, withTimeout } from './support/process.mjs';
import { initializeParams, lspConnection, request } from './support/lsp.mjs';

const timeout = 120_000;
after(killAll);

// A generated workspace large enough that a Release build is still loading it when the first
// progress report arrives (~45 MB in 2,500 files: modules with functions, tables and globals).
function generatedWorkspace() {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'moonring-lsp-signals-')));
  const chunk = [];
  for (let f = 0; f < 120; f++) {
    chunk.push(
      `local function f${f}(a, b)\n  local t = { a = a, b = b, n = ${f} }\n` +
        `  for i = 1, #t do t[i] = (t[i] or 0) + i * ${f} end\n  return t, shared_${f % 7}\nend\n` +
        `M.f${f} = f${f}\n`);
  }
  const body = `local M = {}\n${chunk.join('')}return M\n`;
  for (let d = 0; d < 25; d++) {
    const dir = path.join(root, `mod${d}`);
    fs.mkdirSync(dir);
    for (let f = 0; f < 100; f++) fs.writeFileSync(path.join(dir, `m${f}.lua`), body);
  }
  return root;
}

for (const signal of ['SIGTERM', 'SIGINT']) {
  test(`${signal} while the workspace loads: exit 0, the load stopped cleanly`, { timeout }, async () => {
    const root = generatedWorkspace();
    const server = startMoonring(['lsp', '--stdio'], { collectStdout: false });
    const connection = lspConnection(server.stdout, server.stdin);
    try {
      let reported;
      const loading = new Promise((resolve) => (reported = resolve));
      let ended = false;
      connection.onRequest('window/workDoneProgress/create', () => null);
      connection.onNotification('$/progress', (p) => {
        if (p.value?.kind === 'report') reported();
        if (p.value?.kind === 'end') ended = true;
      });
      await request(connection, 'initialize', {
        ...initializeParams,
        rootUri: pathToFileURL(root).href,
        workspaceFolders: [{ uri: pathToFileURL(root).href, name: 'generated' }],
        capabilities: { window: { workDoneProgress: true } },
      });
      await connection.sendNotification('initialized', {});
      await withTimeout(loading, 60_000, 'a progress report of the workspace load');
      assert.equal(ended, false, 'the load must still run when the signal comes');
      server.kill(signal);
      const exited = await waitForExit(server, 30_000);
      assert.doesNotMatch(server.output().stderr, /Sanitizer|runtime stopped before|runtime error/);
      assert.deepEqual(exited, { code: 0, signal: null });
    } finally {
      connection.dispose();
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
}
