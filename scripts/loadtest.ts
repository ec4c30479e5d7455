// Load and shutdown test: npm run loadtest [-- --articles N --duration S --connections C]
// (src/bench/loadtest.ts runs it and says what it checks).
import path from 'node:path';
import { runLoadtest, type LoadtestOptions } from '../src/bench/loadtest';
import { parseOptions, runCli } from '../src/cli';
import { PROJECT_ROOT } from '../src/paths';

const USAGE = `node dist/scripts/loadtest.js [options]
  --articles N        corpus size (default 100000), built under --corpus-root or reused
  --duration S        seconds of measured load (default 60)
  --warmup S          seconds of unrecorded load first (default 10)
  --connections C     concurrent connections (default 256)
  --seed S            corpus and URL-set seed (default 1)
  --log-level L       the server's LOG_LEVEL (default info, as in production; its stdout goes to /dev/null)
  --corpus-root DIR   where corpora live (default bench/corpus)
  --no-doc            do not write docs/reliability.md`;

function parseArgs(argv: readonly string[]): LoadtestOptions {
  const { flags, values, number: num } = parseOptions(argv, {
    values: ['--articles', '--duration', '--warmup', '--connections', '--seed', '--log-level', '--corpus-root'],
    flags: ['--no-doc'],
  });
  return {
    articles: num('--articles', 100_000, 1, 100_000_000),
    duration: num('--duration', 60, 1, 3600, false),
    warmup: num('--warmup', 10, 0, 600, false),
    connections: num('--connections', 256, 1, 10_000),
    seed: num('--seed', 1, 0, 0xffffffff),
    logLevel: values.get('--log-level') ?? 'info',
    corpusRoot: path.resolve(values.get('--corpus-root') ?? path.join(PROJECT_ROOT, 'bench/corpus')),
    doc: !flags.has('--no-doc'),
  };
}

runCli(async () => {
  const failures = await runLoadtest(parseArgs(process.argv.slice(2)), (line) => console.log(line));
  if (failures.length) {
    process.stderr.write(`loadtest FAILED:\n${failures.map((f) => `  - ${f}`).join('\n')}\n`);
    process.exitCode = 1;
  } else {
    console.log('loadtest passed');
  }
}, USAGE);
