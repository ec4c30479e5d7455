// Minimal PNG support for generated demo images: an RGB raster, an encoder and size/pixel readers.
import { deflateSync, inflateSync } from 'node:zlib';

export type Rgb = readonly [number, number, number];

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const CRC_TABLE: Uint32Array = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32(data: Uint8Array, start = 0, end = data.length): number {
  let crc = 0xffffffff;
  for (let i = start; i < end; i++) crc = (CRC_TABLE[(crc ^ (data[i] as number)) & 0xff] as number) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function pngChunk(type: string, payload: Uint8Array): Buffer {
  const chunk = Buffer.alloc(12 + payload.length);
  chunk.writeUInt32BE(payload.length, 0);
  chunk.write(type, 4, 'ascii');
  chunk.set(payload, 8);
  // The CRC covers the type and the payload, not the length.
  chunk.writeUInt32BE(crc32(chunk, 4, 8 + payload.length), 8 + payload.length);
  return chunk;
}

/** Encodes 8-bit RGB pixels (row-major, 3 bytes per pixel) as a PNG using filter 0 on every row. */
export function encodePng(width: number, height: number, rgb: Uint8Array, level = 6): Buffer {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new Error(`invalid PNG size ${width}×${height}`);
  }
  const stride = width * 3;
  if (rgb.length !== stride * height) throw new Error(`expected ${stride * height} bytes of RGB, got ${rgb.length}`);
  const raw = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    // Each scanline starts with its filter type byte, 0 = None (already zero from alloc).
    raw.set(rgb.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // colour type: truecolour RGB
  header[10] = 0; // compression
  header[11] = 0; // filter method
  header[12] = 0; // no interlace
  return Buffer.concat([
    PNG_SIGNATURE,
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(raw, { level })),
    pngChunk('IEND', new Uint8Array(0)),
  ]);
}

export function isPng(buffer: Uint8Array): boolean {
  return buffer.length >= 8 && PNG_SIGNATURE.equals(Buffer.from(buffer.buffer, buffer.byteOffset, 8));
}

/** Reads the pixel size from a PNG's IHDR chunk. */
export function readPngSize(buffer: Buffer): { width: number; height: number } {
  if (!isPng(buffer) || buffer.length < 24 || buffer.toString('ascii', 12, 16) !== 'IHDR') {
    throw new Error('not a PNG file');
  }
  return { width: buffer.readUInt32BE(16), height: buffer.readUInt32BE(20) };
}

/** The concatenated IDAT payload: a zlib stream of filtered scanlines (what PDF FlateDecode with a PNG predictor reads). */
export function pngImageData(buffer: Buffer): Buffer {
  readPngSize(buffer);
  const idat: Buffer[] = [];
  for (let offset = 8; offset + 8 <= buffer.length; ) {
    const length = buffer.readUInt32BE(offset);
    const type = buffer.toString('ascii', offset + 4, offset + 8);
    if (type === 'IDAT') idat.push(buffer.subarray(offset + 8, offset + 8 + length));
    if (type === 'IEND') break;
    offset += 12 + length;
  }
  return Buffer.concat(idat);
}

export function isRgb8Png(buffer: Buffer): boolean {
  return isPng(buffer) && buffer.length > 28 && buffer[24] === 8 && buffer[25] === 2 && buffer[28] === 0;
}

/** Decodes an 8-bit RGB, non-interlaced PNG (any filter type) back into raw pixels. */
export function decodeRgbPng(buffer: Buffer): { width: number; height: number; rgb: Uint8Array } {
  const { width, height } = readPngSize(buffer);
  if (!isRgb8Png(buffer)) throw new Error('only 8-bit RGB non-interlaced PNGs are supported');
  const raw = inflateSync(pngImageData(buffer));
  const stride = width * 3;
  if (raw.length !== (stride + 1) * height) throw new Error('PNG data has the wrong length');
  const rgb = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)] as number;
    const src = y * (stride + 1) + 1;
    const dst = y * stride;
    if (filter === 0) {
      rgb.set(raw.subarray(src, src + stride), dst);
      continue;
    }
    for (let i = 0; i < stride; i++) {
      const x = raw[src + i] as number;
      const a = i >= 3 ? (rgb[dst + i - 3] as number) : 0;
      const b = y > 0 ? (rgb[dst - stride + i] as number) : 0;
      const c = i >= 3 && y > 0 ? (rgb[dst - stride + i - 3] as number) : 0;
      rgb[dst + i] = (x + unfilterPredictor(filter, a, b, c)) & 0xff;
    }
  }
  return { width, height, rgb };
}

function unfilterPredictor(filter: number, a: number, b: number, c: number): number {
  switch (filter) {
    case 0:
      return 0;
    case 1:
      return a;
    case 2:
      return b;
    case 3:
      return (a + b) >>> 1;
    case 4: {
      const p = a + b - c;
      const pa = Math.abs(p - a);
      const pb = Math.abs(p - b);
      const pc = Math.abs(p - c);
      return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
    default:
      throw new Error(`unknown PNG filter type ${filter}`);
  }
}

/** A tiny RGB raster with just the drawing primitives the demo pages need. Coordinates are clipped. */
export class Canvas {
  readonly data: Uint8Array;

  constructor(
    readonly width: number,
    readonly height: number,
    background: Rgb = [255, 255, 255],
  ) {
    this.data = new Uint8Array(width * height * 3);
    this.fillRect(0, 0, width, height, background);
  }

  /** Fills the pixels x0 ≤ x < x0+w, y0 ≤ y < y0+h. */
  fillRect(x0: number, y0: number, w: number, h: number, color: Rgb): void {
    const left = Math.max(0, Math.round(x0));
    const top = Math.max(0, Math.round(y0));
    const right = Math.min(this.width, Math.round(x0 + w));
    const bottom = Math.min(this.height, Math.round(y0 + h));
    if (right <= left || bottom <= top) return;
    const rowStart = (top * this.width + left) * 3;
    const rowEnd = (top * this.width + right) * 3;
    for (let i = rowStart; i < rowEnd; i += 3) {
      this.data[i] = color[0];
      this.data[i + 1] = color[1];
      this.data[i + 2] = color[2];
    }
    // Copy the first row down instead of writing pixel by pixel: much faster for big blocks.
    for (let y = top + 1; y < bottom; y++) this.data.copyWithin((y * this.width + left) * 3, rowStart, rowEnd);
  }

  hline(x0: number, x1: number, y: number, color: Rgb, thickness = 1): void {
    this.fillRect(x0, y, x1 - x0, thickness, color);
  }

  vline(x: number, y0: number, y1: number, color: Rgb, thickness = 1): void {
    this.fillRect(x, y0, thickness, y1 - y0, color);
  }

  /** A frame drawn inside the rectangle x0 ≤ x < x0+w, y0 ≤ y < y0+h. */
  strokeRect(x0: number, y0: number, w: number, h: number, color: Rgb, thickness = 1): void {
    this.fillRect(x0, y0, w, thickness, color);
    this.fillRect(x0, y0 + h - thickness, w, thickness, color);
    this.fillRect(x0, y0, thickness, h, color);
    this.fillRect(x0 + w - thickness, y0, thickness, h, color);
  }

  fillCircle(cx: number, cy: number, radius: number, color: Rgb): void {
    const top = Math.max(0, Math.floor(cy - radius));
    const bottom = Math.min(this.height - 1, Math.ceil(cy + radius));
    for (let y = top; y <= bottom; y++) {
      const dy = y + 0.5 - cy;
      const half = Math.sqrt(Math.max(0, radius * radius - dy * dy));
      this.fillRect(Math.round(cx - half), y, Math.round(2 * half), 1, color);
    }
  }

  setPixel(x: number, y: number, color: Rgb): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    const i = (y * this.width + x) * 3;
    this.data[i] = color[0];
    this.data[i + 1] = color[1];
    this.data[i + 2] = color[2];
  }

  getPixel(x: number, y: number): Rgb {
    const i = (y * this.width + x) * 3;
    return [this.data[i] as number, this.data[i + 1] as number, this.data[i + 2] as number];
  }

  toPng(level = 6): Buffer {
    return encodePng(this.width, this.height, this.data, level);
  }
}

/** Linear blend of two colours, t in [0, 1]. */
export function mixRgb(a: Rgb, b: Rgb, t: number): Rgb {
  const clamp = Math.min(1, Math.max(0, t));
  return [
    Math.round(a[0] + (b[0] - a[0]) * clamp),
    Math.round(a[1] + (b[1] - a[1]) * clamp),
    Math.round(a[2] + (b[2] - a[2]) * clamp),
  ];
}
