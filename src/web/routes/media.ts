import fs from 'node:fs';
import path from 'node:path';
import type { RequestHandler } from 'express';
import type { AppContext } from '../context';
import { CACHE_CONTROL } from '../http-cache';
import { NotFound } from '../errors';
import { logger } from '../../log';
import { sendStoredFile } from '../send-file';

const MEDIA_FILE = /^[0-9a-f]{2}\/[0-9a-f]{32}\.(png|jpg|gif|webp|pdf)$/;
const TYPES: Record<string, string> = { png: 'image/png', jpg: 'image/jpeg', gif: 'image/gif', webp: 'image/webp', pdf: 'application/pdf' };

/**
 * `/media/…`: content-hash names, so a year's immutable cache is safe. Only
 * names of that exact shape are looked up: no path can leave the store.
 */
export function mediaRoute(ctx: AppContext): RequestHandler {
  return (req, res, next) => {
    const rel = `${req.params.dir}/${req.params.file}`;
    const m = MEDIA_FILE.exec(rel);
    if (!m) throw new NotFound('没有这个文件');
    const file = path.join(ctx.config.mediaDir, rel);
    fs.stat(file, (err, stat) => {
      if (err || !stat.isFile()) {
        logger.warn({ reqId: req.id, path: rel }, 'media file missing');
        next(new NotFound('文件缺失'));
        return;
      }
      res.setHeader('ETag', `"${String(req.params.file).slice(0, 32)}"`);
      sendStoredFile(req, res, next, file, stat.size, { 'Content-Type': TYPES[m[1]], 'Cache-Control': CACHE_CONTROL.immutable });
    });
  };
}
