import { loadConfig } from '../src/config';
import { openWritableDatabase } from '../src/db/connection';
import { migrate, schemaVersion } from '../src/db/migrate';
import { runCli } from '../src/cli';

runCli(() => {
  const config = loadConfig();
  const db = openWritableDatabase(config.databasePath);
  const applied = migrate(db);
  console.log(applied.length ? `applied ${applied.join(', ')}` : 'schema up to date', `(version ${schemaVersion(db)}, ${config.databasePath})`);
  db.close();
});
