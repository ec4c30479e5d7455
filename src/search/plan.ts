// Query planning: a parsed query and the request's filters become one
// MatchFilter, every filter expressed on the document key (see indexer.ts).
// Pure functions: the lookups they need are passed in.

import { dayNumber } from '../domain/date';
import { ISSUE_SHIFT, MAX_DOC_KEY, dayKeyRange, issueKey } from './indexer';
import type { ParsedQuery } from './tokenize';

export const PAGE_SIZE = 20;
/** Document keys of one issue: key >> ISSUE_SHIFT is the issue part. */
export const ISSUE_KEYS = 2 ** ISSUE_SHIFT;

export type SortOrder = 'relevance' | 'date';

/** What to match and which documents may match, shared by every table and order. */
export interface MatchFilter {
  /** article_fts phrases, ANDed; none when the query is character conditions only. */
  phrases: string[];
  /** article_chars conditions ANDed, or null. */
  chars: string | null;
  /** article_titles expression: every term in the title. */
  title: string;
  /** Inclusive key range of the date filter. */
  lo: number;
  hi: number;
  /** Publication id, or null for every paper. */
  pub: number | null;
  /** Issue parts (key >> ISSUE_SHIFT) of embargoed issues inside the range. */
  hidden: number[];
}

/** An issue not yet published, as the issue table has it. */
export interface EmbargoedIssue {
  date: string;
  publication_id: number;
}

/** A 1-based page number; anything else is page 1. */
export function pageNumber(page: number): number {
  return Number.isFinite(page) && page >= 1 ? Math.floor(page) : 1;
}

/** The inclusive key range of the issue dates from..to; an invalid or missing date leaves that side open. */
export function dateKeyRange(from: string | undefined, to: string | undefined): { lo: number; hi: number } {
  const fromDay = typeof from === 'string' ? dayNumber(from) : null;
  const toDay = typeof to === 'string' ? dayNumber(to) : null;
  return {
    lo: fromDay !== null ? dayKeyRange(fromDay, fromDay)[0] : 0,
    hi: toDay !== null ? dayKeyRange(toDay, toDay)[1] : MAX_DOC_KEY,
  };
}

/** Issue parts of the embargoed issues the filter could otherwise reach: the others cannot match anyway. */
export function hiddenIssues(embargoed: readonly EmbargoedIssue[], pub: number | null, lo: number, hi: number): number[] {
  const hidden: number[] = [];
  for (const e of embargoed) {
    if (pub !== null && e.publication_id !== pub) continue;
    const ik = issueKey(e.date, e.publication_id);
    // Day-aligned ranges: an issue is wholly inside or outside [lo, hi].
    if (ik * ISSUE_KEYS < lo || ik * ISSUE_KEYS > hi) continue;
    hidden.push(ik);
  }
  return hidden;
}

export function matchFilter(
  parsed: ParsedQuery,
  range: { lo: number; hi: number },
  pub: number | null,
  hidden: number[],
): MatchFilter {
  return {
    phrases: parsed.phrases,
    chars: parsed.chars.length > 0 ? parsed.chars.join(' AND ') : null,
    title: parsed.title,
    lo: range.lo,
    hi: range.hi,
    pub,
    hidden,
  };
}

/** Whether the filter matches one phrase over the whole archive: its count is that phrase's count. */
export function isSinglePhraseUnfiltered(f: MatchFilter): boolean {
  return f.chars === null && f.phrases.length === 1 && f.lo === 0 && f.hi === MAX_DOC_KEY && f.pub === null && f.hidden.length === 0;
}

/** The cache key of a filter's matches (the title expression follows from the phrases). */
export function filterCacheKey(f: MatchFilter): string {
  return JSON.stringify([f.phrases, f.chars, f.lo, f.hi, f.pub, f.hidden]);
}
