import { loadConfig } from '../src/config';
import { openWritableDatabase } from '../src/db/connection';
import { upgradeDatabase } from '../src/db/upgrade';
import { buildDemo } from '../src/demo/build';
import { runCli, UsageError } from '../src/cli';

const USAGE = 'npm run demo -- [--days N] [--end YYYY-MM-DD] [--no-tiles]';

runCli(async () => {
  const args = process.argv.slice(2);
  const opt = (name: string) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const days = opt('--days') === undefined ? undefined : Number(opt('--days'));
  if (days !== undefined && !(Number.isInteger(days) && days >= 1 && days <= 3660)) throw new UsageError('--days must be an integer 1-3660');
  const endDate = opt('--end');
  if (endDate !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(endDate)) throw new UsageError('--end must be a date YYYY-MM-DD');
  const config = loadConfig();
  const db = openWritableDatabase(config.databasePath);
  upgradeDatabase(db);
  const started = Date.now();
  const summary = await buildDemo(db, config.mediaDir, { days, endDate, tiles: !args.includes('--no-tiles') });
  db.close();
  console.log(`demo newspaper: ${summary.issues} issues, ${summary.articles} articles in ${((Date.now() - started) / 1000).toFixed(1)} s (${config.databasePath})`);
}, USAGE);
