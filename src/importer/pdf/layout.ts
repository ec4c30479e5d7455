import type { Block } from '../../domain/blocks';

/** A rectangle in PDF points, origin top-left (y grows downwards). */
export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** A run of glyphs in one font and size on one line, as the PDF (or the OCR) placed it. */
export interface TextRun extends Box {
  text: string;
  size: number;
  bold: boolean;
  font: string;
}

/** What a page holds before segmentation: from a PDF's text layer, or from ALTO word boxes. */
export interface PageContent {
  widthPt: number;
  heightPt: number;
  runs: TextRun[];
  /** Photos: image XObjects placed on the page. */
  images: Box[];
  /** Text blocks an OCR engine already found (ALTO TextBlock), as lines of words: each lands in exactly one article. */
  ocrBlocks?: TextRun[][][];
  /** The PDF's article threads on this page (threads.ts): each thread's bead rectangles. */
  threads?: Box[][];
}

/** A run's place in its article's text: chars [offset, offset + length) of articleText(). */
export interface TextBox extends Box {
  offset: number;
  length: number;
}

export interface AnalysedArticle {
  kicker: string | null;
  title: string;
  subtitle: string | null;
  byline: string | null;
  /** The project's block format (src/domain/blocks.ts); an image block's src is '' until the importer crops the photo. */
  body: Block[];
  /** The article's regions (headline, column pieces, photos), PDF points, origin top-left. */
  boxes: Box[];
  /** Hotspot outline (union of its blocks), PDF points, origin top-left. */
  polygon: [number, number][];
  /** 0..1, computed in segment.ts (articleConfidence) and explained in docs/import-format.md. */
  confidence: number;
  /** Each glyph run (OCR word) with the offsets of its text in articleText(). */
  textBoxes: TextBox[];
  /** Photos of the article with their caption, in body order (PDF points). */
  photos: { box: Box; caption: string | null }[];
  /** OCR pages: indexes of the PageContent.ocrBlocks the article holds. */
  ocrBlocks?: number[];
}

export interface AnalysedPage {
  widthPt: number;
  heightPt: number;
  /** Read from the 版眉, e.g. 第03版:特刊两会 → 3, 特刊两会. */
  header: { number: number | null; name: string | null; dateText: string | null };
  /** In reading order. */
  articles: AnalysedArticle[];
  /** The jump lines (下转第2版, 上接第1版) taken out of the text, with their place on the page (PDF points). */
  jumpLines?: { text: string; box: Box }[];
  charCount: number;
  /** Undecodable glyphs: U+FFFD, or control characters (a glyph its font maps to no character). */
  replacementChars: number;
  /** Private-use code points (U+E000–U+F8FF, planes 15–16): a font's own codes, not text. */
  privateUseChars: number;
}

/**
 * The text textBoxes' offsets count in: kicker, title, subtitle, byline, then
 * every text block and photo caption of the body, joined by newlines (absent
 * parts left out). A search hit in one of these can be drawn on the page.
 */
export function articleText(a: Pick<AnalysedArticle, 'kicker' | 'title' | 'subtitle' | 'byline' | 'body'>): string {
  const parts = [a.kicker, a.title, a.subtitle, a.byline];
  for (const b of a.body) parts.push(b.type === 'image' ? (b.caption ?? null) : b.text);
  return parts.filter((p): p is string => !!p).join('\n');
}
