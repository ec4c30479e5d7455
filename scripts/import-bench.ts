// Import rate: npm run bench:import [-- --articles N] [--rounds R] [--no-doc]
// (src/bench/import-bench.ts runs it).
import { formatImportBench, IMPORT_BENCH_MARKERS, runImportBench } from '../src/bench/import-bench';
import { runEnvironment } from '../src/bench/proc';
import { publishBenchResult } from '../src/bench/results-file';
import { parseOptions, runCli } from '../src/cli';

const USAGE = `node dist/scripts/import-bench.js [options]
  --articles N   articles to generate and import (default 100000)
  --rounds R     imports per mode, interleaved (default 2)
  --no-doc       do not rewrite the import section of docs/performance.md`;

async function main(): Promise<void> {
  const { flags, number } = parseOptions(process.argv.slice(2), { values: ['--articles', '--rounds'], flags: ['--no-doc'] });
  const articles = number('--articles', 100_000, 100, 10_000_000);
  const rounds = number('--rounds', 2, 1, 20);
  const started = Date.now();
  const result = await runImportBench(articles, rounds, (line) => console.log(line));
  const section = formatImportBench(result, new Date().toISOString().slice(0, 10), runEnvironment(started));
  publishBenchResult({ prefix: 'import-', result, section, markers: IMPORT_BENCH_MARKERS, writeDoc: !flags.has('--no-doc'), log: (line) => console.log(line) });
}

runCli(main, USAGE);
