// Writes a benchmark corpus of issue folders: node dist/scripts/gen.js --articles N --out DIR [--seed S]
import { parseOptions, runCli, UsageError } from '../src/cli';
import { generateCorpus, type CorpusOptions } from '../src/demo/corpus';
import { parseIssueDate } from '../src/domain/date';

const USAGE =
  'node dist/scripts/gen.js --articles N --out DIR [--seed S] [--publications 1-3] [--start YYYY-MM-DD] [--quiet]\n' +
  '  writes issue folders DIR/<publication>/<date>/ holding exactly N articles in total (about 100 per issue)';

function parseArgs(argv: readonly string[]): { outDir: string; options: CorpusOptions } {
  const { flags, values, number } = parseOptions(argv, { values: ['--articles', '--out', '--seed', '--publications', '--start'], flags: ['--quiet'] });
  const outDir = values.get('--out');
  if (!values.has('--articles')) throw new UsageError('--articles is required');
  if (outDir === undefined) throw new UsageError('--out is required');
  const options: CorpusOptions = { articles: number('--articles', 0, 1, 100_000_000), verbose: !flags.has('--quiet') };
  if (values.has('--seed')) options.seed = number('--seed', 0, 0, 0xffffffff);
  if (values.has('--publications')) options.publications = number('--publications', 0, 1, 3);
  const start = values.get('--start');
  if (start !== undefined) {
    if (parseIssueDate(start) === null) throw new UsageError(`--start must be a real date YYYY-MM-DD, got "${start}"`);
    options.startDate = start;
  }
  return { outDir, options };
}

runCli(async () => {
  const { outDir, options } = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const result = await generateCorpus(outDir, options);
  const seconds = (Date.now() - started) / 1000;
  console.log(`corpus: ${result.folders} issue folders, ${result.articles} articles in ${seconds.toFixed(1)} s (${outDir})`);
}, USAGE);
