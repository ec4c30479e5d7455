// The load and shutdown test (npm run loadtest; scripts/loadtest.ts parses its arguments).
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { writeMarkedSection } from '../doc-section';
import { PROJECT_ROOT } from '../paths';
import { ensureCorpus } from './corpus';
import { requireWrk, runLoad } from './load';
import { get, rssOf, sleep } from './proc';
import { startCompiledServer, type CompiledServer } from './servers';
import { buildUrlSets } from './urls';

/**
 * Reliability under load, on demand (not part of the jest suite):
 *
 * 1. the compiled server (`node dist/src/server.js`) as a child process on
 *    127.0.0.1, on a generated corpus (bench/corpus/<N>/, reused when present);
 * 2. a fixed, seeded mixed URL set (articles, latest pages, issues, archive
 *    months, searches); every URL is fetched once first and must answer 200;
 * 3. warm-up, then `--duration` seconds at `--connections` connections with
 *    wrk; there must be no errors, no timeouts and no non-2xx answers, and
 *    the server's RSS (VmRSS) at the end may exceed the RSS after warm-up by 20% at most;
 * 4. SIGTERM while under full load: the server must stop accepting connections,
 *    finish the requests in flight, exit 0 within 10 s, and wrk must
 *    see no connection reset.
 *
 * The figures go to docs/reliability.md (between the loadtest markers), dated.
 */

const DOC = path.join(PROJECT_ROOT, 'docs/reliability.md');
const START_MARKER = '<!-- loadtest:start -->';
const END_MARKER = '<!-- loadtest:end -->';
const MAX_RSS_GROWTH = 0.2;
const SHUTDOWN_LIMIT_MS = 10_000;

export interface LoadtestOptions {
  articles: number;
  duration: number;
  warmup: number;
  connections: number;
  seed: number;
  logLevel: string;
  corpusRoot: string;
  doc: boolean;
}

const mib = (n: number | null) => (n === null ? 'n/a' : `${(n / 1024 / 1024).toFixed(1)} MiB`);

interface LoadFigures {
  requests: number;
  requestsPerSecond: number;
  latencyMs: { p50: number; p99: number; max: number };
  errors: number;
  timeouts: number;
  /** Answers with a status of 400 or more (what wrk counts). */
  non2xx: number;
  /** Socket errors by kind, as wrk counts them: connect (refused), read and write (reset), timeout. */
  errorCodes: Record<string, number>;
}

/**
 * One wrk run over the URL list (src/bench/load.ts: a Lua script walks the
 * list). wrk replaced autocannon, a single JavaScript thread that tops out
 * near the server's own rate on this machine (issue #19). `during` receives
 * a function that ends the run early; wrk then reports what it counted.
 */
async function load(port: number, urls: readonly string[], connections: number, duration: number, during?: (stop: () => void) => void): Promise<LoadFigures> {
  const r = await runLoad({ port, urls, connections, duration, headers: { 'Accept-Encoding': 'br, gzip' }, onStart: during });
  const errorCodes = Object.fromEntries(Object.entries(r.errorKinds).filter(([, n]) => n > 0));
  return {
    requests: r.requests,
    requestsPerSecond: r.requestsPerSecond,
    latencyMs: { p50: r.latencyMs.p50, p99: r.latencyMs.p99, max: r.latencyMs.max },
    errors: r.errors,
    timeouts: r.timeouts,
    non2xx: r.non2xx,
    errorCodes,
  };
}

/** The server's own memory figures from /metrics (prom-client's process metrics), when it has them. */
async function memoryOf(port: number): Promise<{ heapUsed: number; heapTotal: number; external: number } | null> {
  try {
    const r = await get(port, '/metrics', {}, 10_000);
    if (r.status !== 200) return null;
    const text = r.body.toString('utf8');
    const value = (name: string) => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+]+)`, 'm').exec(text)?.[1] ?? NaN);
    const m = { heapUsed: value('nodejs_heap_size_used_bytes'), heapTotal: value('nodejs_heap_size_total_bytes'), external: value('nodejs_external_memory_bytes') };
    return Number.isFinite(m.heapTotal) ? m : null;
  } catch {
    return null;
  }
}

const memLine = (m: { heapUsed: number; heapTotal: number; external: number } | null) =>
  m ? `JS heap ${mib(m.heapUsed)} used of ${mib(m.heapTotal)}, external ${mib(m.external)}` : 'n/a (no /metrics)';

/** Every URL once, a few at a time: all must answer 200. Also fills the render cache, as the warm-up would. */
async function validate(port: number, urls: readonly string[]): Promise<{ checked: number; bad: string[]; slowest: string[] }> {
  const unique = [...new Set(urls)];
  const bad: string[] = [];
  const times: [number, string][] = [];
  let next = 0;
  await Promise.all(Array.from({ length: 8 }, async () => {
    while (next < unique.length) {
      const url = unique[next++]!;
      try {
        const r = await get(port, url, { 'accept-encoding': 'br, gzip' });
        times.push([r.ms, url]);
        if (r.status < 200 || r.status > 299) bad.push(`${r.status} ${url}`);
      } catch (err) {
        bad.push(`${String(err)} ${url}`);
      }
    }
  }));
  const slowest = times.sort((a, b) => b[0] - a[0]).slice(0, 5).map(([ms, url]) => `${Math.round(ms)} ms ${decodeURIComponent(url)}`);
  return { checked: unique.length, bad, slowest };
}

/** True when a fresh TCP connection to the port is refused (the listener is closed). */
function refusesConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(false);
    });
    s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code === 'ECONNREFUSED'));
  });
}

interface Shutdown {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  exitMs: number;
  refusedAfterMs: number | null;
  inFlight: { started: number; completed200: number; failed: string[] };
  load: LoadFigures;
  resets: number;
}

/** Full load; after a few seconds SIGTERM, with a set of requests of our own in flight at that moment. */
async function shutdownUnderLoad(server: CompiledServer, urls: readonly string[], connections: number, slowUrls: readonly string[]): Promise<Shutdown> {
  let sigtermAt = 0;
  let refusedAfterMs: number | null = null;
  const inFlight: Promise<string | null>[] = [];
  const loadDone = load(server.port, urls, connections, 30, (stop) => {
    void server.exited.then(() => setTimeout(stop, 500));
  });
  await sleep(3_000);
  // Requests of our own in flight at the signal: each on a keep-alive connection the server
  // has already accepted and answered once, so the server holds it; sent just before SIGTERM.
  const agents = slowUrls.map(() => new http.Agent({ keepAlive: true, maxSockets: 1 }));
  const fetch = (agent: http.Agent, url: string) => new Promise<string | null>((resolve) => {
    const req = http.get({ host: '127.0.0.1', port: server.port, path: url, agent, headers: { 'accept-encoding': 'br, gzip' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode === 200 ? null : `${res.statusCode} ${url}`));
      res.on('error', (e) => resolve(`${String(e)} ${url}`));
    });
    req.on('error', (e) => resolve(`${String(e)} ${url}`));
  });
  const opened = await Promise.all(agents.map((a) => fetch(a, '/robots.txt')));
  if (opened.some((x) => x !== null)) throw new Error(`could not open the probe connections: ${opened.join('; ')}`);
  slowUrls.forEach((url, i) => inFlight.push(fetch(agents[i]!, url)));
  await sleep(20);
  sigtermAt = Date.now();
  server.child.kill('SIGTERM');
  for (let t = 0; t < 5_000; t += 50) {
    await sleep(50);
    if (await refusesConnections(server.port)) {
      refusedAfterMs = Date.now() - sigtermAt;
      break;
    }
  }
  const exit = await Promise.race([server.exited, sleep(SHUTDOWN_LIMIT_MS + 5_000).then(() => null)]);
  if (!exit) server.child.kill('SIGKILL');
  const failed = (await Promise.all(inFlight)).filter((x): x is string => x !== null);
  for (const a of agents) a.destroy();
  const figures = await loadDone;
  // wrk connects without blocking, so a connection refused after the listener closed is
  // counted when it first writes on it: connect and write errors are those reconnections.
  // An answer lost on an open connection (a reset, or a close with a request in flight) is a
  // read error or a timeout.
  const resets = (figures.errorCodes.read ?? 0) + (figures.errorCodes.timeout ?? 0);
  return {
    exitCode: exit?.code ?? null,
    signal: exit?.signal ?? null,
    exitMs: exit ? exit.at - sigtermAt : Infinity,
    refusedAfterMs,
    inFlight: { started: slowUrls.length, completed200: slowUrls.length - failed.length, failed },
    load: figures,
    resets,
  };
}

function writeDoc(markdown: string): void {
  const intro = [
    '# Reliability',
    '',
    'How the site holds up under hostile input, faults and load. The jest suite',
    'covers hostile input and faults on every run:',
    '',
    '- `test/fuzz.test.ts`: 10,000+ generated hostile requests on every route family.',
    '- `test/injection.test.ts`: markup in imported content.',
    '- `test/security-headers.test.ts`: security headers on every response type.',
    '- `test/faults.test.ts`: importer crashes, a read-only database, a corrupt database, missing media.',
    '- `test/backup.test.ts`: online backup and restore.',
    '',
    'The load test below runs on demand:',
    '',
    '```sh',
    'npm run loadtest                                    # 100,000 articles, 256 connections, 60 s',
    'npm run loadtest -- --articles 20000 --duration 20  # a quicker run',
    '```',
    '',
    'It starts the compiled server on a generated corpus. It fetches every URL',
    'of a fixed, seeded mixed set once; each must answer 200. After a warm-up it',
    'loads the server with wrk and checks that there are no errors and no',
    'non-2xx answers, and that RSS grows by at most 20% from the end of the',
    'warm-up. Then it sends SIGTERM under full load. The server must stop',
    'accepting connections, finish the requests in flight and exit 0 within',
    '10 s, and wrk must see no connection reset. Each run replaces the',
    'figures between the markers.',
    '',
  ].join('\n');
  writeMarkedSection(DOC, { start: START_MARKER, end: END_MARKER }, markdown, { ifMissing: 'append', newFile: intro });
}

/** Runs the whole test and returns what failed (nothing when it passed); the server is killed by its PID before it returns. */
export async function runLoadtest(opts: LoadtestOptions, log: (line: string) => void): Promise<string[]> {
  const failures: string[] = [];
  const startedAt = new Date();
  log(`load generator: wrk ${requireWrk()}`);

  const corpus = await ensureCorpus({ root: opts.corpusRoot, articles: opts.articles, seed: opts.seed, distDir: path.join(PROJECT_ROOT, 'dist'), log });
  const sets = buildUrlSets(corpus.databasePath, opts.seed);
  const urls = sets.mixed;
  log(`urls: ${urls.length} in the mixed set (${new Set(urls).size} distinct): articles, latest pages, issues, archive months, searches`);

  const server = await startCompiledServer({
    databasePath: corpus.databasePath,
    mediaDir: corpus.mediaDir,
    env: { LOG_LEVEL: opts.logLevel },
    probePath: '/robots.txt',
    stdout: 'ignore',
  });
  const pid = server.pid;
  log(`server: pid ${pid} on port ${server.port}, RSS ${mib(rssOf(pid))} at start`);
  try {
    const valid = await validate(server.port, urls);
    log(`validate: ${valid.checked} distinct URLs, ${valid.bad.length} not 200${valid.bad.length ? `: ${valid.bad.slice(0, 5).join(', ')}` : ''}`);
    log(`validate: slowest first answers (uncached): ${valid.slowest.join(', ')}`);
    if (valid.bad.length) failures.push(`${valid.bad.length} URLs of the set did not answer 200 (${valid.bad.slice(0, 3).join('; ')})`);

    if (opts.warmup > 0) {
      const w = await load(server.port, urls, opts.connections, opts.warmup);
      log(`warm-up: ${opts.warmup} s, ${w.requests} requests, ${Math.round(w.requestsPerSecond)} req/s`);
    }
    const rssWarm = rssOf(pid);
    const memWarm = await memoryOf(server.port);
    let rssPeak = rssWarm ?? 0;
    const series: number[] = [];
    let tick = 0;
    const sampler = setInterval(() => {
      const now = rssOf(pid) ?? 0;
      rssPeak = Math.max(rssPeak, now);
      if (++tick % 5 === 0) series.push(now);
    }, 1000);
    log(`load: ${opts.connections} connections for ${opts.duration} s (RSS after warm-up ${mib(rssWarm)})`);
    const main = await load(server.port, urls, opts.connections, opts.duration);
    clearInterval(sampler);
    const rssEnd = rssOf(pid);
    const memEnd = await memoryOf(server.port);
    const growth = rssWarm && rssEnd ? (rssEnd - rssWarm) / rssWarm : null;
    log(`load: ${main.requests} requests, ${Math.round(main.requestsPerSecond)} req/s, p50 ${main.latencyMs.p50} ms, p99 ${main.latencyMs.p99} ms, max ${main.latencyMs.max} ms`);
    log(`load: errors ${main.errors} (${JSON.stringify(main.errorCodes)}), timeouts ${main.timeouts}, non-2xx ${main.non2xx}`);
    const trajectory = series.map((b) => Math.round(b / 1024 / 1024)).join(' → ');
    log(`memory: after warm-up ${memLine(memWarm)}; at the end ${memLine(memEnd)}`);
    log(`rss: ${mib(rssWarm)} after warm-up, ${mib(rssEnd)} at the end (${growth === null ? 'n/a' : `${(growth * 100).toFixed(1)}%`}), peak ${mib(rssPeak)}; every 5 s (MiB): ${trajectory}`);
    if (main.errors > 0) failures.push(`${main.errors} errors under load (${JSON.stringify(main.errorCodes)})`);
    if (main.timeouts > 0) failures.push(`${main.timeouts} timeouts under load`);
    if (main.non2xx > 0) failures.push(`${main.non2xx} non-2xx answers under load`);
    if (growth === null) failures.push('RSS could not be read from /proc');
    else if (growth > MAX_RSS_GROWTH) failures.push(`RSS grew ${(growth * 100).toFixed(1)}% (limit ${MAX_RSS_GROWTH * 100}%)`);

    const slow = [...sets.search.slice(0, 8), ...sets.issue.slice(0, 8)];
    const stop = await shutdownUnderLoad(server, urls, opts.connections, slow);
    log(`shutdown: SIGTERM under load; listener closed after ${stop.refusedAfterMs ?? 'n/a'} ms; exit ${stop.exitCode}${stop.signal ? ` (${stop.signal})` : ''} after ${stop.exitMs} ms`);
    log(`shutdown: ${stop.inFlight.completed200}/${stop.inFlight.started} requests in flight at SIGTERM answered 200; wrk ${stop.load.requests} answers, errors ${JSON.stringify(stop.load.errorCodes)}, non-2xx ${stop.load.non2xx}`);
    if (stop.refusedAfterMs === null) failures.push('the server still accepted connections 5 s after SIGTERM');
    if (stop.exitCode !== 0) failures.push(`the server exited with ${stop.exitCode ?? stop.signal} after SIGTERM`);
    if (stop.exitMs > SHUTDOWN_LIMIT_MS) failures.push(`the server took ${stop.exitMs} ms to exit after SIGTERM (limit ${SHUTDOWN_LIMIT_MS})`);
    if (stop.inFlight.failed.length) failures.push(`requests in flight at SIGTERM failed: ${stop.inFlight.failed.slice(0, 3).join('; ')}`);
    if (stop.resets > 0) failures.push(`${stop.resets} answers lost on open connections (read errors and timeouts) during shutdown (${JSON.stringify(stop.load.errorCodes)})`);
    if (stop.load.non2xx > 0) failures.push(`${stop.load.non2xx} non-2xx answers during shutdown`);

    if (opts.doc) {
      const row = (k: string, v: string) => `| ${k} | ${v} |`;
      writeDoc([
        `## Load test, ${startedAt.toISOString().slice(0, 10)}`,
        '',
        `${failures.length === 0 ? '**Passed.**' : `**Failed:** ${failures.join('; ')}.`} Command: \`npm run loadtest -- --articles ${opts.articles} --duration ${opts.duration} --connections ${opts.connections}\`` +
          `${opts.duration < 60 || opts.articles < 100_000 ? ' (a shorter run than the default 100,000 articles and 60 s)' : ''}.`,
        '',
        '| | |',
        '|---|---|',
        row('machine', `${os.cpus().length} CPUs (${os.cpus()[0]?.model.trim() ?? 'unknown'}), ${mib(os.totalmem())} RAM, Node ${process.version}, load average at start ${os.loadavg().map((l) => l.toFixed(1)).join(' / ')}`),
        row('corpus', `${corpus.articles} articles, ${corpus.issues} issues, ${corpus.publications} papers; database ${mib(corpus.sizes.databaseBytes)}`),
        row('URL set', `${urls.length} URLs (${new Set(urls).size} distinct), seed ${opts.seed}: 55% archived articles, 15% latest pages, 12% issues, 6% archive months, 12% searches; all ${valid.checked} distinct URLs answered ${valid.bad.length ? `200 except ${valid.bad.length}` : '200'}`),
        row('load', `${opts.connections} connections, ${opts.warmup} s warm-up, ${opts.duration} s measured, \`Accept-Encoding: br, gzip\`, server LOG_LEVEL=${opts.logLevel}`),
        row('throughput', `${Math.round(main.requestsPerSecond)} req/s (${main.requests} requests)`),
        row('latency', `p50 ${main.latencyMs.p50} ms, p99 ${main.latencyMs.p99} ms, max ${main.latencyMs.max} ms`),
        row('errors / timeouts / non-2xx', `${main.errors} / ${main.timeouts} / ${main.non2xx}`),
        row('server RSS', `${mib(rssWarm)} after warm-up, ${mib(rssEnd)} at the end (${growth === null ? 'n/a' : `${growth >= 0 ? '+' : ''}${(growth * 100).toFixed(1)}%`}, limit +20%), peak ${mib(rssPeak)}`),
        row('RSS every 5 s of the measured run (MiB)', trajectory),
        row('server memory (/metrics)', `after warm-up: ${memLine(memWarm)}; at the end: ${memLine(memEnd)}`),
        row('SIGTERM under load', `new connections refused after ${stop.refusedAfterMs ?? 'n/a'} ms; exit code ${stop.exitCode} after ${stop.exitMs} ms (limit 10,000 ms)`),
        row('in flight at SIGTERM', `${stop.inFlight.completed200}/${stop.inFlight.started} of our own requests (searches, issue pages) answered 200`),
        row('wrk during shutdown', `${stop.load.requests} answers, ${stop.load.non2xx} non-2xx; connection errors ${JSON.stringify(stop.load.errorCodes)} (connect and write: reconnections refused after the listener closed, expected; read and timeout: answers lost on open connections, ${stop.resets})`),
        '',
      ].join('\n'));
      log(`wrote ${path.relative(PROJECT_ROOT, DOC)}`);
    }
  } finally {
    if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
  }
  return failures;
}
