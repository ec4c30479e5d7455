import path from 'node:path';
import type { Db } from '../db/connection';
import type { Block } from '../domain/blocks';
import { articleIndexText, createSearchIndexer, docKey } from '../search/indexer';
import type { IndexedText } from '../search/tokenize';
import { ImportValidationError } from './problems';
import { publicationMismatches, type Publication } from './publication';
import { MANIFEST_NAME, type ValidatedIssue } from './validate';

/** An article's index text, as strings or as UTF-8 bytes from the import worker. */
type IndexText = IndexedText<string | Buffer>;

export interface IssuePdf {
  storePath: string;
  size: number;
}

export interface WriteResult {
  issueId: number;
  replaced: boolean;
  pages: number;
  articles: number;
}

const LEAD_MAX_CHARS = 200;

function leadOf(body: Block[]): string {
  const first = body.find((b) => b.type === 'paragraph');
  if (!first || first.type === 'image') return '';
  return first.text.length > LEAD_MAX_CHARS ? `${first.text.slice(0, LEAD_MAX_CHARS - 1)}…` : first.text;
}

function charCount(body: Block[]): number {
  return body.reduce((n, b) => n + (b.type === 'image' ? (b.caption?.length ?? 0) : b.text.length), 0);
}

/**
 * Writes validated issues. Each issue is one transaction: a re-import deletes
 * the old pages, articles and search rows and inserts the new ones, keeping the
 * issue row (and so its id) and bumping its modified time. Readers on other
 * connections see the old issue or the new one, never a mix (WAL snapshots).
 */
export interface IssueWriterOptions {
  now?: () => number;
  /** Let an issue change its paper's identity (name, description, language, time zone); else such an issue is refused. */
  updatePublication?: boolean;
}

export function createIssueWriter(db: Db, { now = Date.now, updatePublication = false }: IssueWriterOptions = {}) {
  const search = createSearchIndexer(db);
  const stmt = {
    findPublication: db.prepare('SELECT id, slug, name, description, language, timezone FROM publication WHERE slug = ?'),
    insertPublication: db.prepare(
      `INSERT INTO publication (slug, name, description, language, timezone) VALUES (@slug, @name, @description, @language, @timezone)
       RETURNING id`,
    ),
    updatePublication: db.prepare(
      'UPDATE publication SET name = @name, description = @description, language = @language, timezone = @timezone WHERE id = @id',
    ),
    findIssue: db.prepare('SELECT id, modified_at FROM issue WHERE publication_id = ? AND date = ?'),
    deletePages: db.prepare('DELETE FROM page WHERE issue_id = ?'),
    insertIssue: db.prepare(
      `INSERT INTO issue (publication_id, date, number, publish_at, modified_at, page_count, article_count, pdf_path, pdf_size)
       VALUES (@publicationId, @date, @number, @publishAt, @modifiedAt, @pageCount, @articleCount, @pdfPath, @pdfSize) RETURNING id`,
    ),
    updateIssue: db.prepare(
      `UPDATE issue SET number = @number, publish_at = @publishAt, modified_at = @modifiedAt, page_count = @pageCount,
         article_count = @articleCount, pdf_path = @pdfPath, pdf_size = @pdfSize WHERE id = @id`,
    ),
    insertPage: db.prepare(
      `INSERT INTO page (issue_id, number, name, image_path, image_width, image_height, pdf_path)
       VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
    ),
    insertArticle: db.prepare(
      `INSERT INTO article (issue_id, page_id, page_number, position, seq, kicker, title, subtitle, byline, lead, body_json, hotspot_json, image_path, char_count)
       VALUES (@issueId, @pageId, @pageNumber, @position, @seq, @kicker, @title, @subtitle, @byline, @lead, @bodyJson, @hotspotJson, @imagePath, @charCount)`,
    ),
    insertMedia: db.prepare(
      'INSERT OR IGNORE INTO media (path, content_type, size, width, height) VALUES (?, ?, ?, ?, ?)',
    ),
    bumpContentVersion: db.prepare("UPDATE site_meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'content_version'"),
  };

  /**
   * The paper's id: a new paper is created; a stored one is changed only with
   * updatePublication. Validation refused a mismatch already; this guards
   * against one stored meanwhile (another import, an earlier issue of this one).
   */
  function publicationIdOf(given: Publication, folder: string): number {
    const stored = stmt.findPublication.get(given.slug) as (Publication & { id: number }) | undefined;
    if (!stored) return (stmt.insertPublication.get(given) as { id: number }).id;
    const mismatches = publicationMismatches(stored, given);
    if (mismatches.length > 0) {
      if (!updatePublication) throw new ImportValidationError(mismatches.map((m) => ({ file: path.join(folder, MANIFEST_NAME), ...m })));
      stmt.updatePublication.run({ ...given, id: stored.id });
    }
    return stored.id;
  }

  function writeIssue(issue: ValidatedIssue, pdf: IssuePdf | null, texts: readonly IndexText[] | undefined): WriteResult {
    const publicationId = publicationIdOf(issue.publication, issue.folder);
    const existing = stmt.findIssue.get(publicationId, issue.date) as { id: number; modified_at: number } | undefined;
    const articleCount = issue.pages.reduce((n, p) => n + p.articles.length, 0);
    // Strictly increasing, so two imports within one millisecond still change validators.
    const modifiedAt = Math.max(now(), (existing?.modified_at ?? 0) + 1);
    const row = {
      publicationId,
      date: issue.date,
      number: issue.number,
      publishAt: issue.publishAt,
      modifiedAt,
      pageCount: issue.pages.length,
      articleCount,
      pdfPath: pdf?.storePath ?? null,
      pdfSize: pdf?.size ?? null,
    };
    let issueId: number;
    if (existing) {
      issueId = existing.id;
      search.removeIssue(issueId);
      stmt.deletePages.run(issueId); // cascades to articles
      stmt.updateIssue.run({ ...row, id: issueId });
    } else {
      issueId = (stmt.insertIssue.get(row) as { id: number }).id;
    }
    for (const m of issue.media) stmt.insertMedia.run(m.storePath, m.contentType, m.size, m.width ?? null, m.height ?? null);
    if (pdf) stmt.insertMedia.run(pdf.storePath, 'application/pdf', pdf.size, null, null);

    let seq = 0;
    const toIndex: [key: number, text: IndexText][] = [];
    for (const page of issue.pages) {
      const { id: pageId } = stmt.insertPage.get(
        issueId, page.number, page.name, page.image.storePath, page.image.width, page.image.height, page.pdf?.storePath ?? null,
      ) as { id: number };
      for (const a of page.articles) {
        seq += 1;
        const firstImage = a.body.find((b) => b.type === 'image');
        stmt.insertArticle.run({
          issueId,
          pageId,
          pageNumber: page.number,
          position: a.position,
          seq,
          kicker: a.kicker,
          title: a.title,
          subtitle: a.subtitle,
          byline: a.byline,
          lead: leadOf(a.body),
          bodyJson: JSON.stringify(a.body),
          hotspotJson: a.hotspot ? JSON.stringify(a.hotspot) : null,
          imagePath: firstImage && firstImage.type === 'image' ? firstImage.src : null,
          charCount: charCount(a.body),
        });
        toIndex.push([docKey(issue.date, publicationId, seq), texts?.[seq - 1] ?? articleIndexText(a)]);
      }
    }
    // Indexed after all rows are in (interleaving FTS5 inserts with article
    // inserts made each article insert ~20x slower), and in descending key
    // order: FTS5 starts a new segment whenever the rowid goes down, and the
    // search keys fall as seq rises (docs/search.md; 51 vs 167 ms an issue at 1M).
    for (const [key, text] of toIndex.reverse()) search.indexKey(key, text);
    stmt.bumpContentVersion.run();
    return { issueId, replaced: existing !== undefined, pages: issue.pages.length, articles: articleCount };
  }

  return {
    /**
     * One IMMEDIATE transaction per issue: the write lock is taken up front,
     * so it cannot fail half-way on a busy lock. `texts` (page by page, in
     * reading order) is the articles' index text when already computed.
     */
    write: (issue: ValidatedIssue, pdf: IssuePdf | null, texts?: readonly IndexText[]): WriteResult =>
      db.transaction(writeIssue).immediate(issue, pdf, texts),
  };
}
