import { loadConfig } from '../src/config';
import { openWritableDatabase } from '../src/db/connection';
import { upgradeDatabase } from '../src/db/upgrade';
import { importIssues } from '../src/importer';
import { runCli, UsageError } from '../src/cli';

const USAGE = 'npm run import -- [--dry-run] [--quiet] [--serial] <issue folder or tree>...\n  --serial  validate and tokenize on the writing thread (no worker; for comparisons)';

runCli(async () => {
  const args = process.argv.slice(2);
  const dryRun = args.includes('--dry-run');
  const quiet = args.includes('--quiet');
  const serial = args.includes('--serial');
  const unknown = args.filter((a) => a.startsWith('--') && !['--dry-run', '--quiet', '--serial'].includes(a));
  if (unknown.length) throw new UsageError(`unknown option ${unknown.join(', ')}`);
  const paths = args.filter((a) => !a.startsWith('--'));
  if (paths.length === 0) throw new UsageError('no issue folder given');

  const config = loadConfig();
  const db = openWritableDatabase(config.databasePath);
  upgradeDatabase(db);
  const started = process.hrtime.bigint();
  const summary = await importIssues(paths, {
    db,
    mediaDir: config.mediaDir,
    dryRun,
    parallel: !serial,
    onWarning: (message) => process.stderr.write(`warning: ${message}\n`),
    onIssue: (issue, result) => {
      if (quiet) return;
      const articles = issue.pages.reduce((n, p) => n + p.articles.length, 0);
      const verb = dryRun ? 'valid' : result?.replaced ? 'replaced' : 'imported';
      console.log(`${verb} ${issue.publication.slug} ${issue.date}: ${issue.pages.length} pages, ${articles} articles`);
    },
  });
  // Closing checkpoints what is left in the WAL: part of the import's cost.
  db.close();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  console.log(
    `${dryRun ? 'validated' : 'imported'} ${summary.issues} issues, ${summary.articles} articles in ${seconds.toFixed(2)} s` +
      ` (${Math.round(summary.articles / Math.max(seconds, 1e-9))} articles/s)`,
  );
}, USAGE);
