import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../db/connection';
import { decodeIndexTexts } from '../search/tokenize';
import { ImportValidationError, type ImportProblem } from './problems';
import { checkFolder, createPreparer, prepareIssue, type PreparedIssue, type Preparer } from './prepare';
import { conflictingPublications, readStoredPublications, type StoredPublications } from './publication';
import { MANIFEST_NAME, type ValidatedIssue } from './validate';
import { createIssueWriter, type WriteResult } from './write';

export { ImportValidationError, formatProblem } from './problems';

/** Every folder at or below the given paths that holds an issue.json, in sorted order. */
export function findIssueFolders(paths: string[]): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    const entries = fs.readdirSync(dir, { withFileTypes: true });
    if (entries.some((e) => e.isFile() && e.name === MANIFEST_NAME)) {
      found.push(dir);
      return; // an issue folder's subfolders hold its media, not more issues
    }
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (e.isDirectory()) walk(path.join(dir, e.name));
    }
  };
  const problems: ImportProblem[] = [];
  for (const p of paths) {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(p);
    } catch {
      problems.push({ file: p, field: '', message: 'no such file or folder' });
      continue;
    }
    if (stat.isDirectory()) walk(p);
    else if (path.basename(p) === MANIFEST_NAME) found.push(path.dirname(p));
    else problems.push({ file: p, field: '', message: `expected an issue folder (holding ${MANIFEST_NAME}) or a folder of them` });
  }
  if (problems.length > 0) throw new ImportValidationError(problems);
  if (found.length === 0) throw new ImportValidationError(paths.map((p) => ({ file: p, field: '', message: `no ${MANIFEST_NAME} found at or below this path` })));
  return found;
}

export interface ImportOptions {
  db: Db;
  mediaDir: string;
  dryRun?: boolean;
  /** Validate and tokenize in a worker thread while this one writes (default true). */
  parallel?: boolean;
  /** Let issues change their paper's name, description, language or time zone (else such an issue is refused). */
  updatePublication?: boolean;
  onIssue?: (issue: ValidatedIssue, result: WriteResult | null) => void;
}

export interface ImportSummary {
  issues: number;
  articles: number;
}

/**
 * Page cache (KiB, as a negative cache_size) and, when it checkpoints itself
 * (no worker), checkpoint interval (pages) of the connection an import writes
 * with. FTS5's segment merges read back what they just wrote, which the
 * default 2 MB cache does not hold, and a checkpoint every 1,000 pages of WAL
 * syncs the database file several times an issue. Measured together with
 * migration 004 (docs/performance.md).
 */
const IMPORT_CACHE_KIB = 65536;
const IMPORT_CHECKPOINT_PAGES = 10000;

/**
 * With a worker, the WAL is checkpointed there, on its own connection, after
 * every commit, and the writing connection never checkpoints: waiting for a
 * checkpoint's fsyncs took ~10 % of the writer's time. Every
 * CHECKPOINT_WAIT_EVERY issues the writer waits for the checkpoint of its
 * last commit, so that its next transaction starts the WAL file over rather
 * than growing it (docs/performance.md, "Import").
 */
const CHECKPOINT_WAIT_EVERY = 16;

/** Issues prepared ahead of the one being written: bounds the memory a large import holds. */
const LOOKAHEAD = 4;

/**
 * Problems of every folder, in folder order, and issues stating another
 * identity for a paper than an earlier folder of the same import; with a
 * worker, this thread validates every other folder meanwhile.
 */
async function validateAll(folders: string[], preparer: Preparer, stored: StoredPublications | null): Promise<ImportProblem[]> {
  const checks = await Promise.all(folders.map((folder, i) => (preparer.parallel && i % 2 === 1 ? preparer.check(folder) : checkFolder(folder, stored))));
  const stated = folders.map((folder, i) => ({ file: path.join(folder, MANIFEST_NAME), publication: checks[i]!.publication }));
  return [...checks.flatMap((c) => c.problems), ...conflictingPublications(stated)];
}

/**
 * Imports issue folders. Every folder is validated before anything is written,
 * so a bad folder anywhere leaves the database untouched; then each issue is
 * written in its own transaction, while a worker thread prepares the next.
 */
export async function importIssues(paths: string[], opts: ImportOptions): Promise<ImportSummary> {
  const folders = findIssueFolders(paths);
  // No worker thread for one folder: there is nothing to overlap.
  const mediaDir = opts.dryRun ? null : opts.mediaDir;
  const stored = opts.updatePublication ? null : readStoredPublications(opts.db);
  const preparer = createPreparer(mediaDir, (opts.parallel ?? true) && folders.length > 1, stored);
  try {
    // One folder (the daily import): validated and prepared once, here.
    const single = folders.length === 1 ? await prepareIssue(folders[0]!, mediaDir, stored) : null;
    if (!single) {
      const problems = await validateAll(folders, preparer, stored);
      if (problems.length > 0) throw new ImportValidationError(problems);
    }

    const summary: ImportSummary = { issues: 0, articles: 0 };
    const writer = opts.dryRun ? null : createIssueWriter(opts.db, { updatePublication: opts.updatePublication });
    const checkpoint = writer && preparer.checkpoint;
    if (writer) {
      opts.db.pragma(`cache_size = -${IMPORT_CACHE_KIB}`);
      opts.db.pragma(`wal_autocheckpoint = ${checkpoint ? 0 : IMPORT_CHECKPOINT_PAGES}`);
    }
    let checkpointed: Promise<unknown> = Promise.resolve();
    const ahead: Promise<PreparedIssue>[] = [];
    let next = 0;
    const fill = (): void => {
      while (!single && ahead.length < LOOKAHEAD && next < folders.length) {
        const p = preparer.prepare(folders[next++]!);
        p.catch(() => undefined); // rejections surface when awaited below, in order
        ahead.push(p);
      }
    };
    fill();
    for (let i = 0; i < folders.length; i++) {
      const { issue, texts, pdf } = single ?? (await ahead.shift()!);
      fill();
      const articleTexts = decodeIndexTexts(texts);
      const result = writer ? writer.write(issue, pdf, articleTexts) : null;
      if (checkpoint) {
        checkpointed = checkpoint(opts.db.name);
        checkpointed.catch(() => undefined); // a failure surfaces when awaited
        if ((i + 1) % CHECKPOINT_WAIT_EVERY === 0) await checkpointed;
      }
      summary.issues += 1;
      summary.articles += articleTexts.length;
      opts.onIssue?.(issue, result);
    }
    await checkpointed;
    return summary;
  } finally {
    await preparer.close();
  }
}
