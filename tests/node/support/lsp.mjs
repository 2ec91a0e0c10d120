// LSP client helpers for the integration tests: a vscode-jsonrpc connection over any pair of
// streams, the initialize..exit lifecycle, and a raw session for bytes no client would send.
import assert from 'node:assert/strict';
import {
  createMessageConnection,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-jsonrpc/node';
import { withTimeout } from './process.mjs';

export const REQUEST_MS = 10_000;

export const initializeParams = {
  processId: process.pid,
  clientInfo: { name: 'moonring-node-tests' },
  rootUri: null,
  capabilities: {},
};

// A listening vscode-jsonrpc connection reading `readable` and writing `writable`.
export function lspConnection(readable, writable) {
  const connection = createMessageConnection(
    new StreamMessageReader(readable),
    new StreamMessageWriter(writable),
  );
  connection.listen();
  return connection;
}

export function request(connection, method, params, ms = REQUEST_MS) {
  const sent =
    params === undefined ? connection.sendRequest(method) : connection.sendRequest(method, params);
  return withTimeout(sent, ms, `response to ${method}`);
}

// initialize (checking the answer) and initialized.
export async function initialize(connection) {
  const result = await request(connection, 'initialize', initializeParams);
  assert.equal(typeof result.capabilities, 'object');
  assert.notEqual(result.capabilities, null);
  assert.equal(result.serverInfo?.name, 'moonring');
  await connection.sendNotification('initialized', {});
  return result;
}

// shutdown (answered with null), then exit.
export async function shutdownAndExit(connection) {
  assert.equal(await request(connection, 'shutdown'), null);
  await connection.sendNotification('exit');
}

export async function lifecycle(connection) {
  await initialize(connection);
  await shutdownAndExit(connection);
}

// The JSON-RPC error code a request is answered with (fails if it is answered with a result).
export async function errorCode(connection, method, params) {
  try {
    const result = await request(connection, method, params);
    assert.fail(`${method} answered with a result: ${JSON.stringify(result)}`);
  } catch (error) {
    if (typeof error.code !== 'number') throw error;
    return error.code;
  }
}

// One LSP base-protocol frame around `body` (a string or Buffer).
export function frame(body) {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
  return Buffer.concat([Buffer.from(`Content-Length: ${bytes.length}\r\n\r\n`, 'ascii'), bytes]);
}

// Writes raw bytes and reads the server's messages with vscode-jsonrpc's reader, all of them,
// including responses with id null that a connection would only log.
export class RawSession {
  constructor(readable, writable) {
    this.writable = writable;
    this.received = [];
    this.waiters = [];
    this.reader = new StreamMessageReader(readable);
    this.reader.listen((message) => {
      this.received.push(message);
      for (const waiter of this.waiters.splice(0)) waiter();
    });
  }

  write(bytes) {
    this.writable.write(bytes);
  }

  send(message) {
    this.write(frame(JSON.stringify({ jsonrpc: '2.0', ...message })));
  }

  // The messages received up to and including the response with this id.
  async untilResponse(id, ms = REQUEST_MS) {
    const found = () => this.received.findIndex((m) => m.id === id && !('method' in m));
    const arrived = (async () => {
      while (found() < 0) await new Promise((resolve) => this.waiters.push(resolve));
      return this.received.splice(0, found() + 1);
    })();
    return withTimeout(arrived, ms, `response with id ${id}`);
  }

  dispose() {
    this.reader.dispose();
  }
}
