// Result order: which keys fill positions [offset, offset + limit) of a
// filter's matches, by date or by relevance (docs/search.md, "Query
// execution", step 5).

import type { QueryCache } from './cache';
import { isSinglePhraseUnfiltered, type MatchFilter, type SortOrder } from './plan';
import type { ScoredKey, SearchStatements } from './statements';

/**
 * bm25 scores within this fraction of the best score of their tier count as
 * equal relevance. Most of the differences that small come from document
 * length (for the demo's title matches of one word, 6-11 %), which a reader
 * does not see as relevance; among equals the newest article comes first.
 */
export const RELEVANCE_TOLERANCE = 0.1;

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
    return cache.total(JSON.stringify(['phrase', phrase]), () => statements.countPhrase(phrase, countCap));
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

  /**
   * The newest `rankWindow` matches in relevance order, cached for the next
   * pages: those whose title holds every term first, then the others; within
   * each, by bm25 tier, newest first. bm25 only for narrow queries (FTS5 walks
   * the window newest first and stops there; SQLite sorts); broad ones go by
   * date within each group. article_titles is small, so finding the title
   * matches is cheap.
   */
  function rankedWindow(m: Matches): number[] {
    const hit = cache.get(m.cacheKey);
    if (hit?.ranked) return hit.ranked;
    const inTitle = new Set(statements.keysWithTitleMatch(m.filter, rankWindow));
    let keys: number[];
    if (bm25Affordable(m)) {
      const scored = statements.scoredByBm25(m.filter, rankWindow);
      const [title, other] = partition(scored, (s) => inTitle.has(s.k));
      keys = byTierNewestFirst(title).concat(byTierNewestFirst(other));
    } else {
      const [title, other] = partition(statements.keysByDate(m.filter, rankWindow, 0), (k) => inTitle.has(k));
      keys = title.concat(other);
    }
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

/** The items that pass, then those that do not, each in their order. */
function partition<T>(items: readonly T[], test: (item: T) => boolean): [T[], T[]] {
  const pass: T[] = [];
  const fail: T[] = [];
  for (const item of items) (test(item) ? pass : fail).push(item);
  return [pass, fail];
}

/**
 * Keys sorted best first cut into tiers, a tier being every score within
 * RELEVANCE_TOLERANCE of its first (best) one; each tier newest first (keys
 * sort by date).
 */
export function byTierNewestFirst(scored: readonly ScoredKey[]): number[] {
  const out: number[] = [];
  let tier: number[] = [];
  let bound = -Infinity;
  for (const { k, score } of scored) {
    // Scores are negative: the tier holds those at most (1 - tolerance) of its best.
    if (score > bound) {
      out.push(...tier.sort((a, b) => b - a));
      tier = [];
      bound = score * (1 - RELEVANCE_TOLERANCE);
    }
    tier.push(k);
  }
  return out.concat(tier.sort((a, b) => b - a));
}
