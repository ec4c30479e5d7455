import type { TextBox } from './layout';

/** Bytes of one packed text box: offset u32, length u16, x, y, w, h u16 (little-endian, page image pixels). */
export const TEXT_BOX_BYTES = 14;
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

export function unpackTextBoxes(buf: Uint8Array): TextBox[] {
  const view = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const out: TextBox[] = [];
  for (let at = 0; at + TEXT_BOX_BYTES <= view.length; at += TEXT_BOX_BYTES) {
    out.push({
      offset: view.readUInt32LE(at),
      length: view.readUInt16LE(at + 4),
      x: view.readUInt16LE(at + 6),
      y: view.readUInt16LE(at + 8),
      w: view.readUInt16LE(at + 10),
      h: view.readUInt16LE(at + 12),
    });
  }
  return out;
}
