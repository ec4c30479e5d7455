import { z } from 'zod';

/**
 * What the import derives from a page image (docs/import-format.md,
 * "Renditions and tiles"): resized renditions for srcset, a thumbnail, and a
 * IIIF Image API level-0 tile set for deep zoom.
 */

export const RENDITION_PURPOSES = ['page', 'thumbnail'] as const;
export const RENDITION_FORMATS = ['webp', 'jpeg'] as const;
export type RenditionPurpose = (typeof RENDITION_PURPOSES)[number];
export type RenditionFormat = (typeof RENDITION_FORMATS)[number];

const pixels = z.number().int().positive();

/** One rendition file of a page image in the media store. */
export const renditionSchema = z.object({
  purpose: z.enum(RENDITION_PURPOSES),
  format: z.enum(RENDITION_FORMATS),
  width: pixels,
  height: pixels,
  /** Bytes. */
  size: z.number().int().positive(),
  /** Media store path, e.g. `ab/ab01….webp` (served at /media/…). */
  path: z.string().regex(/^[0-9a-f]{2}\/[0-9a-f]{32}\.(webp|jpg)$/),
});
export type Rendition = z.infer<typeof renditionSchema>;

/** A tile set's id: 32 hex digits derived from the master's content and the tiling recipe. */
export const TILE_SET_ID = /^[0-9a-f]{32}$/;

/** The static IIIF tiles of one page image: `iiif/{id}/` in the media store, `/iiif/{id}/info.json` on the site. */
export const tileSetSchema = z.object({
  id: z.string().regex(TILE_SET_ID),
  width: pixels,
  height: pixels,
  tileSize: pixels,
  /** Files in the folder (tiles and info.json) and their bytes. */
  files: z.number().int().positive(),
  bytes: z.number().int().positive(),
});
export type TileSet = z.infer<typeof tileSetSchema>;

/** What the import made of one page image. */
export interface PageDerivatives {
  renditions: Rendition[];
  tiles: TileSet | null;
}

export const IIIF_IMAGE3_CONTEXT = 'http://iiif.io/api/image/3/context.json';

const size = z.object({ width: pixels, height: pixels });

/** The info.json of a IIIF Image API 3 level-0 service, as the import stores it and the site serves it. */
export const iiifInfoSchema = z.object({
  '@context': z.literal(IIIF_IMAGE3_CONTEXT),
  id: z.string(),
  type: z.literal('ImageService3'),
  protocol: z.literal('http://iiif.io/api/image'),
  profile: z.literal('level0'),
  width: pixels,
  height: pixels,
  tiles: z.array(z.object({ width: pixels, height: pixels.optional(), scaleFactors: z.array(pixels).min(1) })).min(1),
  /** Whole-image sizes available as files (`full/{w},{h}/0/default.jpg`). */
  sizes: z.array(size).min(1),
});
export type IiifInfo = z.infer<typeof iiifInfoSchema>;
