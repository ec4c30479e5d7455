import type { Db } from './connection';
import type { IssueDate } from '../domain/date';

/**
 * Reads of the reader's page extras: the text boxes a search hit is drawn
 * from (migration 006), and the front pages of the same day in earlier years
 * (历史上的今天).
 */

/** An article of a page with what its layout text and text boxes need. */
export interface ArticleLayoutRow {
  id: number;
  position: number;
  kicker: string | null;
  title: string;
  subtitle: string | null;
  byline: string | null;
  body_json: string;
  hotspot_json: string | null;
  /** Packed text boxes; null when the import kept none (a JSON manifest without textBoxes). */
  boxes: Buffer | null;
}

/** A front page (01版) of an earlier issue of the same month and day. */
export interface SameDayFrontRow {
  date: IssueDate;
  page_id: number;
  page_number: number;
  image_path: string;
  image_width: number;
  image_height: number;
}

export function createReaderQueries(db: Db) {
  const s = {
    layoutsOfPage: db.prepare<[number], ArticleLayoutRow>(`
      SELECT a.id, a.position, a.kicker, a.title, a.subtitle, a.byline, a.body_json, a.hotspot_json, l.boxes
      FROM article a LEFT JOIN article_layout l ON l.article_id = a.id
      WHERE a.page_id = ? ORDER BY a.position`),
    textBoxesOf: db.prepare<[number], { boxes: Buffer | null }>('SELECT boxes FROM article_layout WHERE article_id = ?'),
    // The paper's issues are few thousand at most: the (publication_id, date) index is scanned, and the month-day compared.
    sameDayFronts: db.prepare<[number, string, string, number, number], SameDayFrontRow>(`
      SELECT i.date, p.id AS page_id, p.number AS page_number, p.image_path, p.image_width, p.image_height
      FROM issue i JOIN page p ON p.issue_id = i.id
      AND p.number = (SELECT min(number) FROM page WHERE issue_id = i.id)
      WHERE i.publication_id = ? AND substr(i.date, 6) = ? AND i.date < ? AND i.publish_at <= ?
      ORDER BY i.date DESC LIMIT ?`),
  };
  return {
    /** Every article of a page with its text and text boxes, in position order. */
    layoutsOfPage: (pageId: number): ArticleLayoutRow[] => s.layoutsOfPage.all(pageId),
    /** An article's packed text boxes, or null. */
    textBoxesOf: (articleId: number): Buffer | null => s.textBoxesOf.get(articleId)?.boxes ?? null,
    /** The first page of each issue of the paper on the same month and day as `date`, in earlier years, newest first. */
    sameDayFronts: (publicationId: number, date: IssueDate, now: number, limit: number): SameDayFrontRow[] =>
      s.sameDayFronts.all(publicationId, date.slice(5), date, now, limit),
  };
}
