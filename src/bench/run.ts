// The benchmark: corpus → servers (app with cache on and off, static baseline) → autocannon per
// request class → results JSON and the bench section of docs/performance.md.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureCorpus } from './corpus';
import { runLoad } from './load';
import { cpuTimeMs, decoded, get, median, rssOf } from './proc';
import { newestProfile, summariseProfile } from './profile';
import { startApp, startStatic, type AppServer, type StaticFile, type StaticServer } from './servers';
import { buildUrlSets, CLASS_LABELS, CLASS_NAMES, DEFAULT_SET_SIZES, largestMonth, type ClassName, type UrlSetSizes } from './urls';
import { writeDocSection } from './report';
import { writeResultsFile } from './results-file';
import { TARGETS, type BenchResults, type ClassResult, type RunFigures, type Target, type TargetCheck, type TargetFigures } from './results';

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

const APP_HEADERS = { 'accept-encoding': 'gzip, br' };
const STATIC_HEADERS = { 'accept-encoding': 'gzip' };

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

function figures(runs: RunFigures[], rssBytes: number | null): TargetFigures {
  const ratios = runs.map((r) => r.cacheHitRatio).filter((v): v is number => typeof v === 'number');
  return {
    requestsPerSecond: Math.round(median(runs.map((r) => r.requestsPerSecond)) ?? 0),
    p50Ms: median(runs.map((r) => r.latencyMs.p50)) ?? 0,
    p99Ms: median(runs.map((r) => r.latencyMs.p99)) ?? 0,
    errors: runs.reduce((n, r) => n + r.errors, 0),
    non2xx: runs.reduce((n, r) => n + r.non2xx, 0),
    bytesPerResponse: Math.round(median(runs.map((r) => r.bytesPerResponse)) ?? 0),
    serverCpuUsPerRequest: ((m) => (m === null ? null : Math.round(m)))(median(runs.map((r) => r.serverCpuUsPerRequest).filter((v): v is number => typeof v === 'number'))),
    cacheHitRatio: ratios.length ? Math.round((median(ratios) ?? 0) * 1000) / 1000 : null,
    rssBytes,
    ratioToStatic: null,
    cpuRatioToStatic: null,
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

function checkTargets(r: Omit<BenchResults, 'targets' | 'errorsTotal' | 'finishedAt'>): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const pageClasses = r.classes;
  for (const c of pageClasses) {
    const on = c.cacheOn;
    checks.push({
      id: `cached-${c.name}`,
      target: `${c.label}, cache on: ≥ 0.5× static req/s, p99 ≤ 20 ms, 0 errors`,
      measured: `${on.ratioToStatic?.toFixed(2) ?? '–'}× static (${on.requestsPerSecond} vs ${c.static.requestsPerSecond} req/s), p99 ${on.p99Ms} ms, ${on.errors} errors, ${on.non2xx} non-2xx`,
      met: (on.ratioToStatic ?? 0) >= 0.5 && on.p99Ms <= 20 && on.errors === 0,
    });
  }
  const art = pageClasses.find((c) => c.name === 'article');
  if (art) {
    checks.push({
      id: 'uncached-article',
      target: 'article pages, cache off: ≥ 3,000 req/s, p99 ≤ 25 ms',
      measured: `${art.cacheOff.requestsPerSecond} req/s, p99 ${art.cacheOff.p99Ms} ms`,
      met: art.cacheOff.requestsPerSecond >= 3000 && art.cacheOff.p99Ms <= 25,
    });
  }
  const mb = (b: number | null) => (b === null ? '–' : `${(b / 1048576).toFixed(0)} MB`);
  if (r.rssAfterMixedBytes.cacheOn !== null || r.rssAfterMixedBytes.cacheOff !== null) {
    const worst = Math.max(r.rssAfterMixedBytes.cacheOn ?? 0, r.rssAfterMixedBytes.cacheOff ?? 0);
    checks.push({
      id: 'rss',
      target: 'server RSS after the whole mixed run ≤ 250 MB',
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

export async function runBench(opts: BenchOptions): Promise<{ results: BenchResults; file: string }> {
  const log = opts.log;
  const startedAt = new Date();
  const loadAtStart = os.loadavg()[0]!;
  const corpus = await ensureCorpus({ root: opts.corpusRoot, articles: opts.articles, seed: opts.seed, distDir: opts.distDir, log });
  const allSets = buildUrlSets(corpus.databasePath, opts.seed, opts.setSizes);
  const classes = CLASS_NAMES.filter((c) => opts.classes.includes(c));
  const sets = new Map(classes.map((c) => [c, allSets[c]]));
  for (const [c, list] of sets) log(`class ${c}: ${list.length} URLs`);
  const probePath = allSets.article[0];
  if (!probePath) throw new Error('the corpus has no article to probe');

  const serverScript = path.join(opts.distDir, 'src/server.js');
  const common = { serverScript, databasePath: corpus.databasePath, mediaDir: corpus.mediaDir, probePath, log };
  const servers: { stop(): Promise<void> }[] = [];
  const profiles: BenchResults['profiles'] = [];
  try {
    const cacheOn = await startApp('app, cache on', common);
    servers.push(cacheOn);
    const cacheOff = await startApp('app, cache off', { ...common, cacheSize: '0' });
    servers.push(cacheOff);
    const idleRssBytes = { cacheOn: cacheOn.rss(), cacheOff: cacheOff.rss() };

    // Everything the classes request, captured from the cache-on server (which also warms its cache).
    const union = [...new Set([...sets.values()].flat())];
    const captured = await capture(cacheOn.port, union, log);
    const staticServer: StaticServer = await startStatic({ files: captured.files, kind: opts.staticKind, nginxWorkers: opts.nginxWorkers, log });
    servers.push(staticServer);
    const capturedByUrl = new Map(captured.files.map((f) => [f.url, f]));

    const apps: Record<'cacheOn' | 'cacheOff', AppServer> = { cacheOn, cacheOff };
    const classResults: ClassResult[] = [];
    for (const c of classes) {
      // The static server can only answer what was captured as a 200; all three get the same list.
      const list = sets.get(c)!.filter((u) => capturedByUrl.has(u));
      if (list.length === 0) throw new Error(`class ${c}: no URL answered 200`);
      const runs: Record<Target, RunFigures[]> = { cacheOn: [], cacheOff: [], static: [] };
      for (let rep = 0; rep < opts.repeat; rep += 1) {
        for (const t of TARGETS) {
          const port = t === 'static' ? staticServer.port : apps[t].port;
          const headers = t === 'static' ? STATIC_HEADERS : APP_HEADERS;
          if (opts.warmup > 0) await runLoad({ port, urls: list, connections: opts.connections, duration: opts.warmup, headers });
          const before = t === 'cacheOn' ? await cacheCounters(port) : null;
          const pid = t === 'static' ? staticServer.pid : apps[t].pid;
          const cpuBefore = cpuTimeMs(pid);
          const load: RunFigures = await runLoad({ port, urls: list, connections: opts.connections, duration: opts.duration, headers });
          const cpuAfter = cpuTimeMs(pid);
          load.serverCpuUsPerRequest = cpuBefore !== null && cpuAfter !== null && load.requests > 0 ? Math.round(((cpuAfter - cpuBefore) * 1000) / load.requests) : null;
          if (before) {
            const after = await cacheCounters(port);
            const hits = after ? after.hits - before.hits : 0;
            const total = after ? hits + after.misses - before.misses : 0;
            load.cacheHitRatio = total > 0 ? hits / total : null;
          }
          runs[t].push(load);
          log(`${c} #${rep + 1} ${t}: ${Math.round(load.requestsPerSecond)} req/s, p50 ${load.latencyMs.p50} ms, p99 ${load.latencyMs.p99} ms, errors ${load.errors}, non-2xx ${load.non2xx}`
            + `, server CPU ${load.serverCpuUsPerRequest ?? '–'} µs/req`
            + (load.cacheHitRatio !== undefined ? `, cache hits ${((load.cacheHitRatio ?? 0) * 100).toFixed(0)}%` : ''));
        }
      }
      const staticFigures = figures(runs.static, rssOf(staticServer.pid));
      const result: ClassResult = {
        name: c,
        label: CLASS_LABELS[c],
        urls: list.length,
        pageBytes: {
          identity: Math.round(list.reduce((n, u) => n + capturedByUrl.get(u)!.identity.length, 0) / list.length),
          gzip: Math.round(list.reduce((n, u) => n + (capturedByUrl.get(u)!.gzip?.length ?? capturedByUrl.get(u)!.identity.length), 0) / list.length),
        },
        cacheOn: figures(runs.cacheOn, cacheOn.rss()),
        cacheOff: figures(runs.cacheOff, cacheOff.rss()),
        static: staticFigures,
      };
      for (const t of ['cacheOn', 'cacheOff'] as const) {
        result[t].ratioToStatic = staticFigures.requestsPerSecond > 0 ? Math.round((result[t].requestsPerSecond / staticFigures.requestsPerSecond) * 100) / 100 : null;
      }
      for (const t of ['cacheOn', 'cacheOff'] as const) {
        const own = result[t].serverCpuUsPerRequest;
        const base = staticFigures.serverCpuUsPerRequest;
        result[t].cpuRatioToStatic = own && base ? Math.round((base / own) * 100) / 100 : null;
      }
      result.static.ratioToStatic = 1;
      result.static.cpuRatioToStatic = 1;
      classResults.push(result);
    }
    const rssAfterMixedBytes = { cacheOn: cacheOn.rss(), cacheOff: cacheOff.rss() };
    const rssAfterMixedBreakdown = { cacheOn: cacheOn.rssBreakdown(), cacheOff: cacheOff.rssBreakdown() };

    const sitemap = await sitemapTiming(cacheOff.port, corpus.databasePath, log);

    await staticServer.stop();
    servers.splice(servers.indexOf(staticServer), 1);

    if (opts.profile) {
      for (const [label, cacheSize, cls] of [['cache off, article pages', '0', 'article'], ['cache on, mixed', undefined, 'mixed']] as const) {
        const list = sets.get(cls) ?? sets.get(classes[0]!)!;
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'epaper-bench-prof-'));
        const prof = await startApp(`profiled app, ${label}`, { ...common, cacheSize, cpuProfileDir: dir });
        await runLoad({ port: prof.port, urls: list, connections: opts.connections, duration: Math.max(1, opts.warmup), headers: APP_HEADERS });
        await runLoad({ port: prof.port, urls: list, connections: opts.connections, duration: opts.duration, headers: APP_HEADERS });
        await prof.stop();
        const file = newestProfile(dir);
        if (file) {
          // Profiles are ~0.5 MB each: kept next to the (git-ignored) corpora, not with the results.
          const keep = path.join(opts.corpusRoot, 'profiles', `${startedAt.toISOString().replace(/[:.]/g, '-')}-${cls}-${cacheSize === '0' ? 'cache-off' : 'cache-on'}.cpuprofile`);
          const summary = summariseProfile(file, opts.repoRoot);
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

    const autocannonVersion = (JSON.parse(fs.readFileSync(require.resolve('autocannon/package.json'), 'utf8')) as { version: string }).version;
    const partial: Omit<BenchResults, 'targets' | 'errorsTotal' | 'finishedAt'> = {
      version: 1,
      smoke: opts.smoke,
      startedAt: startedAt.toISOString(),
      machine: { nproc: os.availableParallelism?.() ?? os.cpus().length, memoryBytes: os.totalmem(), cpuModel: os.cpus()[0]?.model ?? 'unknown', platform: `${os.platform()} ${os.arch()}`, kernel: os.release() },
      loadAverage: { start: Math.round(loadAtStart * 100) / 100, end: Math.round(os.loadavg()[0]! * 100) / 100 },
      node: process.version,
      autocannon: autocannonVersion,
      options: { articles: opts.articles, seed: opts.seed, duration: opts.duration, warmup: opts.warmup, connections: opts.connections, repeat: opts.repeat, classes, setSizes: opts.setSizes, nginxWorkers: opts.nginxWorkers },
      corpus: (({ dir, databasePath: _d, mediaDir: _m, ...rest }) => ({ ...rest, dir: path.relative(opts.repoRoot, dir) || dir }))(corpus),
      staticServer: { kind: staticServer.kind, version: staticServer.version, workers: staticServer.kind === 'nginx' ? opts.nginxWorkers : null },
      headers: { app: APP_HEADERS, static: STATIC_HEADERS },
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
      errorsTotal: classResults.reduce((n, c) => n + c.cacheOn.errors + c.cacheOff.errors + c.static.errors, 0),
    };
    const file = writeResultsFile(opts.resultsDir, { prefix: '', suffix: opts.smoke ? '-smoke' : '' }, startedAt, results);
    if (opts.docPath) writeDocSection(opts.docPath, results, path.relative(opts.repoRoot, file));
    return { results, file };
  } finally {
    for (const s of servers.reverse()) await s.stop().catch(() => undefined);
  }
}

export { DEFAULT_SET_SIZES };
