import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from '../src/paths';
import { END_MARKER, START_MARKER, writeDocSection } from '../src/bench/report';
import type { BenchResults, TargetFigures } from '../src/bench/results';

/**
 * The benchmark on a tiny corpus, so that it cannot rot: every field of the
 * results is there and nothing failed. Timings are not asserted (the machine
 * is shared); `npm run bench` is the real measurement.
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
  expect(f.runs[0]!.statusCodes['200']).toBeGreaterThan(0);
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

    expect(r.version).toBe(1);
    expect(r.smoke).toBe(true);
    expect(r.machine.nproc).toBeGreaterThan(0);
    expect(r.machine.memoryBytes).toBeGreaterThan(0);
    expect(r.node).toBe(process.version);
    expect(r.corpus.articles).toBe(300);
    expect(r.corpus.import?.articlesPerSecond).toBeGreaterThan(0);
    expect(r.corpus.sizes.databaseBytes).toBeGreaterThan(0);
    expect(['nginx', 'node']).toContain(r.staticServer.kind);
    expect(r.coldStartMs.cacheOn).toBeGreaterThan(0);
    expect(r.coldStartMs.cacheOff).toBeGreaterThan(0);
    expect(r.capture.non200).toEqual([]);
    expect(r.classes.map((c) => c.name)).toEqual(['article', 'mixed']);
    for (const c of r.classes) {
      expect(c.urls).toBeGreaterThan(0);
      expect(c.pageBytes.identity).toBeGreaterThan(0);
      expectFigures(c.cacheOn);
      expectFigures(c.cacheOff);
      expectFigures(c.static);
      expect(typeof c.cacheOn.cacheHitRatio).toBe('number');
      expect(c.cacheOn.rssBytes).toBeGreaterThan(0);
      expect(c.cacheOff.rssBytes).toBeGreaterThan(0);
    }
    expect(r.rssAfterMixedBytes.cacheOn).toBeGreaterThan(0);
    expect(r.rssAfterMixedBytes.cacheOff).toBeGreaterThan(0);
    expect(r.errorsTotal).toBe(0);
    expect(r.targets.map((t) => t.id)).toEqual(expect.arrayContaining(['cached-article', 'cached-mixed', 'uncached-article', 'rss', 'cold-start']));
    for (const t of r.targets) expect(typeof t.met).toBe('boolean');
    // The sitemap timing runs when the site has sitemaps.
    if (r.sitemap) {
      expect(r.sitemap.status).toBe(200);
      expect(r.sitemap.bytes).toBeGreaterThan(0);
    }
  }, 240_000);

  it('regenerates only its own section of docs/performance.md', () => {
    const doc = path.join(dir, 'performance.md');
    fs.writeFileSync(doc, `# Performance\n\n## Import\n\nkept\n\n${START_MARKER}\nold figures\n${END_MARKER}\n\n## Search\n\nalso kept\n`);
    const results = {
      startedAt: '2026-01-01T00:00:00.000Z',
      machine: { nproc: 2, memoryBytes: 2 ** 30, cpuModel: 'cpu', platform: 'linux x64', kernel: '6' }, loadAverage: { start: 1, end: 1 },
      node: 'v20', autocannon: '9', staticServer: { kind: 'node', version: 'v20', workers: null },
      corpus: { articles: 10, issues: 1, publications: 1, seed: 1, dir: 'x', import: null, generate: null, sizes: { databaseBytes: 1, ftsBytes: null, articleTableBytes: null, mediaBytes: 0 } },
      options: { connections: 1, duration: 1, warmup: 0, repeat: 1 },
      coldStartMs: { cacheOn: 1, cacheOff: 1 }, coldStartCpuMs: { cacheOn: 1, cacheOff: 1 }, idleRssBytes: { cacheOn: 1, cacheOff: 1 }, rssAfterMixedBytes: { cacheOn: 1, cacheOff: 1 }, rssAfterMixedBreakdown: { cacheOn: { anon: 1, file: 0, shmem: 0 }, cacheOff: { anon: 1, file: 0, shmem: 0 } },
      classes: [], sitemap: null, targets: [], profiles: [],
    } as unknown as BenchResults;
    writeDocSection(doc, results, 'bench/results/x.json');
    const text = fs.readFileSync(doc, 'utf8');
    expect(text).toContain('## Import\n\nkept');
    expect(text).toContain('## Search\n\nalso kept');
    expect(text).not.toContain('old figures');
    expect(text.split(START_MARKER)).toHaveLength(2);
  });
});
