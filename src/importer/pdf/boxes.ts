import { TEXT_BOX_BYTES } from '../../domain/text-boxes';
import type { TextBox } from './layout';

// The record layout and its reader live in the domain: the reader's page draws search hits from them.
export { TEXT_BOX_BYTES, unpackTextBoxes } from '../../domain/text-boxes';
const MAX_U16 = 0xffff;

/** Packs text boxes already scaled to image pixels (migrations/006_article_layout.sql describes the layout). */
export function packTextBoxes(boxes: TextBox[]): Buffer {
  const buf = Buffer.alloc(boxes.length * TEXT_BOX_BYTES);
  const u16 = (v: number): number => Math.min(MAX_U16, Math.max(0, Math.round(v)));
  boxes.forEach((b, i) => {
    const at = i * TEXT_BOX_BYTES;
    buf.writeUInt32LE(b.offset, at);
    buf.writeUInt16LE(u16(b.length), at + 4);
    buf.writeUInt16LE(u16(b.x), at + 6);
    buf.writeUInt16LE(u16(b.y), at + 8);
    buf.writeUInt16LE(u16(b.w), at + 10);
    buf.writeUInt16LE(u16(b.h), at + 12);
  });
  return buf;
}
