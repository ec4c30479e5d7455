// `/iiif/{id}/…`: the static IIIF Image API 3 level-0 tile sets the import
// makes (src/importer/tiles.ts), served from the media store.

import path from 'node:path';
import type { Request } from 'express';
import { TILE_SET_ID } from '../../domain/page-images';
import { logger } from '../../log';
import { TILES_DIR, readStoredInfo } from '../../importer/tiles';
import type { AppContext } from '../context';
import { OPEN_TO_OTHER_ORIGINS, type DocumentAnswer, type FileAnswer } from '../delivery/answers';
import { NotFound } from '../errors';
import { urls } from '../urls';
import { regularFile } from './common';

/** The parts of a tile URL libvips writes: region (`full` or x,y,w,h), size (w,h), rotation 0, default.jpg. */
const REGION = /^(full|\d{1,5},\d{1,5},\d{1,5},\d{1,5})$/;
const SIZE = /^\d{1,5},\d{1,5}$/;

function tileSetFolder(ctx: AppContext, id: unknown): string {
  if (typeof id !== 'string' || !TILE_SET_ID.test(id)) throw new NotFound('没有这个图像');
  return path.join(ctx.config.mediaDir, TILES_DIR, id);
}

/**
 * info.json with its `id` made absolute from BASE_URL, not from the
 * request's Host: the answer is cached for a year by browsers and shared
 * caches, so it must not vary with a header a client chooses. Behind a
 * proxy, BASE_URL is the public origin (docs/import-format.md).
 */
export function iiifInfo(req: Request, ctx: AppContext): DocumentAnswer {
  const id = req.params.id;
  const folder = tileSetFolder(ctx, id);
  let info;
  try {
    info = readStoredInfo(folder);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') logger.warn({ reqId: req.id, id, err }, 'IIIF info.json unreadable');
    throw new NotFound('没有这个图像');
  }
  return {
    type: 'document',
    body: JSON.stringify({ ...info, id: `${ctx.config.baseUrl}${urls.iiif(String(id))}` }),
    contentType: 'application/json',
    cache: 'immutable',
    lastModified: null,
    headers: OPEN_TO_OTHER_ORIGINS,
  };
}

/** One tile (or a whole-image size) of a tile set. */
export function iiifTile(req: Request, ctx: AppContext): FileAnswer {
  const { id, region, size, rotation, file } = req.params as Record<string, string>;
  const folder = tileSetFolder(ctx, id);
  if (!REGION.test(region!) || !SIZE.test(size!) || rotation !== '0' || file !== 'default.jpg') throw new NotFound('没有这个图块');
  const target = path.join(folder, region!, size!, '0', 'default.jpg');
  const stat = regularFile(target);
  if (!stat) throw new NotFound('没有这个图块');
  return {
    type: 'file', file: target, size: stat.size, contentType: 'image/jpeg', cache: 'immutable', etag: `"${id}/${region}/${size}"`, headers: OPEN_TO_OTHER_ORIGINS,
  };
}
