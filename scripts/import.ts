import { loadConfig } from '../src/config';
import { openWritableDatabase } from '../src/db/connection';
import { upgradeDatabase } from '../src/db/upgrade';
import { importIssues, reviewPageFolder } from '../src/importer';
import type { LowConfidencePage } from '../src/importer/pdf/derive';
import { UPDATE_PUBLICATION_FLAG } from '../src/importer/publication';
import { runCli, UsageError } from '../src/cli';

const USAGE =
  'npm run import -- [--dry-run] [--quiet] [--serial] [--update-publication] <issue folder, tree, or folder of page PDFs or scans>...\n' +
  '       npm run import -- --review OUT <folder of page PDFs or scans>\n' +
  '  --serial              validate and tokenize on the writing thread (no worker; for comparisons)\n' +
  '  --no-renditions       make no renditions or tiles of the page images (bulk loads such as the bench corpus)\n' +
  "  --update-publication  let the issues change their paper's name, description, language or time zone\n" +
  '  --review              write the derived issue folder and an overlay per page to OUT, import nothing';

function printLowConfidence(pages: LowConfidencePage[]): void {
  for (const p of pages) console.log(`low confidence: page ${p.page} (${p.file}): ${p.confidence.toFixed(2)}; check it with --review`);
}

runCli(async () => {
  const args = process.argv.slice(2);
  const reviewAt = args.indexOf('--review');
  if (reviewAt >= 0) {
    const [out, source, ...rest] = args.slice(reviewAt + 1);
    if (!out || !source || rest.length > 0 || reviewAt > 0) throw new UsageError('--review takes an output folder and one source folder');
    const review = await reviewPageFolder(source, out);
    console.log(`review written to ${out}: ${review.pages} pages, ${review.articles} articles (issue.json, overlays/NN.png)`);
    printLowConfidence(review.lowConfidence);
    return;
  }
  const dryRun = args.includes('--dry-run');
  const quiet = args.includes('--quiet');
  const serial = args.includes('--serial');
  const noRenditions = args.includes('--no-renditions');
  const updatePublication = args.includes(UPDATE_PUBLICATION_FLAG);
  const unknown = args.filter((a) => a.startsWith('--') && !['--dry-run', '--quiet', '--serial', '--no-renditions', UPDATE_PUBLICATION_FLAG].includes(a));
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
    ...(noRenditions ? { pageImages: { renditions: false, tiles: false } } : {}),
    updatePublication,
    onWarning: (message) => process.stderr.write(`warning: ${message}\n`),
    onIssue: (issue, result) => {
      if (quiet) return;
      const articles = issue.pages.reduce((n, p) => n + p.articles.length, 0);
      const verb = dryRun ? 'valid' : result?.replaced ? 'replaced' : 'imported';
      console.log(`${verb} ${issue.publication.slug} ${issue.date}: ${issue.pages.length} pages, ${articles} articles`);
    },
  });
  printLowConfidence(summary.lowConfidence ?? []);
  // Closing checkpoints what is left in the WAL: part of the import's cost.
  db.close();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  console.log(
    `${dryRun ? 'validated' : 'imported'} ${summary.issues} issues, ${summary.articles} articles in ${seconds.toFixed(2)} s` +
      ` (${Math.round(summary.articles / Math.max(seconds, 1e-9))} articles/s)`,
  );
}, USAGE);
