// Writes a benchmark corpus of issue folders: node dist/scripts/gen.js --articles N --out DIR [--seed S]
import { runCli, UsageError } from '../src/cli';
import { generateCorpus, type CorpusOptions } from '../src/demo/corpus';
import { parseIssueDate } from '../src/domain/date';

const USAGE =
  'node dist/scripts/gen.js --articles N --out DIR [--seed S] [--publications 1-3] [--start YYYY-MM-DD] [--quiet]\n' +
  '  writes issue folders DIR/<publication>/<date>/ holding exactly N articles in total (about 100 per issue)';

const VALUE_OPTIONS = ['--articles', '--out', '--seed', '--publications', '--start'] as const;
type ValueOption = (typeof VALUE_OPTIONS)[number];

interface ParsedArgs {
  values: Partial<Record<ValueOption, string>>;
  quiet: boolean;
}

/** Accepts `--name value` and `--name=value`. */
function parseArgs(argv: readonly string[]): ParsedArgs {
  const parsed: ParsedArgs = { values: {}, quiet: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--quiet') {
      parsed.quiet = true;
      continue;
    }
    const [name, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (!(VALUE_OPTIONS as readonly string[]).includes(name)) throw new UsageError(`unknown argument "${arg}"`);
    const value = inline ?? argv[++i];
    if (value === undefined || value === '') throw new UsageError(`${name} needs a value`);
    parsed.values[name as ValueOption] = value;
  }
  return parsed;
}

function parseCount(name: string, text: string, min: number, max: number): number {
  const cleaned = text.replace(/[_,]/g, '');
  const value = /^\d+$/.test(cleaned) ? Number(cleaned) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) throw new UsageError(`${name} must be an integer ${min}–${max}, got "${text}"`);
  return value;
}

function toCorpusOptions(args: ParsedArgs): { outDir: string; options: CorpusOptions } {
  const { values } = args;
  if (values['--articles'] === undefined) throw new UsageError('--articles is required');
  if (values['--out'] === undefined) throw new UsageError('--out is required');
  const options: CorpusOptions = {
    articles: parseCount('--articles', values['--articles'], 1, 100_000_000),
    verbose: !args.quiet,
  };
  if (values['--seed'] !== undefined) options.seed = parseCount('--seed', values['--seed'], 0, 0xffffffff);
  if (values['--publications'] !== undefined) options.publications = parseCount('--publications', values['--publications'], 1, 3);
  if (values['--start'] !== undefined) {
    if (parseIssueDate(values['--start']) === null) throw new UsageError(`--start must be a real date YYYY-MM-DD, got "${values['--start']}"`);
    options.startDate = values['--start'];
  }
  return { outDir: values['--out'], options };
}

runCli(async () => {
  const { outDir, options } = toCorpusOptions(parseArgs(process.argv.slice(2)));
  const started = Date.now();
  const result = await generateCorpus(outDir, options);
  const seconds = (Date.now() - started) / 1000;
  console.log(`corpus: ${result.folders} issue folders, ${result.articles} articles in ${seconds.toFixed(1)} s (${outDir})`);
}, USAGE);
