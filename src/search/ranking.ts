// Result order: which keys fill positions [offset, offset + limit) of a
// filter's matches, by date or by relevance (docs/search.md, "Query
// execution", step 5).

import type { QueryCache } from './cache';
import { isSinglePhraseUnfiltered, type MatchFilter, type SortOrder } from './plan';
import type { SearchStatements } from './statements';

export interface RankingLimits {
  /** Relevance orders at most this many matches, the newest; older ones follow by date. */
  rankWindow: number;
  /** Counting stops here; a phrase matching more is too broad for bm25. */
  countCap: number;
}

/** A filter's matches and where its count and ranked window are cached. */
export interface Matches {
  filter: MatchFilter;
  cacheKey: string;
  /** Matches counted, up to countCap + 1. */
  counted: number;
}

export interface Ranker {
  /** Keys of result positions [offset, offset + limit) in the given order. */
  pageKeys(m: Matches, sort: SortOrder, offset: number, limit: number): number[];
}

export function createRanker(statements: SearchStatements, cache: QueryCache, limits: RankingLimits): Ranker {
  const { rankWindow, countCap } = limits;

  /** A phrase's unfiltered count up to the cap, cached like the queries' counts. */
  function phraseCount(phrase: string): number {
    const key = JSON.stringify(['phrase', phrase]);
    let n = cache.get(key)?.total;
    if (n === undefined) {
      n = statements.countPhrase(phrase, countCap);
      cache.remember(key, { total: n });
    }
    return n;
  }

  /**
   * Whether bm25 can rank the query within budget. bm25 first walks each
   * phrase's whole doclist, unfiltered, for its document frequency: for a
   * phrase found in most of the archive that walk alone took 290 ms at
   * 1,000,000 articles, however few matches the filters leave. So bm25 is
   * used when every phrase, unfiltered, matches at most countCap articles.
   */
  function bm25Affordable({ filter, counted }: Matches): boolean {
    if (filter.phrases.length === 0) return false;
    // The matches are a subset of each phrase's: more than the cap here means
    // more for every phrase, without walking any of them again.
    if (counted > countCap) return false;
    if (isSinglePhraseUnfiltered(filter)) return true;
    return filter.phrases.every((p) => phraseCount(p) <= countCap);
  }

  /** The window's matches whose title holds every term first, then the others, each newest first. */
  function titleFirstByDate(filter: MatchFilter): number[] {
    const window = statements.keysByDate(filter, rankWindow, 0);
    const inTitle = new Set(statements.keysWithTitleMatch(filter, rankWindow));
    return window.filter((k) => inTitle.has(k)).concat(window.filter((k) => !inTitle.has(k)));
  }

  /**
   * The newest `rankWindow` matches in relevance order, cached for the next
   * pages. Narrow queries: bm25 over the window (FTS5 walks it newest first
   * and stops there; SQLite sorts). Broad ones: title matches first, then by
   * date; article_titles is small, so finding them is cheap.
   */
  function rankedWindow(m: Matches): number[] {
    const hit = cache.get(m.cacheKey);
    if (hit?.ranked) return hit.ranked;
    const keys = bm25Affordable(m) ? statements.keysByBm25(m.filter, rankWindow) : titleFirstByDate(m.filter);
    cache.remember(m.cacheKey, { ranked: keys });
    return keys;
  }

  return {
    pageKeys(m, sort, offset, limit) {
      if (sort === 'date') return statements.keysByDate(m.filter, limit, offset);
      // Positions past the window are the older matches, in date order: the
      // same positions as in the date order, as the window is the newest.
      const top = offset < rankWindow ? rankedWindow(m).slice(offset, offset + limit) : [];
      const start = Math.max(offset, rankWindow);
      return top.concat(statements.keysByDate(m.filter, offset + limit - start, start));
    },
  };
}
