// Fixture workspaces for the language-server tests: a copy in a temporary folder (tests edit
// it), positions tagged in the Lua text with `--[[@name]]` markers (the position right after the
// marker, in UTF-16 units as LSP counts them), and a client that keeps the latest diagnostics
// the server published per URI.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { withTimeout } from './process.mjs';

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'lsp');

// A fresh copy of fixtures/lsp/NAME; returns its absolute path.
export function copyFixture(name) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `moonring-lsp-${name}-`));
  fs.cpSync(path.join(fixtures, name), dir, { recursive: true });
  return fs.realpathSync(dir);
}

export const uriOf = (file) => pathToFileURL(file).href;

// { name: {line, character} } for every `--[[@name]]` in `text`.
export function markers(text) {
  const found = {};
  text.split(/\r\n|\r|\n/).forEach((line, number) => {
    for (const m of line.matchAll(/--\[\[@([A-Za-z0-9_]+)\]\]/g)) {
      found[m[1]] = { line: number, character: m.index + m[0].length };
    }
  });
  return found;
}

export function fileMarkers(file) {
  return markers(fs.readFileSync(file, 'utf8'));
}

// Every .lua file under `dir`, absolute.
export function luaFiles(dir) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...luaFiles(full));
    else if (entry.name.endsWith('.lua')) out.push(full);
  }
  return out;
}

// The latest publishDiagnostics per URI, and waits on them.
export class Published {
  constructor(connection) {
    this.latest = new Map();
    this.count = new Map();
    this.waiters = [];
    connection.onNotification('textDocument/publishDiagnostics', (params) => {
      this.latest.set(params.uri, params);
      this.count.set(params.uri, (this.count.get(params.uri) ?? 0) + 1);
      for (const w of this.waiters.splice(0)) w();
    });
  }

  // Resolves with the latest params for `uri` once `accept(params)` holds for them.
  async until(uri, accept = () => true, ms = 20_000) {
    const ok = () => this.latest.has(uri) && accept(this.latest.get(uri));
    const done = (async () => {
      while (!ok()) await new Promise((resolve) => this.waiters.push(resolve));
      return this.latest.get(uri);
    })();
    return withTimeout(done, ms, `diagnostics for ${uri}; have ${JSON.stringify([...this.latest.keys()])}`);
  }

  // Resolves once every one of `uris` has been published at least once.
  async all(uris, ms = 30_000) {
    for (const uri of uris) await this.until(uri, () => true, ms);
  }
}
