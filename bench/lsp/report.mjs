// The lsp bench's figures from its sessions' results: per run, then the median over runs; a table,
// LuaLS's line and ratios when it ran, the reasons for every n/a, and last the `bench lsp:` line.

export function percentile(samples, p) {
  if (samples.length === 0) return null;
  const s = [...samples].sort((a, b) => a - b);
  const rank = (p / 100) * (s.length - 1);  // linear between closest ranks
  const lo = Math.floor(rank);
  return s[lo] + (s[Math.min(lo + 1, s.length - 1)] - s[lo]) * (rank - lo);
}

export const median = (values) => percentile(values, 50);

// name, digits, target (ours must be at or under it), and the issue's LuaLS figures for the table.
const METRICS = [
  ['ready_s', 3, 0.5, '18-22'],
  ['rss_mb', 1, 100, '1000'],
  ['hover_p50_ms', 2, null, ''],
  ['hover_p99_ms', 2, 5, '27-124'],
  ['definition_p50_ms', 2, null, ''],
  ['definition_p99_ms', 2, 5, '15-204'],
  ['completion_p50_ms', 2, null, ''],
  ['completion_p99_ms', 2, 5, '187-348'],
  ['references_p50_ms', 2, null, ''],
  ['references_p99_ms', 2, 20, ''],
  ['change_diag_ms', 2, 20, ''],
  ['ready_1gb_s', 3, 20, ''],
  ['rss_1gb_mb', 1, 1500, ''],
  ['hover_busy_p50_ms', 2, null, ''],
  ['hover_busy_p99_ms', 2, 10, ''],
];
const LAST_LINE = ['ready_s', 'rss_mb', 'hover_p99_ms', 'definition_p99_ms', 'completion_p99_ms',
  'references_p99_ms', 'change_diag_ms', 'ready_1gb_s', 'rss_1gb_mb', 'hover_busy_p99_ms'];

const value = (v, why) => (v == null ? { na: why } : { v });

function notReady(ready, limitS) {
  if (ready.reason) return ready.reason;
  if (ready.exited) return `server exited before it was ready (${ready.published}/${ready.files} files' diagnostics published)`;
  return `not ready within ${limitS} s (${ready.published}/${ready.files} files' diagnostics published)`;
}

// {metric: {v} | {na: reason}} of one NSE run.
function nseFigures(r, config) {
  const f = {
    ready_s: value(r.ready.seconds, notReady(r.ready, config.readyLimitS)),
    rss_mb: value(r.rssMb, 'server exited before its RSS was read'),
    change_diag_ms: value(median(r.change.samples), r.change.na),
  };
  for (const [name, q] of Object.entries(r.queries)) {
    f[`${name}_p50_ms`] = value(percentile(q.samples, 50), q.na);
    f[`${name}_p99_ms`] = value(percentile(q.samples, 99), q.na);
  }
  return f;
}

function bigFigures(r, config) {
  return {
    ready_1gb_s: value(r.ready.seconds, notReady(r.ready, config.readyLimit1gbS)),
    rss_1gb_mb: value(r.rssMb, 'server exited before its RSS was read'),
    hover_busy_p50_ms: value(percentile(r.busy.samples, 50), r.busy.na),
    hover_busy_p99_ms: value(percentile(r.busy.samples, 99), r.busy.na),
  };
}

// Per metric over runs: {v: median, min, max, runs} or {na: reason}.
function aggregate(perRun, missing) {
  const out = {};
  for (const [name] of METRICS) {
    const got = perRun.map((f) => f[name]).filter(Boolean);
    const values = got.filter((x) => 'v' in x).map((x) => x.v);
    if (values.length) {
      out[name] = { v: median(values), min: Math.min(...values), max: Math.max(...values),
        runs: `${values.length}/${got.length}` };
    } else {
      out[name] = { na: got.find((x) => x.na)?.na ?? missing[name] ?? 'not measured' };
    }
  }
  return out;
}

const fmt = (x, digits) => (x && 'v' in x ? x.v.toFixed(digits) : 'n/a');

export function report(results, config) {
  const figures = {};
  for (const [server, r] of Object.entries(results)) {
    const missing = {};
    for (const name of ['ready_1gb_s', 'rss_1gb_mb', 'hover_busy_p50_ms', 'hover_busy_p99_ms']) {
      missing[name] = server === 'luals' ? '1 GB phase not run for LuaLS (LUALS_1GB=1 runs it)'
        : '1 GB phase not run';
    }
    figures[server] = aggregate([...r.nse.map((x) => nseFigures(x, config)),
      ...r.big.map((x) => bigFigures(x, config))], missing);
  }
  const ours = figures.moonring;
  const luals = figures.luals;

  console.log();
  console.log(`${'metric'.padEnd(20)} ${'moonring'.padStart(10)} ${'min-max'.padStart(17)} ${'runs'.padStart(5)} ` +
    `${'target'.padStart(7)} ${luals ? 'luals'.padStart(10) + ' ' + 'luals/ours'.padStart(10) : 'luals (issue)'.padStart(14)}`);
  for (const [name, digits, target, issueLuals] of METRICS) {
    const o = ours[name];
    const range = 'v' in o ? `${o.min.toFixed(digits)}-${o.max.toFixed(digits)}` : '';
    const met = target == null || !('v' in o) ? '' : o.v <= target ? ' ok' : ' !!';
    let tail = issueLuals.padStart(14);
    if (luals) {
      const l = luals[name];
      const ratio = 'v' in o && 'v' in l && o.v > 0 ? (l.v / o.v).toFixed(1) : '';
      tail = `${fmt(l, digits).padStart(10)} ${ratio.padStart(10)}`;
    }
    console.log(`${name.padEnd(20)} ${fmt(o, digits).padStart(10)} ${range.padStart(17)} ` +
      `${(o.runs ?? '').padStart(5)} ${(target == null ? '' : String(target)).padStart(4)}${met.padEnd(3)} ${tail}`);
  }

  // Counts over all runs: answers, empty answers (null, no items), failures (errors and timeouts;
  // a timeout enters the samples at the limit, so its figure is a lower bound), skipped picks.
  console.log();
  for (const [server, r] of Object.entries(results)) {
    const series = { ...Object.fromEntries(Object.keys(r.nse[0]?.queries ?? {}).map((name) =>
      [name, r.nse.map((x) => x.queries[name])])), busy_hover: r.big.map((x) => x.busy) };
    const parts = [];
    let failed = 0;
    for (const [name, list] of Object.entries(series)) {
      if (list.length === 0) continue;
      const sum = (k) => list.reduce((s, x) => s + (k === 'answered' ? x.samples.length - x.timeouts : x[k]), 0);
      failed += sum('failures');
      parts.push(`${name} ${sum('answered')} answered, ${sum('empty')} empty, ${sum('failures')} failed ` +
        `(${sum('timeouts')} timed out), ${sum('skipped')} skipped`);
      if (sum('timeouts') > 0) {
        console.log(`${server}: ${name} figures are lower bounds: ${sum('timeouts')} requests had no answer ` +
          `within ${config.requestLimitMs} ms and count at that limit`);
      }
    }
    const changes = r.nse.reduce((s, x) => s + x.change.failures, 0);
    failed += changes;
    const how = [...r.nse, ...r.big].map((x) => `${x.ready.how} ${x.ready.published}/${x.ready.files}`).join(', ');
    const cpu = r.big.map((x) => x.clientCpuS.toFixed(1)).join(', ');
    console.log(`${server}: ${parts.join('; ')}; didChange ${changes} without diagnostics; ready by: ${how}` +
      (cpu ? `; client CPU in the 1 GB phase: ${cpu} s` : ''));
    if (failed > 0) console.error(`bench lsp: warning: ${server} had ${failed} failed requests or edits (see above)`);
  }
  console.log(config.load);
  for (const [server, f] of Object.entries(figures)) {
    for (const [name] of METRICS) if (f[name].na) console.log(`${server} ${name}=n/a: ${f[name].na}`);
  }

  const line = (f) => LAST_LINE.map((name) => `${name}=${fmt(f[name], METRICS.find((m) => m[0] === name)[1])}`).join(' ');
  if (luals) {
    console.log(`bench lsp luals: ${line(luals)}`);
    const ratios = LAST_LINE.filter((n) => 'v' in ours[n] && 'v' in luals[n] && ours[n].v > 0)
      .map((n) => `${n}=${(luals[n].v / ours[n].v).toFixed(1)}`);
    console.log(`bench lsp luals/moonring: ${ratios.join(' ') || 'none comparable'}`);
  }
  console.log();
  console.log(`bench lsp: ${line(ours)}`);
}
