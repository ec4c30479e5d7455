// The searcher's SQL, one named function a statement. The match statements
// take their shape from the filter (which conditions on the key apply) and are
// prepared once per shape.

import type Database from 'better-sqlite3';
import { ISSUE_SHIFT, MAX_DOC_KEY, PUB_MASK, decodeDocKey } from './indexer';
import { ISSUE_KEYS, type EmbargoedIssue, type MatchFilter } from './plan';

/** bm25 column weights: a match in the title (kicker, title, subtitle) weighs ten body matches. */
export const TITLE_WEIGHT = 10;
export const BODY_WEIGHT = 1;
// bm25() itself rather than FTS5's ORDER BY rank, which sorts in a nested
// query and re-seeks every row: 2-5x slower here (docs/search.md). Columns in
// table order: body, title.
const BM25 = `bm25(article_fts, ${BODY_WEIGHT.toFixed(1)}, ${TITLE_WEIGHT.toFixed(1)})`;

/** An article as a result needs it, with its issue, paper and page. */
export interface ArticleRow {
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

export interface SearchStatements {
  publicationIdBySlug(slug: string): number | null;
  /** Issues with publish_at > now. */
  embargoedIssues(now: number): EmbargoedIssue[];
  /** The article a document key stands for, or undefined for a stale key. */
  articleByKey(key: number): ArticleRow | undefined;
  /** Matches of the filter, counting at most cap + 1 (enough to tell there are more). */
  countMatches(f: MatchFilter, cap: number): number;
  /** Articles matching one article_fts phrase, unfiltered, counting at most cap + 1. */
  countPhrase(phrase: string, cap: number): number;
  /** Keys of the matches newest first, positions [offset, offset + limit). */
  keysByDate(f: MatchFilter, limit: number, offset: number): number[];
  /** The newest `window` matches with their bm25 scores (lower is better), best first, ties newest first. */
  scoredByBm25(f: MatchFilter, window: number): ScoredKey[];
  /** The newest `window` articles whose title holds every term, newest first. */
  keysWithTitleMatch(f: MatchFilter, window: number): number[];
  /** Changes whenever the database does: commits of other connections, and this one's own writes. */
  dataVersion(): string;
}

/** A document key with its bm25 score: negative, lower is more relevant. */
export interface ScoredKey {
  k: number;
  score: number;
}

type Args = Record<string, unknown>;

/**
 * Conditions on the document key (rowid), shared by every table: date range,
 * paper, embargo. Adds their parameters to `args`.
 */
function keyConditions(f: MatchFilter, args: Args): string {
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
function matchesClause(f: MatchFilter): { sql: string; args: Args } {
  const args: Args = {};
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
  return { sql: sql + keyConditions(f, args), args };
}

export function createSearchStatements(db: Database.Database): SearchStatements {
  const publicationBySlug = db.prepare<[string], { id: number }>('SELECT id FROM publication WHERE slug = ?');
  // Embargoed issues are the few not yet published; they are excluded by the
  // issue part of the key rather than by joining every match.
  const embargoed = db.prepare<[number], EmbargoedIssue>('SELECT date, publication_id FROM issue WHERE publish_at > ?');
  const articleByIssueSeq = db.prepare<{ pub: number; date: string; seq: number }, ArticleRow>(
    `SELECT a.id, a.kicker, a.title, a.subtitle, a.body_json, a.page_number, a.position,
            i.date, i.publish_at, p.slug, p.name AS paper_name, pg.name AS page_name
       FROM issue i
       JOIN publication p ON p.id = i.publication_id
       JOIN article a ON a.issue_id = i.id AND a.seq = @seq
       JOIN page pg ON pg.id = a.page_id
      WHERE i.publication_id = @pub AND i.date = @date`,
  );
  const dataVersion = db.prepare('PRAGMA data_version').pluck();
  const totalChanges = db.prepare('SELECT total_changes()').pluck();

  // One statement per shape of filter and order, prepared on first use.
  const byShape = new Map<string, Database.Statement>();
  function shaped(sql: string): Database.Statement {
    let st = byShape.get(sql);
    if (!st) {
      st = db.prepare(sql);
      byShape.set(sql, st);
    }
    return st;
  }
  function keys(sql: string, args: Args): number[] {
    return (shaped(sql).all(args) as Array<{ k: number }>).map((r) => r.k);
  }
  function cappedCount(from: string, args: Args, cap: number): number {
    return (shaped(`SELECT count(*) AS n FROM (SELECT 1 ${from} LIMIT ${cap + 1})`).get(args) as { n: number }).n;
  }

  return {
    publicationIdBySlug: (slug) => publicationBySlug.get(slug)?.id ?? null,
    embargoedIssues: (now) => embargoed.all(now),
    articleByKey(key) {
      const d = decodeDocKey(key);
      return articleByIssueSeq.get({ pub: d.publicationId, date: d.date, seq: d.seq });
    },
    countMatches(f, cap) {
      const { sql, args } = matchesClause(f);
      return cappedCount(sql, args, cap);
    },
    countPhrase: (phrase, cap) => cappedCount('FROM article_fts WHERE article_fts MATCH @phrase', { phrase }, cap),
    keysByDate(f, limit, offset) {
      if (limit <= 0) return [];
      const { sql, args } = matchesClause(f);
      return keys(`SELECT rowid AS k ${sql} ORDER BY rowid DESC LIMIT @limit OFFSET @offset`, { ...args, limit, offset });
    },
    scoredByBm25(f, window) {
      const { sql, args } = matchesClause(f);
      const st = shaped(
        `SELECT k, score FROM (SELECT rowid AS k, ${BM25} AS score ${sql} ORDER BY rowid DESC LIMIT ${window})
          ORDER BY score, k DESC`,
      );
      return st.all(args) as ScoredKey[];
    },
    keysWithTitleMatch(f, window) {
      const args: Args = { title: f.title };
      const sql = `SELECT rowid AS k FROM article_titles WHERE article_titles MATCH @title${keyConditions(f, args)}
                    ORDER BY rowid DESC LIMIT ${window}`;
      return keys(sql, args);
    },
    dataVersion: () => `${dataVersion.get() as number}:${totalChanges.get() as number}`,
  };
}
