// Keeps the search tables (article_fts, article_chars, article_titles) in
// step with the article table. The importer calls these inside its own
// transaction.
//
// The FTS rowid is not article.id but a document key that sorts like
// (issue date, publication, reading order): newest-first results become
// FTS5's own descending rowid order (it stops after LIMIT rows), and the date,
// paper and embargo filters are comparisons and arithmetic on the rowid, so
// counting and sorting never join per match
// (docs/search.md has the figures). The key is made of
//   days since 0000-03-01 (22 bits) | publication.id (16 bits) | 8191 - article.seq (13 bits)
// which stays below 2^53, exact in a JS number. seq is inverted so that, newest
// first, an issue still reads from its first article.

import type Database from 'better-sqlite3';
import { blockTexts, type Block } from '../domain/blocks';
import { dateOfDayNumber, dayNumber } from '../domain/date';
import { decodeIndexTexts, encodeIndexTexts, type IndexedText, type IndexSource } from './tokenize';

const SEQ_BITS = 13;
const PUB_BITS = 16;
const SEQ_SPAN = 2 ** SEQ_BITS; // 8192
const PUB_SPAN = 2 ** PUB_BITS; // 65536
const ISSUE_SPAN = SEQ_SPAN; // keys of one issue
const DAY_SPAN = PUB_SPAN * SEQ_SPAN; // keys of one day
/** Bits right of the publication id, for `(rowid >> ISSUE_SHIFT)` in SQL. */
export const ISSUE_SHIFT = SEQ_BITS;
export const PUB_MASK = PUB_SPAN - 1;
export const MAX_DOC_KEY = 2 ** 51 - 1;

/** The issue part of a key (`key >> ISSUE_SHIFT`): day and publication. */
export function issueKey(date: string, publicationId: number): number {
  const day = dayNumber(date);
  if (day === null) throw new Error(`search index: invalid issue date ${JSON.stringify(date)}`);
  if (!Number.isInteger(publicationId) || publicationId < 0 || publicationId >= PUB_SPAN) {
    throw new Error(`search index: publication id ${publicationId} out of range 0..${PUB_SPAN - 1}`);
  }
  return day * PUB_SPAN + publicationId;
}

export function docKey(date: string, publicationId: number, seq: number): number {
  if (!Number.isInteger(seq) || seq < 1 || seq >= SEQ_SPAN) {
    throw new Error(`search index: article seq ${seq} out of range 1..${SEQ_SPAN - 1}`);
  }
  return issueKey(date, publicationId) * ISSUE_SPAN + (SEQ_SPAN - 1 - seq);
}

/** Decodes a key into what finds its article: publication, issue date and seq. */
export function decodeDocKey(key: number): { publicationId: number; date: string; seq: number } {
  const issue = Math.floor(key / ISSUE_SPAN);
  return {
    seq: SEQ_SPAN - 1 - (key - issue * ISSUE_SPAN),
    publicationId: issue % PUB_SPAN,
    date: dateOfDayNumber(Math.floor(issue / PUB_SPAN)),
  };
}

/** Inclusive key range of the issues dated from..to (days). */
export function dayKeyRange(fromDay: number, toDay: number): [number, number] {
  return [fromDay * DAY_SPAN, (toDay + 1) * DAY_SPAN - 1];
}

export function issueKeyRange(date: string, publicationId: number): [number, number] {
  const lo = issueKey(date, publicationId) * ISSUE_SPAN;
  return [lo, lo + ISSUE_SPAN - 1];
}

/** The FTS5 tables of the search index, all keyed by the document key. */
export const SEARCH_TABLES = ['article_fts', 'article_chars', 'article_titles'] as const;

export interface IndexableArticle {
  kicker?: string | null;
  title: string;
  subtitle?: string | null;
  body: readonly Block[];
}

export interface SearchIndexer {
  /**
   * Indexes one article; its article and issue rows must already exist and
   * its key must be free (removeIssue first on a re-import). Index an issue's
   * articles in reverse seq order: ascending keys let FTS5 keep them in
   * memory until commit instead of flushing a segment per article.
   */
  indexArticle(id: number, a: IndexableArticle, text?: IndexedText<string | Buffer>): void;
  /** indexArticle() for a writer that knows the article's key (docKey()) and text already. */
  indexKey(key: number, text: IndexedText<string | Buffer>): void;
  /** Removes every indexed article of the issue; call before its rows are deleted. */
  removeIssue(issueId: number): void;
}

/** Title column text: kicker, title and subtitle. */
export function titleText(a: { kicker?: string | null; title: string; subtitle?: string | null }): string {
  return [a.kicker, a.title, a.subtitle].filter((s): s is string => typeof s === 'string' && s !== '').join('\n');
}

/** The text an article is indexed by: its title column and its text blocks and captions. */
export function articleIndexSource(a: IndexableArticle): IndexSource {
  return { title: titleText(a), body: blockTexts(a.body).join('\n') };
}

/** What an article puts in the search tables, as the UTF-8 bytes that are bound (no string to convert back). */
export function articleIndexText(a: IndexableArticle): IndexedText<Buffer> {
  return decodeIndexTexts(encodeIndexTexts([articleIndexSource(a)]))[0]!;
}

export function createSearchIndexer(db: Database.Database): SearchIndexer {
  const articleKey = db.prepare<[number], { seq: number; date: string; publication_id: number }>(
    `SELECT a.seq, i.date, i.publication_id
       FROM article a JOIN issue i ON i.id = a.issue_id
      WHERE a.id = ?`,
  );
  const issueRow = db.prepare<[number], { date: string; publication_id: number }>(
    'SELECT date, publication_id FROM issue WHERE id = ?',
  );
  const tables = SEARCH_TABLES.map((t) => ({
    keysInRange: db.prepare<[number, number], number>(`SELECT id FROM ${t}_docsize WHERE id BETWEEN ? AND ?`).pluck(),
    deleteKey: db.prepare<[number]>(`DELETE FROM ${t} WHERE rowid = ?`),
  }));
  const insertPhrases = db.prepare<[number, string | Buffer, string | Buffer]>('INSERT INTO article_fts (rowid, body, title) VALUES (?, ?, ?)');
  const insertChars = db.prepare<[number, string | Buffer]>('INSERT INTO article_chars (rowid, chars) VALUES (?, ?)');
  const insertTitle = db.prepare<[number, string | Buffer]>('INSERT INTO article_titles (rowid, title) VALUES (?, ?)');

  const indexKey = (key: number, text: IndexedText<string | Buffer>): void => {
    // No per-article delete: an FTS5 delete flushes the pending index data,
    // which made every import ~5x slower. The key is derived from (date,
    // paper, seq) and removeIssue() clears the issue's whole key range before
    // a re-import, so the rowid is always free here.
    insertPhrases.run(key, text.body, text.title);
    insertChars.run(key, text.chars);
    insertTitle.run(key, text.title);
  };

  return {
    indexArticle(id, a, text = articleIndexText(a)) {
      const row = articleKey.get(id);
      if (!row) throw new Error(`search index: article ${id} (or its issue) not found; insert it before indexing`);
      indexKey(docKey(row.date, row.publication_id, row.seq), text);
    },
    indexKey,
    removeIssue(issueId) {
      const row = issueRow.get(issueId);
      if (!row) return;
      // Every key of the issue's range, stale ones included, read from FTS5's
      // documented %_docsize shadow table (a range DELETE on the FTS table
      // scans the whole table: 80 ms at 1M articles; this is ~0.5 ms a row).
      const [lo, hi] = issueKeyRange(row.date, row.publication_id);
      for (const t of tables) for (const key of t.keysInRange.all(lo, hi)) t.deleteKey.run(key);
    },
  };
}

/**
 * Rebuilds the search tables from the article table, e.g. after a change of
 * tokenization. Runs in one transaction; returns the number of articles.
 */
export function rebuildSearchIndex(db: Database.Database): number {
  const indexer = createSearchIndexer(db);
  // Key order within an issue is reverse seq: feeding FTS5 ascending keys
  // avoids a flush of its pending data per article. Ids first, as a
  // connection cannot write while it iterates.
  const ids = db
    .prepare<[], number>(
      `SELECT a.id FROM article a JOIN issue i ON i.id = a.issue_id
        ORDER BY i.date, i.publication_id, a.seq DESC`,
    )
    .pluck()
    .all();
  const article = db.prepare<[number], { kicker: string | null; title: string; subtitle: string | null; body_json: string }>(
    'SELECT kicker, title, subtitle, body_json FROM article WHERE id = ?',
  );
  return db.transaction(() => {
    for (const t of SEARCH_TABLES) db.prepare(`INSERT INTO ${t} (${t}) VALUES ('delete-all')`).run();
    let n = 0;
    for (const id of ids) {
      const r = article.get(id);
      if (!r) continue;
      let body: Block[] = [];
      try {
        const parsed: unknown = JSON.parse(r.body_json);
        if (Array.isArray(parsed)) body = parsed as Block[];
      } catch {
        // Indexed without its body rather than failing the whole rebuild.
      }
      indexer.indexArticle(id, { kicker: r.kicker, title: r.title, subtitle: r.subtitle, body });
      n++;
    }
    return n;
  })();
}

/**
 * Rebuilds the search index when a migration marked it stale (a new table
 * layout or tokenization: the tokenizer is JS, SQL cannot fill the tables).
 * Returns the number of articles indexed, or null when nothing was to do.
 */
export function rebuildSearchIndexIfStale(db: Database.Database): number | null {
  const flag = db.prepare<[], string>("SELECT value FROM site_meta WHERE key = 'search_index_stale'").pluck();
  if (flag.get() !== '1') return null;
  return db.transaction(() => {
    const n = rebuildSearchIndex(db);
    db.prepare("DELETE FROM site_meta WHERE key = 'search_index_stale'").run();
    return n;
  }).immediate();
}
