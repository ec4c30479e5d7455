import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openWritableDatabase } from '../src/db/connection';
import { upgradeDatabase } from '../src/db/upgrade';
import { buildDemo } from '../src/demo/build';
import { DEMO_DAYS } from './helpers/demo-constants';

/**
 * Builds the demo newspaper once for the whole run; suites open it read-only.
 * Also makes the run's scratch folder: tempDir() creates folders inside it and
 * the global teardown removes it (test files run in sandboxes whose exit
 * hooks never fire, so they cannot clean up after themselves).
 */
export default async function globalSetup(): Promise<void> {
  process.env.EPAPER_TEST_SCRATCH = fs.mkdtempSync(path.join(os.tmpdir(), 'epaper-jest-scratch-'));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'epaper-demo-db-'));
  const file = path.join(dir, 'demo.db');
  const db = openWritableDatabase(file);
  upgradeDatabase(db);
  await buildDemo(db, path.join(dir, 'media'), { days: DEMO_DAYS });
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  process.env.EPAPER_TEST_DEMO_DIR = dir;
}
