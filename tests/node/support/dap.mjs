// The debugger suites' shared parts: a DebugClient (@vscode/debugadapter-testsupport) that keeps every
// message it receives, the adapter started with it on this tree's `moonring dap` (stderr shown when
// DAP_DEBUG is set), and the fixtures with their `-- @tag` lines.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import { moonringBin } from './process.mjs';

export const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'dap');
export const fixture = (name) => path.join(fixtures, name);

// The 1-based line of `file` that carries `-- @tag`.
export function tagLine(file, tag) {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const index = lines.findIndex((l) => new RegExp(`--.*@${tag}\\b`).test(l));
  assert.notEqual(index, -1, `no @${tag} in ${file}`);
  return index + 1;
}

export class RecordingDebugClient extends DebugClient {
  received = [];

  dispatch(body) {
    this.received.push(JSON.parse(body));
    super.dispatch(body);
  }

  events(name) {
    return this.received.filter((m) => m.type === 'event' && m.event === name);
  }

  // The debuggee's process id, from the adapter's "moonring: debugging ... process N" line.
  debuggeePid() {
    for (const e of this.events('output')) {
      const m = /process (\d+)\)/.exec(e.body.output);
      if (m) return Number(m[1]);
    }
    return null;
  }
}

export async function startAdapter() {
  const dc = new RecordingDebugClient(moonringBin, 'dap', 'moonring');
  await dc.start();
  dc._adapterProcess.stderr.on('data', (d) => process.env.DAP_DEBUG && process.stderr.write(d));
  return dc;
}
