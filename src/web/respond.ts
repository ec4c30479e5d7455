import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request, RequestHandler } from 'express';
import { CACHE_CONTROL, isNotModified, strongEtag, httpDate, type CachePolicy } from './http-cache';
import { worthCompressing, type CachedResponse, type RenderCache } from './render-cache';
import { renderTemplate } from './templates';
import type { AppContext } from './context';
import { isolated } from './view-model';

/** What a route returns: a view and its model, never a response. Rendering, validators and caching happen here. */
export interface PageResult {
  view: string;
  model: Record<string, unknown>;
  lastModified: number | null;
  cache: CachePolicy;
  contentType?: string;
  status?: number;
}

export type PageHandler = (req: Request, ctx: AppContext) => PageResult;

export function renderResult(ctx: AppContext, result: PageResult): CachedResponse {
  const text = renderTemplate(result.view, { ...result.model, site: siteModel(ctx), isolated });
  const body = Buffer.from(text, 'utf8');
  return {
    body,
    status: result.status ?? 200,
    contentType: result.contentType ?? 'text/html; charset=utf-8',
    etag: strongEtag(body),
    lastModified: result.lastModified,
    cacheControl: CACHE_CONTROL[result.cache],
    // Without the render cache, the compression middleware encodes on the fly instead.
    compressible: ctx.cache.enabled && worthCompressing(body),
  };
}

function siteModel(ctx: AppContext) {
  return { baseUrl: ctx.config.baseUrl, assets: ctx.assets };
}

/** A coding is accepted when listed without q=0 (RFC 9110 §12.5.3). */
const acceptsCoding = (name: string) => new RegExp(`(^|,)\\s*${name}\\s*(;\\s*q=(?!0(\\.0*)?\\s*(,|$))[0-9.]+)?\\s*(,|$)`, 'i');
const ACCEPTS_BR = acceptsCoding('br');
const ACCEPTS_GZIP = acceptsCoding('gzip');

function pickEncoding(req: IncomingMessage, entry: CachedResponse): 'br' | 'gzip' | null {
  const accept = req.headers['accept-encoding'];
  if (!entry.compressible || typeof accept !== 'string') return null;
  if (ACCEPTS_BR.test(accept)) return 'br';
  if (ACCEPTS_GZIP.test(accept)) return 'gzip';
  return null;
}

/** Sends a rendered response in the coding the client accepts; `cache` makes and keeps that form. */
export function sendCached(req: IncomingMessage, res: ServerResponse, entry: CachedResponse, cache: RenderCache): void {
  const encoding = pickEncoding(req, entry);
  // A strong ETag names one exact byte sequence, so each coding gets its own.
  const etag = encoding ? `${entry.etag.slice(0, -1)}-${encoding === 'br' ? 'br' : 'gz'}"` : entry.etag;
  res.setHeader('Content-Type', entry.contentType);
  res.setHeader('Cache-Control', entry.cacheControl);
  res.setHeader('ETag', etag);
  if (entry.compressible) res.setHeader('Vary', 'Accept-Encoding');
  if (entry.lastModified !== null) res.setHeader('Last-Modified', httpDate(entry.lastModified));
  const variants = [entry.etag, `${entry.etag.slice(0, -1)}-br"`, `${entry.etag.slice(0, -1)}-gz"`];
  if (entry.status === 200 && variants.some((v) => isNotModified(req, v, entry.lastModified))) {
    res.statusCode = 304;
    res.end();
    return;
  }
  const body = encoding ? cache.formOf(entry, encoding) : entry.body;
  res.statusCode = entry.status;
  if (encoding) res.setHeader('Content-Encoding', encoding);
  res.setHeader('Content-Length', body.length);
  if (req.method === 'HEAD') res.end();
  else res.end(body);
}

/** Wraps a page handler with the render cache, keyed by the full URL. */
export function pageRoute(ctx: AppContext, handler: PageHandler): RequestHandler {
  return (req, res) => {
    const key = req.originalUrl;
    const cached = ctx.cache.get(key);
    if (cached) {
      sendCached(req, res, cached, ctx.cache);
      return;
    }
    // One read transaction: every query of the page sees the same snapshot, so an
    // import committing mid-render cannot make the page show old and new at once.
    const entry = renderResult(ctx, ctx.db.transaction(() => handler(req, ctx))());
    ctx.cache.set(key, entry);
    sendCached(req, res, entry, ctx.cache);
  };
}
