import type { NextFunction, Request, Response } from 'express';
import { NotFound, RangeNotSatisfiable } from './errors';

/**
 * Streams a file of the media store with the given headers (Range, 304 and
 * HEAD by express's sendFile). A Range the file cannot satisfy becomes a 416
 * naming the size; any other failure before the first byte is a 404.
 */
export function sendStoredFile(req: Request, res: Response, next: NextFunction, file: string, size: number, headers: Record<string, string>): void {
  res.sendFile(file, { headers, etag: false, lastModified: true }, (err) => {
    if (!err || res.headersSent) return;
    if ((err as { status?: number }).status === 416) next(new RangeNotSatisfiable(size));
    else next(new NotFound('文件缺失'));
  });
}
