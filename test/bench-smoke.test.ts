import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from '../src/paths';
import { runLoad } from '../src/bench/load';
import { shortUrl } from '../src/bench/profile';
import { END_MARKER, START_MARKER, writeDocSection } from '../src/bench/report';
import { ENCODINGS, GENERATOR_BOUND_FRACTION, type BenchResults, type TargetFigures } from '../src/bench/results';

/**
 * The benchmark on a tiny corpus, so that it cannot rot: wrk measures the
 * generator's ceiling against nginx first, then every server (nginx on the
 * same bytes, the app with the cache on and off in one process and in two)
 * in both encodings; every field of the results is there and nothing failed.
 * Timings are not asserted (the machine is shared); `npm run bench` is the
 * real measurement. Needs wrk and nginx (scripts/install-bench-tools.sh,
 * which .ci/run calls).
 */

function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestMtime(p));
    else if (e.name.endsWith('.ts')) newest = Math.max(newest, fs.statSync(p).mtimeMs);
  }
  return newest;
}

/** dist/ as the bench runs it: built when missing or older than the sources. */
function ensureBuilt(): string {
  const entry = path.join(PROJECT_ROOT, 'dist/scripts/bench.js');
  const sources = Math.max(newestMtime(path.join(PROJECT_ROOT, 'src')), newestMtime(path.join(PROJECT_ROOT, 'scripts')));
  if (!fs.existsSync(entry) || fs.statSync(entry).mtimeMs < sources) {
    const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.json'], { cwd: PROJECT_ROOT, encoding: 'utf8' });
    if (tsc.status !== 0) throw new Error(`build failed:\n${tsc.stdout}${tsc.stderr}`);
  }
  return entry;
}

function runSmoke(entry: string, dir: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [entry, '--smoke', '--corpus-root', path.join(dir, 'corpus'), '--results-dir', path.join(dir, 'results')], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, NODE_ENV: 'production' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (output += c.toString('utf8')));
    child.on('exit', (code) => resolve({ code, output }));
  });
}

function expectFigures(f: TargetFigures): void {
  for (const key of ['requestsPerSecond', 'p50Ms', 'p99Ms', 'bytesPerResponse'] as const) {
    expect(typeof f[key]).toBe('number');
    expect(Number.isFinite(f[key])).toBe(true);
  }
  expect(f.requestsPerSecond).toBeGreaterThan(0);
  expect(f.errors).toBe(0);
  expect(f.non2xx).toBe(0);
  expect(typeof f.ratioToStatic).toBe('number');
  expect(f.runs.length).toBeGreaterThanOrEqual(1);
  expect(f.runs[0]!.requests).toBeGreaterThan(0);
  expect(f.runs[0]!.threads).toBeGreaterThanOrEqual(1);
  expect(f.p99Ms).toBeGreaterThanOrEqual(f.p50Ms);
  expect(f.generatorBound).toBe(f.ceilingFraction > GENERATOR_BOUND_FRACTION);
  // /proc is there on Linux: the server's CPU per response, split into user space and kernel.
  expect(f.serverCpuUsPerRequest).toBeGreaterThan(0);
  expect(Math.abs(f.serverUserUsPerRequest! + f.serverSystemUsPerRequest! - f.serverCpuUsPerRequest!)).toBeLessThanOrEqual(2);
}

describe('npm run bench --smoke', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'epaper-bench-smoke-test-'));
  });
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('runs end to end and writes results with every field and zero errors', async () => {
    const entry = ensureBuilt();
    const { code, output } = await runSmoke(entry, dir);
    if (code !== 0) throw new Error(`bench --smoke exited with ${code}:\n${output}`);
    const files = fs.readdirSync(path.join(dir, 'results')).filter((f) => f.endsWith('-smoke.json'));
    expect(files).toHaveLength(1);
    const r = JSON.parse(fs.readFileSync(path.join(dir, 'results', files[0]!), 'utf8')) as BenchResults;

    expect(r.version).toBe(2);
    expect(r.smoke).toBe(true);
    expect(r.machine.nproc).toBeGreaterThan(0);
    expect(r.machine.memoryBytes).toBeGreaterThan(0);
    expect(r.node).toBe(process.version);
    expect(r.generator.name).toBe('wrk');
    expect(r.generator.version).toBeTruthy();
    // The ceiling is measured first, on nginx serving 1 KB, and printed.
    expect(r.ceiling.bodyBytes).toBe(1024);
    expect(r.ceiling.requestsPerSecond).toBeGreaterThan(0);
    expect(r.ceiling.errors).toBe(0);
    // One nginx worker and one per CPU; the ceiling is the higher of the two.
    expect(r.ceiling.configs.map((c) => c.nginxWorkers)).toEqual([...new Set([1, r.machine.nproc])]);
    for (const c of r.ceiling.configs) expect(c.runs).toHaveLength(1);
    expect(r.ceiling.requestsPerSecond).toBe(Math.max(...r.ceiling.configs.map((c) => c.requestsPerSecond)));
    expect(output).toMatch(/generator ceiling: [\d,]+ req\/s/);
    expect(output.indexOf('generator ceiling:')).toBeLessThan(output.indexOf('corpus:'));
    expect(r.corpus.articles).toBe(300);
    expect(r.corpus.import?.articlesPerSecond).toBeGreaterThan(0);
    expect(r.corpus.sizes.databaseBytes).toBeGreaterThan(0);
    expect(r.staticServer.kind).toBe('nginx');
    expect(r.coldStartMs.cacheOn).toBeGreaterThan(0);
    expect(r.coldStartMs.cacheOff).toBeGreaterThan(0);
    expect(r.capture.non200).toEqual([]);
    expect(r.encodings).toEqual(['identity', 'gzip']);
    expect(r.servers.map((s) => s.id)).toEqual(['static', 'app-on-1', 'app-off-1', 'app-on-2', 'app-off-2']);
    expect(r.classes.map((c) => c.name)).toEqual(['article', 'mixed']);
    for (const c of r.classes) {
      expect(c.urls).toBeGreaterThan(0);
      expect(c.pageBytes.identity).toBeGreaterThan(c.pageBytes.gzip);
      for (const e of ENCODINGS) {
        for (const s of r.servers) expectFigures(c.figures[e][s.id]!);
        expect(c.figures[e]['app-on-1']!.rssBytes).toBeGreaterThan(0);
        expect(c.figures[e]['app-on-2']!.rssBytes).toBeGreaterThan(0);
        expect(c.figures[e].static!.ratioToStatic).toBe(1);
      }
      expect(typeof c.figures.identity['app-on-1']!.cacheHitRatio).toBe('number');
      // gzip was asked for and served: fewer bytes per response than identity, from nginx and from the app alike.
      for (const id of ['static', 'app-on-1', 'app-off-1', 'app-on-2']) {
        expect(c.figures.gzip[id]!.bytesPerResponse).toBeLessThan(c.figures.identity[id]!.bytesPerResponse);
      }
    }
    expect(r.rssAfterMixedBytes.cacheOn).toBeGreaterThan(0);
    expect(r.rssAfterMixedBytes.cacheOff).toBeGreaterThan(0);
    expect(r.errorsTotal).toBe(0);
    expect(r.targets.map((t) => t.id)).toEqual(expect.arrayContaining(['generator', 'cached-article-identity', 'cached-article-gzip', 'cached-mixed-gzip', 'uncached-article-identity', 'uncached-article-gzip', 'rss', 'cold-start']));
    for (const t of r.targets) expect(typeof t.met).toBe('boolean');
    // The sitemap timing runs when the site has sitemaps.
    if (r.sitemap) {
      expect(r.sitemap.status).toBe(200);
      expect(r.sitemap.bytes).toBeGreaterThan(0);
    }
  }, 240_000);

  /** A results object with one class: nginx at 90 % of the ceiling, the app at 20 %. */
  function fakeResults(): BenchResults {
    const f = (rps: number, ceiling: number) => ({
      requestsPerSecond: rps, p50Ms: 1, p99Ms: 5, errors: 0, non2xx: 0, bytesPerResponse: 4000, serverCpuUsPerRequest: 50, serverUserUsPerRequest: 40, serverSystemUsPerRequest: 10, cacheHitRatio: null, rssBytes: 1 << 20,
      ratioToStatic: rps / 27_000, cpuRatioToStatic: 1, ceilingFraction: rps / ceiling, generatorBound: rps / ceiling > GENERATOR_BOUND_FRACTION, runs: [],
    });
    return {
      version: 2,
      startedAt: '2026-01-01T00:00:00.000Z',
      machine: { nproc: 2, memoryBytes: 2 ** 30, cpuModel: 'cpu', platform: 'linux x64', kernel: '6' }, loadAverage: { start: 1, end: 1 },
      node: 'v20', generator: { name: 'wrk', version: '4.1.0', threads: 2 }, staticServer: { kind: 'nginx', version: 'nginx/1.22.1', workers: 1 },
      ceiling: { nginxWorkers: 2, bodyBytes: 1024, requestsPerSecond: 30_000, p99Ms: 3, errors: 0, configs: [{ nginxWorkers: 1, requestsPerSecond: 25_000, p99Ms: 3, runs: [{}] }, { nginxWorkers: 2, requestsPerSecond: 30_000, p99Ms: 3, runs: [{}] }] },
      servers: [{ id: 'static', label: 'static', kind: 'static', cache: null, processes: 1 }, { id: 'app-on-1', label: 'app, cache on, 1 process', kind: 'app', cache: true, processes: 1 }],
      encodings: ['identity', 'gzip'],
      corpus: { articles: 10, issues: 1, publications: 1, seed: 1, dir: 'x', import: null, generate: null, sizes: { databaseBytes: 1, ftsBytes: null, articleTableBytes: null, mediaBytes: 0 } },
      options: { connections: 1, duration: 1, warmup: 0, repeat: 1 },
      coldStartMs: { cacheOn: 1, cacheOff: 1 }, coldStartCpuMs: { cacheOn: 1, cacheOff: 1 }, idleRssBytes: { cacheOn: 1, cacheOff: 1 }, rssAfterMixedBytes: { cacheOn: 1, cacheOff: 1 }, rssAfterMixedBreakdown: { cacheOn: { anon: 1, file: 0, shmem: 0 }, cacheOff: { anon: 1, file: 0, shmem: 0 } },
      classes: [{ name: 'article', label: 'random archived articles', urls: 3, pageBytes: { identity: 4000, gzip: 1500 }, figures: {
        identity: { static: f(27_000, 30_000), 'app-on-1': f(6_000, 30_000) },
        gzip: { static: f(27_000, 30_000), 'app-on-1': f(6_000, 30_000) },
      } }],
      sitemap: null, targets: [], profiles: [],
    } as unknown as BenchResults;
  }

  it('regenerates only its own section of docs/performance.md, with the ceiling and generator-bound figures marked', () => {
    const doc = path.join(dir, 'performance.md');
    fs.writeFileSync(doc, `# Performance\n\n## Import\n\nkept\n\n${START_MARKER}\nold figures\n${END_MARKER}\n\n## Search\n\nalso kept\n`);
    writeDocSection(doc, fakeResults(), 'bench/results/x.json');
    const text = fs.readFileSync(doc, 'utf8');
    expect(text).toContain('## Import\n\nkept');
    expect(text).toContain('## Search\n\nalso kept');
    expect(text).not.toContain('old figures');
    expect(text.split(START_MARKER)).toHaveLength(2);
    expect(text).toContain('**Generator ceiling:** **30,000 req/s**');
    const rows = text.split('\n').filter((l) => l.startsWith('| random archived articles') || l.startsWith('|  | app'));
    expect(rows).toHaveLength(2);
    expect(rows[0]).toContain('| 27,000 ‡ |');
    expect(rows[1]).toContain('| 6,000 |');
    expect(rows[1]).toContain('| 50 (40 + 10) / 50 (40 + 10) |');
    expect(rows[1]).not.toContain('‡');
  });

  it('names profiled code without the machine\'s paths (the section is committed)', () => {
    expect(shortUrl(`file://${PROJECT_ROOT}/dist/src/web/fast-path.js`, PROJECT_ROOT)).toBe('dist/src/web/fast-path.js');
    expect(shortUrl(`"${PROJECT_ROOT}/views/article.ejs"`, PROJECT_ROOT)).toBe('views/article.ejs');
    // node_modules may be a link to another checkout: its real path is cut at node_modules/.
    expect(shortUrl('file:///elsewhere/checkout/node_modules/ejs/lib/cjs/utils.js', PROJECT_ROOT)).toBe('node_modules/ejs/lib/cjs/utils.js');
    expect(shortUrl('node:zlib', PROJECT_ROOT)).toBe('node:zlib');
  });

  it('refuses to render results of the autocannon bench (version 1)', () => {
    const doc = path.join(dir, 'performance-v1.md');
    expect(() => writeDocSection(doc, { ...fakeResults(), version: 1 } as unknown as BenchResults, 'old.json')).toThrow(/version 1/);
    expect(fs.existsSync(doc)).toBe(false);
  });
});

describe('runLoad (wrk and its Lua script)', () => {
  it('walks the whole URL list with the given headers, and counts responses, 4xx and latency as the server saw them', async () => {
    const seen = new Map<string, number>();
    const encodings = new Set<string>();
    let answered = 0;
    const server = http.createServer((req, res) => {
      seen.set(req.url!, (seen.get(req.url!) ?? 0) + 1);
      encodings.add(String(req.headers['accept-encoding']));
      answered += 1;
      if (req.url === '/missing') res.writeHead(404).end('no');
      else res.writeHead(200, { 'content-type': 'text/plain' }).end('x'.repeat(100));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const urls = [...Array.from({ length: 9 }, (_, i) => `/page/${i}?q=%E7%A4%BE%E5%8C%BA`), '/missing'];
    try {
      const r = await runLoad({ port, urls, connections: 4, duration: 1, headers: { 'Accept-Encoding': 'gzip' }, threads: 2 });
      expect([...seen.keys()].sort()).toEqual([...urls].sort());
      expect([...encodings]).toEqual(['gzip']);
      expect(r.threads).toBe(2);
      expect(r.requests).toBeGreaterThan(100);
      // Requests still in flight when wrk stops reach the server but are not counted.
      expect(answered).toBeGreaterThanOrEqual(r.requests);
      expect(answered).toBeLessThanOrEqual(r.requests + 4);
      // One URL in ten answers 404: wrk counts it as non-2xx (status >= 400).
      expect(r.non2xx / r.requests).toBeGreaterThan(0.05);
      expect(r.non2xx / r.requests).toBeLessThan(0.15);
      expect(r.errors).toBe(0);
      expect(Math.abs(r.requestsPerSecond * r.durationSeconds - r.requests) / r.requests).toBeLessThan(0.01);
      expect(r.latencyMs.p99).toBeGreaterThanOrEqual(r.latencyMs.p50);
      expect(r.bytesPerResponse).toBeGreaterThan(100);
    } finally {
      server.close();
      server.closeAllConnections();
    }
  }, 30_000);
});

describe('--pin and an early stop', () => {
  it('parses --pin S:G into the servers\' and wrk\'s CPU lists (one wrk thread per generator CPU) and refuses anything else', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { parseBenchArgs } = require('../scripts/bench') as typeof import('../scripts/bench');
    const pinned = parseBenchArgs(['--pin', '1:0', '--no-doc'], () => undefined);
    expect(pinned.pin).toEqual({ servers: '1', generator: '0' });
    expect(pinned.threads).toBe(1);
    expect(parseBenchArgs(['--pin', '2-3:0,1', '--no-doc'], () => undefined).threads).toBe(2);
    expect(parseBenchArgs(['--no-doc'], () => undefined).pin).toBeNull();
    expect(() => parseBenchArgs(['--pin', 'cpu1'], () => undefined)).toThrow(/--pin must be SERVER_CPUS:GENERATOR_CPUS/);
  });

  it('runs wrk on the given CPU and stops it early on request, with the figures it had counted', async () => {
    const server = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    try {
      const started = Date.now();
      const r = await runLoad({ port, urls: ['/'], connections: 2, duration: 30, headers: {}, threads: 1, cpus: '0', onStart: (stop) => setTimeout(stop, 1_000) });
      expect(Date.now() - started).toBeLessThan(15_000);
      expect(r.requests).toBeGreaterThan(0);
      expect(r.errorKinds).toEqual({ connect: 0, read: 0, write: 0, timeout: 0 });
    } finally {
      server.close();
      server.closeAllConnections();
    }
  }, 30_000);
});
