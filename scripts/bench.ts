// Benchmark: npm run bench [-- --articles N --duration S --connections C --repeat R --classes a,b --processes 1,2 --smoke]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseOptions, runCli, UsageError } from '../src/cli';
import { writeDocSection } from '../src/bench/report';
import type { BenchResults } from '../src/bench/results';
import { runBench, type BenchOptions } from '../src/bench/run';
import { CLASS_NAMES, DEFAULT_SET_SIZES, type ClassName } from '../src/bench/urls';

const USAGE = `node dist/scripts/bench.js [options]
  --articles N        corpus size (default 100000; 1000000 is the headline run)
  --seed S            corpus and URL-set seed (default 1)
  --duration S        whole seconds per measured run (default 8)
  --warmup S          whole seconds of unrecorded load before each run (default 1)
  --connections C     concurrent connections (default 64)
  --repeat R          measured rounds (every server, both encodings), medians reported (default 3)
  --classes LIST      comma-separated subset of ${CLASS_NAMES.join(',')}
  --processes LIST    app process counts (default 1,2; more than 1 runs dist/src/cluster.js)
  --threads T         wrk threads (default: one per CPU, or per generator CPU with --pin)
  --pin S:G           bind every server to CPU list S and wrk to CPU list G (taskset), e.g. 1:0
  --static KIND       auto | nginx | node (default auto: nginx when installed)
  --nginx-workers W   nginx worker processes of the same-bytes baseline (default 1, like one app process)
  --ceiling-workers L nginx worker counts serving the ceiling's 1 KB file, the highest count wins (default 1,<CPUs>)
  --no-profile        skip the CPU profiles
  --no-doc            do not regenerate docs/performance.md
  --corpus-root DIR   where corpora are built and reused (default bench/corpus)
  --results-dir DIR   where results JSON goes (default bench/results)
  --report FILE       only regenerate docs/performance.md's bench section from a results JSON
  --smoke             tiny corpus (300 articles), 2 classes, 1 s runs, 1 round, temp dirs, no doc: for the test suite
Needs wrk and nginx: bash scripts/install-bench-tools.sh installs them (Debian).`;

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const DIST_DIR = path.resolve(__dirname, '..');

/** A comma-separated list of counts 1-64, sorted, without repeats. */
function workerList(raw: string, name: string): number[] {
  const list = [...new Set(raw.split(',').map((p) => Number(p.trim())))].sort((a, b) => a - b);
  if (list.some((p) => !Number.isInteger(p) || p < 1 || p > 64)) throw new UsageError(`${name} must list integers 1-64, got "${raw}"`);
  return list;
}

export function parseBenchArgs(argv: readonly string[], log: (line: string) => void = console.log): BenchOptions {
  const { flags, values, number: num } = parseOptions(argv, {
    values: ['--articles', '--seed', '--duration', '--warmup', '--connections', '--repeat', '--classes', '--processes', '--threads', '--static', '--pin', '--nginx-workers', '--ceiling-workers', '--corpus-root', '--results-dir'],
    flags: ['--smoke', '--no-profile', '--no-doc', '--profile'],
  });
  const smoke = flags.has('--smoke');
  const classesRaw = values.get('--classes');
  const classes = (classesRaw ? classesRaw.split(',').map((s) => s.trim()) : smoke ? ['article', 'mixed'] : [...CLASS_NAMES]) as ClassName[];
  for (const c of classes) if (!CLASS_NAMES.includes(c)) throw new UsageError(`unknown class "${c}" (expected ${CLASS_NAMES.join(', ')})`);
  const staticKind = values.get('--static') ?? 'auto';
  if (!['auto', 'nginx', 'node'].includes(staticKind)) throw new UsageError('--static must be auto, nginx or node');
  const processes = workerList(values.get('--processes') ?? '1,2', '--processes');
  const cpus = os.availableParallelism();
  const pinRaw = values.get('--pin');
  const pinMatch = pinRaw === undefined ? null : /^([\d,-]+):([\d,-]+)$/.exec(pinRaw);
  if (pinRaw !== undefined && !pinMatch) throw new UsageError(`--pin must be SERVER_CPUS:GENERATOR_CPUS in taskset syntax, e.g. 1:0, got "${pinRaw}"`);
  const pin = pinMatch ? { servers: pinMatch[1]!, generator: pinMatch[2]! } : null;
  const cpusOf = (list: string) => list.split(',').reduce((n, part) => { const [a, b] = part.split('-').map(Number); return n + (b === undefined ? 1 : b - a! + 1); }, 0);
  const tmp = smoke ? path.join(os.tmpdir(), `epaper-bench-smoke-${process.pid}`) : null;
  return {
    articles: num('--articles', smoke ? 300 : 100_000, 1, 100_000_000),
    seed: num('--seed', 1, 0, 0xffffffff),
    duration: num('--duration', smoke ? 1 : 8, 1, 3600),
    warmup: num('--warmup', smoke ? 0 : 1, 0, 600),
    connections: num('--connections', smoke ? 16 : 64, 1, 10_000),
    repeat: num('--repeat', smoke ? 1 : 3, 1, 50),
    classes,
    setSizes: smoke ? { article: 100, issue: 20, mixed: 200 } : DEFAULT_SET_SIZES,
    staticKind: staticKind as BenchOptions['staticKind'],
    nginxWorkers: num('--nginx-workers', 1, 1, 64),
    ceilingWorkers: workerList(values.get('--ceiling-workers') ?? `1,${cpus}`, '--ceiling-workers'),
    threads: num('--threads', pin ? cpusOf(pin.generator) : cpus, 1, 64),
    pin,
    processes,
    profile: smoke ? flags.has('--profile') : !flags.has('--no-profile'),
    repoRoot: REPO_ROOT,
    distDir: DIST_DIR,
    corpusRoot: path.resolve(values.get('--corpus-root') ?? (tmp ? path.join(tmp, 'corpus') : path.join(REPO_ROOT, 'bench/corpus'))),
    resultsDir: path.resolve(values.get('--results-dir') ?? (tmp ? path.join(tmp, 'results') : path.join(REPO_ROOT, 'bench/results'))),
    docPath: smoke || flags.has('--no-doc') ? null : path.join(REPO_ROOT, 'docs/performance.md'),
    smoke,
    log,
  };
}

if (require.main === module) {
  runCli(async () => {
    const reportAt = process.argv.indexOf('--report');
    if (reportAt >= 0) {
      const file = process.argv[reportAt + 1];
      if (!file) throw new UsageError('--report needs a results JSON file');
      const results = JSON.parse(fs.readFileSync(file, 'utf8')) as BenchResults;
      const doc = path.join(REPO_ROOT, 'docs/performance.md');
      writeDocSection(doc, results, path.relative(REPO_ROOT, path.resolve(file)));
      console.log(`${doc} updated from ${file}`);
      return;
    }
    const opts = parseBenchArgs(process.argv.slice(2), (line) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}`));
    const tempCorpus = opts.smoke && !process.argv.some((a) => a.startsWith('--corpus-root')) ? opts.corpusRoot : null;
    const { results, file } = await runBench(opts).finally(() => {
      // The smoke corpus is rebuilt in a second; only its results are worth keeping.
      if (tempCorpus) fs.rmSync(tempCorpus, { recursive: true, force: true });
    });
    console.log('');
    console.log(`generator ceiling (wrk ${results.generator.version}, ${results.generator.threads} threads, nginx ${results.ceiling.nginxWorkers} worker(s), 1 KB): ${results.ceiling.requestsPerSecond} req/s`);
    for (const c of results.classes) {
      for (const e of results.encodings) {
        for (const s of results.servers) {
          const f = c.figures[e][s.id]!;
          console.log(`${c.name.padEnd(8)} ${e.padEnd(8)} ${s.label.padEnd(28)} ${String(f.requestsPerSecond).padStart(7)} req/s  p50 ${String(f.p50Ms).padStart(6)} ms  p99 ${String(f.p99Ms).padStart(6)} ms  errors ${f.errors}  non-2xx ${f.non2xx}  ×static ${f.ratioToStatic ?? '–'}${f.generatorBound ? '  GENERATOR-BOUND' : ''}`);
        }
      }
    }
    for (const t of results.targets) console.log(`${t.met ? 'met   ' : 'MISSED'} ${t.target}: ${t.measured}`);
    console.log(`results: ${file}${opts.docPath ? `; ${opts.docPath} updated` : ''}`);
  }, USAGE);
}
