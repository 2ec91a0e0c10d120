// The VS Code extension (editors/vscode) as packaged: the .vsix's manifest and files, and its
// compiled code, loaded from the .vsix with only the `vscode` module replaced (VS Code cannot run
// here), starting the real `moonring lsp` through vscode-languageclient's own start-up code and
// the real `moonring dap` from the extension's debug adapter descriptor.
// Run: MOONRING_BIN=build-asan/app/moonring MOONRING_VSIX=build-asan/editors/moonring-lua.vsix \
//        node --test tests/node/editors_vscode.test.mjs
// (editors/vscode/package.sh OUT_DIR makes the .vsix; CTest runs it first.)
import assert from 'node:assert/strict';
import fs from 'node:fs';
import Module, { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import zlib from 'node:zlib';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import { killAll, moonringBin, waitForExit, withTimeout } from './support/process.mjs';

const timeout = 60_000;
const STEP_MS = 10_000;
after(killAll);

const vsixPath = process.env.MOONRING_VSIX;
if (!vsixPath || !fs.existsSync(vsixPath)) {
  throw new Error(
    `MOONRING_VSIX must name the packaged extension (editors/vscode/package.sh); got ${vsixPath}`,
  );
}

// ---- the .vsix: a zip archive, read with zlib ------------------------------------------------

// name -> contents (Buffer) of every file, from the zip's central directory.
function readZip(file) {
  const zip = fs.readFileSync(file);
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  assert.ok(eocd >= 0, 'the .vsix is a zip archive');
  const count = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  const files = new Map();
  for (let i = 0; i < count; i++) {
    assert.equal(zip.readUInt32LE(at), 0x02014b50, 'central directory entry');
    const method = zip.readUInt16LE(at + 10);
    const compressed = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    const dataStart = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const data = zip.subarray(dataStart, dataStart + compressed);
    assert.ok(method === 0 || method === 8, `${name}: stored or deflated`);
    files.set(name, method === 8 ? zlib.inflateRawSync(data) : Buffer.from(data));
    at += 46 + nameLength + extraLength + commentLength;
  }
  return files;
}

const vsix = readZip(vsixPath);
const manifest = JSON.parse(vsix.get('extension/package.json').toString('utf8'));

// The extension as VS Code unpacks it, in a temporary folder.
const installed = fs.mkdtempSync(path.join(os.tmpdir(), 'moonring-vsix-'));
after(() => fs.rmSync(installed, { recursive: true, force: true }));
for (const [name, data] of vsix) {
  const target = path.join(installed, name);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, data);
}
const extensionDir = path.join(installed, 'extension');

// ---- the `vscode` module, replaced for the import only ----------------------------------------

// vscode-languageclient derives classes from vscode's at load time (class X extends
// vscode.CompletionItem): any name gives an empty class. DebugAdapterExecutable keeps what VS Code's
// keeps: command, args, options.
class DebugAdapterExecutable {
  constructor(command, args, options) {
    this.command = command;
    this.args = args;
    this.options = options;
  }
}
const vscodeStub = new Proxy(
  { DebugAdapterExecutable },
  {
    get(target, name) {
      if (typeof name === 'symbol' || name === 'then' || name === '__esModule') return undefined;
      if (!(name in target)) target[name] = class {};
      return target[name];
    },
  },
);
const originalLoad = Module._load;
Module._load = function load(request, parent, isMain) {
  return request === 'vscode' ? vscodeStub : originalLoad.call(this, request, parent, isMain);
};
after(() => {
  Module._load = originalLoad;
});

const requireFromExtension = createRequire(path.join(extensionDir, 'package.json'));
let languageclient;
let settingsModule;
let serverModule;
let debugModule;
before(() => {
  languageclient = requireFromExtension('vscode-languageclient/node');
  settingsModule = requireFromExtension('./out/settings.js');
  serverModule = requireFromExtension('./out/server.js');
  debugModule = requireFromExtension('./out/debug.js');
});

// A `moonring` configuration section as vscode.WorkspaceConfiguration answers it.
function configuration(values) {
  return { get: (key) => values[key] };
}

// ---- the manifest ------------------------------------------------------------------------------

test('the .vsix holds the manifest, the compiled entry point and vscode-languageclient', () => {
  assert.equal(manifest.name, 'moonring-lua');
  assert.equal(manifest.main, './out/extension.js');
  for (const file of ['extension.js', 'server.js', 'debug.js', 'settings.js']) {
    assert.ok(vsix.has(`extension/out/${file}`), `out/${file} is packaged`);
  }
  const entry = requireFromExtension(manifest.main);
  assert.equal(typeof entry.activate, 'function', 'the entry point exports activate');
  assert.equal(typeof entry.deactivate, 'function', 'the entry point exports deactivate');
  assert.ok(vsix.has('extension.vsixmanifest'));
  assert.ok(vsix.has('extension/readme.md'), 'the README, as vsce names it');
  const client = JSON.parse(vsix.get('extension/node_modules/vscode-languageclient/package.json'));
  assert.equal(client.version, manifest.dependencies['vscode-languageclient']);
  assert.equal(
    manifest.engines.vscode,
    client.engines.vscode,
    'the engine vscode-languageclient needs',
  );
  const sources = [...vsix.keys()].filter(
    (name) => name.startsWith('extension/src/') || name.endsWith('.ts'),
  );
  assert.deepEqual(sources, [], 'no TypeScript sources in the package');
  const tools = [...vsix.keys()].filter((name) =>
    /node_modules\/(typescript|@vscode\/vsce)\//.test(name),
  );
  assert.deepEqual(tools, [], 'no build tools in the package');
});

test('activation: Lua files, Lua workspaces and the moonring-lua debug type', () => {
  for (const event of [
    'onLanguage:lua',
    'workspaceContains:**/.luarc.json',
    'workspaceContains:**/.luacheckrc',
    'onDebugResolve:moonring-lua',
  ]) {
    assert.ok(manifest.activationEvents.includes(event), `activation event ${event}`);
  }
});

test("settings: LuaLS's Lua section and moonring's own", () => {
  const properties = Object.assign(
    {},
    ...manifest.contributes.configuration.map((c) => c.properties),
  );
  assert.deepEqual(properties['Lua.runtime.version'].enum, [
    'Lua 5.1',
    'Lua 5.2',
    'Lua 5.3',
    'Lua 5.4',
    'LuaJIT',
  ]);
  assert.equal(properties['Lua.runtime.version'].default, 'Lua 5.4');
  assert.deepEqual(properties['Lua.runtime.path'].default, ['?.lua', '?/init.lua']);
  for (const key of [
    'Lua.runtime.path',
    'Lua.diagnostics.globals',
    'Lua.diagnostics.disable',
    'Lua.workspace.library',
  ]) {
    assert.equal(properties[key].type, 'array', key);
    assert.equal(properties[key].items.type, 'string', key);
  }
  assert.equal(properties['moonring.path'].type, 'string');
  assert.equal(properties['moonring.path'].default, 'moonring', 'found on PATH by default');
  assert.equal(properties['moonring.server.extraArgs'].type, 'array');
  assert.equal(properties['moonring.debug.extraArgs'].type, 'array');
  assert.deepEqual(properties['moonring.trace.server'].enum, ['off', 'messages', 'verbose']);
});

test('the moonring-lua debug type: launch and attach attributes, snippets, breakpoints in Lua', () => {
  const [debuggerEntry, ...others] = manifest.contributes.debuggers;
  assert.equal(others.length, 0);
  assert.equal(debuggerEntry.type, 'moonring-lua');
  assert.deepEqual(debuggerEntry.languages, ['lua']);
  const { launch, attach } = debuggerEntry.configurationAttributes;
  assert.deepEqual(launch.required, ['program']);
  for (const [key, type] of [
    ['program', 'string'],
    ['args', 'array'],
    ['cwd', 'string'],
    ['env', 'object'],
    ['stopOnEntry', 'boolean'],
  ]) {
    assert.equal(launch.properties[key]?.type, type, `launch.${key}`);
  }
  assert.deepEqual(attach.required, ['port']);
  assert.equal(attach.properties.host.default, '127.0.0.1');
  for (const [key, type] of [
    ['host', 'string'],
    ['port', 'number'],
    ['token', 'string'],
    ['tokenFile', 'string'],
  ]) {
    assert.equal(attach.properties[key]?.type, type, `attach.${key}`);
  }
  const requests = debuggerEntry.configurationSnippets.map((s) => s.body.request).sort();
  assert.deepEqual(requests, ['attach', 'launch']);
  for (const snippet of debuggerEntry.configurationSnippets)
    assert.equal(snippet.body.type, 'moonring-lua');
  assert.equal(debuggerEntry.initialConfigurations[0].request, 'launch');
  assert.deepEqual(manifest.contributes.breakpoints, [{ language: 'lua' }]);
});

// ---- the language server, started as the extension starts it ----------------------------------

// The packaged code's server options, handed to vscode-languageclient's own start-up
// (LanguageClient.createMessageTransports: spawn, stdio transport), on a client object built
// without VS Code. Returns the connection, the server process and its stderr.
async function startServer(settings, workspace) {
  const options = serverModule.serverOptions(settings);
  const client = Object.create(languageclient.LanguageClient.prototype);
  let stderr = '';
  Object.assign(client, {
    _serverOptions: options,
    _clientOptions: { workspaceFolder: { uri: { fsPath: workspace } } },
    // The output channel: the server's stderr, and the client's own lines (the server's exit).
    _outputChannel: {
      append: (text) => (stderr += text),
      appendLine: (line) => (stderr += `${line}\n`),
    },
  });
  const { reader, writer } = await withTimeout(
    client.createMessageTransports('utf-8'),
    STEP_MS,
    'server start',
  );
  const server = client._serverProcess;
  const connection = languageclient.createMessageConnection(reader, writer);
  connection.listen();
  return { options, server, connection, stderr: () => stderr };
}

async function initializeAndShutdown({ server, connection, stderr }, workspace) {
  try {
    const result = await withTimeout(
      connection.sendRequest('initialize', {
        processId: process.pid,
        clientInfo: { name: 'Visual Studio Code (moonring tests)' },
        rootUri: `file://${workspace}`,
        workspaceFolders: [{ uri: `file://${workspace}`, name: path.basename(workspace) }],
        capabilities: {},
      }),
      STEP_MS,
      'initialize response',
    );
    assert.equal(result.serverInfo?.name, 'moonring', stderr());
    assert.equal(typeof result.capabilities, 'object');
    await connection.sendNotification('initialized', {});
    assert.equal(await withTimeout(connection.sendRequest('shutdown'), STEP_MS, 'shutdown'), null);
    await connection.sendNotification('exit');
    assert.deepEqual(await waitForExit(server, STEP_MS), { code: 0, signal: null }, stderr());
  } catch (error) {
    error.message += `\nthe server's stderr (the output channel):\n${stderr().slice(-4000)}`;
    throw error;
  } finally {
    connection.dispose();
    server.kill('SIGKILL');
  }
}

function workspaceFolder() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'moonring-vscode-ws-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.writeFileSync(path.join(dir, 'main.lua'), 'local x = 1\nreturn x\n');
  return dir;
}

test(
  'server options: `moonring lsp` on stdio; vscode-languageclient starts it and initialize completes',
  { timeout },
  async () => {
    const workspace = workspaceFolder();
    const settings = settingsModule.readSettings(configuration({ path: moonringBin }), workspace);
    const session = await startServer(settings, workspace);
    assert.equal(session.options.command, moonringBin);
    assert.deepEqual(session.options.args, ['lsp']);
    assert.equal(session.options.transport, languageclient.TransportKind.stdio);
    assert.deepEqual(
      session.server.spawnargs.slice(1),
      ['lsp', '--stdio'],
      'the client adds --stdio',
    );
    await initializeAndShutdown(session, workspace);
  },
);

test(
  'moonring.path relative to the workspace folder, and moonring.server.extraArgs',
  { timeout },
  async () => {
    const workspace = workspaceFolder();
    fs.mkdirSync(path.join(workspace, 'bin'));
    fs.symlinkSync(moonringBin, path.join(workspace, 'bin', 'moonring'));
    const settings = settingsModule.readSettings(
      configuration({
        path: 'bin/moonring',
        'server.extraArgs': [`--clientProcessId=${process.pid}`],
      }),
      workspace,
    );
    const session = await startServer(settings, workspace);
    assert.equal(session.options.command, path.join(workspace, 'bin', 'moonring'));
    assert.deepEqual(session.server.spawnargs.slice(1), [
      'lsp',
      `--clientProcessId=${process.pid}`,
      '--stdio',
    ]);
    await initializeAndShutdown(session, workspace);
  },
);

test('client options: Lua files on disk and unsaved, the Lua settings section synchronised', () => {
  const options = serverModule.clientOptions();
  assert.deepEqual(options.documentSelector, [
    { scheme: 'file', language: 'lua' },
    { scheme: 'untitled', language: 'lua' },
  ]);
  assert.deepEqual(options.synchronize.configurationSection, ['Lua']);
});

test('moonring.path: empty means `moonring` on PATH, `~/` is the home folder', () => {
  assert.equal(settingsModule.readSettings(configuration({ path: '' })).command, 'moonring');
  assert.equal(settingsModule.readSettings(configuration({})).command, 'moonring');
  assert.equal(
    settingsModule.readSettings(configuration({ path: '~/bin/moonring' })).command,
    path.join(os.homedir(), 'bin/moonring'),
  );
  assert.equal(
    settingsModule.readSettings(configuration({ path: '/opt/m/moonring' }), '/ws').command,
    '/opt/m/moonring',
  );
});

// ---- the debug adapter, started from the extension's descriptor --------------------------------

test(
  'debug adapter descriptor: `moonring dap` answers initialize through DebugClient',
  { timeout },
  async () => {
    const settings = settingsModule.readSettings(configuration({ path: moonringBin }));
    const factory = new debugModule.AdapterFactory(() => settings);
    const descriptor = factory.createDebugAdapterDescriptor();
    assert.ok(descriptor instanceof DebugAdapterExecutable);
    assert.equal(descriptor.command, moonringBin);
    assert.deepEqual(descriptor.args, ['dap']);

    // VS Code spawns the executable with piped stdio and speaks DAP on it; so does this.
    const { spawn } = await import('node:child_process');
    const adapter = spawn(descriptor.command, descriptor.args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    adapter.stderr.on('data', (chunk) => (stderr += chunk));
    adapter.stdin.on('error', () => {});
    const dc = new DebugClient(descriptor.command, '', 'moonring-lua');
    dc.connect(adapter.stdout, adapter.stdin);
    try {
      const initialized = dc.waitForEvent('initialized', STEP_MS);
      const response = await withTimeout(
        dc.initializeRequest({
          adapterID: 'moonring-lua',
          clientID: 'vscode',
          linesStartAt1: true,
          columnsStartAt1: true,
          pathFormat: 'path',
        }),
        STEP_MS,
        'initialize response',
      );
      assert.equal(response.success, true, stderr);
      assert.equal(typeof response.body, 'object');
      await withTimeout(initialized, STEP_MS, 'initialized event');
      const disconnected = await withTimeout(
        dc.disconnectRequest({}),
        STEP_MS,
        'disconnect response',
      );
      assert.equal(disconnected.success, true);
      assert.equal(
        (await waitForExit(adapter, STEP_MS)).signal,
        null,
        'the adapter ends by itself',
      );
    } finally {
      adapter.kill('SIGKILL');
    }
  },
);

test('debug configurations: attach defaults to 127.0.0.1, given fields are kept', () => {
  const provider = new debugModule.ConfigurationProvider();
  const attach = provider.resolveDebugConfiguration(undefined, {
    type: 'moonring-lua',
    request: 'attach',
    name: 'a',
    port: 4711,
  });
  assert.equal(attach.host, '127.0.0.1');
  const remote = provider.resolveDebugConfiguration(undefined, {
    type: 'moonring-lua',
    request: 'attach',
    name: 'a',
    host: '10.0.0.2',
    port: 1,
    token: 't',
  });
  assert.equal(remote.host, '10.0.0.2');
  assert.equal(remote.token, 't');
  const launch = {
    type: 'moonring-lua',
    request: 'launch',
    name: 'l',
    program: '/w/main.lua',
    args: ['x'],
    stopOnEntry: true,
  };
  assert.deepEqual(provider.resolveDebugConfiguration(undefined, { ...launch }), launch);
});
