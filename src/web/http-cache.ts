import crypto from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Request, Response } from 'express';

export type CachePolicy = 'archive' | 'latest' | 'short' | 'none' | 'immutable';

/** Cache-Control by route: past issues change only by correction; the latest issue and redirects change daily. */
export const CACHE_CONTROL: Record<CachePolicy, string> = {
  archive: 'public, max-age=86400, stale-while-revalidate=604800',
  latest: 'public, max-age=300, stale-while-revalidate=3600',
  short: 'public, max-age=60',
  none: 'no-store',
  immutable: 'public, max-age=31536000, immutable',
};

export function strongEtag(body: Buffer | string): string {
  return `"${crypto.createHash('sha1').update(body).digest('base64url')}"`;
}

/** HTTP dates have second precision; comparisons must use the same. */
export function httpDate(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toUTCString();
}

/** True when the request's validators match, i.e. the answer is 304 (RFC 9110 §13.2.2: If-None-Match wins). */
export function isNotModified(req: IncomingMessage, etag: string, lastModified: number | null): boolean {
  const inm = req.headers['if-none-match'];
  if (inm !== undefined) {
    if (inm.trim() === '*') return true;
    return inm.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
  }
  const ims = req.headers['if-modified-since'];
  if (ims !== undefined && lastModified !== null) {
    const since = Date.parse(ims);
    return !Number.isNaN(since) && Math.floor(lastModified / 1000) * 1000 <= since;
  }
  return false;
}

export interface Representation {
  body: Buffer;
  contentType: string;
  etag: string;
  lastModified: number | null;
  cacheControl: string;
}

/** Sends a representation with validators, answering 304 and HEAD without a body. */
export function sendRepresentation(req: Request, res: Response, rep: Representation, status = 200): void {
  res.setHeader('Content-Type', rep.contentType);
  res.setHeader('Cache-Control', rep.cacheControl);
  res.setHeader('ETag', rep.etag);
  if (rep.lastModified !== null) res.setHeader('Last-Modified', httpDate(rep.lastModified));
  if (status === 200 && isNotModified(req, rep.etag, rep.lastModified)) {
    res.status(304).end();
    return;
  }
  res.status(status);
  res.setHeader('Content-Length', rep.body.length);
  if (req.method === 'HEAD') res.end();
  else res.end(rep.body);
}
