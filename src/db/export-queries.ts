import type { Db } from './connection';
import type { IssueDate } from '../domain/date';

/** The bulk export's reads (src/export/jsonl.ts): every published article with its paper, issue and page, streamed. */

export interface ExportArticleRow {
  slug: string;
  paper_name: string;
  language: string;
  date: IssueDate;
  issue_number: number | null;
  page_number: number;
  page_name: string;
  image_path: string;
  image_width: number;
  image_height: number;
  position: number;
  kicker: string | null;
  title: string;
  subtitle: string | null;
  byline: string | null;
  hotspot_json: string | null;
  body_json: string;
  /** The article's regions (article_region rows as a JSON array, in order): several for a story printed across pages. */
  regions_json: string;
}

export function createExportQueries(db: Db) {
  const s = {
    // Paper by paper, issue by issue, each issue in reading order; embargoed issues are left out.
    articles: db.prepare(`
      SELECT p.slug, p.name AS paper_name, p.language, i.date, i.number AS issue_number,
             a.page_number, pg.name AS page_name, pg.image_path, pg.image_width, pg.image_height,
             a.position, a.kicker, a.title, a.subtitle, a.byline, a.hotspot_json, a.body_json,
             (SELECT json_group_array(json_object('ord', r.ord, 'page_number', r.page_number, 'polygon_json', r.polygon_json))
              FROM (SELECT * FROM article_region r WHERE r.article_id = a.id ORDER BY r.ord) r) AS regions_json
      FROM publication p
      JOIN issue i ON i.publication_id = p.id
      JOIN article a ON a.issue_id = i.id
      JOIN page pg ON pg.id = a.page_id
      WHERE i.publish_at <= ?
      ORDER BY p.id, i.date, a.seq`),
    articleCount: db.prepare('SELECT count(*) FROM article a JOIN issue i ON i.id = a.issue_id WHERE i.publish_at <= ?').pluck(),
  };
  return {
    /** Streams every published article: one row in memory at a time. */
    articles: (now: number): IterableIterator<ExportArticleRow> => s.articles.iterate(now) as IterableIterator<ExportArticleRow>,
    articleCount: (now: number): number => s.articleCount.get(now) as number,
  };
}
