// The benchmark: the load generator's ceiling (wrk against nginx serving 1 KB) → corpus → servers
// (the app with the cache on and off, in 1 and N processes; nginx serving the same bytes) → wrk per
// request class and encoding, interleaved → results JSON and the bench section of docs/performance.md.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureCorpus } from './corpus';
import { requireWrk, runLoad, type LoadResult } from './load';
import { decoded, get, median, rssOf, treeCpuSplitMs } from './proc';
import { newestProfile, summariseProfile } from './profile';
import { pinTree } from './proc';
import { hasNginx, startApp, startStatic, type AppServer, type StaticFile, type StaticServer } from './servers';
import { buildUrlSets, CLASS_LABELS, CLASS_NAMES, DEFAULT_SET_SIZES, largestMonth, type ClassName, type UrlSetSizes } from './urls';
import { writeDocSection } from './report';
import { writeResultsFile } from './results-file';
import { ENCODING_HEADERS, ENCODINGS, GENERATOR_BOUND_FRACTION, type BenchResults, type Ceiling, type CeilingConfig, type ClassResult, type Encoding, type RunFigures, type ServerSpec, type TargetCheck, type TargetFigures } from './results';

export interface BenchOptions {
  articles: number;
  seed: number;
  /** Seconds per measured run. */
  duration: number;
  /** Seconds of unrecorded load before each measured run (JIT, caches). */
  warmup: number;
  connections: number;
  /** Measured runs per class and server; figures are medians. */
  repeat: number;
  classes: ClassName[];
  setSizes: UrlSetSizes;
  staticKind: 'auto' | 'nginx' | 'node';
  nginxWorkers: number;
  /**
   * nginx worker counts the ceiling's 1 KB file is served with (default 1 and one per CPU);
   * the ceiling is the highest: one worker may be its own limit, more take CPU from wrk.
   */
  ceilingWorkers: number[];
  /** wrk threads for every run (capped at the connections). */
  threads: number;
  /**
   * CPU lists (taskset syntax) for the servers and for wrk, e.g. servers "1",
   * generator "0": each server (nginx's workers, the app's workers and
   * threads) and wrk then run on their own CPUs. null: all share all CPUs.
   */
  pin: { servers: string; generator: string } | null;
  /** App process counts to measure (1 is always measured): 2 = the cluster entry with two workers. */
  processes: number[];
  /** CPU profiles of the app under load (node --cpu-prof). */
  profile: boolean;
  repoRoot: string;
  distDir: string;
  corpusRoot: string;
  resultsDir: string;
  /** docs/performance.md to regenerate, or null. */
  docPath: string | null;
  smoke: boolean;
  log: (line: string) => void;
}

async function cacheCounters(port: number): Promise<{ hits: number; misses: number } | null> {
  try {
    const r = await get(port, '/metrics');
    if (r.status !== 200) return null;
    const text = decoded(r).toString('utf8');
    const value = (name: string) => {
      const m = new RegExp(`^${name}(?:\\{[^}]*\\})?\\s+([0-9.e+]+)`, 'm').exec(text);
      return m ? Number(m[1]) : null;
    };
    const hits = value('epaper_render_cache_hits_total');
    const misses = value('epaper_render_cache_misses_total');
    return hits === null || misses === null ? null : { hits, misses };
  } catch {
    return null;
  }
}

function medianOf(runs: RunFigures[], pick: (r: RunFigures) => number | null | undefined): number | null {
  const m = median(runs.map(pick).filter((v): v is number => typeof v === 'number'));
  return m === null ? null : Math.round(m);
}

function figures(runs: RunFigures[], rssBytes: number | null, ceiling: number): TargetFigures {
  const ratios = runs.map((r) => r.cacheHitRatio).filter((v): v is number => typeof v === 'number');
  const requestsPerSecond = Math.round(median(runs.map((r) => r.requestsPerSecond)) ?? 0);
  const ceilingFraction = ceiling > 0 ? Math.round((requestsPerSecond / ceiling) * 1000) / 1000 : 1;
  return {
    requestsPerSecond,
    p50Ms: median(runs.map((r) => r.latencyMs.p50)) ?? 0,
    p99Ms: median(runs.map((r) => r.latencyMs.p99)) ?? 0,
    errors: runs.reduce((n, r) => n + r.errors, 0),
    non2xx: runs.reduce((n, r) => n + r.non2xx, 0),
    bytesPerResponse: Math.round(median(runs.map((r) => r.bytesPerResponse)) ?? 0),
    serverCpuUsPerRequest: medianOf(runs, (r) => r.serverCpuUsPerRequest),
    serverUserUsPerRequest: medianOf(runs, (r) => r.serverUserUsPerRequest),
    serverSystemUsPerRequest: medianOf(runs, (r) => r.serverSystemUsPerRequest),
    cacheHitRatio: ratios.length ? Math.round((median(ratios) ?? 0) * 1000) / 1000 : null,
    rssBytes,
    ratioToStatic: null,
    cpuRatioToStatic: null,
    ceilingFraction,
    generatorBound: ceilingFraction > GENERATOR_BOUND_FRACTION,
    runs,
  };
}

/** Fetches every URL once from the app, identity and gzip: the bytes the static baseline serves. */
async function capture(port: number, urls: string[], log: (l: string) => void): Promise<{ files: StaticFile[]; non200: { url: string; status: number }[] }> {
  const files: StaticFile[] = [];
  const non200: { url: string; status: number }[] = [];
  const queue = [...urls];
  const worker = async () => {
    for (let url = queue.shift(); url !== undefined; url = queue.shift()) {
      const identity = await get(port, url, { 'accept-encoding': 'identity' });
      if (identity.status !== 200) {
        non200.push({ url, status: identity.status });
        continue;
      }
      const gz = await get(port, url, { 'accept-encoding': 'gzip' });
      files.push({
        url,
        identity: identity.body,
        gzip: gz.status === 200 && gz.headers['content-encoding'] === 'gzip' ? gz.body : null,
        contentType: String(identity.headers['content-type'] ?? 'text/html; charset=utf-8'),
      });
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  log(`captured ${files.length} responses (${non200.length} not 200)`);
  return { files, non200 };
}

/** Asks for every URL, identity and gzip, 2 × processes times each on fresh connections (4 at a time). */
async function warmCaches(port: number, urls: string[], processes: number, log: (l: string) => void): Promise<void> {
  const started = Date.now();
  const queue = urls.flatMap((u) => Array.from({ length: 2 * processes }, () => u));
  const worker = async () => {
    for (let url = queue.shift(); url !== undefined; url = queue.shift()) {
      for (const headers of ENCODINGS.map((e) => ENCODING_HEADERS[e])) await get(port, url, headers);
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  log(`render cache${processes > 1 ? `s of ${processes} processes` : ''} filled: ${urls.length} URLs in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

async function sitemapTiming(port: number, databasePath: string, log: (l: string) => void): Promise<BenchResults['sitemap']> {
  const index = await get(port, '/sitemap.xml');
  if (index.status !== 200) {
    log(`sitemap: /sitemap.xml answered ${index.status}, skipped`);
    return null;
  }
  const largest = largestMonth(databasePath);
  if (!largest) return null;
  const url = `/sitemaps/${largest.slug}/${largest.month}.xml`;
  const plain: { ms: number; bytes: number; status: number }[] = [];
  const gz: { ms: number; bytes: number }[] = [];
  for (let i = 0; i < 3; i += 1) {
    const r = await get(port, url, { 'accept-encoding': 'identity' }, 120_000);
    plain.push({ ms: r.ms, bytes: r.body.length, status: r.status });
    const g = await get(port, url, { 'accept-encoding': 'gzip' }, 120_000);
    gz.push({ ms: g.ms, bytes: g.body.length });
  }
  const result = {
    index: { status: index.status, ms: Math.round(index.ms * 10) / 10 },
    month: `${largest.slug} ${largest.month}`,
    url,
    urls: largest.urls,
    ms: Math.round((median(plain.map((p) => p.ms)) ?? 0) * 10) / 10,
    bytes: plain[0]!.bytes,
    gzipMs: Math.round((median(gz.map((p) => p.ms)) ?? 0) * 10) / 10,
    gzipBytes: gz[0]!.bytes,
    status: plain[0]!.status,
  };
  log(`sitemap: ${url} (${largest.urls} URLs) ${result.ms} ms, ${result.bytes} bytes; gzip ${result.gzipMs} ms`);
  return result;
}

const fmt = (v: number) => v.toLocaleString('en-US');

function checkTargets(r: Omit<BenchResults, 'targets' | 'errorsTotal' | 'finishedAt'>): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const fastest = Math.max(0, ...r.classes.flatMap((c) => r.encodings.flatMap((e) => Object.values(c.figures[e]).map((f) => f.requestsPerSecond))));
  checks.push({
    id: 'generator',
    target: 'the generator\'s ceiling ≥ 3× the fastest server measured',
    measured: `ceiling ${fmt(r.ceiling.requestsPerSecond)} req/s, fastest server ${fmt(fastest)} req/s (${fastest > 0 ? (r.ceiling.requestsPerSecond / fastest).toFixed(1) : '–'}×)`,
    met: fastest > 0 && r.ceiling.requestsPerSecond >= 3 * fastest,
  });
  const boundNote = (f: TargetFigures, who: string) => (f.generatorBound ? `; ${who} generator-bound (${Math.round(f.ceilingFraction * 100)}% of the ceiling): not the server's figure` : '');
  for (const c of r.classes) {
    for (const e of r.encodings) {
      const on = c.figures[e][serverId(true, 1)];
      const st = c.figures[e].static;
      if (!on || !st) continue;
      checks.push({
        id: `cached-${c.name}-${e}`,
        target: `${c.label}, ${e}, cache on, 1 process: ≥ 0.5× static req/s, p99 ≤ 20 ms, 0 errors`,
        measured: `${on.ratioToStatic?.toFixed(2) ?? '–'}× static (${fmt(on.requestsPerSecond)} vs ${fmt(st.requestsPerSecond)} req/s), p99 ${on.p99Ms} ms, ${on.errors} errors, ${on.non2xx} non-2xx${boundNote(st, 'static')}${boundNote(on, 'app')}`
          + (on.cpuRatioToStatic === null ? '' : `; by server CPU per response ${on.cpuRatioToStatic.toFixed(2)}× (${on.serverCpuUsPerRequest} vs ${st.serverCpuUsPerRequest} µs)`),
        met: (on.ratioToStatic ?? 0) >= 0.5 && on.p99Ms <= 20 && on.errors === 0 && on.non2xx === 0 && !st.generatorBound && !on.generatorBound,
      });
    }
  }
  const art = r.classes.find((c) => c.name === 'article');
  for (const e of art ? r.encodings : []) {
    const off = art!.figures[e][serverId(false, 1)];
    if (!off) continue;
    checks.push({
      id: `uncached-article-${e}`,
      target: `article pages, ${e}, cache off, 1 process: ≥ 3,000 req/s, p99 ≤ 25 ms`,
      measured: `${fmt(off.requestsPerSecond)} req/s, p99 ${off.p99Ms} ms${boundNote(off, 'app')}`,
      met: off.requestsPerSecond >= 3000 && off.p99Ms <= 25 && !off.generatorBound,
    });
  }
  const mb = (b: number | null) => (b === null ? '–' : `${(b / 1048576).toFixed(0)} MB`);
  if (r.rssAfterMixedBytes.cacheOn !== null || r.rssAfterMixedBytes.cacheOff !== null) {
    const worst = Math.max(r.rssAfterMixedBytes.cacheOn ?? 0, r.rssAfterMixedBytes.cacheOff ?? 0);
    checks.push({
      id: 'rss',
      target: 'server RSS after the whole mixed run ≤ 250 MB (one process)',
      measured: `cache on ${mb(r.rssAfterMixedBytes.cacheOn)}, cache off ${mb(r.rssAfterMixedBytes.cacheOff)}`,
      met: worst <= 250 * 1048576,
    });
  }
  const cold = Math.max(r.coldStartMs.cacheOn, r.coldStartMs.cacheOff);
  checks.push({
    id: 'cold-start',
    target: 'cold start to the first 200 on an article ≤ 1 s',
    measured: `cache on ${Math.round(r.coldStartMs.cacheOn)} ms, cache off ${Math.round(r.coldStartMs.cacheOff)} ms`,
    met: cold <= 1000,
  });
  return checks;
}

export function serverId(cache: boolean, processes: number): string {
  return `app-${cache ? 'on' : 'off'}-${processes}`;
}

/** The servers a run measures, in the order each round runs them. */
export function serverSpecs(processes: readonly number[]): ServerSpec[] {
  const specs: ServerSpec[] = [{ id: 'static', label: 'static', kind: 'static', cache: null, processes: 1 }];
  for (const p of processes) {
    for (const cache of [true, false]) {
      specs.push({ id: serverId(cache, p), label: `app, cache ${cache ? 'on' : 'off'}, ${p} process${p > 1 ? 'es' : ''}`, kind: 'app', cache, processes: p });
    }
  }
  return specs;
}

/** 1 KB of HTML: what the generator's ceiling is measured on. */
const CEILING_BODY = Buffer.from(`<!doctype html><title>ceiling</title><p>${'x'.repeat(1024 - 44)}</p>\n`.slice(0, 1024));

/**
 * wrk against nginx serving one 1 KB file, same connections and duration as the measured
 * runs, with each worker count in turn: the most this generator counts on this machine.
 */
async function measureCeiling(opts: BenchOptions, threads: number): Promise<Ceiling> {
  const log = opts.log;
  const configs: CeilingConfig[] = [];
  let errors = 0;
  const urls = ['/ceiling'];
  for (const workers of opts.ceilingWorkers) {
    const nginx = await startStatic({ files: [{ url: '/ceiling', identity: CEILING_BODY, gzip: null, contentType: 'text/html; charset=utf-8' }], kind: 'nginx', nginxWorkers: workers, log: () => undefined });
    if (opts.pin) pinTree(nginx.pid!, opts.pin.servers);
    try {
      const runs: LoadResult[] = [];
      if (opts.warmup > 0) await runLoad({ port: nginx.port, urls, connections: opts.connections, duration: opts.warmup, headers: {}, threads, cpus: opts.pin?.generator });
      for (let i = 0; i < opts.repeat; i += 1) {
        const r = await runLoad({ port: nginx.port, urls, connections: opts.connections, duration: opts.duration, headers: {}, threads, cpus: opts.pin?.generator });
        runs.push(r);
        errors += r.errors + r.non2xx;
        log(`ceiling #${i + 1}, nginx ${workers} worker(s): ${fmt(Math.round(r.requestsPerSecond))} req/s, p99 ${r.latencyMs.p99} ms, errors ${r.errors}, non-2xx ${r.non2xx}`);
      }
      configs.push({ nginxWorkers: workers, requestsPerSecond: Math.round(median(runs.map((r) => r.requestsPerSecond)) ?? 0), p99Ms: median(runs.map((r) => r.latencyMs.p99)) ?? 0, runs });
    } finally {
      await nginx.stop();
    }
  }
  const best = configs.reduce((a, b) => (b.requestsPerSecond > a.requestsPerSecond ? b : a));
  return { requestsPerSecond: best.requestsPerSecond, nginxWorkers: best.nginxWorkers, p99Ms: best.p99Ms, bodyBytes: CEILING_BODY.length, errors, configs };
}

export async function runBench(opts: BenchOptions): Promise<{ results: BenchResults; file: string }> {
  const log = opts.log;
  const startedAt = new Date();
  const loadAtStart = os.loadavg()[0]!;
  const wrk = requireWrk();
  if (!hasNginx()) throw new Error('nginx is not installed: run `bash scripts/install-bench-tools.sh` (as root); the ceiling and the static baseline need it');
  const threads = Math.max(1, Math.min(opts.threads, opts.connections));
  log(`load generator: wrk ${wrk}, ${threads} thread(s), ${opts.connections} connections, ${opts.duration} s runs${opts.pin ? `; wrk pinned to CPU ${opts.pin.generator}, every server to CPU ${opts.pin.servers}` : ''}`);

  const ceiling = await measureCeiling(opts, threads);
  const bound = Math.round(ceiling.requestsPerSecond * GENERATOR_BOUND_FRACTION);
  log(`generator ceiling: ${fmt(ceiling.requestsPerSecond)} req/s (nginx, ${ceiling.nginxWorkers} worker(s), one ${CEILING_BODY.length}-byte file; ${ceiling.configs.map((c) => `${c.nginxWorkers} worker(s) ${fmt(c.requestsPerSecond)}`).join(', ')}); figures above ${fmt(bound)} req/s (1/3 of it) are flagged generator-bound`);

  const corpus = await ensureCorpus({ root: opts.corpusRoot, articles: opts.articles, seed: opts.seed, distDir: opts.distDir, log });
  const allSets = buildUrlSets(corpus.databasePath, opts.seed, opts.setSizes);
  const classes = CLASS_NAMES.filter((c) => opts.classes.includes(c));
  const sets = new Map(classes.map((c) => [c, allSets[c]]));
  for (const [c, list] of sets) log(`class ${c}: ${list.length} URLs`);
  const probePath = allSets.article[0];
  if (!probePath) throw new Error('the corpus has no article to probe');

  const serverScript = path.join(opts.distDir, 'src/server.js');
  const common = { serverScript, databasePath: corpus.databasePath, mediaDir: corpus.mediaDir, probePath, log };
  const running: { stop(): Promise<void> }[] = [];
  const profiles: BenchResults['profiles'] = [];
  const specs = serverSpecs(opts.processes.includes(1) ? opts.processes : [1, ...opts.processes]);
  try {
    const apps = new Map<string, AppServer>();
    for (const spec of specs) {
      if (spec.kind !== 'app') continue;
      const app = await startApp(spec.label, { ...common, cacheSize: spec.cache ? undefined : '0', processes: spec.processes });
      running.push(app);
      if (opts.pin) pinTree(app.pid!, opts.pin.servers);
      apps.set(spec.id, app);
    }
    const cacheOn = apps.get(serverId(true, 1))!;
    const cacheOff = apps.get(serverId(false, 1))!;
    const idleRssBytes = { cacheOn: cacheOn.rss(), cacheOff: cacheOff.rss() };

    // Everything the classes request, captured from the one-process cache-on server (which also warms its cache).
    const union = [...new Set([...sets.values()].flat())];
    const captured = await capture(cacheOn.port, union, log);
    const staticServer: StaticServer = await startStatic({ files: captured.files, kind: opts.staticKind, nginxWorkers: opts.nginxWorkers, log });
    running.push(staticServer);
    if (opts.pin) pinTree(staticServer.pid!, opts.pin.servers);
    const capturedByUrl = new Map(captured.files.map((f) => [f.url, f]));
    // Each worker of a cache-on cluster has its own render cache: fill them all before measuring,
    // as the capture filled the one-process server's (the primary hands connections out in turn).
    for (const spec of specs) {
      if (spec.kind === 'app' && spec.cache && spec.processes > 1) await warmCaches(apps.get(spec.id)!.port, union, spec.processes, log);
    }

    const classResults: ClassResult[] = [];
    for (const c of classes) {
      // The static server can only answer what was captured as a 200; every server gets the same list.
      const list = sets.get(c)!.filter((u) => capturedByUrl.has(u));
      if (list.length === 0) throw new Error(`class ${c}: no URL answered 200`);
      const runs = Object.fromEntries(ENCODINGS.map((e) => [e, Object.fromEntries(specs.map((s) => [s.id, [] as RunFigures[]]))])) as Record<Encoding, Record<string, RunFigures[]>>;
      // Interleaved: each round runs every encoding on every server, so all see the same minutes of the shared machine.
      for (let rep = 0; rep < opts.repeat; rep += 1) {
        for (const e of ENCODINGS) {
          const headers = ENCODING_HEADERS[e];
          for (const spec of specs) {
            const app = apps.get(spec.id);
            const port = app ? app.port : staticServer.port;
            const pid = app ? app.pid : staticServer.pid;
            if (opts.warmup > 0) await runLoad({ port, urls: list, connections: opts.connections, duration: opts.warmup, headers, threads, cpus: opts.pin?.generator });
            const hitCounting = spec.id === serverId(true, 1);
            const before = hitCounting ? await cacheCounters(port) : null;
            const cpuBefore = treeCpuSplitMs(pid);
            const load: RunFigures = await runLoad({ port, urls: list, connections: opts.connections, duration: opts.duration, headers, threads, cpus: opts.pin?.generator });
            const cpuAfter = treeCpuSplitMs(pid);
            const perRequest = (ms: number) => Math.round((ms * 1000) / load.requests);
            const measured = cpuBefore !== null && cpuAfter !== null && load.requests > 0;
            load.serverUserUsPerRequest = measured ? perRequest(cpuAfter.user - cpuBefore.user) : null;
            load.serverSystemUsPerRequest = measured ? perRequest(cpuAfter.system - cpuBefore.system) : null;
            load.serverCpuUsPerRequest = measured ? perRequest(cpuAfter.user + cpuAfter.system - cpuBefore.user - cpuBefore.system) : null;
            if (before) {
              const after = await cacheCounters(port);
              const hits = after ? after.hits - before.hits : 0;
              const total = after ? hits + after.misses - before.misses : 0;
              load.cacheHitRatio = total > 0 ? hits / total : null;
            }
            runs[e][spec.id]!.push(load);
            const flag = load.requestsPerSecond > bound ? ' [generator-bound]' : '';
            log(`${c} #${rep + 1} ${e} ${spec.label}: ${fmt(Math.round(load.requestsPerSecond))} req/s${flag}, p50 ${load.latencyMs.p50} ms, p99 ${load.latencyMs.p99} ms, errors ${load.errors}, non-2xx ${load.non2xx}`
              + `, server CPU ${load.serverCpuUsPerRequest ?? '–'} µs/req (user ${load.serverUserUsPerRequest ?? '–'} + kernel ${load.serverSystemUsPerRequest ?? '–'})`
              + (load.cacheHitRatio !== undefined ? `, cache hits ${((load.cacheHitRatio ?? 0) * 100).toFixed(0)}%` : ''));
          }
        }
      }
      const byEncoding = {} as Record<Encoding, Record<string, TargetFigures>>;
      for (const e of ENCODINGS) {
        const st = figures(runs[e].static!, rssOf(staticServer.pid), ceiling.requestsPerSecond);
        st.ratioToStatic = 1;
        st.cpuRatioToStatic = 1;
        const row: Record<string, TargetFigures> = { static: st };
        for (const spec of specs) {
          if (spec.kind !== 'app') continue;
          const f = figures(runs[e][spec.id]!, apps.get(spec.id)!.rss(), ceiling.requestsPerSecond);
          f.ratioToStatic = st.requestsPerSecond > 0 ? Math.round((f.requestsPerSecond / st.requestsPerSecond) * 100) / 100 : null;
          f.cpuRatioToStatic = f.serverCpuUsPerRequest && st.serverCpuUsPerRequest ? Math.round((st.serverCpuUsPerRequest / f.serverCpuUsPerRequest) * 100) / 100 : null;
          row[spec.id] = f;
        }
        byEncoding[e] = row;
      }
      classResults.push({
        name: c,
        label: CLASS_LABELS[c],
        urls: list.length,
        pageBytes: {
          identity: Math.round(list.reduce((n, u) => n + capturedByUrl.get(u)!.identity.length, 0) / list.length),
          gzip: Math.round(list.reduce((n, u) => n + (capturedByUrl.get(u)!.gzip?.length ?? capturedByUrl.get(u)!.identity.length), 0) / list.length),
        },
        figures: byEncoding,
      });
    }
    const rssAfterMixedBytes = { cacheOn: cacheOn.rss(), cacheOff: cacheOff.rss() };
    const rssAfterMixedBreakdown = { cacheOn: cacheOn.rssBreakdown(), cacheOff: cacheOff.rssBreakdown() };

    const sitemap = await sitemapTiming(cacheOff.port, corpus.databasePath, log);

    // Only the one-process servers are needed from here on: the rest stop now and free the CPUs.
    for (const s of [staticServer, ...[...apps.entries()].filter(([id]) => id !== serverId(true, 1) && id !== serverId(false, 1)).map(([, a]) => a)]) {
      await s.stop();
      running.splice(running.indexOf(s), 1);
    }

    if (opts.profile) {
      for (const [label, cacheSize, cls] of [['cache off, article pages', '0', 'article'], ['cache on, mixed', undefined, 'mixed']] as const) {
        const list = sets.get(cls) ?? sets.get(classes[0]!)!;
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'epaper-bench-prof-'));
        const prof = await startApp(`profiled app, ${label}`, { ...common, cacheSize, cpuProfileDir: dir });
        if (opts.pin) pinTree(prof.pid!, opts.pin.servers);
        const headers = ENCODING_HEADERS.gzip;
        // Cache on: every URL in the cache first, so that the measured run is all hits.
        if (cacheSize !== '0') await warmCaches(prof.port, list, 1, log);
        await runLoad({ port: prof.port, urls: list, connections: opts.connections, duration: Math.max(1, opts.warmup), headers, threads, cpus: opts.pin?.generator });
        const fromUs = Number(process.hrtime.bigint() / 1000n);
        const measured = await runLoad({ port: prof.port, urls: list, connections: opts.connections, duration: opts.duration, headers, threads, cpus: opts.pin?.generator });
        const toUs = Number(process.hrtime.bigint() / 1000n);
        await prof.stop();
        const file = newestProfile(dir);
        if (file) {
          // Profiles are ~0.5 MB each: kept next to the (git-ignored) corpora, not with the results.
          const keep = path.join(opts.corpusRoot, 'profiles', `${startedAt.toISOString().replace(/[:.]/g, '-')}-${cls}-${cacheSize === '0' ? 'cache-off' : 'cache-on'}.cpuprofile`);
          // Only the measured run's samples (the profiler's clock is the monotonic one process.hrtime reads).
          const summary = summariseProfile(file, opts.repoRoot, 15, { fromUs, toUs, requests: measured.requests });
          if (!opts.smoke) {
            fs.mkdirSync(path.dirname(keep), { recursive: true });
            fs.copyFileSync(file, keep);
            summary.file = path.relative(opts.repoRoot, keep);
          }
          profiles.push({ label, summary });
          log(`profile (${label}): ${summary.top.slice(0, 5).map((e) => `${e.name} ${e.selfPercent}%`).join(', ')}`);
        }
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }

    const partial: Omit<BenchResults, 'targets' | 'errorsTotal' | 'finishedAt'> = {
      version: 2,
      smoke: opts.smoke,
      startedAt: startedAt.toISOString(),
      machine: { nproc: os.availableParallelism?.() ?? os.cpus().length, memoryBytes: os.totalmem(), cpuModel: os.cpus()[0]?.model ?? 'unknown', platform: `${os.platform()} ${os.arch()}`, kernel: os.release() },
      loadAverage: { start: Math.round(loadAtStart * 100) / 100, end: Math.round(os.loadavg()[0]! * 100) / 100 },
      node: process.version,
      generator: { name: 'wrk', version: wrk, threads, pin: opts.pin },
      options: { articles: opts.articles, seed: opts.seed, duration: opts.duration, warmup: opts.warmup, connections: opts.connections, repeat: opts.repeat, classes, setSizes: opts.setSizes, nginxWorkers: opts.nginxWorkers, processes: [...new Set(specs.map((s) => s.processes))] },
      corpus: (({ dir, databasePath: _d, mediaDir: _m, ...rest }) => ({ ...rest, dir: path.relative(opts.repoRoot, dir) || dir }))(corpus),
      staticServer: { kind: staticServer.kind, version: staticServer.version, workers: staticServer.kind === 'nginx' ? opts.nginxWorkers : null },
      ceiling,
      servers: specs,
      encodings: [...ENCODINGS],
      coldStartMs: { cacheOn: Math.round(cacheOn.coldStartMs), cacheOff: Math.round(cacheOff.coldStartMs) },
      coldStartCpuMs: { cacheOn: cacheOn.coldStartCpuMs, cacheOff: cacheOff.coldStartCpuMs },
      idleRssBytes,
      rssAfterMixedBytes,
      rssAfterMixedBreakdown,
      classes: classResults,
      capture: { urls: union.length, non200: captured.non200 },
      sitemap,
      profiles,
    };
    const results: BenchResults = {
      ...partial,
      finishedAt: new Date().toISOString(),
      targets: checkTargets(partial),
      errorsTotal: classResults.reduce((n, c) => n + ENCODINGS.reduce((m, e) => m + Object.values(c.figures[e]).reduce((k, f) => k + f.errors + f.non2xx, 0), 0), 0),
    };
    const file = writeResultsFile(opts.resultsDir, { prefix: '', suffix: opts.smoke ? '-smoke' : '' }, startedAt, results);
    if (opts.docPath) writeDocSection(opts.docPath, results, path.relative(opts.repoRoot, file));
    return { results, file };
  } finally {
    for (const s of running.reverse()) await s.stop().catch(() => undefined);
  }
}

export { DEFAULT_SET_SIZES };
