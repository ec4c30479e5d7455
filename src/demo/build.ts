import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../db/connection';
import { addDays, toIssueDate, type IssueDate } from '../domain/date';
import { importIssues, type ImportSummary } from '../importer';
import { PROJECT_ROOT } from '../paths';
import { DEMO_PUBLICATIONS } from './generate';

/** The demo's typeset page PDFs, committed (regenerate with `npm run demo:typeset`). */
export const DEMO_PDF_ROOT = path.join(PROJECT_ROOT, 'demo', 'pdf');

/** What the typesetter printed, article by article, beside the issue folders (for the content checks). */
export const DEMO_CONTENT_FILE = 'content.json';
export interface DemoContentArticle {
  slug: string;
  date: string;
  page: number;
  /** The rest of a story from this earlier page (上接第N版), under that story's title; else null. */
  continuedFrom: number | null;
  /** The story goes on to this page (下转第N版); else null. */
  continuedTo: number | null;
  kicker: string | null;
  title: string;
  subtitle: string | null;
  /** Text blocks and photo captions as printed. */
  body: string[];
}

/** The committed demo: DEMO_PDF_DAYS days of both papers, ending on DEMO_PDF_END_DATE. */
export const DEMO_PDF_END_DATE = '2026-01-20';
export const DEMO_PDF_DAYS = 4;

export function demoPdfDates(days = DEMO_PDF_DAYS): IssueDate[] {
  const end = toIssueDate(DEMO_PDF_END_DATE);
  return Array.from({ length: days }, (_, i) => addDays(end, i - days + 1));
}

/** The issue folder of one paper and date under the demo's PDF root. */
export function demoIssueDir(root: string, slug: string, date: string): string {
  return path.join(root, slug, date);
}

/**
 * Builds the demo newspaper the way a real one arrives: each issue is a folder of
 * typeset page PDFs with issue.meta.json, which the importer's PDF path reads,
 * renders and segments into pages, articles and hotspots. `days` takes the last
 * days of the committed demo (at most DEMO_PDF_DAYS).
 */
export async function buildDemo(db: Db, mediaDir: string, opts: { days?: number; root?: string; tiles?: boolean } = {}): Promise<ImportSummary> {
  const days = opts.days ?? DEMO_PDF_DAYS;
  if (!Number.isInteger(days) || days < 1 || days > DEMO_PDF_DAYS) throw new Error(`days must be an integer 1-${DEMO_PDF_DAYS} (the typeset demo has ${DEMO_PDF_DAYS} days), got ${days}`);
  const root = opts.root ?? DEMO_PDF_ROOT;
  const folders = demoPdfDates().slice(-days).flatMap((date) => DEMO_PUBLICATIONS.map((p) => demoIssueDir(root, p.slug, date)));
  const missing = folders.filter((f) => !fs.existsSync(f));
  if (missing.length > 0) throw new Error(`demo page PDFs missing: ${missing.map((f) => path.relative(PROJECT_ROOT, f)).join(', ')} (run npm run demo:typeset)`);
  return importIssues(folders, { db, mediaDir, pageImages: { tiles: opts.tiles ?? true } });
}
