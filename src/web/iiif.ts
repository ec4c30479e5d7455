// `/iiif/{id}/…`: the static IIIF Image API 3 level-0 tile sets the import
// makes (src/importer/tiles.ts), served from the media store.

import fs from 'node:fs';
import path from 'node:path';
import type { Express, Request, RequestHandler, Response } from 'express';
import { TILE_SET_ID } from '../domain/page-images';
import { TILES_DIR, readStoredInfo } from '../importer/tiles';
import type { AppContext } from './context';
import { NotFound } from './errors';
import { CACHE_CONTROL, sendRepresentation, strongEtag } from './http-cache';
import { logger } from '../log';

/** The site path of a tile set's image service; its info.json is at `${iiifPath(id)}/info.json`. */
export function iiifPath(id: string): string {
  return `/iiif/${id}`;
}

/** The parts of a tile URL libvips writes: region (`full` or x,y,w,h), size (w,h), rotation 0, default.jpg. */
const REGION = /^(full|\d{1,5},\d{1,5},\d{1,5},\d{1,5})$/;
const SIZE = /^\d{1,5},\d{1,5}$/;

/**
 * IIIF viewers load info.json and tiles from other origins: CORS is open,
 * and the Cross-Origin-Resource-Policy helmet sets for the site is relaxed.
 */
function openToOtherOrigins(res: Response): void {
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
}

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
function infoJson(ctx: AppContext): RequestHandler {
  return (req: Request, res: Response) => {
    const id = req.params.id;
    const folder = tileSetFolder(ctx, id);
    let info;
    try {
      info = readStoredInfo(folder);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') logger.warn({ reqId: req.id, id, err }, 'IIIF info.json unreadable');
      throw new NotFound('没有这个图像');
    }
    const body = Buffer.from(JSON.stringify({ ...info, id: `${ctx.config.baseUrl}${iiifPath(String(id))}` }));
    openToOtherOrigins(res);
    sendRepresentation(req, res, { body, contentType: 'application/json', etag: strongEtag(body), lastModified: null, cacheControl: CACHE_CONTROL.immutable });
  };
}

function tile(ctx: AppContext): RequestHandler {
  return (req, res, next) => {
    const { id, region, size, rotation, file } = req.params as Record<string, string>;
    const folder = tileSetFolder(ctx, id);
    if (!REGION.test(region!) || !SIZE.test(size!) || rotation !== '0' || file !== 'default.jpg') throw new NotFound('没有这个图块');
    const target = path.join(folder, region!, size!, '0', 'default.jpg');
    fs.stat(target, (err, stat) => {
      if (err || !stat.isFile()) {
        next(new NotFound('没有这个图块'));
        return;
      }
      openToOtherOrigins(res);
      res.setHeader('ETag', `"${id}/${region}/${size}"`);
      res.sendFile(target, { headers: { 'Content-Type': 'image/jpeg', 'Cache-Control': CACHE_CONTROL.immutable }, etag: false, lastModified: true }, (sendErr) => {
        if (sendErr && !res.headersSent) next(new NotFound('没有这个图块'));
      });
    });
  };
}

/** Adds the IIIF routes to the app. */
export function iiifRoutes(app: Express, ctx: AppContext): void {
  app.get('/iiif/:id/info.json', infoJson(ctx));
  app.get('/iiif/:id/:region/:size/:rotation/:file', tile(ctx));
}
