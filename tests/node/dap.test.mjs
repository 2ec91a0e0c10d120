// `moonring dap` driven by @vscode/debugadapter-testsupport's DebugClient, the harness VS Code's
// own debug adapters are tested with: initialize (capabilities, then the initialized event) and
// disconnect, over stdio and as a debugServer on TCP (--listen).
// Run: MOONRING_BIN=build-asan/app/moonring node --test tests/node/dap.test.mjs
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import {
  connectWhenListening,
  freePort,
  killAll,
  moonringBin,
  startMoonring,
  waitForExit,
  withTimeout,
} from './support/process.mjs';

const timeout = 60_000;
const STEP_MS = 10_000;
after(killAll);

// A DebugClient that also records every message it receives, in order.
class RecordingDebugClient extends DebugClient {
  received = [];

  dispatch(body) {
    this.received.push(JSON.parse(body));
    super.dispatch(body);
  }
}

// initialize: a success response with the capabilities as its body, then the initialized event.
// DebugClient sets no time limits when connected to a port, so every step has one here.
async function initializeAndDisconnect(dc) {
  const initialized = dc.waitForEvent('initialized', STEP_MS);
  const response = await withTimeout(dc.initializeRequest(), STEP_MS, 'initialize response');
  assert.equal(response.success, true);
  assert.equal(typeof response.body, 'object');
  assert.notEqual(response.body, null);
  await withTimeout(initialized, STEP_MS, 'initialized event');

  const kinds = dc.received.map((m) => (m.type === 'event' ? `event ${m.event}` : `${m.type} ${m.command}`));
  assert.ok(
    kinds.indexOf('response initialize') < kinds.indexOf('event initialized'),
    `order: ${kinds.join(', ')}`,
  );

  const disconnected = await withTimeout(dc.disconnectRequest({}), STEP_MS, 'disconnect response');
  assert.equal(disconnected.success, true);
}

test('stdio: initialize, initialized event, disconnect; the adapter exits', { timeout }, async () => {
  // DebugClient spawns `runtime executable`: here `moonring dap`.
  const dc = new RecordingDebugClient(moonringBin, 'dap', 'moonring');
  await dc.start();
  const adapter = dc._adapterProcess;
  try {
    await initializeAndDisconnect(dc);
    const { signal } = await waitForExit(adapter, STEP_MS);
    assert.equal(signal, null, 'the adapter must end its session by itself');
  } finally {
    adapter.kill('SIGKILL');
  }
});

test('--listen: a debugServer with one session per connection', { timeout }, async () => {
  const port = await freePort();
  const server = startMoonring(['dap', `--listen=127.0.0.1:${port}`]);
  try {
    (await connectWhenListening(port, server)).destroy(); // wait until it listens
    for (let session = 0; session < 2; ++session) {
      const dc = new RecordingDebugClient(moonringBin, 'dap', 'moonring');
      await withTimeout(dc.start(port), STEP_MS, 'connecting to the debugServer');
      const socket = dc._socket;
      socket.on('error', () => {}); // a reset after the session ended is not this test's concern
      const socketClosed = new Promise((resolve) => socket.once('close', resolve));
      try {
        await initializeAndDisconnect(dc);
        await withTimeout(socketClosed, STEP_MS, 'the server ending the session');
      } finally {
        socket.destroy();
      }
    }
    assert.equal(server.exitCode, null, 'the debugServer outlives its sessions');
  } finally {
    server.kill('SIGTERM');
    await waitForExit(server);
  }
});
