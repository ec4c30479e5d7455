import { loadConfig } from '../src/config';
import { openWritableDatabase } from '../src/db/connection';
import { upgradeDatabase } from '../src/db/upgrade';
import { importIssues } from '../src/importer';
import { UPDATE_PUBLICATION_FLAG } from '../src/importer/publication';
import { runCli, UsageError } from '../src/cli';

const USAGE =
  'npm run import -- [--dry-run] [--quiet] [--serial] [--update-publication] <issue folder or tree>...\n' +
  '  --serial              validate and tokenize on the writing thread (no worker; for comparisons)\n' +
  "  --update-publication  let the issues change their paper's name, description, language or time zone";

runCli(async () => {
  const args = process.argv.slice(2);
  const dryRun = args.includes('--dry-run');
  const quiet = args.includes('--quiet');
  const serial = args.includes('--serial');
  const updatePublication = args.includes(UPDATE_PUBLICATION_FLAG);
  const unknown = args.filter((a) => a.startsWith('--') && !['--dry-run', '--quiet', '--serial', UPDATE_PUBLICATION_FLAG].includes(a));
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
    updatePublication,
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
