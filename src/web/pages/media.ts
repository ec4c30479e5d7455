import fs from 'node:fs';
import path from 'node:path';
import type { Request } from 'express';
import { logger } from '../../log';
import { STATIC_DIR } from '../../paths';
import type { AppContext } from '../context';
import type { DocumentAnswer, FileAnswer } from '../delivery/answers';
import { NotFound } from '../errors';
import { OPENSEADRAGON } from '../vendor';
import { regularFile } from './common';

const MEDIA_FILE = /^[0-9a-f]{2}\/[0-9a-f]{32}\.(png|jpg|gif|webp|pdf)$/;
const MEDIA_TYPES: Record<string, string> = { png: 'image/png', jpg: 'image/jpeg', gif: 'image/gif', webp: 'image/webp', pdf: 'application/pdf' };

/**
 * `/media/…`: content-hash names, so a year's immutable cache is safe. Only
 * names of that exact shape are looked up: no path can leave the store.
 */
export function mediaFile(req: Request, ctx: AppContext): FileAnswer {
  const rel = `${req.params.dir}/${req.params.file}`;
  const m = MEDIA_FILE.exec(rel);
  if (!m) throw new NotFound('没有这个文件');
  const stat = regularFile(path.join(ctx.config.mediaDir, rel));
  if (!stat) {
    logger.warn({ reqId: req.id, path: rel }, 'media file missing');
    throw new NotFound('文件缺失');
  }
  return { type: 'file', file: path.join(ctx.config.mediaDir, rel), size: stat.size, contentType: MEDIA_TYPES[m[1]], cache: 'immutable', etag: `"${String(req.params.file).slice(0, 32)}"` };
}

/** A file name of the static folder: letters, digits, dashes and dots, never a leading dot. */
const STATIC_SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}$/;
const STATIC_TYPES: Record<string, string> = {
  css: 'text/css; charset=utf-8', js: 'text/javascript; charset=utf-8', svg: 'image/svg+xml', png: 'image/png',
  ico: 'image/x-icon', woff2: 'font/woff2', json: 'application/json; charset=utf-8', txt: 'text/plain; charset=utf-8',
};

/**
 * `/static/…`: the site's own assets, small enough to answer from memory like
 * a document (so delivery compresses them and the render cache keeps them);
 * their URLs carry a content fingerprint (?v=…), so a year's immutable cache
 * is safe.
 */
export function staticFile(req: Request, _ctx: AppContext): DocumentAnswer {
  return fileOfFolder(req, STATIC_DIR);
}

/** The file under `dir` that the `*file` segments name, as an immutable document; only plain names, so no path leaves `dir`. */
function fileOfFolder(req: Request, dir: string): DocumentAnswer {
  const segments = (req.params as Record<string, unknown>).file;
  const parts = Array.isArray(segments) ? segments.map(String) : [];
  if (parts.length === 0 || !parts.every((s) => STATIC_SEGMENT.test(s))) throw new NotFound('没有这个文件');
  const file = path.join(dir, ...parts);
  const stat = regularFile(file);
  if (!stat) throw new NotFound('没有这个文件');
  const ext = path.extname(file).slice(1).toLowerCase();
  return { type: 'document', body: fs.readFileSync(file), contentType: STATIC_TYPES[ext] ?? 'application/octet-stream', cache: 'immutable', lastModified: stat.mtimeMs };
}

/** The zoom viewer's build file and navigation images: only the installed version, and no source maps. */
const OPENSEADRAGON_FILE = /^(openseadragon\.min\.js|images\/[a-z_]+\.png)$/;

/** `/static/openseadragon/{version}/…`: OpenSeadragon from its npm package (src/web/vendor.ts). */
export function openSeadragonFile(req: Request, _ctx: AppContext): DocumentAnswer {
  const segments = (req.params as Record<string, unknown>).file;
  const rel = Array.isArray(segments) ? segments.map(String).join('/') : '';
  if (req.params.version !== OPENSEADRAGON.version || !OPENSEADRAGON_FILE.test(rel)) throw new NotFound('没有这个文件');
  return fileOfFolder(req, OPENSEADRAGON.dir);
}
