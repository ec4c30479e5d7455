import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

export type Db = Database.Database;

/** Raised when the database file cannot be used; the message says what to do. */
export class DatabaseUnavailableError extends Error {}

/** SQLite's answer for a file that is not a database or is corrupt (not: busy, locked, read-only). */
export function isDamaged(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB');
}

/** Read-write connection for the importer and the migration runner. */
export function openWritableDatabase(file: string): Db {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  let db: Db;
  try {
    db = new Database(file);
    db.pragma('schema_version'); // reads the header: fails here on a file that is not a database
  } catch (err) {
    throw new DatabaseUnavailableError(`database ${file} cannot be opened (${(err as Error).message}): restore it from a backup (see docs/operations.md) or move it away to start afresh`);
  }
  try {
    db.pragma('journal_mode = WAL');
    db.prepare('SELECT count(*) FROM sqlite_schema').get(); // a damaged file with an intact header fails here
  } catch (err) {
    db.close();
    if (!isDamaged(err)) throw err;
    throw new DatabaseUnavailableError(`database ${file} is damaged (${(err as Error).message}): restore it from a backup (see docs/operations.md) or move it away to start afresh`);
  }
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  // Readers (the server) never block the writer and vice versa under WAL; wait
  // rather than fail if another writer holds the lock.
  db.pragma('busy_timeout = 10000');
  return db;
}

/**
 * Read-only connection for serving: a bug in a route can never write, and the
 * importer in another process stays the only writer.
 */
export function openReadOnlyDatabase(file: string): Db {
  if (!fs.existsSync(file)) {
    throw new DatabaseUnavailableError(`database ${file} does not exist: run "npm run migrate" and "npm run import -- <folder>" (or "npm run demo") first, or set DATABASE_PATH`);
  }
  let db: Db;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    db.pragma('busy_timeout = 5000');
    db.pragma('cache_size = -32000');
    // No mmap: mapped database pages count in the server's RSS (a 256 MB window filled up on
    // a large archive and took RSS past 400 MB); reads go through SQLite's page cache above and
    // the OS page cache instead, at no measurable cost per page (docs/performance.md).
    db.pragma('mmap_size = 0');
    const check = db.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE name = 'article'").get() as { n: number };
    if (check.n !== 1) throw new Error('schema missing');
  } catch (err) {
    throw new DatabaseUnavailableError(`database ${file} is not a usable epaper database (${(err as Error).message}): restore it from a backup or move it away and run "npm run migrate"`);
  }
  return db;
}
