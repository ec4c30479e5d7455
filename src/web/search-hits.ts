import type { Request } from 'express';
import type { Block } from '../domain/blocks';
import { layoutText, unpackTextBoxes, type TextBox } from '../domain/text-boxes';
import { findMatches } from '../search/snippet';
import { highlightPieces, parseSearchQuery, type HighlightPiece } from '../search/tokenize';
import type { ArticleLayoutRow } from '../db/reader-queries';

/**
 * A search hit drawn on the page image (issue #18, item 7). A search result
 * links to its article and page with `?hl=<query>`; the server finds the
 * query's terms in each article's layout text, as the search highlights them
 * (src/search/snippet.ts), and turns the matched characters into rectangles
 * of the text boxes the PDF/ALTO import kept (src/domain/text-boxes.ts). An
 * article without boxes whose text matches is marked by its whole region.
 */

/** A rectangle in page image pixels. */
export interface HitRect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** What the reader highlights: the query as given (for links that pass it on) and its match pieces. */
export interface Highlight {
  q: string;
  pieces: HighlightPiece[];
}

/**
 * The `hl` query parameter as a highlight, or null: absent, repeated, empty or
 * not a query the search would take. It only decorates the page, so a bad
 * value is ignored rather than refused.
 */
export function highlightOf(req: Request): Highlight | null {
  const v = (req.query as Record<string, unknown>).hl;
  if (typeof v !== 'string') return null;
  const q = v.trim();
  const parsed = q ? parseSearchQuery(q) : null;
  const pieces = parsed?.terms.flatMap(highlightPieces) ?? [];
  return pieces.length ? { q, pieces } : null;
}

/**
 * The part of a text box that chars [start, end) cover. A box of several
 * characters is cut in proportion: along x for a line, along y for a column
 * of vertical text (a box much taller than wide).
 */
function part(box: TextBox, start: number, end: number): HitRect {
  const from = Math.max(start, box.offset) - box.offset;
  const to = Math.min(end, box.offset + box.length) - box.offset;
  if (box.length <= 1 || (from === 0 && to === box.length)) return { x: box.x, y: box.y, w: box.w, h: box.h };
  const vertical = box.h > box.w * 1.5;
  const along = vertical ? box.h : box.w;
  const a = Math.round((along * from) / box.length);
  const b = Math.round((along * to) / box.length);
  return vertical ? { x: box.x, y: box.y + a, w: box.w, h: b - a } : { x: box.x + a, y: box.y, w: b - a, h: box.h };
}

/** The rectangles of the characters of `text` the pieces match, from the article's text boxes. */
export function hitRects(text: string, boxes: readonly TextBox[], pieces: readonly HighlightPiece[]): HitRect[] {
  const rects: HitRect[] = [];
  for (const m of findMatches(text, pieces)) {
    for (const box of boxes) {
      if (box.offset < m.end && box.offset + box.length > m.start && box.w > 0 && box.h > 0) rects.push(part(box, m.start, m.end));
    }
  }
  return rects.filter((r) => r.w > 0 && r.h > 0);
}

/** What the page image draws for one article: rectangles of its hits, or its whole region when it has no boxes. */
export interface ArticleHits {
  position: number;
  rects: HitRect[];
  /** True when the text matched but the article has no text boxes: its hotspot region stands for the hit. */
  regionOnly: boolean;
}

/** The hits of every article of a page (those that match). */
export function pageHits(layouts: readonly ArticleLayoutRow[], hl: Highlight): ArticleHits[] {
  return layouts.flatMap((a) => {
    const hits = articleHits(a, hl);
    return hits ? [hits] : [];
  });
}

/** One article's hits, or null when its text does not match. */
export function articleHits(a: ArticleLayoutRow, hl: Highlight): ArticleHits | null {
  const text = layoutText({ ...a, body: JSON.parse(a.body_json) as Block[] });
  if (findMatches(text, hl.pieces).length === 0) return null;
  const boxes = a.boxes ? unpackTextBoxes(a.boxes) : [];
  const rects = boxes.length ? hitRects(text, boxes, hl.pieces) : [];
  return { position: a.position, rects, regionOnly: rects.length === 0 };
}
