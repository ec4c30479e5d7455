import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../db/connection';
import { putMediaFile } from './media-store';
import { mergePagePdfs } from './merge-pdf';
import { ImportValidationError, type ImportProblem } from './problems';
import { MANIFEST_NAME, storePathFor, validateIssueFolder, type ValidatedIssue } from './validate';
import { createIssueWriter, type IssuePdf, type WriteResult } from './write';
import crypto from 'node:crypto';

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
  onIssue?: (issue: ValidatedIssue, result: WriteResult | null) => void;
}

export interface ImportSummary {
  issues: number;
  articles: number;
}

/** Copies the issue's media into the store and merges the issue PDF; done before the transaction, files are content-addressed. */
async function stageMedia(issue: ValidatedIssue, mediaDir: string): Promise<IssuePdf | null> {
  for (const m of issue.media) putMediaFile(mediaDir, m.storePath, m.sourcePath);
  if (!issue.pages.every((p) => p.pdf)) return null;
  const merged = await mergePagePdfs(issue.pages.map((p) => p.pdf!.sourcePath));
  const storePath = storePathFor(crypto.createHash('sha256').update(merged).digest('hex'), 'pdf');
  putMediaFile(mediaDir, storePath, merged);
  return { storePath, size: merged.length };
}

/**
 * Imports issue folders. Every folder is validated before anything is written,
 * so a bad folder anywhere leaves the database untouched; then each issue is
 * written in its own transaction.
 */
export async function importIssues(paths: string[], opts: ImportOptions): Promise<ImportSummary> {
  const folders = findIssueFolders(paths);
  const problems: ImportProblem[] = [];
  // With one folder we keep the validated issue; with many we validate twice
  // rather than hold a whole corpus in memory.
  let single: ValidatedIssue | null = null;
  for (const folder of folders) {
    try {
      const v = validateIssueFolder(folder);
      if (folders.length === 1) single = v;
    } catch (err) {
      if (!(err instanceof ImportValidationError)) throw err;
      problems.push(...err.problems);
    }
  }
  if (problems.length > 0) throw new ImportValidationError(problems);

  const summary: ImportSummary = { issues: 0, articles: 0 };
  const writer = opts.dryRun ? null : createIssueWriter(opts.db);
  for (const folder of folders) {
    const issue = single ?? validateIssueFolder(folder);
    let result: WriteResult | null = null;
    if (writer) {
      const pdf = await stageMedia(issue, opts.mediaDir);
      result = writer.write(issue, pdf);
    }
    summary.issues += 1;
    summary.articles += issue.pages.reduce((n, p) => n + p.articles.length, 0);
    opts.onIssue?.(issue, result);
  }
  return summary;
}
