// Child processes, time limits and loopback ports for the Node integration tests: every process
// started here is killed by killAll(), and every wait has a deadline.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

// The binary under test: $MOONRING_BIN, else the ASan tree's that scripts/test.sh builds.
export const moonringBin = process.env.MOONRING_BIN ?? path.join(repoRoot, 'build-asan/app/moonring');
if (!fs.existsSync(moonringBin)) {
  throw new Error(`moonring binary not found at ${moonringBin}; build it or set MOONRING_BIN`);
}

const children = new Set();

// Starts a process with piped stdio and tracks it for killAll(). stdout and stderr are collected
// (child.output()) unless the caller reads stdout itself (collectStdout: false).
export function start(command, args, { collectStdout = true } = {}) {
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  children.add(child);
  child.on('exit', () => children.delete(child));
  child.on('error', () => children.delete(child));
  // A server that exits first must not turn our writes into an uncaught EPIPE.
  child.stdin.on('error', () => {});
  let stdout = '';
  let stderr = '';
  if (collectStdout) child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  child.output = () => ({ stdout, stderr });
  return child;
}

export function startMoonring(args, options) {
  return start(moonringBin, args, options);
}

export function killAll() {
  for (const child of children) child.kill('SIGKILL');
  children.clear();
}

// Rejects with `what` in the message if `promise` has not settled within `ms`.
export function withTimeout(promise, ms, what) {
  let timer;
  const deadline = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

// Resolves with { code, signal } once the child has exited; rejects after `ms`.
export function waitForExit(child, ms = 10_000) {
  const exited = new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve({ code: child.exitCode, signal: child.signalCode });
    } else {
      child.once('exit', (code, signal) => resolve({ code, signal }));
    }
  });
  return withTimeout(exited, ms, `exit of ${child.spawnargs.join(' ')}`).catch((error) => {
    error.message += `\nstderr: ${child.output?.().stderr ?? ''}`;
    throw error;
  });
}

// A loopback port that was free a moment ago (for servers that take the port on their command line).
export async function freePort() {
  const server = net.createServer();
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

// Connects to 127.0.0.1:port, retrying while the server (child) is still starting up.
export async function connectWhenListening(port, child, ms = 10_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      return await new Promise((resolve, reject) => {
        const socket = net.connect(port, '127.0.0.1');
        socket.once('connect', () => {
          socket.removeListener('error', reject);
          resolve(socket);
        });
        socket.once('error', reject);
      });
    } catch (error) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`server exited before listening: ${child.output().stderr}`);
      }
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

// A net.Server listening on `where` (a port on 127.0.0.1, or a Unix socket path), and a promise of
// its first connection.
export async function listenOnce(where) {
  const server = net.createServer();
  const connected = new Promise((resolve) => server.once('connection', resolve));
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    if (typeof where === 'number') server.listen(where, '127.0.0.1', resolve);
    else server.listen(where, resolve);
  });
  return { server, connected };
}
