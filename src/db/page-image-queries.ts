import type { Db } from './connection';
import type { PageDerivatives, Rendition, RenditionFormat, RenditionPurpose, TileSet } from '../domain/page-images';

/**
 * The renditions and tile set of pages (migration 007), for srcset/sizes and
 * the zoom viewer. Renditions come ordered by purpose, format and width, the
 * order a srcset lists them in.
 */

interface RenditionRow {
  page_id: number;
  purpose: RenditionPurpose;
  content_type: string;
  width: number;
  height: number;
  size: number;
  path: string;
}

interface TileRow {
  page_id: number;
  id: string;
  width: number;
  height: number;
  tile_size: number;
  files: number;
  bytes: number;
}

const FORMATS: Record<string, RenditionFormat> = { 'image/webp': 'webp', 'image/jpeg': 'jpeg' };

const RENDITION_SELECT = `
  SELECT r.page_id, r.purpose, m.content_type, m.width, m.height, m.size, m.path
  FROM page_rendition r JOIN media m ON m.path = r.path`;
const RENDITION_ORDER = 'ORDER BY r.purpose, m.content_type, m.width';
const TILE_SELECT = `
  SELECT pt.page_id, t.id, t.width, t.height, t.tile_size, t.files, t.bytes
  FROM page_tiles pt JOIN tile_set t ON t.id = pt.tile_set_id`;

function rendition(row: RenditionRow): Rendition {
  return { purpose: row.purpose, format: FORMATS[row.content_type]!, width: row.width, height: row.height, size: row.size, path: row.path };
}

function tileSet(row: TileRow): TileSet {
  return { id: row.id, width: row.width, height: row.height, tileSize: row.tile_size, files: row.files, bytes: row.bytes };
}

export function createPageImageQueries(db: Db) {
  const s = {
    renditionsOfPage: db.prepare<[number], RenditionRow>(`${RENDITION_SELECT} WHERE r.page_id = ? ${RENDITION_ORDER}`),
    tilesOfPage: db.prepare<[number], TileRow>(`${TILE_SELECT} WHERE pt.page_id = ?`),
    renditionsOfIssue: db.prepare<[number], RenditionRow>(
      `${RENDITION_SELECT} JOIN page p ON p.id = r.page_id WHERE p.issue_id = ? ${RENDITION_ORDER}`,
    ),
    tilesOfIssue: db.prepare<[number], TileRow>(`${TILE_SELECT} JOIN page p ON p.id = pt.page_id WHERE p.issue_id = ?`),
  };
  return {
    /** A page's renditions (empty for a page imported before migration 007) and its tile set, or null. */
    pageImages: (pageId: number): PageDerivatives => {
      const tiles = s.tilesOfPage.get(pageId);
      return { renditions: s.renditionsOfPage.all(pageId).map(rendition), tiles: tiles ? tileSet(tiles) : null };
    },
    /** The same for every page of an issue, by page id, in two queries (the issue view's thumbnails). */
    pageImagesOfIssue: (issueId: number): Map<number, PageDerivatives> => {
      const out = new Map<number, PageDerivatives>();
      const of = (pageId: number): PageDerivatives => {
        let d = out.get(pageId);
        if (!d) out.set(pageId, (d = { renditions: [], tiles: null }));
        return d;
      };
      for (const row of s.renditionsOfIssue.all(issueId)) of(row.page_id).renditions.push(rendition(row));
      for (const row of s.tilesOfIssue.all(issueId)) of(row.page_id).tiles = tileSet(row);
      return out;
    },
  };
}

export type PageImageQueries = ReturnType<typeof createPageImageQueries>;
