import { loadConfig } from '../src/config';
import { openWritableDatabase } from '../src/db/connection';
import { schemaVersion } from '../src/db/migrate';
import { upgradeDatabase } from '../src/db/upgrade';
import { runCli } from '../src/cli';

runCli(() => {
  const config = loadConfig();
  const db = openWritableDatabase(config.databasePath);
  const started = Date.now();
  const { applied, reindexed } = upgradeDatabase(db);
  console.log(applied.length ? `applied ${applied.join(', ')}` : 'schema up to date', `(version ${schemaVersion(db)}, ${config.databasePath})`);
  if (reindexed !== null) console.log(`search index rebuilt: ${reindexed} articles in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  db.close();
});
