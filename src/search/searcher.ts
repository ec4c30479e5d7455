// Full-text search over article_fts (see docs/search.md).

import type Database from 'better-sqlite3';
import { blockTexts, type Block } from '../domain/blocks';
import { dayNumber } from '../domain/date';
import { type HighlightPiece, highlightPieces, isWordChar, parseSearchQuery } from './tokenize';
import {
  ISSUE_SHIFT,
  MAX_DOC_KEY,
  PUB_MASK,
  dayKeyRange,
  decodeDocKey,
  issueKey,
} from './indexer';

export const PAGE_SIZE = 20;
/** bm25 column weights: a match in the title (kicker, title, subtitle) weighs ten body matches. */
export const TITLE_WEIGHT = 10;
export const BODY_WEIGHT = 1;
// bm25() itself rather than FTS5's ORDER BY rank, which sorts in a nested
// query and re-seeks every row: 2-5x slower here (docs/search.md). Columns in
// table order: body, title.
const BM25 = `bm25(article_fts, ${BODY_WEIGHT.toFixed(1)}, ${TITLE_WEIGHT.toFixed(1)})`;
const ISSUE_KEYS = 2 ** ISSUE_SHIFT;
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
  /** Matches counted, at most the count cap. */
  total: number;
  /** Present (true) when more articles match than `total`: counting stopped at the cap. */
  atLeast?: true;
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

export interface SearcherOptions {
  /**
   * Relevance ranks at most this many matches, the newest: scoring costs a
   * few µs a row, so a word found in a third of a million articles cannot be
   * ranked whole within the latency budget. Older matches of such broad
   * queries follow, newest first. The result pages the site offers (50 × 20)
   * lie within the default window.
   */
  rankWindow?: number;
  /** Queries whose count and ranked window are kept for paging (0: none). */
  cacheEntries?: number;
  /**
   * Counting stops here. A word in most of the archive would otherwise walk
   * its whole doclist just to print the total (300 ms for 滨江区 at 1,000,000
   * articles); the site never offers more than 50 pages of 20 anyway.
   */
  countCap?: number;
}

export const DEFAULT_RANK_WINDOW = 2000;
export const DEFAULT_COUNT_CAP = 10_000;
/** Queries whose count and ranked window are kept (≤ 16 KB each). */
export const DEFAULT_CACHE_ENTRIES = 200;

interface Filter {
  /** article_fts phrases, ANDed; none when the query is character conditions only. */
  phrases: string[];
  /** article_chars conditions ANDed, or null. */
  chars: string | null;
  /** article_titles expression: every term in the title. */
  title: string;
  /** Inclusive key range of the date filter. */
  lo: number;
  hi: number;
  pub: number | null;
  /** Issue parts (key >> ISSUE_SHIFT) of embargoed issues inside the range. */
  hidden: number[];
}

export function createSearcher(db: Database.Database, options: SearcherOptions = {}): Searcher {
  const rankWindow = Math.max(PAGE_SIZE, options.rankWindow ?? DEFAULT_RANK_WINDOW);
  const cacheEntries = Math.max(0, options.cacheEntries ?? DEFAULT_CACHE_ENTRIES);
  const countCap = Math.max(1, options.countCap ?? DEFAULT_COUNT_CAP);
  const publicationBySlug = db.prepare<[string], { id: number }>('SELECT id FROM publication WHERE slug = ?');
  // Embargoed issues are the few not yet published; they are excluded by the
  // issue part of the key rather than by joining every match.
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

  // One statement per shape of filter and sort, prepared on first use.
  const statements = new Map<string, Database.Statement>();
  const statement = (sql: string): Database.Statement => {
    let st = statements.get(sql);
    if (!st) {
      st = db.prepare(sql);
      statements.set(sql, st);
    }
    return st;
  };

  /** Conditions on the document key (rowid) shared by every table: date range, paper, embargo. */
  function keyFilters(f: Filter, args: Record<string, unknown>): string {
    let sql = '';
    // FTS5 does not skip to a rowid bound (it walks the doclist and drops
    // rows), so the range is only added when it filters.
    if (f.lo > 0 || f.hi < MAX_DOC_KEY) {
      sql += ' AND rowid BETWEEN @lo AND @hi';
      args.lo = f.lo;
      args.hi = f.hi;
    }
    if (f.pub !== null) {
      sql += ` AND ((rowid >> ${ISSUE_SHIFT}) & ${PUB_MASK}) = @pub`;
      args.pub = f.pub;
    }
    if (f.hidden.length > 0) {
      // Embargoed issues are nearly always the newest: the comparison lets
      // most rows skip the set lookup (which costs ~0.1 µs a row).
      sql += ` AND NOT (rowid >= @hiddenFrom AND (rowid >> ${ISSUE_SHIFT}) IN (SELECT value FROM json_each(@hidden)))`;
      args.hiddenFrom = f.hidden.reduce((a, b) => Math.min(a, b)) * ISSUE_KEYS;
      args.hidden = JSON.stringify(f.hidden);
    }
    return sql;
  }

  /**
   * FROM and WHERE of the matches: article_fts drives when the query has
   * phrases (the character conditions, if any, as a set of keys: only a
   * one-character term beside others, or one after a separator, needs that),
   * else article_chars alone.
   */
  function matches(f: Filter): [string, Record<string, unknown>] {
    const args: Record<string, unknown> = {};
    let sql: string;
    if (f.phrases.length > 0) {
      sql = 'FROM article_fts WHERE article_fts MATCH @phrases';
      args.phrases = f.phrases.join(' AND ');
      if (f.chars !== null) {
        // `+rowid`: not a constraint FTS5 may take, or SQLite would run the
        // phrase query once per key of the set (minutes at 1M articles); as a
        // filter the set is built once per statement.
        sql += ' AND +rowid IN (SELECT rowid FROM article_chars WHERE article_chars MATCH @chars)';
        args.chars = f.chars;
      }
    } else {
      sql = 'FROM article_chars WHERE article_chars MATCH @chars';
      args.chars = f.chars;
    }
    return [sql + keyFilters(f, args), args];
  }

  function cappedCount(sql: string, args: Record<string, unknown>): number {
    return (statement(`SELECT count(*) AS n FROM (SELECT 1 ${sql} LIMIT ${countCap + 1})`).get(args) as { n: number }).n;
  }

  /** Matches up to the cap, plus one to tell whether there are more. */
  function count(f: Filter): number {
    return cappedCount(...matches(f));
  }

  function byDate(f: Filter, limit: number, offset: number): number[] {
    if (limit <= 0) return [];
    const [sql, args] = matches(f);
    const st = statement(`SELECT rowid AS k ${sql} ORDER BY rowid DESC LIMIT @limit OFFSET @offset`);
    return (st.all({ ...args, limit, offset }) as Array<{ k: number }>).map((r) => r.k);
  }

  /**
   * Whether bm25 can rank the query within budget. bm25 first walks each
   * phrase's whole doclist, unfiltered, for its document frequency: for a
   * phrase found in most of the archive that walk alone took 290 ms at
   * 1,000,000 articles, however few matches the filters leave. So bm25 is
   * used when every phrase, unfiltered, matches at most countCap articles
   * (a capped walk, cached per phrase like the counts).
   */
  function bm25Affordable(f: Filter, total: number): boolean {
    if (f.phrases.length === 0) return false;
    // The matches are a subset of each phrase's: more than the cap here means
    // more for every phrase, without walking any of them again.
    if (total > countCap) return false;
    // One phrase and nothing else: the count was that phrase's count.
    const unfiltered = f.chars === null && f.phrases.length === 1 && f.lo === 0 && f.hi === MAX_DOC_KEY && f.pub === null && f.hidden.length === 0;
    if (unfiltered) return true;
    return f.phrases.every((p) => {
      const key = JSON.stringify(['phrase', p]);
      let n = cache.get(key)?.total;
      if (n === undefined) {
        n = cappedCount('FROM article_fts WHERE article_fts MATCH @p', { p });
        remember(key, { total: n });
      }
      return n <= countCap;
    });
  }

  /**
   * The newest `rankWindow` matches in relevance order, cached for the next
   * pages. Narrow queries: bm25 over the window (FTS5 walks it newest first
   * and stops there; SQLite sorts). Broad ones (see bm25Affordable): the
   * window's matches whose title holds every term first, then the others,
   * each newest first; article_titles is small, so finding them is cheap.
   */
  function ranked(f: Filter, cacheKey: string, total: number): number[] {
    const hit = cache.get(cacheKey);
    if (hit?.ranked) return hit.ranked;
    let keys: number[];
    if (bm25Affordable(f, total)) {
      const [sql, args] = matches(f);
      const st = statement(
        `SELECT k FROM (SELECT rowid AS k, ${BM25} AS score ${sql} ORDER BY rowid DESC LIMIT ${rankWindow})
          ORDER BY score, k DESC`,
      );
      keys = (st.all(args) as Array<{ k: number }>).map((r) => r.k);
    } else {
      const window = byDate(f, rankWindow, 0);
      const args: Record<string, unknown> = { title: f.title };
      const sql = `SELECT rowid AS k FROM article_titles WHERE article_titles MATCH @title${keyFilters(f, args)}
                    ORDER BY rowid DESC LIMIT ${rankWindow}`;
      const inTitle = new Set((statement(sql).all(args) as Array<{ k: number }>).map((r) => r.k));
      keys = window.filter((k) => inTitle.has(k)).concat(window.filter((k) => !inTitle.has(k)));
    }
    remember(cacheKey, { ranked: keys });
    return keys;
  }

  /** Keys of result positions [offset, offset + limit). */
  function page(f: Filter, cacheKey: string, total: number, sort: SearchParams['sort'], offset: number, limit: number): number[] {
    if (sort === 'date') return byDate(f, limit, offset);
    // Positions past the window are the older matches, in date order: the
    // same positions as in the date order, as the window is the newest.
    const top = offset < rankWindow ? ranked(f, cacheKey, total).slice(offset, offset + limit) : [];
    const start = Math.max(offset, rankWindow);
    return top.concat(byDate(f, offset + limit - start, start));
  }

  // Counts and ranked windows of recent queries, so that paging through
  // results does not walk the doclists again. Dropped whenever the database
  // changes: data_version moves on commits of other connections (the
  // importer), total_changes() on this connection's own.
  const cache = new Map<string, { total?: number; ranked?: number[] }>();
  const dataVersion = db.prepare('PRAGMA data_version').pluck();
  const totalChanges = db.prepare('SELECT total_changes()').pluck();
  let cachedVersion = '';
  function remember(key: string, entry: { total?: number; ranked?: number[] }): void {
    const old = cache.get(key);
    cache.delete(key);
    cache.set(key, { ...old, ...entry });
    while (cache.size > cacheEntries) cache.delete(cache.keys().next().value!);
  }

  return {
    search(params) {
      // Without a valid clock the embargo cannot be applied: fail closed.
      if (!Number.isFinite(params.now)) throw new TypeError('search: params.now must be epoch milliseconds');
      const parsed = parseSearchQuery(params.q);
      if (!parsed) return null;
      const pageNo = Number.isFinite(params.page) && params.page >= 1 ? Math.floor(params.page) : 1;
      const empty: SearchResponse = { total: 0, page: pageNo, pageCount: 0, results: [] };

      // Every filter is expressed on the document key.
      let lo = 0;
      let hi = MAX_DOC_KEY;
      const fromDay = typeof params.from === 'string' ? dayNumber(params.from) : null;
      const toDay = typeof params.to === 'string' ? dayNumber(params.to) : null;
      if (fromDay !== null) lo = dayKeyRange(fromDay, fromDay)[0];
      if (toDay !== null) hi = dayKeyRange(toDay, toDay)[1];
      if (lo > hi) return empty;

      let pub: number | null = null;
      if (typeof params.paper === 'string' && params.paper !== '') {
        const row = publicationBySlug.get(params.paper);
        if (!row) return empty;
        pub = row.id;
      }

      const hidden: number[] = [];
      for (const e of embargoed.all(params.now)) {
        if (pub !== null && e.publication_id !== pub) continue;
        const ik = issueKey(e.date, e.publication_id);
        // Day-aligned ranges: an issue is wholly inside or outside [lo, hi].
        if (ik * ISSUE_KEYS < lo || ik * ISSUE_KEYS > hi) continue;
        hidden.push(ik);
      }
      const filter: Filter = {
        phrases: parsed.phrases,
        chars: parsed.chars.length > 0 ? parsed.chars.join(' AND ') : null,
        title: parsed.title,
        lo,
        hi,
        pub,
        hidden,
      };

      const version = `${dataVersion.get() as number}:${totalChanges.get() as number}`;
      if (version !== cachedVersion) {
        cache.clear();
        cachedVersion = version;
      }
      const cacheKey = JSON.stringify([filter.phrases, filter.chars, lo, hi, pub, hidden]);
      let counted = cache.get(cacheKey)?.total;
      if (counted === undefined) {
        counted = count(filter);
        remember(cacheKey, { total: counted });
      }
      const total = Math.min(counted, countCap);
      const more: { atLeast?: true } = counted > countCap ? { atLeast: true } : {};
      const pageCount = Math.ceil(total / PAGE_SIZE);
      if (total === 0 || pageNo > pageCount) return { ...empty, total, pageCount, ...more };

      const pieces = parsed.terms.flatMap(highlightPieces);
      const results: SearchResult[] = [];
      for (const k of page(filter, cacheKey, counted, params.sort, (pageNo - 1) * PAGE_SIZE, PAGE_SIZE)) {
        const d = decodeDocKey(k);
        const row = articleByKey.get({ pub: d.publicationId, date: d.date, seq: d.seq });
        // A stale index entry, or an issue embargoed meanwhile: never shown.
        if (!row || row.publish_at > params.now) continue;
        results.push(toResult(row, pieces));
      }
      return { total, ...more, page: pageNo, pageCount, results };
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
  const { norm, startOf, endOf } = normalizeAligned(text);
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

// Combining marks: a character followed by one is normalized together with it.
const MARK_RE = /\p{M}/u;
const markCache = new Uint8Array(0x10000); // 0 unknown, 1 no, 2 yes
function isMark(c: number): boolean {
  if (c < 0x300) return false;
  let k = markCache[c]!;
  if (k === 0) {
    k = MARK_RE.test(String.fromCharCode(c)) ? 2 : 1;
    markCache[c] = k;
  }
  return k === 2;
}

/**
 * normalizeForSearch applied per character (a code point with its combining
 * marks), so that every UTF-16 unit of the result maps back to the range of
 * `text` it came from. ASCII and common Han are mapped without calling
 * normalize(), which would dominate the time for long articles.
 */
export function normalizeAligned(text: string): { norm: string; startOf: number[]; endOf: number[] } {
  let norm = '';
  const startOf: number[] = [];
  const endOf: number[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    const next = i + 1 < n ? text.charCodeAt(i + 1) : 0;
    if ((c < 0x80 || (c >= 0x4e00 && c <= 0x9fff)) && !isMark(next)) {
      norm += c >= 0x41 && c <= 0x5a ? String.fromCharCode(c + 32) : text[i];
      startOf.push(i);
      endOf.push(i + 1);
      i++;
      continue;
    }
    let j = i + 1;
    if (c >= 0xd800 && c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) j++;
    while (j < n) {
      const cp = text.codePointAt(j)!;
      if (cp > 0xffff ? !MARK_RE.test(String.fromCodePoint(cp)) : !isMark(cp)) break;
      j += cp > 0xffff ? 2 : 1;
    }
    const piece = text.slice(i, j).normalize('NFKC').toLowerCase();
    for (let k = 0; k < piece.length; k++) {
      startOf.push(i);
      endOf.push(j);
    }
    norm += piece;
    i = j;
  }
  return { norm, startOf, endOf };
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
