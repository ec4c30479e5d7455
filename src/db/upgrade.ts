import Database from 'better-sqlite3';
import { DatabaseUnavailableError, type Db } from './connection';
import { migrate, schemaVersion } from './migrate';
import { rebuildSearchIndexIfStale } from '../search/indexer';

export interface UpgradeResult {
  /** Migrations applied. */
  applied: string[];
  /** Articles re-indexed because a migration changed the search tables, or null. */
  reindexed: number | null;
}

/**
 * Brings a database to the current schema: pending SQL migrations, a check
 * that the tables are the ones the migrations make, then the steps SQL cannot
 * do (the search index is tokenized in JS). Every entry point that opens a
 * database for writing calls this, not migrate() alone.
 */
export function upgradeDatabase(db: Db): UpgradeResult {
  const applied = migrate(db);
  verifySchema(db);
  return { applied, reindexed: rebuildSearchIndexIfStale(db) };
}

type Columns = Map<string, string[]>;

function columnsOf(db: Db): Columns {
  const tables = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").pluck().all() as string[];
  return new Map(tables.map((t) => [t, db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all(t) as string[]]));
}

let migratedColumns: Columns | null = null;

/** Every table and column the migrations make, from a scratch in-memory database (built once). */
function expectedColumns(): Columns {
  if (!migratedColumns) {
    const scratch = new Database(':memory:');
    migrate(scratch);
    migratedColumns = columnsOf(scratch);
    scratch.close();
  }
  return migratedColumns;
}

/**
 * A database whose user_version is current but whose tables were changed
 * by hand (a renamed column, a dropped table) cannot be read by the queries:
 * say so once, at open, rather than as a stack trace from the first query.
 * Extra tables and columns are the operator's and are left alone.
 */
export function verifySchema(db: Db): void {
  const actual = columnsOf(db);
  const missing: string[] = [];
  for (const [table, columns] of expectedColumns()) {
    const present = actual.get(table);
    if (!present) missing.push(`table ${table}`);
    else for (const c of columns) if (!present.includes(c)) missing.push(`column ${table}.${c}`);
  }
  if (missing.length === 0) return;
  const shown = missing.length > 3 ? `${missing.slice(0, 3).join(', ')} and ${missing.length - 3} more` : missing.join(', ');
  throw new DatabaseUnavailableError(
    `database ${db.name} lacks ${shown} of schema version ${schemaVersion(db)}: it was changed outside the migrations; undo that change, or restore a backup (see docs/operations.md)`,
  );
}
