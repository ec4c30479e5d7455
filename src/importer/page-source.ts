import sharp, { type Sharp } from 'sharp';

/**
 * The pixels of a page image, decoded once for all its renditions and tiles:
 * alpha flattened onto white (JPEG has none) and converted to sRGB. A master
 * larger than DECODE_ONCE_PIXELS is read from its file by every pipeline
 * instead, so an import never holds gigabytes of raw pixels.
 */
export interface PageSource {
  width: number;
  height: number;
  /** A fresh pipeline on the page's pixels. */
  pipeline(): Sharp;
}

/** 40 megapixels: 120 MB of RGB, about twice a 2,400 × 3,400 page. */
const DECODE_ONCE_PIXELS = 40_000_000;

export async function openPageSource(file: string, width: number, height: number): Promise<PageSource> {
  const fromFile = (): Sharp => sharp(file, { limitInputPixels: false }).flatten({ background: '#ffffff' }).toColourspace('srgb');
  if (width * height > DECODE_ONCE_PIXELS) return { width, height, pipeline: fromFile };
  const { data, info } = await fromFile().raw().toBuffer({ resolveWithObject: true });
  const raw = { width: info.width, height: info.height, channels: info.channels };
  return { width: info.width, height: info.height, pipeline: () => sharp(data, { raw }) };
}
