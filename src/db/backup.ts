import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describeSystemFault, ExitCode, Fault } from '../faults';

/**
 * A consistent online copy of the database while the server serves and
 * imports run, through SQLite's online backup API (better-sqlite3's db.backup, page by page between event-loop
 * turns). The copy is written under a temporary name and renamed into place,
 * so the target is either absent or complete; it is checked with PRAGMA quick_check
 * and left as one self-contained file (rollback journal, no -wal beside it).
 *
 * A write by another connection restarts an online backup from scratch. Under
 * a steady stream of imports that could repeat forever, so after each restart
 * the step grows fourfold; a large enough step copies the rest within one read
 * transaction (a WAL snapshot, which never blocks the importer).
 *
 * Command: `npm run backup -- [--force] FILE` (scripts/backup.ts). Restore: docs/operations.md.
 */

const FIRST_STEP_PAGES = 1024; // 4 MiB with 4 KiB pages

/** A backup that cannot be made, in one line; the exit status says whose fault (docs/operations.md). */
export class BackupError extends Fault {}

export interface BackupResult {
  file: string;
  bytes: number;
  pages: number;
  ms: number;
  restarts: number;
}

export interface BackupOptions {
  force?: boolean;
  verify?: boolean;
  /** Pages copied by the first step (default 1024); smaller steps hold no lock longer but restart more under writes. */
  stepPages?: number;
  /** Called after every step, with what is left to copy. */
  onProgress?: (p: { totalPages: number; remainingPages: number }) => void;
}

/** Copies the database at `source` to `target` online; throws BackupError with a one-line message. */
export async function backupDatabase(source: string, target: string, opts: BackupOptions = {}): Promise<BackupResult> {
  if (!fs.existsSync(source)) throw new BackupError(`database ${source} does not exist (set DATABASE_PATH)`, ExitCode.database);
  if (path.resolve(source) === path.resolve(target)) throw new BackupError('the backup file must not be the database itself', ExitCode.usage);
  if (fs.existsSync(target) && !opts.force) throw new BackupError(`${target} already exists: refusing to overwrite it (use --force, or choose another name)`, ExitCode.usage);
  const dir = path.dirname(target);
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new BackupError(`folder ${dir} does not exist: create it first`, ExitCode.environment);

  const started = process.hrtime.bigint();
  let db: Database.Database;
  try {
    db = new Database(source, { readonly: true, fileMustExist: true });
    db.pragma('busy_timeout = 10000');
    const n = db.prepare("SELECT count(*) FROM sqlite_schema WHERE name = 'article'").pluck().get() as number;
    if (n !== 1) throw new Error('no epaper schema in it');
  } catch (err) {
    throw new BackupError(`database ${source} cannot be read (${(err as Error).message})`, ExitCode.database);
  }

  const tmp = path.join(dir, `.${path.basename(target)}.${process.pid}.partial`);
  let restarts = 0;
  let pages = 0;
  try {
    let step = opts.stepPages ?? FIRST_STEP_PAGES;
    let lastRemaining = Infinity;
    const meta = await db.backup(tmp, {
      progress: ({ totalPages, remainingPages }) => {
        pages = totalPages;
        opts.onProgress?.({ totalPages, remainingPages });
        if (remainingPages > lastRemaining) {
          // Another connection wrote: SQLite restarted the copy. Take bigger bites.
          restarts += 1;
          step = Math.min(step * 4, 0x7fffffff);
        }
        lastRemaining = remainingPages;
        return step;
      },
    });
    pages = meta.totalPages;
    db.close();

    // One self-contained file: no -wal or -shm needed beside the copy.
    const copy = new Database(tmp);
    try {
      copy.pragma('journal_mode = DELETE');
      if (opts.verify !== false) {
        const result = copy.pragma('quick_check', { simple: true });
        if (result !== 'ok') throw new BackupError(`the copy failed its check (${String(result)}); the database itself may be damaged`, ExitCode.database);
      }
    } finally {
      copy.close();
    }
    if (opts.force) fs.rmSync(target, { force: true });
    fs.renameSync(tmp, target);
  } catch (err) {
    if (db.open) db.close();
    for (const f of [tmp, `${tmp}-journal`, `${tmp}-wal`, `${tmp}-shm`]) fs.rmSync(f, { force: true });
    if (err instanceof BackupError) throw err;
    const system = describeSystemFault(err, { path: target });
    throw new BackupError(`backup of ${source} to ${target} failed (${system ?? (err as Error).message})`, system ? ExitCode.environment : ExitCode.unexpected);
  }
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  return { file: target, bytes: fs.statSync(target).size, pages, ms, restarts };
}
