import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describeSystemFault, ExitCode, Fault, probeWritable } from '../faults';
import { logger } from '../log';

export type Db = Database.Database;

/** Raised when the database file cannot be used; the message says what to do. */
export class DatabaseUnavailableError extends Fault {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, ExitCode.database, options);
  }
}

/** SQLite's answer for a file that is not a database or is corrupt (not: busy, locked, read-only). */
export function isDamaged(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB');
}

const RESTORE_ADVICE = 'restore it from a backup (see docs/operations.md) or move it away to start afresh';

function missingDatabase(file: string): DatabaseUnavailableError {
  const folder = path.dirname(file);
  const folderNote = fs.existsSync(folder) ? '' : ` (nor does its folder ${folder})`;
  return new DatabaseUnavailableError(
    `database ${file} does not exist${folderNote}: correct DATABASE_PATH, or create a new database on purpose with "npm run migrate" and import issues into it`,
  );
}

/**
 * Why `file` could not be opened for writing, as one line: the file system's
 * reason when there is one (SQLite says "unable to open database file" for
 * a read-only volume, a missing folder and a path under a file alike), a lock,
 * or damage; only damage gets the advice to restore a backup.
 */
function openFault(file: string, err: unknown): Fault {
  const message = err instanceof Error ? err.message : String(err);
  if (isDamaged(err)) return new DatabaseUnavailableError(`database ${file} is damaged (${message}): ${RESTORE_ADVICE}`, { cause: err });
  const place = { path: file, setting: 'DATABASE_PATH' };
  const probed = probeWritable(file);
  const system = (probed && describeSystemFault({ code: probed }, place)) ?? describeSystemFault(err, place);
  if (system) return new Fault(system, ExitCode.environment, { cause: err });
  const code = (err as { code?: unknown })?.code;
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') {
    return new Fault(`database ${file} is locked by another process (${message}): let it finish, then run again`, ExitCode.environment, { cause: err });
  }
  return new DatabaseUnavailableError(`database ${file} cannot be opened (${message}): ${RESTORE_ADVICE}`, { cause: err });
}

export interface WritableOptions {
  /**
   * Create the file, and its folder, when it is missing (default). False makes
   * a missing file an error: the server with DEMO_ON_EMPTY=0 never turns a
   * wrong DATABASE_PATH into a new, empty site.
   */
  create?: boolean;
}

/** Read-write connection for the importer and the migration runner; a new database file is logged. */
export function openWritableDatabase(file: string, { create = true }: WritableOptions = {}): Db {
  const existed = fs.existsSync(file);
  if (!existed && !create) throw missingDatabase(file);
  let db: Db | undefined;
  try {
    if (!existed) fs.mkdirSync(path.dirname(file), { recursive: true });
    db = new Database(file);
    db.pragma('schema_version'); // reads the header: fails here on a file that is not a database
    db.pragma('journal_mode = WAL');
    db.prepare('SELECT count(*) FROM sqlite_schema').get(); // a damaged file with an intact header fails here
  } catch (err) {
    db?.close();
    throw openFault(file, err);
  }
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  // Readers (the server) never block the writer and vice versa under WAL; wait
  // rather than fail if another writer holds the lock.
  db.pragma('busy_timeout = 10000');
  if (!existed) logger.info({ database: file }, 'new database created');
  return db;
}

/**
 * Read-only connection for serving: a bug in a route can never write, and the
 * importer in another process stays the only writer.
 */
export function openReadOnlyDatabase(file: string): Db {
  if (!fs.existsSync(file)) throw missingDatabase(file);
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
