// One measured language-server session over stdio, driven by vscode-jsonrpc as an editor would:
// spawn -> initialize (one workspace folder) -> initialized -> ready (every file's diagnostics
// published) -> questions at the given positions -> edits -> peak RSS -> shutdown, exit. Every wait
// has a limit: what does not answer within it is counted as a failure, never awaited further.
import { spawn } from 'node:child_process';
import { createWriteStream, readFileSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CancellationTokenSource, createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import { peakRss } from './process_memory.mjs';

const METHOD_NOT_FOUND = -32601;
const MAX_TIMEOUTS_IN_A_ROW = 3;  // in one file: its other picks are skipped, so a session stays bounded

// What each measured method sends at a pick, and the capability that advertises it.
export const QUERIES = {
  hover: { method: 'textDocument/hover', capability: 'hoverProvider', at: 'inside' },
  definition: { method: 'textDocument/definition', capability: 'definitionProvider', at: 'inside' },
  references: { method: 'textDocument/references', capability: 'referencesProvider', at: 'inside',
    extra: { context: { includeDeclaration: true } } },
  completion: { method: 'textDocument/completion', capability: 'completionProvider', at: 'after',
    extra: { context: { triggerKind: 1 } } },
};

const uriOf = (path) => pathToFileURL(path).href;

function pathOf(uri) {
  try {
    return fileURLToPath(uri);
  } catch {
    return uri;
  }
}

const isEmpty = (result) =>
  result == null || (Array.isArray(result) && result.length === 0) ||
  (Array.isArray(result?.items) && result.items.length === 0);

// A resolvable promise with its resolver, for waits that notifications end.
function signal() {
  let resolve;
  const promise = new Promise((r) => { resolve = r; });
  return { promise, resolve };
}

// What a series of queries gave; `na` says why there is no figure.
const tally = (na) => ({ samples: [], empty: 0, failures: 0, timeouts: 0, skipped: 0, na });

const delay = (ms) => new Promise((r) => setTimeout(r, ms));

export class Session {
  // command: [program, ...args]; files: the workspace's .lua paths (absolute, real).
  // stderrPath: where the server's stderr goes (its last 4 KB are kept as stderrTail too).
  constructor({ command, root, files, requestLimitMs, log, stderrPath }) {
    this.stderrPath = stderrPath;
    this.verbose = process.env.VERBOSE === '1';
    this.command = command;
    this.root = root;
    this.files = new Set(files);
    this.requestLimitMs = requestLimitMs;
    this.log = log;
    this.published = new Set();  // paths whose diagnostics arrived at least once
    this.lastActivity = 0;  // performance.now() of the last publish or progress notification
    this.progressOpen = new Set();
    this.waiters = [];  // {path, version, resolve}: the next publish for path at version or later
    this.allPublished = signal();
    this.stderrTail = '';
  }

  async start() {
    const [program, ...args] = this.command;
    this.spawnedAt = performance.now();
    this.proc = spawn(program, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    this.exited = new Promise((resolve) => {
      this.proc.on('exit', (code, sig) => resolve({ code, sig }));
      this.proc.on('error', (e) => {  // could not be spawned
        this.spawnError = e.message;
        resolve({ code: null, sig: null, error: e.message });
      });
    });
    if (this.stderrPath) this.proc.stderr.pipe(createWriteStream(this.stderrPath));
    this.proc.stderr.on('data', (d) => { this.stderrTail = (this.stderrTail + d).slice(-4000); });
    const c = createMessageConnection(new StreamMessageReader(this.proc.stdout),
      new StreamMessageWriter(this.proc.stdin));
    this.connection = c;
    c.onNotification('textDocument/publishDiagnostics', (p) => this.onPublish(p));
    c.onNotification('$/progress', (p) => {
      this.lastActivity = performance.now();
      if (p?.value?.kind === 'begin') this.progressOpen.add(String(p.token));
      if (this.verbose) this.log(`$/progress ${JSON.stringify(p)}`);
      if (p?.value?.kind === 'end') this.progressOpen.delete(String(p.token));
    });
    c.onNotification(() => {});  // logMessage, telemetry and the like
    // Requests from the server: configuration gets defaults (null per item), the rest null.
    c.onRequest((method, params) =>
      method === 'workspace/configuration' ? (params?.items ?? []).map(() => null) : null);
    c.onError(() => {});
    c.listen();

    const root = uriOf(this.root);
    const init = await this.request('initialize', {
      processId: process.pid,
      clientInfo: { name: 'moonring-bench-lsp' },
      rootUri: root,
      rootPath: this.root,
      workspaceFolders: [{ uri: root, name: 'nse' }],
      capabilities: {
        general: { positionEncodings: ['utf-16'] },
        window: { workDoneProgress: true },
        workspace: { configuration: true, workspaceFolders: true },
        textDocument: {
          synchronization: { didSave: true },
          publishDiagnostics: { versionSupport: true, relatedInformation: true },
          hover: { contentFormat: ['markdown', 'plaintext'] },
          completion: { completionItem: { snippetSupport: true } },
          definition: {},
          references: {},
        },
      },
    }, 60_000);
    if (!('result' in init)) throw new Error(`initialize: ${describe(init)}; stderr: ${this.stderrTail}`);
    this.capabilities = init.result?.capabilities ?? {};
    await this.notify('initialized', {});
  }

  onPublish(p) {
    const now = performance.now();
    this.lastActivity = now;
    const path = pathOf(p.uri);
    if (this.files.has(path) && !this.published.has(path)) {
      this.published.add(path);
      if (this.published.size === this.files.size) this.allPublished.resolve(now);
    }
    this.waiters = this.waiters.filter((w) => {
      if (w.path !== path || (p.version != null && p.version < w.version)) return true;
      w.resolve(now);
      return false;
    });
  }

  // Seconds from spawn until every file's diagnostics arrived ({how: 'all'}); a server that does not
  // publish clean files (LuaLS) is ready once no diagnostics or progress came for quietMs with no
  // progress open, or for 3 quietMs whatever is open ({how: 'quiet'}, timed at its last
  // notification). null after limitS ({how: 'none'}).
  async ready(limitS, quietMs) {
    const deadline = this.spawnedAt + limitS * 1000;
    let at = null;
    let how = 'none';
    const all = this.allPublished.promise.then((t) => { at = t; how = 'all'; });
    let nextReport = performance.now() + 5000;
    while (at === null && performance.now() < deadline && this.alive()) {
      await Promise.race([all, delay(100)]);
      if (this.verbose && performance.now() >= nextReport) {
        nextReport += 5000;
        this.log(`${((performance.now() - this.spawnedAt) / 1000).toFixed(1)} s: ${this.published.size}/` +
          `${this.files.size} published, progress open: ${[...this.progressOpen].join(' ') || 'none'}, ` +
          `last activity ${((performance.now() - this.lastActivity) / 1000).toFixed(1)} s ago`);
      }
      if (at !== null) break;
      // A progress left open with no report for three quiet periods does not hold readiness.
      const idle = performance.now() - this.lastActivity;
      const quiet = idle >= quietMs && (this.progressOpen.size === 0 || idle >= 3 * quietMs);
      if (this.published.size > 0 && quiet) {
        at = this.lastActivity;
        how = 'quiet';
      }
    }
    return { seconds: at === null ? null : (at - this.spawnedAt) / 1000, how,
      published: this.published.size, files: this.files.size, exited: !this.alive() };
  }

  // A notification; one to a server that has gone is dropped (its requests fail on their own).
  async notify(method, params) {
    try {
      await this.connection.sendNotification(method, params);
    } catch (e) {
      this.log(`${method}: ${e.message}`);
    }
  }

  alive() {
    return !this.spawnError && this.proc.exitCode === null && this.proc.signalCode === null;
  }

  // {result} | {error} | {timeout: true}, with ms from send to answer.
  async request(method, params, limitMs = this.requestLimitMs) {
    const source = new CancellationTokenSource();
    const started = performance.now();
    let timer;
    const timeout = new Promise((r) => { timer = setTimeout(() => r({ timeout: true }), limitMs); });
    let answer;
    try {
      answer = this.connection.sendRequest(method, params, source.token)
        .then((result) => ({ result }), (error) => ({ error }));
    } catch (error) {
      answer = Promise.resolve({ error });  // the connection is closed
    }
    const out = await Promise.race([answer, timeout, this.exited.then((st) => ({ error: { message: st.error ? `spawn: ${st.error}` : `server exited (${st.code ?? st.sig})` } }))]);
    clearTimeout(timer);
    if (out.timeout) source.cancel();
    out.ms = performance.now() - started;
    out.sentAt = performance.timeOrigin + started;  // ms since the epoch, for HOVER_TRACE
    return out;
  }

  async open(path, text) {
    this.versions ??= new Map();
    this.versions.set(path, 1);
    const waited = this.nextPublish(path, 1);
    await this.notify('textDocument/didOpen',
      { textDocument: { uri: uriOf(path), languageId: 'lua', version: 1, text } });
    return waited;
  }

  // Resolves with performance.now() of the next publish for path at `version` or later.
  nextPublish(path, version) {
    const s = signal();
    this.waiters.push({ path, version, resolve: s.resolve });
    return s.promise;
  }

  // Latencies of `query` at every pick: {samples (ms), empty, failures, timeouts, skipped, na}. An
  // unanswered request is cancelled and enters the samples at the limit (the figure is then a lower
  // bound); after MAX_TIMEOUTS_IN_A_ROW of them in one file, the file's other picks are skipped.
  async measure(name, picks) {
    const q = QUERIES[name];
    const out = tally(this.capabilities[q.capability] ? null : `${q.capability} not advertised`);
    let streak = 0;
    for (const [i, pick] of picks.entries()) {
      if (out.na) break;
      if (streak === MAX_TIMEOUTS_IN_A_ROW && pick.path === picks[i - 1].path) {
        out.skipped++;
        continue;
      }
      const answer = await this.ask(q, pick, out);
      streak = answer.timeout ? (i > 0 && pick.path === picks[i - 1].path ? streak + 1 : 1) : 0;
    }
    if (out.samples.length === 0 && !out.na) out.na = 'no answer';
    return out;
  }

  // One query at a pick, its outcome added to `out` (see measure); the answer.
  async ask(q, pick, out) {
    const position = pick[q.at];
    const answer = await this.request(q.method,
      { textDocument: { uri: uriOf(pick.path) }, position, ...q.extra });
    if (answer.error?.code === METHOD_NOT_FOUND) {
      out.na = `${q.method}: method not found`;
    } else if ('result' in answer) {
      out.samples.push(answer.ms);
      if (isEmpty(answer.result)) out.empty++;
    } else {
      out.failures++;
      if (answer.timeout) {
        out.timeouts++;
        out.samples.push(this.requestLimitMs);
      }
      this.log(`${q.method} at ${pick.path}:${position.line}:${position.character}: ` +
        describe(answer, this.requestLimitMs));
      if (!this.alive()) out.na = 'server exited';
    }
    return answer;
  }

  // didChange -> publishDiagnostics of `path` (open), `runs` times: a comment line inserted at the
  // top, then removed, so the file stays valid and its size steady. {samples, failures, na}.
  async changeToDiagnostics(path, text, runs, limitMs) {
    const out = { samples: [], failures: 0, na: null };
    const sync = this.capabilities.textDocumentSync;
    const kind = typeof sync === 'number' ? sync : sync?.change ?? 0;
    if (kind === 0) {
      out.na = 'no textDocumentSync.change';
      return out;
    }
    const line = '-- moonring bench edit\n';
    for (let i = 0; i < runs && this.alive(); i++) {
      const version = this.versions.get(path) + 1;
      this.versions.set(path, version);
      const insert = i % 2 === 0;
      const change = kind === 1 ? { text: insert ? line + text : text }
        : insert ? { range: range(0, 0, 0, 0), text: line } : { range: range(0, 0, 1, 0), text: '' };
      const published = this.nextPublish(path, version);
      const sent = performance.now();
      await this.notify('textDocument/didChange',
        { textDocument: { uri: uriOf(path), version }, contentChanges: [change] });
      const at = await Promise.race([published, delay(limitMs).then(() => null),
        this.exited.then(() => null)]);
      if (at === null) {
        out.failures++;
        this.log(`didChange ${path} v${version}: no publishDiagnostics within ${limitMs} ms`);
      } else {
        out.samples.push(at - sent);
      }
    }
    if (out.samples.length === 0) {
      out.na = this.alive() ? 'no publishDiagnostics after didChange' : 'server exited';
    }
    return out;
  }

  // Hovers at `picks` in turn, one every intervalMs after the last answer, until `until` settles:
  // the latency of an open file's questions while the workspace is still being analysed.
  async hoverUntil(picks, until, intervalMs) {
    const out = tally(this.capabilities.hoverProvider ? null : 'hoverProvider not advertised');
    let settled = false;
    until.then(() => { settled = true; });
    // HOVER_TRACE=path: one line per hover (sent at, ms since the epoch; latency ms; files
    // published by its answer), to line up with the server's MOONRING_TRACE_STALLS.
    const trace = process.env.HOVER_TRACE ? [] : null;
    for (let i = 0; !settled && !out.na; i++) {
      const answer = await this.ask(QUERIES.hover, picks[i % picks.length], out);
      trace?.push(`${answer.sentAt.toFixed(3)} ${answer.ms.toFixed(3)} published=${this.published.size}`);
      await Promise.race([until, delay(intervalMs)]);
    }
    if (trace) writeFileSync(process.env.HOVER_TRACE, trace.join('\n') + '\n');
    if (out.samples.length === 0 && !out.na) out.na = 'no hover answered before the workspace was ready';
    return out;
  }

  peakRssMb() {
    return this.alive() ? peakRss(this.proc.pid) / 1e6 : null;
  }

  // shutdown, exit; the process is killed if it has not exited 5 s later. Its exit status.
  async stop() {
    if (this.alive() && this.connection) {
      await this.request('shutdown', null, 5000);
      await this.notify('exit');
    }
    const status = await Promise.race([this.exited, delay(5000).then(() => null)]);
    if (status === null) {
      this.proc.kill('SIGKILL');
      this.log('server did not exit within 5 s of exit: killed');
    }
    this.connection?.dispose();
    return status ?? await this.exited;
  }
}

function range(sl, sc, el, ec) {
  return { start: { line: sl, character: sc }, end: { line: el, character: ec } };
}

function describe(answer, limitMs) {
  if (answer.timeout) return `no answer within ${limitMs} ms`;
  return `error ${answer.error?.code ?? ''} ${answer.error?.message ?? ''}`.trim();
}

export const readText = (path) => readFileSync(path, 'utf8');
