// Full-text search over article_fts (see docs/search.md).

import type Database from 'better-sqlite3';
import { type Block, blockTexts } from './blocks';
import { type HighlightPiece, highlightPieces, isWordChar, parseSearchQuery } from './tokenize';
import {
  ISSUE_SHIFT,
  MAX_DOC_KEY,
  PUB_MASK,
  dayKeyRange,
  dayNumber,
  decodeDocKey,
  issueKey,
} from './indexer';

export const PAGE_SIZE = 20;
/** Snippet length in UTF-16 code units (≈ characters for Chinese). */
export const SNIPPET_LENGTH = 120;
/** Context kept before the first match in a snippet. */
const SNIPPET_LEAD = 30;

export interface SearchParams {
  q: string;
  /** Publication slug. */
  paper?: string;
  /** Inclusive issue date range, YYYY-MM-DD; an invalid date is ignored. */
  from?: string;
  to?: string;
  /** 1-based. */
  page: number;
  sort: 'relevance' | 'date';
  /** Epoch ms: issues with publish_at > now are invisible. */
  now: number;
}

export interface SearchResult {
  articleId: number;
  paperSlug: string;
  paperName: string;
  date: string;
  pageNumber: number;
  pageName: string;
  position: number;
  title: string;
  /** Escaped title with matches in <mark>. */
  titleHtml: string;
  /** Escaped excerpt with matches in <mark>. */
  snippetHtml: string;
}

export interface SearchResponse {
  total: number;
  page: number;
  pageCount: number;
  results: SearchResult[];
}

export interface Searcher {
  /** null when the query has nothing searchable (or is too long: callers answer 400 first). */
  search(params: SearchParams): SearchResponse | null;
}

interface ArticleRow {
  id: number;
  kicker: string | null;
  title: string;
  subtitle: string | null;
  body_json: string;
  page_number: number;
  position: number;
  date: string;
  publish_at: number;
  slug: string;
  paper_name: string;
  page_name: string;
}

export function createSearcher(db: Database.Database): Searcher {
  const publicationBySlug = db.prepare<[string], { id: number }>('SELECT id FROM publication WHERE slug = ?');
  // Embargoed issues are the few not yet published; they are excluded by
  // their issue part of the key rather than by joining every match.
  const embargoed = db.prepare<[number], { date: string; publication_id: number }>(
    'SELECT date, publication_id FROM issue WHERE publish_at > ?',
  );
  const articleByKey = db.prepare<{ pub: number; date: string; seq: number }, ArticleRow>(
    `SELECT a.id, a.kicker, a.title, a.subtitle, a.body_json, a.page_number, a.position,
            i.date, i.publish_at, p.slug, p.name AS paper_name, pg.name AS page_name
       FROM issue i
       JOIN publication p ON p.id = i.publication_id
       JOIN article a ON a.issue_id = i.id AND a.seq = @seq
       JOIN page pg ON pg.id = a.page_id
      WHERE i.publication_id = @pub AND i.date = @date`,
  );

  // One statement per combination of optional filters and sort, made once.
  const statements = new Map<string, Database.Statement>();
  const statement = (sql: string): Database.Statement => {
    let st = statements.get(sql);
    if (!st) {
      st = db.prepare(sql);
      statements.set(sql, st);
    }
    return st;
  };

  return {
    search(params) {
      const parsed = parseSearchQuery(params.q);
      if (!parsed) return null;
      const page = Number.isFinite(params.page) && params.page >= 1 ? Math.floor(params.page) : 1;
      const empty: SearchResponse = { total: 0, page, pageCount: 0, results: [] };

      // Filters, all expressed on the document key.
      let lo = 0;
      let hi = MAX_DOC_KEY;
      const fromDay = params.from ? dayNumber(params.from) : null;
      const toDay = params.to ? dayNumber(params.to) : null;
      if (fromDay !== null) lo = dayKeyRange(fromDay, fromDay)[0];
      if (toDay !== null) hi = dayKeyRange(toDay, toDay)[1];
      if (lo > hi) return empty;

      let pubId: number | null = null;
      if (params.paper !== undefined && params.paper !== '') {
        const pub = publicationBySlug.get(params.paper);
        if (!pub) return empty;
        pubId = pub.id;
      }

      const hidden: number[] = [];
      for (const e of embargoed.all(params.now)) {
        if (pubId !== null && e.publication_id !== pubId) continue;
        const ik = issueKey(e.date, e.publication_id);
        if (ik * 2 ** ISSUE_SHIFT > hi || (ik + 1) * 2 ** ISSUE_SHIFT - 1 < lo) continue;
        hidden.push(ik);
      }

      let where = 'article_fts MATCH @match AND rowid BETWEEN @lo AND @hi';
      const args: Record<string, unknown> = { match: parsed.match, lo, hi };
      if (pubId !== null) {
        where += ` AND ((rowid >> ${ISSUE_SHIFT}) & ${PUB_MASK}) = @pub`;
        args.pub = pubId;
      }
      if (hidden.length > 0) {
        where += ` AND (rowid >> ${ISSUE_SHIFT}) NOT IN (SELECT value FROM json_each(@hidden))`;
        args.hidden = JSON.stringify(hidden);
      }

      const total = (statement(`SELECT count(*) AS n FROM article_fts WHERE ${where}`).get(args) as { n: number }).n;
      const pageCount = Math.ceil(total / PAGE_SIZE);
      if (total === 0 || page > pageCount) return { ...empty, total, pageCount };

      const order = params.sort === 'date' ? 'rowid DESC' : 'rank';
      const keys = statement(
        `SELECT rowid AS k FROM article_fts WHERE ${where} ORDER BY ${order} LIMIT ${PAGE_SIZE} OFFSET @offset`,
      ).all({ ...args, offset: (page - 1) * PAGE_SIZE }) as Array<{ k: number }>;

      const pieces = parsed.terms.flatMap(highlightPieces);
      const results: SearchResult[] = [];
      for (const { k } of keys) {
        const d = decodeDocKey(k);
        const row = articleByKey.get({ pub: d.publicationId, date: d.date, seq: d.seq });
        // A stale index entry, or an issue embargoed meanwhile: never shown.
        if (!row || row.publish_at > params.now) continue;
        results.push(toResult(row, pieces));
      }
      return { total, page, pageCount, results };
    },
  };
}

function toResult(row: ArticleRow, pieces: HighlightPiece[]): SearchResult {
  let blocks: Block[] = [];
  try {
    const parsed: unknown = JSON.parse(row.body_json);
    if (Array.isArray(parsed)) blocks = parsed as Block[];
  } catch {
    // A malformed body only costs the snippet.
  }
  const body = collapseSpace(blockTexts(blocks).join(' '));
  const heading = collapseSpace([row.kicker, row.title, row.subtitle].filter((s) => s).join(' '));
  const snippetHtml =
    buildSnippet(body, pieces) ?? buildSnippet(heading, pieces) ?? plainSnippet(body !== '' ? body : heading);
  return {
    articleId: row.id,
    paperSlug: row.slug,
    paperName: row.paper_name,
    date: row.date,
    pageNumber: row.page_number,
    pageName: row.page_name,
    position: row.position,
    title: row.title,
    titleHtml: highlightAll(row.title, pieces),
    snippetHtml,
  };
}

function collapseSpace(s: string): string {
  return s.replace(/\s+/gu, ' ').trim();
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Matches of the pieces in `text`, as merged [start, end) ranges of `text`. */
export function findMatches(text: string, pieces: readonly HighlightPiece[]): Array<[number, number]> {
  if (pieces.length === 0 || text === '') return [];
  // Normalize per character (a code point and its combining marks) so that
  // every position of the normalized text maps back into `text`.
  let norm = '';
  const startOf: number[] = [];
  const endOf: number[] = [];
  const cluster = /\P{M}\p{M}*|\p{M}+/gsu;
  for (let m = cluster.exec(text); m !== null; m = cluster.exec(text)) {
    const n = m[0].normalize('NFKC').toLowerCase();
    for (let i = 0; i < n.length; i++) {
      startOf.push(m.index);
      endOf.push(m.index + m[0].length);
    }
    norm += n;
  }
  const ranges: Array<[number, number]> = [];
  for (const p of pieces) {
    for (let at = norm.indexOf(p.text); at !== -1; at = norm.indexOf(p.text, at + 1)) {
      const end = at + p.text.length;
      // Latin words match whole words only, as in the index.
      if (p.wordStart && at > 0 && isWordChar(codePointBefore(norm, at))) continue;
      if (p.wordEnd && end < norm.length && isWordChar(norm.codePointAt(end)!)) continue;
      ranges.push([startOf[at]!, endOf[end - 1]!]);
    }
  }
  ranges.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  const merged: Array<[number, number]> = [];
  for (const r of ranges) {
    const last = merged[merged.length - 1];
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else merged.push([r[0], r[1]]);
  }
  return merged;
}

function codePointBefore(s: string, i: number): number {
  const c = s.charCodeAt(i - 1);
  if (c >= 0xdc00 && c <= 0xdfff && i >= 2) {
    const h = s.charCodeAt(i - 2);
    if (h >= 0xd800 && h <= 0xdbff) return s.codePointAt(i - 2)!;
  }
  return c;
}

function markRanges(text: string, start: number, end: number, ranges: ReadonlyArray<[number, number]>): string {
  let out = '';
  let at = start;
  for (const [a0, b0] of ranges) {
    const a = Math.max(a0, start);
    const b = Math.min(b0, end);
    if (b <= a) continue;
    out += escapeHtml(text.slice(at, a)) + '<mark>' + escapeHtml(text.slice(a, b)) + '</mark>';
    at = b;
  }
  return out + escapeHtml(text.slice(at, end));
}

/** `text` escaped with every match marked. */
export function highlightAll(text: string, pieces: readonly HighlightPiece[]): string {
  return markRanges(text, 0, text.length, findMatches(text, pieces));
}

/** An escaped excerpt around the first match, or null when nothing matches. */
export function buildSnippet(
  text: string,
  pieces: readonly HighlightPiece[],
  length = SNIPPET_LENGTH,
): string | null {
  const ranges = findMatches(text, pieces);
  if (ranges.length === 0) return null;
  let start = Math.max(0, ranges[0]![0] - SNIPPET_LEAD);
  const end = Math.min(text.length, start + length);
  start = Math.max(0, end - length);
  return excerpt(text, start, end, ranges);
}

function plainSnippet(text: string, length = SNIPPET_LENGTH): string {
  return excerpt(text, 0, Math.min(text.length, length), []);
}

function excerpt(text: string, start: number, end: number, ranges: ReadonlyArray<[number, number]>): string {
  // Never cut a surrogate pair.
  if (start > 0 && isLowSurrogate(text.charCodeAt(start))) start--;
  if (end < text.length && isLowSurrogate(text.charCodeAt(end))) end++;
  return (start > 0 ? '…' : '') + markRanges(text, start, end, ranges) + (end < text.length ? '…' : '');
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}
