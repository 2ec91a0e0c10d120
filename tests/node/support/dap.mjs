// A DebugClient (@vscode/debugadapter-testsupport) that keeps every message it receives, and an
// adapter started on this tree's `moonring dap` with it (stderr shown when DAP_DEBUG is set).
import { DebugClient } from '@vscode/debugadapter-testsupport';
import { moonringBin } from './process.mjs';

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
