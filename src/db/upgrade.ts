import type { Db } from './connection';
import { migrate } from './migrate';
import { rebuildSearchIndexIfStale } from '../search/indexer';

export interface UpgradeResult {
  /** Migrations applied. */
  applied: string[];
  /** Articles re-indexed because a migration changed the search tables, or null. */
  reindexed: number | null;
}

/**
 * Brings a database to the current schema: pending SQL migrations, then the
 * steps SQL cannot do (the search index is tokenized in JS). Every entry
 * point that opens a database for writing calls this, not migrate() alone.
 */
export function upgradeDatabase(db: Db): UpgradeResult {
  const applied = migrate(db);
  return { applied, reindexed: rebuildSearchIndexIfStale(db) };
}
