// Benchmark: npm run bench [-- --articles N --duration S --connections C --repeat R --classes a,b --smoke]
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
  --duration S        seconds per measured run (default 10)
  --warmup S          seconds of unrecorded load before each run (default 2)
  --connections C     concurrent connections (default 64)
  --repeat R          measured runs per class and server, medians reported (default 3)
  --classes LIST      comma-separated subset of ${CLASS_NAMES.join(',')}
  --static KIND       auto | nginx | node (default auto: nginx when installed)
  --nginx-workers W   nginx worker processes (default 1, like the app's one process)
  --no-profile        skip the CPU profiles
  --no-doc            do not regenerate docs/performance.md
  --corpus-root DIR   where corpora are built and reused (default bench/corpus)
  --results-dir DIR   where results JSON goes (default bench/results)
  --report FILE       only regenerate docs/performance.md's bench section from a results JSON
  --smoke             tiny corpus (300 articles), 2 classes, ~1.5 s runs, temp dirs, no doc: for the test suite`;

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const DIST_DIR = path.resolve(__dirname, '..');

export function parseBenchArgs(argv: readonly string[], log: (line: string) => void = console.log): BenchOptions {
  const { flags, values, number: num } = parseOptions(argv, {
    values: ['--articles', '--seed', '--duration', '--warmup', '--connections', '--repeat', '--classes', '--static', '--nginx-workers', '--corpus-root', '--results-dir'],
    flags: ['--smoke', '--no-profile', '--no-doc', '--profile'],
  });
  const smoke = flags.has('--smoke');
  const classesRaw = values.get('--classes');
  const classes = (classesRaw ? classesRaw.split(',').map((s) => s.trim()) : smoke ? ['article', 'mixed'] : [...CLASS_NAMES]) as ClassName[];
  for (const c of classes) if (!CLASS_NAMES.includes(c)) throw new UsageError(`unknown class "${c}" (expected ${CLASS_NAMES.join(', ')})`);
  const staticKind = values.get('--static') ?? 'auto';
  if (!['auto', 'nginx', 'node'].includes(staticKind)) throw new UsageError('--static must be auto, nginx or node');
  const tmp = smoke ? path.join(os.tmpdir(), `epaper-bench-smoke-${process.pid}`) : null;
  return {
    articles: num('--articles', smoke ? 300 : 100_000, 1, 100_000_000),
    seed: num('--seed', 1, 0, 0xffffffff),
    duration: num('--duration', smoke ? 1.5 : 10, 0.5, 3600, false),
    warmup: num('--warmup', smoke ? 0.5 : 2, 0, 600, false),
    connections: num('--connections', smoke ? 16 : 64, 1, 10_000),
    repeat: num('--repeat', smoke ? 1 : 3, 1, 50),
    classes,
    setSizes: smoke ? { article: 100, issue: 20, mixed: 200 } : DEFAULT_SET_SIZES,
    staticKind: staticKind as BenchOptions['staticKind'],
    nginxWorkers: num('--nginx-workers', 1, 1, 64),
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
    for (const c of results.classes) {
      for (const t of ['cacheOn', 'cacheOff', 'static'] as const) {
        const f = c[t];
        console.log(`${c.name.padEnd(8)} ${t.padEnd(8)} ${String(f.requestsPerSecond).padStart(7)} req/s  p50 ${String(f.p50Ms).padStart(5)} ms  p99 ${String(f.p99Ms).padStart(5)} ms  errors ${f.errors}  non-2xx ${f.non2xx}  ×static ${f.ratioToStatic ?? '–'}`);
      }
    }
    for (const t of results.targets) console.log(`${t.met ? 'met   ' : 'MISSED'} ${t.target}: ${t.measured}`);
    console.log(`results: ${file}${opts.docPath ? `; ${opts.docPath} updated` : ''}`);
  }, USAGE);
}
