import type { NextFunction, Request, Response } from 'express';
import { NotFound, RangeNotSatisfiable } from '../errors';
import type { FileAnswer } from './answers';
import { CACHE_CONTROL } from './http-cache';

/**
 * Streams a file with express's sendFile (Range, 304 and HEAD included). A
 * Range the file cannot satisfy becomes a 416 naming the size; any other
 * failure before the first byte is a 404.
 */
export function sendStoredFile(req: Request, res: Response, next: NextFunction, answer: FileAnswer): void {
  const headers = { 'Content-Type': answer.contentType, 'Cache-Control': CACHE_CONTROL[answer.cache] };
  res.sendFile(answer.file, { headers, etag: false, lastModified: true, dotfiles: 'deny' }, (err) => {
    if (!err || res.headersSent) return;
    if ((err as { status?: number }).status === 416) next(new RangeNotSatisfiable(answer.size));
    else next(new NotFound('文件缺失'));
  });
}
