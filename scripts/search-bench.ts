// Search latency and index size: npm run bench:search [-- --articles N | --database FILE] [--no-doc]
import fs from 'node:fs';
import path from 'node:path';
import { runEnvironment } from '../src/bench/proc';
import { publishBenchResult } from '../src/bench/results-file';
import { formatSearchBench, runSearchBench, SEARCH_BENCH_MARKERS } from '../src/bench/search-bench';
import { parseOptions, runCli, UsageError } from '../src/cli';
import { PROJECT_ROOT } from '../src/paths';

const USAGE = `node dist/scripts/search-bench.js [options]
  --articles N      use bench/corpus/N/epaper.db (default 1000000; build it with npm run bench -- --articles N)
  --database FILE   or any epaper database
  --repeat R        timed runs of each query after one warm-up run (default 5)
  --no-doc          do not rewrite the search section of docs/performance.md`;

async function main(): Promise<void> {
  const { flags, values, number } = parseOptions(process.argv.slice(2), { values: ['--articles', '--database', '--repeat'], flags: ['--no-doc'] });
  if (values.has('--articles') && values.has('--database')) throw new UsageError('give --articles or --database, not both');
  const file = values.has('--database')
    ? path.resolve(process.env.INIT_CWD ?? process.cwd(), values.get('--database')!)
    : path.join(PROJECT_ROOT, 'bench', 'corpus', String(number('--articles', 1_000_000, 1, 100_000_000)), 'epaper.db');
  if (!fs.existsSync(file)) throw new UsageError(`${file} does not exist: build the corpus with npm run bench -- --articles N, or pass --database`);
  const repeat = number('--repeat', 5, 1, 100);
  const started = Date.now();
  const result = runSearchBench(file, repeat);
  const section = formatSearchBench(result, new Date().toISOString().slice(0, 10), runEnvironment(started));
  publishBenchResult({ prefix: 'search-', result, section, markers: SEARCH_BENCH_MARKERS, writeDoc: !flags.has('--no-doc'), log: (line) => console.log(line) });
}

runCli(main, USAGE);
