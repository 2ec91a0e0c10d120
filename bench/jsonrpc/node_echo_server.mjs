// The jsonrpc bench's anchor: a JSON-RPC echo server on vscode-jsonrpc (the library VS Code's
// language servers run on). Every request is answered with its own params as the result (parsed
// and serialised again by vscode-jsonrpc); notifications are ignored. `moonring jsonrpc-echo`
// answers the same requests from typed values (see bench/README.md).
// usage: node bench/jsonrpc/node_echo_server.mjs [--stdio | --listen=HOST:PORT]
//   --stdio (default): one session on stdin/stdout, exits when stdin ends.
//   --listen=HOST:PORT: accepts one TCP connection, serves it, exits when it closes.
import net from 'node:net';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';

function serve(readable, writable) {
  const connection = createMessageConnection(
    new StreamMessageReader(readable),
    new StreamMessageWriter(writable),
  );
  connection.onRequest((_method, params) => params ?? null);
  connection.onNotification(() => {});
  connection.listen();
}

function usage(message) {
  process.stderr.write(`node_echo_server: ${message}\nusage: node_echo_server.mjs [--stdio | --listen=HOST:PORT]\n`);
  process.exit(2);
}

const args = process.argv.slice(2);
const listen = args.find((arg) => arg.startsWith('--listen='));
if (args.some((arg) => arg !== '--stdio' && arg !== listen)) usage(`unknown argument in ${args.join(' ')}`);

if (listen) {
  const address = listen.slice('--listen='.length);
  const colon = address.lastIndexOf(':');
  const port = Number(address.slice(colon + 1));
  if (colon < 0 || !Number.isInteger(port)) usage(`bad address ${address}`);
  const server = net.createServer((socket) => {
    server.close(); // one connection
    socket.setNoDelay(true);
    serve(socket, socket);
  });
  server.on('error', (error) => usage(`listen ${address}: ${error.message}`));
  server.listen(port, address.slice(0, colon));
} else {
  serve(process.stdin, process.stdout);
}
