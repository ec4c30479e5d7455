import type { Db } from './connection';
import type { IssueDate } from '../domain/date';

/**
 * Reads for sitemaps and feeds, as named prepared statements. Like the
 * reading queries, every one takes `now` (epoch ms) and never returns an
 * embargoed issue (publish_at > now). Month statistics come from the
 * denormalised counts on the issue row, so the sitemap index and the
 * validators of a month never touch the page or article tables.
 */

/** One publication-month: what the sitemap index lists and what a month sitemap's validators derive from. */
export interface SitemapMonthRow {
  publication_id: number;
  slug: string;
  timezone: string;
  /** YYYY-MM */
  month: string;
  issues: number;
  /** issue + page + article URLs of the month */
  urls: number;
  /** max over the month's issues of max(modified_at, publish_at) */
  last_modified: number;
}

export interface SitemapIssueRow {
  id: number;
  date: IssueDate;
  publish_at: number;
  modified_at: number;
  page_count: number;
  article_count: number;
}

/** A page (kind 1, with its image) or an article (kind 2) of one issue, in sitemap order. */
export interface SitemapEntryRow {
  kind: 1 | 2;
  page: number;
  position: number;
  image_path: string | null;
}

export interface NewsArticleRow {
  slug: string;
  name: string;
  language: string;
  timezone: string;
  date: IssueDate;
  publish_at: number;
  page_number: number;
  position: number;
  title: string;
}

export interface FeedArticleRow {
  page_number: number;
  position: number;
  title: string;
  byline: string | null;
  lead: string;
  page_name: string;
}

const MONTH_COLUMNS = `i.publication_id, p.slug, p.timezone, substr(i.date, 1, 7) AS month, count(*) AS issues,
  sum(1 + i.page_count + i.article_count) AS urls, max(max(i.modified_at, i.publish_at)) AS last_modified`;

export function createSitemapQueries(db: Db) {
  const s = {
    months: db.prepare(`
      SELECT ${MONTH_COLUMNS}
      FROM issue i JOIN publication p ON p.id = i.publication_id
      WHERE i.publish_at <= ?
      GROUP BY i.publication_id, month
      ORDER BY p.id, month`),
    month: db.prepare(`
      SELECT ${MONTH_COLUMNS}
      FROM issue i JOIN publication p ON p.id = i.publication_id
      WHERE i.publication_id = @publicationId AND i.date >= @from AND i.date <= @to AND i.publish_at <= @now
      GROUP BY i.publication_id, month`),
    issuesOfMonth: db.prepare(`
      SELECT id, date, publish_at, modified_at, page_count, article_count FROM issue
      WHERE publication_id = @publicationId AND date >= @from AND date <= @to AND publish_at <= @now
      ORDER BY date`),
    // A page is followed by its articles: ORDER BY page, kind, position.
    issueEntries: db.prepare(`
      SELECT 1 AS kind, number AS page, 0 AS position, image_path FROM page WHERE issue_id = @issueId
      UNION ALL
      SELECT 2 AS kind, page_number AS page, position, NULL AS image_path FROM article WHERE issue_id = @issueId
      ORDER BY page, kind, position
      LIMIT @limit OFFSET @offset`),
    newsArticles: db.prepare(`
      SELECT p.slug, p.name, p.language, p.timezone, i.date, i.publish_at, a.page_number, a.position, a.title
      FROM issue i
      JOIN publication p ON p.id = i.publication_id
      JOIN article a ON a.issue_id = i.id
      WHERE i.publish_at >= @from AND i.publish_at <= @now
      ORDER BY i.publish_at DESC, p.id, a.seq
      LIMIT @limit`),
    feedArticles: db.prepare(`
      SELECT a.page_number, a.position, a.title, a.byline, a.lead, pg.name AS page_name
      FROM article a JOIN page pg ON pg.id = a.page_id
      WHERE a.issue_id = ?
      ORDER BY a.seq`),
  };

  const monthRange = (month: string) => ({ from: `${month}-01`, to: `${month}-31` });

  return {
    /** Every publication-month with a published issue, in publication then month order. */
    months: (now: number): SitemapMonthRow[] => s.months.all(now) as SitemapMonthRow[],
    /** One publication-month, or undefined when it has no published issue. */
    month: (publicationId: number, month: string, now: number): SitemapMonthRow | undefined =>
      s.month.get({ publicationId, now, ...monthRange(month) }) as SitemapMonthRow | undefined,
    /** The published issues of a month in date order (at most 31 rows). */
    issuesOfMonth: (publicationId: number, month: string, now: number): SitemapIssueRow[] =>
      s.issuesOfMonth.all({ publicationId, now, ...monthRange(month) }) as SitemapIssueRow[],
    /** Streams pages and articles of one issue in sitemap order, skipping `offset` and yielding at most `limit`. */
    issueEntries: (issueId: number, offset: number, limit: number): IterableIterator<SitemapEntryRow> =>
      s.issueEntries.iterate({ issueId, offset, limit }) as IterableIterator<SitemapEntryRow>,
    /** Streams the articles of issues published in [from, now], newest issue first, at most `limit`. */
    newsArticles: (from: number, now: number, limit: number): IterableIterator<NewsArticleRow> =>
      s.newsArticles.iterate({ from, now, limit }) as IterableIterator<NewsArticleRow>,
    /** The articles of one issue in reading order, with their page's name. */
    feedArticles: (issueId: number): FeedArticleRow[] => s.feedArticles.all(issueId) as FeedArticleRow[],
  };
}

export type SitemapQueries = ReturnType<typeof createSitemapQueries>;
