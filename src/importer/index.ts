import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isDamaged, type Db } from '../db/connection';
import { describeSystemFault, ExitCode, Fault, type Place } from '../faults';
import { logger } from '../log';
import { decodeIndexTexts } from '../search/tokenize';
import { ImportValidationError, type ImportProblem } from './problems';
import { DEFAULT_PAGE_IMAGE_OPTIONS, type PageImageOptions } from './page-images';
import { checkFolder, createPreparer, prepareIssue, type PreparedIssue, type Preparer } from './prepare';
import { conflictingPublications, readStoredPublications, type StoredPublications } from './publication';
import { MANIFEST_NAME, type ValidatedIssue } from './validate';
import { deriveIssueFolder, isPageSourceFolder, type LowConfidencePage } from './pdf/derive';
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
  /** Let issues change their paper's name, description, language, time zone or footer lines (else such an issue is refused). */
  updatePublication?: boolean;
  /** Renditions and tiles of the page images (docs/import-format.md, "Renditions and tiles"); tiles are on unless turned off here. */
  pageImages?: Partial<PageImageOptions>;
  onIssue?: (issue: ValidatedIssue, result: WriteResult | null) => void;
  /** One line each: the import goes on, but the operator should know (a failed WAL checkpoint). Logged at warn when absent. */
  onWarning?: (message: string) => void;
}

export interface ImportSummary {
  issues: number;
  articles: number;
  /** Pages derived from PDFs or scans whose least sure article is below the review threshold (absent when there are none). */
  lowConfidence?: LowConfidencePage[];
}

function isFolder(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Folders of page PDFs or scans given on the command line, derived into
 * ordinary issue folders in a staging folder (docs/import-format.md), so that
 * validation, the transaction and the search index work on them as on any
 * issue folder. Every source is derived before anything is imported.
 */
async function stagePageFolders(paths: string[], staging: () => string): Promise<{ paths: string[]; lowConfidence: LowConfidencePage[] }> {
  const out: string[] = [];
  const lowConfidence: LowConfidencePage[] = [];
  const problems: ImportProblem[] = [];
  for (const p of paths) {
    if (!isFolder(p) || !isPageSourceFolder(p)) {
      out.push(p);
      continue;
    }
    try {
      const derived = await deriveIssueFolder(p, fs.mkdtempSync(path.join(staging(), 'issue-')));
      out.push(derived.folder);
      lowConfidence.push(...derived.lowConfidence);
    } catch (err) {
      if (!(err instanceof ImportValidationError)) throw err;
      problems.push(...err.problems);
    }
  }
  if (problems.length > 0) throw new ImportValidationError(problems);
  return { paths: out, lowConfidence };
}

/**
 * `--review OUT`: derives the issue folder from a folder of page PDFs or
 * scans into OUT (issue.json with each article's confidence, page images,
 * photos) with an overlay of the found articles per page (OUT/overlays/NN.png),
 * and imports nothing: an editor corrects issue.json and imports OUT.
 */
export async function reviewPageFolder(dir: string, out: string): Promise<{ pages: number; articles: number; lowConfidence: LowConfidencePage[] }> {
  if (!isFolder(dir) || !isPageSourceFolder(dir)) {
    throw new ImportValidationError([{ file: dir, field: '', message: 'expected a folder of page PDFs or page scans with ALTO XML' }]);
  }
  if (fs.existsSync(out) && fs.readdirSync(out).length > 0) {
    throw new ImportValidationError([{ file: out, field: '', message: 'not empty: expected a new or empty folder for the review' }]);
  }
  const derived = await deriveIssueFolder(dir, out, { overlays: true });
  const articles = derived.manifest.pages.reduce((n, p) => n + p.articles.length, 0);
  return { pages: derived.manifest.pages.length, articles, lowConfidence: derived.lowConfidence };
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
  let stagingDir: string | null = null;
  const staging = (): string => (stagingDir ??= fs.mkdtempSync(path.join(os.tmpdir(), 'epaper-import-')));
  try {
    const staged = await stagePageFolders(paths, staging);
    const summary = await importIssueFolders(staged.paths, opts);
    return staged.lowConfidence.length > 0 ? { ...summary, lowConfidence: staged.lowConfidence } : summary;
  } finally {
    if (stagingDir) fs.rmSync(stagingDir, { recursive: true, force: true });
  }
}

async function importIssueFolders(paths: string[], opts: ImportOptions): Promise<ImportSummary> {
  const folders = findIssueFolders(paths);
  // No worker thread for one folder: there is nothing to overlap.
  const mediaDir = opts.dryRun ? null : opts.mediaDir;
  const stored = opts.updatePublication ? null : readStoredPublications(opts.db);
  const images: PageImageOptions = { ...DEFAULT_PAGE_IMAGE_OPTIONS, ...opts.pageImages };
  const preparer = createPreparer(mediaDir, (opts.parallel ?? true) && folders.length > 1, images, stored);
  const summary: ImportSummary = { issues: 0, articles: 0 };
  const warn = onceEach(opts.onWarning ?? ((message) => logger.warn(message)));
  const committed: string[] = [];
  // The folder being prepared or written when a fault strikes (null while validating several).
  let current: Stage | null = folders.length === 1 ? { folder: folders[0]!, issue: null } : null;
  try {
    // One folder (the daily import): validated and prepared once, here.
    const single = folders.length === 1 ? await prepareIssue(folders[0]!, mediaDir, images, stored) : null;
    if (!single) {
      const problems = await validateAll(folders, preparer, stored);
      if (problems.length > 0) throw new ImportValidationError(problems);
    }

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
      current = { folder: folders[i]!, issue: null };
      const { issue, texts, pdf, pageImages } = single ?? (await ahead.shift()!);
      current.issue = issue;
      fill();
      const articleTexts = decodeIndexTexts(texts);
      const result = writer ? writer.write(issue, pdf, articleTexts, pageImages) : null;
      if (writer) committed.push(issueLabel(issue));
      if (checkpoint) {
        checkpointed = checkpoint(opts.db.name);
        checkpointed.catch(() => undefined); // a failure surfaces when awaited
        if ((i + 1) % CHECKPOINT_WAIT_EVERY === 0) await settleCheckpoint(checkpointed, opts.db.name, warn);
      }
      summary.issues += 1;
      summary.articles += articleTexts.length;
      opts.onIssue?.(issue, result);
    }
    if (writer) {
      // Every issue is committed: a checkpoint that fails now (a full disk) loses nothing.
      await settleCheckpoint(checkpoint ? checkpointed : checkpointHere(opts.db), opts.db.name, warn);
    }
    return summary;
  } catch (err) {
    if (err instanceof ImportValidationError && committed.length === 0) throw err;
    throw interruptedImport(err, current, committed, folders.length, opts);
  } finally {
    await preparer.close();
  }
}

interface Stage {
  folder: string;
  issue: ValidatedIssue | null;
}

/** Without a worker, the writer's own connection copies the WAL in (what closing it would do, but with an answer). */
async function checkpointHere(db: Db): Promise<void> {
  db.pragma('wal_checkpoint(PASSIVE)');
}

/** The same warning once, however often its cause repeats. */
function onceEach(warn: (message: string) => void): (message: string) => void {
  const said = new Set<string>();
  return (message) => {
    if (said.has(message)) return;
    said.add(message);
    warn(message);
  };
}

function issueLabel(issue: ValidatedIssue): string {
  return `${issue.publication.slug} ${issue.date}`;
}

/**
 * Waits for a WAL checkpoint; a failure becomes a warning. Committed issues
 * are safe in the WAL file whether or not it was copied into the database,
 * and the next checkpoint (the next import, or SQLite's own) copies them.
 */
async function settleCheckpoint(checkpointed: Promise<unknown>, databasePath: string, warn: (message: string) => void): Promise<void> {
  try {
    await checkpointed;
  } catch (err) {
    const cause = describeSystemFault(err, { path: databasePath, setting: 'DATABASE_PATH' }) ?? (err instanceof Error ? err.message : String(err));
    warn(`the WAL checkpoint of ${databasePath} failed (${cause}); every issue imported so far is committed and safe in ${databasePath}-wal, and the next checkpoint copies it into the database`);
  }
}

/**
 * Where a fault struck: errno errors name their file (a copy names its
 * target as dest), and one in the media store is reported as MEDIA_DIR;
 * SQLite errors name none and are the database's.
 */
function placeOf(err: unknown, opts: ImportOptions): Place {
  const { path: file, dest } = (err ?? {}) as { path?: unknown; dest?: unknown };
  const inMedia = (p: unknown): boolean => typeof p === 'string' && !path.relative(opts.mediaDir, p).startsWith('..');
  if (inMedia(dest) || inMedia(file)) return { path: opts.mediaDir, setting: 'MEDIA_DIR' };
  if (typeof file === 'string') return { path: file };
  return { path: opts.db.name, setting: 'DATABASE_PATH' };
}

/** Lists issues in one line: all of a few, the first and last of many (they were imported in this order). */
function listIssues(labels: string[]): string {
  return labels.length <= 10 ? labels.join(', ') : `${labels.slice(0, 5).join(', ')}, … ${labels.at(-1)}`;
}

/**
 * An import that stopped part-way: which issue failed and why, which were
 * committed before it (they stay; issues are written one transaction each),
 * and what to do. A fault of the machine (disk full, read-only volume) exits
 * with its own status, not the one for invalid input.
 */
function interruptedImport(err: unknown, at: Stage | null, committed: string[], total: number, opts: ImportOptions): Fault {
  const message = err instanceof Error ? err.message : String(err);
  const system = describeSystemFault(err, placeOf(err, opts));
  const cause = system ?? (isDamaged(err) ? `the database is damaged (${message}): restore it from a backup (see docs/operations.md)` : message);
  const exitCode = system ? ExitCode.environment : isDamaged(err) ? ExitCode.database : ExitCode.unexpected;
  const where = at === null ? 'while reading the issue folders' : `at ${at.folder}${at.issue ? ` (${issueLabel(at.issue)})` : ''}`;
  const kept =
    committed.length === 0
      ? 'no issue was committed'
      : `${committed.length === 1 ? '1 issue was committed before it and stays' : `${committed.length} issues were committed before it and stay`}: ${listIssues(committed)}`;
  const left = total - committed.length;
  return new Fault(
    `import stopped ${where}: ${cause}; ${kept}; ${left} of ${total} not written (run the same import again: committed issues are rewritten unchanged)`,
    exitCode,
    { cause: err },
  );
}
