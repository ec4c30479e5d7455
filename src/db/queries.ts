import type { Db } from './connection';
import type { IssueDate } from '../domain/date';
import { createPageImageQueries } from './page-image-queries';
import { createReaderQueries } from './reader-queries';

/**
 * Every read the site does, as named prepared statements built once per
 * connection. `now` (epoch ms) hides embargoed issues: an issue whose
 * publish_at lies in the future does not exist for readers.
 */

export interface PublicationRow {
  id: number;
  slug: string;
  name: string;
  description: string | null;
  language: string;
  timezone: string;
  /** The paper's real first issue (创刊号), when its data names it. */
  first_issue_date: string | null;
  /** 主办, 版权 and 联系 lines of the paper's footer. */
  publisher: string | null;
  copyright: string | null;
  contact: string | null;
  /** The masthead logo (migration 011): a media store path and its pixel size, or null. */
  logo_path: string | null;
  logo_width: number | null;
  logo_height: number | null;
}

export interface IssueRow {
  id: number;
  publication_id: number;
  date: IssueDate;
  number: number | null;
  publish_at: number;
  modified_at: number;
  page_count: number;
  article_count: number;
  pdf_path: string | null;
  pdf_size: number | null;
}

export interface PageRow {
  id: number;
  number: number;
  name: string;
  image_path: string;
  image_width: number;
  image_height: number;
  pdf_path: string | null;
}

/** An article as listed on pages and in title lists (no body). */
export interface ArticleSummaryRow {
  id: number;
  page_number: number;
  position: number;
  seq: number;
  kicker: string | null;
  title: string;
  subtitle: string | null;
  hotspot_json: string | null;
}

/** Enough of an article to link to it. */
export interface ArticleLinkRow {
  page_number: number;
  position: number;
  title: string;
}

export interface ArticleRow extends ArticleSummaryRow {
  byline: string | null;
  lead: string;
  body_json: string;
  image_path: string | null;
}

/** An article with its text, for an issue's IIIF manifest. */
export interface ArticleTextRow extends ArticleSummaryRow {
  byline: string | null;
  body_json: string;
}

/** One part of an article (migrations/010_article_region.sql): ord 1 on its own page, 2.. where it continues (转版). */
export interface RegionRow {
  ord: number;
  page_number: number;
  polygon_json: string | null;
}

/** A part of an article printed on another page than its own: the article and its outline on this page. */
export interface ContinuationRow extends ArticleSummaryRow {
  ord: number;
  region_json: string | null;
}

export interface NewsstandRow extends PublicationRow {
  issue_date: IssueDate | null;
  issue_number: number | null;
  issue_modified_at: number | null;
  front_image_path: string | null;
  front_page_id: number | null;
  front_image_width: number | null;
  front_image_height: number | null;
}

const LOGO_COLUMNS = `logo_path, (SELECT width FROM media WHERE path = logo_path) AS logo_width, (SELECT height FROM media WHERE path = logo_path) AS logo_height`;
const PUBLICATION_COLUMNS = `id, slug, name, description, language, timezone, first_issue_date, publisher, copyright, contact, ${LOGO_COLUMNS}`;
const ISSUE_COLUMNS = 'id, publication_id, date, number, publish_at, modified_at, page_count, article_count, pdf_path, pdf_size';
const SUMMARY_COLUMNS = 'id, page_number, position, seq, kicker, title, subtitle, hotspot_json';

export function createQueries(db: Db) {
  const s = {
    publications: db.prepare(`SELECT ${PUBLICATION_COLUMNS} FROM publication ORDER BY id`),
    publicationBySlug: db.prepare(`SELECT ${PUBLICATION_COLUMNS} FROM publication WHERE slug = ?`),
    newsstand: db.prepare(`
      SELECT p.id, p.slug, p.name, p.description, p.language, p.timezone, p.publisher, p.copyright, p.contact, p.first_issue_date,
             p.logo_path, (SELECT width FROM media WHERE path = p.logo_path) AS logo_width, (SELECT height FROM media WHERE path = p.logo_path) AS logo_height,
             i.date AS issue_date, i.number AS issue_number, i.modified_at AS issue_modified_at,
             pg.id AS front_page_id, pg.image_path AS front_image_path, pg.image_width AS front_image_width, pg.image_height AS front_image_height
      FROM publication p
      LEFT JOIN issue i ON i.id = (SELECT id FROM issue WHERE publication_id = p.id AND publish_at <= @now ORDER BY date DESC LIMIT 1)
      LEFT JOIN page pg ON pg.issue_id = i.id AND pg.number = 1
      ORDER BY p.id`),
    issueByDate: db.prepare(`SELECT ${ISSUE_COLUMNS} FROM issue WHERE publication_id = ? AND date = ? AND publish_at <= ?`),
    latestIssue: db.prepare(`SELECT ${ISSUE_COLUMNS} FROM issue WHERE publication_id = ? AND publish_at <= ? ORDER BY date DESC LIMIT 1`),
    firstIssue: db.prepare(`SELECT ${ISSUE_COLUMNS} FROM issue WHERE publication_id = ? AND publish_at <= ? ORDER BY date ASC LIMIT 1`),
    previousIssue: db.prepare(`SELECT ${ISSUE_COLUMNS} FROM issue WHERE publication_id = ? AND date < ? AND publish_at <= ? ORDER BY date DESC LIMIT 1`),
    nextIssue: db.prepare(`SELECT ${ISSUE_COLUMNS} FROM issue WHERE publication_id = ? AND date > ? AND publish_at <= ? ORDER BY date ASC LIMIT 1`),
    issueOnOrBefore: db.prepare(`SELECT ${ISSUE_COLUMNS} FROM issue WHERE publication_id = ? AND date <= ? AND publish_at <= ? ORDER BY date DESC LIMIT 1`),
    pagesOfIssue: db.prepare('SELECT id, number, name, image_path, image_width, image_height, pdf_path FROM page WHERE issue_id = ? ORDER BY number'),
    articlesOfIssue: db.prepare(`SELECT ${SUMMARY_COLUMNS} FROM article WHERE issue_id = ? ORDER BY seq`),
    // One page's articles. ORDER BY position (reading order within the page, as seq is
    // within the issue): with ORDER BY seq SQLite walks the issue's ~100 rows by the
    // (issue_id, seq) index instead, 180 us instead of 19 at 100,000 articles.
    articlesOfPage: db.prepare(`SELECT ${SUMMARY_COLUMNS} FROM article WHERE issue_id = ? AND page_number = ? ORDER BY position`),
    articlesOnPage: db.prepare('SELECT position, kicker, title FROM article WHERE issue_id = ? AND page_number = ? ORDER BY position'),
    articleTextsOfIssue: db.prepare(`SELECT ${SUMMARY_COLUMNS}, byline, body_json FROM article WHERE issue_id = ? ORDER BY seq`),
    articleAt: db.prepare(`SELECT ${SUMMARY_COLUMNS}, byline, lead, body_json, image_path FROM article WHERE issue_id = ? AND page_number = ? AND position = ?`),
    pageOfIssue: db.prepare('SELECT id, number, name, image_path, image_width, image_height, pdf_path FROM page WHERE issue_id = ? AND number = ?'),
    // The articles just before and after one in reading order (UNIQUE (issue_id, seq) answers it).
    articleNeighbours: db.prepare('SELECT seq, page_number, position, title FROM article WHERE issue_id = ? AND seq IN (?, ?)'),
    regionsOfArticle: db.prepare('SELECT ord, page_number, polygon_json FROM article_region WHERE article_id = ? ORDER BY ord'),
    continuationsOnPage: db.prepare(`
      SELECT ${SUMMARY_COLUMNS.split(', ').map((c) => `a.${c}`).join(', ')}, r.ord, r.polygon_json AS region_json
      FROM article_region r JOIN article a ON a.id = r.article_id
      WHERE r.page_id = ? AND r.ord > 1 ORDER BY a.seq`),
    issueDatesBetween: db.prepare('SELECT date FROM issue WHERE publication_id = ? AND date >= ? AND date <= ? AND publish_at <= ? ORDER BY date'),
    issueCountsByMonth: db.prepare(`
      SELECT substr(date, 1, 7) AS month, count(*) AS issues FROM issue
      WHERE publication_id = ? AND publish_at <= ? GROUP BY month ORDER BY month`),
    contentVersion: db.prepare("SELECT value FROM site_meta WHERE key = 'content_version'").pluck(),
    nextEmbargoEnd: db.prepare('SELECT min(publish_at) FROM issue WHERE publish_at > ?').pluck(),
  };

  return {
    publications: (): PublicationRow[] => s.publications.all() as PublicationRow[],
    publicationBySlug: (slug: string): PublicationRow | undefined => s.publicationBySlug.get(slug) as PublicationRow | undefined,
    newsstand: (now: number): NewsstandRow[] => s.newsstand.all({ now }) as NewsstandRow[],
    issueByDate: (publicationId: number, date: IssueDate, now: number): IssueRow | undefined =>
      s.issueByDate.get(publicationId, date, now) as IssueRow | undefined,
    latestIssue: (publicationId: number, now: number): IssueRow | undefined => s.latestIssue.get(publicationId, now) as IssueRow | undefined,
    firstIssue: (publicationId: number, now: number): IssueRow | undefined => s.firstIssue.get(publicationId, now) as IssueRow | undefined,
    previousIssue: (publicationId: number, date: IssueDate, now: number): IssueRow | undefined =>
      s.previousIssue.get(publicationId, date, now) as IssueRow | undefined,
    nextIssue: (publicationId: number, date: IssueDate, now: number): IssueRow | undefined =>
      s.nextIssue.get(publicationId, date, now) as IssueRow | undefined,
    issueOnOrBefore: (publicationId: number, date: IssueDate, now: number): IssueRow | undefined =>
      s.issueOnOrBefore.get(publicationId, date, now) as IssueRow | undefined,
    pagesOfIssue: (issueId: number): PageRow[] => s.pagesOfIssue.all(issueId) as PageRow[],
    articlesOfIssue: (issueId: number): ArticleSummaryRow[] => s.articlesOfIssue.all(issueId) as ArticleSummaryRow[],
    articlesOfPage: (issueId: number, pageNumber: number): ArticleSummaryRow[] => s.articlesOfPage.all(issueId, pageNumber) as ArticleSummaryRow[],
    articlesOnPage: (issueId: number, pageNumber: number): { position: number; kicker: string | null; title: string }[] =>
      s.articlesOnPage.all(issueId, pageNumber) as { position: number; kicker: string | null; title: string }[],
    articleTextsOfIssue: (issueId: number): ArticleTextRow[] => s.articleTextsOfIssue.all(issueId) as ArticleTextRow[],
    articleAt: (issueId: number, pageNumber: number, position: number): ArticleRow | undefined =>
      s.articleAt.get(issueId, pageNumber, position) as ArticleRow | undefined,
    pageOfIssue: (issueId: number, pageNumber: number): PageRow | undefined => s.pageOfIssue.get(issueId, pageNumber) as PageRow | undefined,
    /** The previous and next article of the issue in reading order (by seq), without reading the other ~100. */
    articleNeighbours: (issueId: number, seq: number): { prev: ArticleLinkRow | undefined; next: ArticleLinkRow | undefined } => {
      const rows = s.articleNeighbours.all(issueId, seq - 1, seq + 1) as (ArticleLinkRow & { seq: number })[];
      return { prev: rows.find((r) => r.seq === seq - 1), next: rows.find((r) => r.seq === seq + 1) };
    },
    /** Where each part of an article was printed, its own page first. */
    regionsOfArticle: (articleId: number): RegionRow[] => s.regionsOfArticle.all(articleId) as RegionRow[],
    /** Articles of other pages that continue on this page (转版), in reading order. */
    continuationsOnPage: (pageId: number): ContinuationRow[] => s.continuationsOnPage.all(pageId) as ContinuationRow[],
    issueDatesBetween: (publicationId: number, from: IssueDate, to: IssueDate, now: number): IssueDate[] =>
      (s.issueDatesBetween.all(publicationId, from, to, now) as { date: IssueDate }[]).map((r) => r.date),
    issueCountsByMonth: (publicationId: number, now: number): { month: string; issues: number }[] =>
      s.issueCountsByMonth.all(publicationId, now) as { month: string; issues: number }[],
    contentVersion: (): string => s.contentVersion.get() as string,
    /** The next instant at which an embargoed issue becomes visible, or null. */
    nextEmbargoEnd: (now: number): number | null => s.nextEmbargoEnd.get(now) as number | null,
    ...createPageImageQueries(db),
    ...createReaderQueries(db),
  };
}

export type Queries = ReturnType<typeof createQueries>;
