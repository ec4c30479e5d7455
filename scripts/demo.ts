import { loadConfig } from '../src/config';
import { openWritableDatabase } from '../src/db/connection';
import { upgradeDatabase } from '../src/db/upgrade';
import { buildDemo, DEMO_PDF_DAYS } from '../src/demo/build';

import { runCli, UsageError } from '../src/cli';

const USAGE = `npm run demo -- [--days N] [--no-tiles]   (N 1-${DEMO_PDF_DAYS}: the last N days of the typeset demo)`;

runCli(async () => {
  const args = process.argv.slice(2);
  const i = args.indexOf('--days');
  const days = i >= 0 ? Number(args[i + 1]) : undefined;
  if (days !== undefined && !(Number.isInteger(days) && days >= 1 && days <= DEMO_PDF_DAYS)) throw new UsageError(`--days must be an integer 1-${DEMO_PDF_DAYS}`);
  const config = loadConfig();
  const db = openWritableDatabase(config.databasePath);
  upgradeDatabase(db);
  const started = Date.now();
  const summary = await buildDemo(db, config.mediaDir, { days, tiles: !args.includes('--no-tiles') });
  db.close();
  console.log(`demo newspaper: ${summary.issues} issues, ${summary.articles} articles in ${((Date.now() - started) / 1000).toFixed(1)} s (${config.databasePath})`);
}, USAGE);
