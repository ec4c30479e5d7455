// Full-text search over article_fts (see docs/search.md): the request's
// parameters are planned into a filter (plan.ts), counted and ordered through
// the SQL of statements.ts and the order of ranking.ts, and each result comes
// back as plain text with highlight ranges (snippet.ts) for the view to mark up.

import type Database from 'better-sqlite3';
import { blockTexts, type Block } from '../domain/blocks';
import { createQueryCache } from './cache';
import {
  PAGE_SIZE,
  dateKeyRange,
  filterCacheKey,
  hiddenIssues,
  matchFilter,
  pageNumber,
  type SortOrder,
} from './plan';
import { createRanker } from './ranking';
import { buildSnippet, findMatches, plainSnippet, type HighlightedText, type HighlightRange } from './snippet';
import { createSearchStatements, type ArticleRow } from './statements';
import { type HighlightPiece, highlightPieces, parseSearchQuery } from './tokenize';

export interface SearchParams {
  q: string;
  /** Publication slug. */
  paper?: string;
  /** Inclusive issue date range, YYYY-MM-DD; an invalid date is ignored. */
  from?: string;
  to?: string;
  /** 1-based. */
  page: number;
  sort: SortOrder;
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
  /** Every match in `title`. */
  titleHighlights: HighlightRange[];
  /** An excerpt of ~SNIPPET_LENGTH characters around the first match, with ellipses where cut. */
  snippet: HighlightedText;
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

export function createSearcher(db: Database.Database, options: SearcherOptions = {}): Searcher {
  const rankWindow = Math.max(PAGE_SIZE, options.rankWindow ?? DEFAULT_RANK_WINDOW);
  const countCap = Math.max(1, options.countCap ?? DEFAULT_COUNT_CAP);
  const statements = createSearchStatements(db);
  const cache = createQueryCache(Math.max(0, options.cacheEntries ?? DEFAULT_CACHE_ENTRIES));
  const ranker = createRanker(statements, cache, { rankWindow, countCap });

  return {
    search(params) {
      // Without a valid clock the embargo cannot be applied: fail closed.
      if (!Number.isFinite(params.now)) throw new TypeError('search: params.now must be epoch milliseconds');
      const parsed = parseSearchQuery(params.q);
      if (!parsed) return null;
      const page = pageNumber(params.page);
      const empty: SearchResponse = { total: 0, page, pageCount: 0, results: [] };

      const range = dateKeyRange(params.from, params.to);
      if (range.lo > range.hi) return empty;
      let pub: number | null = null;
      if (typeof params.paper === 'string' && params.paper !== '') {
        pub = statements.publicationIdBySlug(params.paper);
        if (pub === null) return empty;
      }
      const filter = matchFilter(parsed, range, pub, hiddenIssues(statements.embargoedIssues(params.now), pub, range.lo, range.hi));

      cache.validate(statements.dataVersion());
      const cacheKey = filterCacheKey(filter);
      const counted = cache.total(cacheKey, () => statements.countMatches(filter, countCap));
      const total = Math.min(counted, countCap);
      const more: { atLeast?: true } = counted > countCap ? { atLeast: true } : {};
      const pageCount = Math.ceil(total / PAGE_SIZE);
      if (total === 0 || page > pageCount) return { ...empty, total, pageCount, ...more };

      const pieces = parsed.terms.flatMap(highlightPieces);
      const results: SearchResult[] = [];
      for (const key of ranker.pageKeys({ filter, cacheKey, counted }, params.sort, (page - 1) * PAGE_SIZE, PAGE_SIZE)) {
        const row = statements.articleByKey(key);
        // A stale index entry, or an issue embargoed meanwhile: never shown.
        if (!row || row.publish_at > params.now) continue;
        results.push(toResult(row, pieces));
      }
      return { total, ...more, page, pageCount, results };
    },
  };
}

function toResult(row: ArticleRow, pieces: HighlightPiece[]): SearchResult {
  const body = collapseSpace(blockTexts(parseBody(row.body_json)).join(' '));
  const heading = collapseSpace([row.kicker, row.title, row.subtitle].filter((s) => s).join(' '));
  return {
    articleId: row.id,
    paperSlug: row.slug,
    paperName: row.paper_name,
    date: row.date,
    pageNumber: row.page_number,
    pageName: row.page_name,
    position: row.position,
    title: row.title,
    titleHighlights: findMatches(row.title, pieces),
    snippet: buildSnippet(body, pieces) ?? buildSnippet(heading, pieces) ?? plainSnippet(body !== '' ? body : heading),
  };
}

/** The stored body blocks; a malformed body only costs the snippet. */
function parseBody(json: string): Block[] {
  try {
    const parsed: unknown = JSON.parse(json);
    return Array.isArray(parsed) ? (parsed as Block[]) : [];
  } catch {
    return [];
  }
}

function collapseSpace(s: string): string {
  return s.replace(/\s+/gu, ' ').trim();
}
