import type { Block } from './blocks';

/**
 * An article's text boxes on its page image (migrations/006_article_layout.sql):
 * which characters of the article's layout text each glyph run (OCR word)
 * covers, and where it lies in page image pixels. The importer packs them;
 * the reader unpacks them to draw a search hit on the page.
 */
export interface TextBox {
  /** Chars [offset, offset + length) of layoutText(). */
  offset: number;
  length: number;
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Bytes of one packed text box: offset u32, length u16, x, y, w, h u16 (little-endian, page image pixels). */
export const TEXT_BOX_BYTES = 14;

export function unpackTextBoxes(buf: Uint8Array): TextBox[] {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const out: TextBox[] = [];
  for (let at = 0; at + TEXT_BOX_BYTES <= buf.byteLength; at += TEXT_BOX_BYTES) {
    out.push({
      offset: view.getUint32(at, true),
      length: view.getUint16(at + 4, true),
      x: view.getUint16(at + 6, true),
      y: view.getUint16(at + 8, true),
      w: view.getUint16(at + 10, true),
      h: view.getUint16(at + 12, true),
    });
  }
  return out;
}

/**
 * The text the box offsets count in: kicker, title, subtitle, byline, then
 * each body block's text (an image's caption), the present ones joined by a
 * line break, as the PDF/ALTO import built it (src/importer/pdf/layout.ts
 * articleText() for the analysed article; the stored one reads the same).
 */
export function layoutText(a: { kicker: string | null; title: string; subtitle: string | null; byline: string | null; body: readonly Block[] }): string {
  const parts = [a.kicker, a.title, a.subtitle, a.byline];
  for (const b of a.body) parts.push(b.type === 'image' ? (b.caption ?? null) : b.text);
  return parts.filter((p): p is string => !!p).join('\n');
}
