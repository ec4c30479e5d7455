import type { Db } from './connection';
import type { IssueDate } from '../domain/date';
import type { StoredPublication } from '../domain/publication';
import type { PageDerivatives, RenditionFormat } from '../domain/page-images';

/**
 * Every write of an issue import, as named prepared statements built once per
 * connection (the reads are in queries.ts and sitemap-queries.ts; the search
 * tables are written by src/search/indexer.ts). The caller runs them inside
 * its own transaction, one issue at a time.
 */

export interface IssueFields {
  publicationId: number;
  date: IssueDate;
  number: number | null;
  publishAt: number;
  modifiedAt: number;
  pageCount: number;
  articleCount: number;
  pdfPath: string | null;
  pdfSize: number | null;
}

export interface PageFields {
  number: number;
  name: string;
  imagePath: string;
  imageWidth: number;
  imageHeight: number;
  pdfPath: string | null;
}

export interface ArticleFields {
  issueId: number;
  pageId: number;
  pageNumber: number;
  position: number;
  seq: number;
  kicker: string | null;
  title: string;
  subtitle: string | null;
  byline: string | null;
  lead: string;
  bodyJson: string;
  hotspotJson: string | null;
  imagePath: string | null;
  charCount: number;
}

export interface MediaFields {
  path: string;
  contentType: string;
  size: number;
  width: number | null;
  height: number | null;
}

/** Media types of the rendition formats, as the media table records them. */
export const RENDITION_TYPES: Record<RenditionFormat, string> = { webp: 'image/webp', jpeg: 'image/jpeg' };

export function createImportStatements(db: Db) {
  const s = {
    findPublication: db.prepare<[string], StoredPublication & { id: number }>(
      'SELECT id, slug, name, description, language, timezone, first_issue_date AS firstIssueDate, publisher, copyright, contact FROM publication WHERE slug = ?',
    ),
    insertPublication: db.prepare<StoredPublication, { id: number }>(
      `INSERT INTO publication (slug, name, description, language, timezone, first_issue_date, publisher, copyright, contact)
       VALUES (@slug, @name, @description, @language, @timezone, @firstIssueDate, @publisher, @copyright, @contact)
       RETURNING id`,
    ),
    updatePublication: db.prepare<StoredPublication & { id: number }>(
      `UPDATE publication SET name = @name, description = @description, language = @language, timezone = @timezone,
       first_issue_date = @firstIssueDate, publisher = @publisher, copyright = @copyright, contact = @contact WHERE id = @id`,
    ),
    setPublicationLogo: db.prepare<[string, number]>('UPDATE publication SET logo_path = ? WHERE id = ?'),
    findIssue: db.prepare<[number, IssueDate], { id: number; modified_at: number }>('SELECT id, modified_at FROM issue WHERE publication_id = ? AND date = ?'),
    deletePages: db.prepare<[number]>('DELETE FROM page WHERE issue_id = ?'),
    insertIssue: db.prepare<IssueFields, { id: number }>(
      `INSERT INTO issue (publication_id, date, number, publish_at, modified_at, page_count, article_count, pdf_path, pdf_size)
       VALUES (@publicationId, @date, @number, @publishAt, @modifiedAt, @pageCount, @articleCount, @pdfPath, @pdfSize) RETURNING id`,
    ),
    updateIssue: db.prepare<IssueFields & { id: number }>(
      `UPDATE issue SET number = @number, publish_at = @publishAt, modified_at = @modifiedAt, page_count = @pageCount,
         article_count = @articleCount, pdf_path = @pdfPath, pdf_size = @pdfSize WHERE id = @id`,
    ),
    insertPage: db.prepare<PageFields & { issueId: number }, { id: number }>(
      `INSERT INTO page (issue_id, number, name, image_path, image_width, image_height, pdf_path)
       VALUES (@issueId, @number, @name, @imagePath, @imageWidth, @imageHeight, @pdfPath) RETURNING id`,
    ),
    insertArticle: db.prepare<ArticleFields>(
      `INSERT INTO article (issue_id, page_id, page_number, position, seq, kicker, title, subtitle, byline, lead, body_json, hotspot_json, image_path, char_count)
       VALUES (@issueId, @pageId, @pageNumber, @position, @seq, @kicker, @title, @subtitle, @byline, @lead, @bodyJson, @hotspotJson, @imagePath, @charCount)`,
    ),
    insertRegion: db.prepare<{ articleId: number; ord: number; pageId: number; pageNumber: number; polygonJson: string | null }>(
      'INSERT INTO article_region (article_id, ord, page_id, page_number, polygon_json) VALUES (@articleId, @ord, @pageId, @pageNumber, @polygonJson)',
    ),
    insertArticleLayout: db.prepare<[number, number | null, Buffer | null]>('INSERT INTO article_layout (article_id, confidence, boxes) VALUES (?, ?, ?)'),
    insertMedia: db.prepare<MediaFields>(
      'INSERT OR IGNORE INTO media (path, content_type, size, width, height) VALUES (@path, @contentType, @size, @width, @height)',
    ),
    insertPageRendition: db.prepare<{ pageId: number; purpose: string; path: string }>(
      'INSERT INTO page_rendition (page_id, purpose, path) VALUES (@pageId, @purpose, @path)',
    ),
    insertTileSet: db.prepare<{ id: string; width: number; height: number; tileSize: number; files: number; bytes: number }>(
      'INSERT OR IGNORE INTO tile_set (id, width, height, tile_size, files, bytes) VALUES (@id, @width, @height, @tileSize, @files, @bytes)',
    ),
    insertPageTiles: db.prepare<[number, string]>('INSERT INTO page_tiles (page_id, tile_set_id) VALUES (?, ?)'),
    bumpContentVersion: db.prepare("UPDATE site_meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'content_version'"),
  };

  return {
    /** The stored paper of a slug, with its id. */
    findPublication: (slug: string): (StoredPublication & { id: number }) | undefined => s.findPublication.get(slug),
    /** Creates a paper; its id. */
    insertPublication: (p: StoredPublication): number => s.insertPublication.get(p)!.id,
    /** Changes a paper's name, description, language, time zone and footer lines (its slug stays). */
    updatePublication: (id: number, p: StoredPublication): void => void s.updatePublication.run({ ...p, id }),
    /** The paper's masthead logo, a media row written before (migration 011). */
    setPublicationLogo: (id: number, storePath: string): void => void s.setPublicationLogo.run(storePath, id),
    findIssue: (publicationId: number, date: IssueDate): { id: number; modifiedAt: number } | undefined => {
      const row = s.findIssue.get(publicationId, date);
      return row && { id: row.id, modifiedAt: row.modified_at };
    },
    /** Deletes the issue's pages and, by cascade, its articles (a re-import writes them afresh). */
    deletePagesOfIssue: (issueId: number): void => void s.deletePages.run(issueId),
    insertIssue: (issue: IssueFields): number => s.insertIssue.get(issue)!.id,
    updateIssue: (id: number, issue: IssueFields): void => void s.updateIssue.run({ ...issue, id }),
    insertPage: (issueId: number, page: PageFields): number => s.insertPage.get({ ...page, issueId })!.id,
    /** Inserts the article; its id. */
    insertArticle: (article: ArticleFields): number => Number(s.insertArticle.run(article).lastInsertRowid),
    /** One part of an article on a page (migrations/010_article_region.sql): ord 1 on its own page, 2.. its continuations. */
    insertRegion: (region: { articleId: number; ord: number; pageId: number; pageNumber: number; polygonJson: string | null }): void =>
      void s.insertRegion.run(region),
    /** What the PDF/scan importer found out about an article laid out on its page (migrations/006_article_layout.sql). */
    insertArticleLayout: (articleId: number, confidence: number | null, boxes: Buffer | null): void =>
      void s.insertArticleLayout.run(articleId, confidence, boxes),
    /** A media file already stored (same content, same path) is kept as it is. */
    insertMedia: (media: MediaFields): void => void s.insertMedia.run(media),
    /**
     * Records a page's renditions (each also a media row) and tile set. The
     * rows go with the page row: a re-import's deletePagesOfIssue removes them.
     */
    insertPageImages: (pageId: number, images: PageDerivatives): void => {
      for (const r of images.renditions) {
        s.insertMedia.run({ path: r.path, contentType: RENDITION_TYPES[r.format], size: r.size, width: r.width, height: r.height });
        s.insertPageRendition.run({ pageId, purpose: r.purpose, path: r.path });
      }
      if (images.tiles) {
        s.insertTileSet.run(images.tiles);
        s.insertPageTiles.run(pageId, images.tiles.id);
      }
    },
    /** Tells every reader's caches that content changed. */
    bumpContentVersion: (): void => void s.bumpContentVersion.run(),
  };
}

export type ImportStatements = ReturnType<typeof createImportStatements>;
