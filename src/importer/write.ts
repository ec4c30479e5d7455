import path from 'node:path';
import type { Db } from '../db/connection';
import { createImportStatements, type IssueFields } from '../db/import-statements';
import { blockTexts, type Block } from '../domain/blocks';
import type { StoredPublication } from '../domain/publication';
import type { PageDerivatives } from '../domain/page-images';
import { articleIndexText, createSearchIndexer, docKey } from '../search/indexer';
import type { IndexedText } from '../search/tokenize';
import { ImportValidationError } from './problems';
import { publicationMismatches } from './publication';
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

/** Characters of readable text: the same texts the search index gets (blockTexts), so a new block type is counted where it is indexed. */
function charCount(body: Block[]): number {
  return blockTexts(body).reduce((n, text) => n + text.length, 0);
}

/**
 * Writes validated issues. Each issue is one transaction: a re-import deletes
 * the old pages, articles and search rows and inserts the new ones, keeping the
 * issue row (and so its id) and bumping its modified time. Readers on other
 * connections see the old issue or the new one, never a mix (WAL snapshots).
 */
export interface IssueWriterOptions {
  now?: () => number;
  /** Let an issue change its paper's identity (name, description, language, time zone, footer lines); else such an issue is refused. */
  updatePublication?: boolean;
}

export function createIssueWriter(db: Db, { now = Date.now, updatePublication = false }: IssueWriterOptions = {}) {
  const search = createSearchIndexer(db);
  const stmt = createImportStatements(db);

  /**
   * The paper's id: a new paper is created; a stored one is changed only with
   * updatePublication. Validation refused a mismatch already; this guards
   * against one stored meanwhile (another import, an earlier issue of this one).
   */
  function publicationIdOf(given: StoredPublication, folder: string): number {
    const stored = stmt.findPublication(given.slug);
    if (!stored) return stmt.insertPublication(given);
    const mismatches = publicationMismatches(stored, given);
    if (mismatches.length > 0) {
      if (!updatePublication) throw new ImportValidationError(mismatches.map((m) => ({ file: path.join(folder, MANIFEST_NAME), ...m })));
      stmt.updatePublication(stored.id, given);
    }
    return stored.id;
  }

  function writeIssue(
    issue: ValidatedIssue,
    pdf: IssuePdf | null,
    texts: readonly IndexText[] | undefined,
    pageImages: readonly PageDerivatives[] | null | undefined,
  ): WriteResult {
    const publicationId = publicationIdOf(issue.publication, issue.folder);
    const existing = stmt.findIssue(publicationId, issue.date);
    const articleCount = issue.pages.reduce((n, p) => n + p.articles.length, 0);
    // Strictly increasing, so two imports within one millisecond still change validators.
    const modifiedAt = Math.max(now(), (existing?.modifiedAt ?? 0) + 1);
    const row: IssueFields = {
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
      stmt.deletePagesOfIssue(issueId);
      stmt.updateIssue(issueId, row);
    } else {
      issueId = stmt.insertIssue(row);
    }
    for (const m of issue.media) stmt.insertMedia({ path: m.storePath, contentType: m.contentType, size: m.size, width: m.width ?? null, height: m.height ?? null });
    if (pdf) stmt.insertMedia({ path: pdf.storePath, contentType: 'application/pdf', size: pdf.size, width: null, height: null });
    // The logo is not identity (src/domain/publication.ts): an issue that gives one sets it, one without keeps it.
    if (issue.logo) stmt.setPublicationLogo(publicationId, issue.logo.storePath);

    let seq = 0;
    const pageIds = new Map<number, number>();
    // Continuations may be on pages written later: their regions are written once every page row exists.
    const continued: { articleId: number; continuations: ValidatedIssue['pages'][number]['articles'][number]['continuations'] }[] = [];
    const toIndex: [key: number, text: IndexText][] = [];
    for (const [pageIndex, page] of issue.pages.entries()) {
      const pageId = stmt.insertPage(issueId, {
        number: page.number,
        name: page.name,
        imagePath: page.image.storePath,
        imageWidth: page.image.width,
        imageHeight: page.image.height,
        pdfPath: page.pdf?.storePath ?? null,
      });
      pageIds.set(page.number, pageId);
      const derived = pageImages?.[pageIndex];
      if (derived) stmt.insertPageImages(pageId, derived);
      for (const a of page.articles) {
        seq += 1;
        const firstImage = a.body.find((b) => b.type === 'image');
        const articleId = stmt.insertArticle({
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
        stmt.insertRegion({ articleId, ord: 1, pageId, pageNumber: page.number, polygonJson: a.hotspot ? JSON.stringify(a.hotspot) : null });
        if (a.continuations.length > 0) continued.push({ articleId, continuations: a.continuations });
        if (a.confidence !== null || a.textBoxes !== null) {
          stmt.insertArticleLayout(articleId, a.confidence, a.textBoxes === null ? null : Buffer.from(a.textBoxes, 'base64'));
        }
        toIndex.push([docKey(issue.date, publicationId, seq), texts?.[seq - 1] ?? articleIndexText(a)]);
      }
    }
    for (const { articleId, continuations } of continued) {
      continuations.forEach((c, i) =>
        stmt.insertRegion({ articleId, ord: i + 2, pageId: pageIds.get(c.page)!, pageNumber: c.page, polygonJson: c.hotspot ? JSON.stringify(c.hotspot) : null }),
      );
    }
    // Indexed after all rows are in (interleaving FTS5 inserts with article
    // inserts made each article insert ~20x slower), and in descending key
    // order: FTS5 starts a new segment whenever the rowid goes down, and the
    // search keys fall as seq rises (docs/search.md; 51 vs 167 ms an issue at 1M).
    for (const [key, text] of toIndex.reverse()) search.indexKey(key, text);
    stmt.bumpContentVersion();
    return { issueId, replaced: existing !== undefined, pages: issue.pages.length, articles: articleCount };
  }

  return {
    /**
     * One IMMEDIATE transaction per issue: the write lock is taken up front,
     * so it cannot fail half-way on a busy lock. `texts` (page by page, in
     * reading order) is the articles' index text when already computed;
     * `pageImages` (page order) the renditions and tiles made while preparing.
     */
    write: (issue: ValidatedIssue, pdf: IssuePdf | null, texts?: readonly IndexText[], pageImages?: readonly PageDerivatives[] | null): WriteResult =>
      db.transaction(writeIssue).immediate(issue, pdf, texts, pageImages),
  };
}
