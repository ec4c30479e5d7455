// Resized renditions of a page image for srcset/sizes, and its thumbnail
// (docs/import-format.md, "Renditions and tiles").

import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import sharp, { type OutputInfo } from 'sharp';
import type { Rendition, RenditionFormat, RenditionPurpose } from '../domain/page-images';
import { putMediaFile } from './media-store';
import type { PageSource } from './page-source';
import { storePathFor } from './validate';

/** Widths of the page renditions; a master narrower than one gets its own width instead (never upscaled). */
export const PAGE_WIDTHS = [480, 800, 1200, 1600, 2400] as const;
export const THUMBNAIL_WIDTH = 240;

/**
 * Encoder settings, measured by `npm run bench:page-images` on a 2,400 ×
 * 3,400 text-dense page (all six widths): WebP q75 effort 2 made 2.33 MB in
 * 0.66 s, effort 4 2.25 MB in 1.25 s; JPEG q80 3.43 MB in 0.19 s (mozjpeg:
 * 2.60 MB in 1.70 s, not worth it for a fallback few browsers fetch); AVIF
 * q50 effort 2 1.40 MB in 6.21 s, left out (docs/import-format.md,
 * "Renditions and tiles").
 */
const JPEG_QUALITY = 80;
const WEBP_QUALITY = 75;
const WEBP_EFFORT = 2;
/** Changes whenever the pixels a recipe makes would change, so old names never carry new content. */
const RECIPE_VERSION = 'r1';

interface Planned {
  purpose: RenditionPurpose;
  format: RenditionFormat;
  width: number;
  path: string;
}

/** Widths for a master `masterWidth` px wide: the steps below it, then the master's own width when it is under the last step. */
export function renditionWidths(masterWidth: number): number[] {
  return [...new Set(PAGE_WIDTHS.map((w) => Math.min(w, masterWidth)))];
}

/**
 * Every rendition's store path is derived from the master's content hash and
 * the recipe: a master imported again (a correction of the text, the same
 * page image) finds its renditions already in the store and is not decoded.
 */
function plan(masterHash: string, masterWidth: number): Planned[] {
  const out: Planned[] = [];
  const add = (purpose: RenditionPurpose, width: number): void => {
    for (const format of ['webp', 'jpeg'] as const) {
      const recipe = format === 'webp' ? `webp:q${WEBP_QUALITY}:e${WEBP_EFFORT}` : `jpeg:q${JPEG_QUALITY}`;
      const hash = crypto.createHash('sha256').update(`${masterHash}:${RECIPE_VERSION}:${recipe}:w${width}`).digest('hex');
      out.push({ purpose, format, width, path: storePathFor(hash, format) });
    }
  };
  for (const w of renditionWidths(masterWidth)) add('page', w);
  add('thumbnail', Math.min(THUMBNAIL_WIDTH, masterWidth));
  return out;
}

function encode(source: PageSource, p: Planned): Promise<{ data: Buffer; info: OutputInfo }> {
  const resized = source.pipeline().resize({ width: p.width, withoutEnlargement: true });
  const encoded = p.format === 'webp' ? resized.webp({ quality: WEBP_QUALITY, effort: WEBP_EFFORT }) : resized.jpeg({ quality: JPEG_QUALITY });
  return encoded.toBuffer({ resolveWithObject: true });
}

/**
 * Makes (or finds in the store) the renditions of one page image.
 * `masterHash` names the master's content (its store name); `source` is
 * opened only when a rendition is missing.
 */
export async function makeRenditions(
  mediaDir: string,
  masterHash: string,
  masterWidth: number,
  source: () => Promise<PageSource>,
): Promise<Rendition[]> {
  // Encoded side by side: libvips runs each on a thread of the libuv pool, so
  // the page's renditions use whichever core the writing thread leaves idle.
  return Promise.all(
    plan(masterHash, masterWidth).map(async (p): Promise<Rendition> => {
      const file = path.join(mediaDir, p.path);
      if (fs.existsSync(file)) {
        const meta = await sharp(file).metadata();
        return { purpose: p.purpose, format: p.format, width: meta.width, height: meta.height, size: fs.statSync(file).size, path: p.path };
      }
      const { data, info } = await encode(await source(), p);
      putMediaFile(mediaDir, p.path, data);
      return { purpose: p.purpose, format: p.format, width: info.width, height: info.height, size: data.length, path: p.path };
    }),
  );
}
