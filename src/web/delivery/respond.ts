import crypto from 'node:crypto';
import zlib from 'node:zlib';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Writable } from 'node:stream';
import type { NextFunction, Request, Response } from 'express';
import type { AppContext } from '../context';
import { sameSitePath } from '../errors';
import { renderTemplate } from '../templates';
import { urls } from '../urls';
import { isolated } from '../view-model';
import { jsonBody, OPEN_TO_OTHER_ORIGINS, type Answer, type DocumentAnswer, type FileAnswer, type PageAnswer, type RedirectAnswer, type StreamAnswer } from './answers';
import { negotiateEncoding } from './encoding';
import { CACHE_CONTROL, etagFor, httpDate, isNotModifiedInAnyCoding, strongEtag, type ContentCoding } from './http-cache';
import { worthCompressing, type CachedResponse, type RenderCache } from './render-cache';
import { sendStoredFile } from './send-file';

/**
 * The only place a response is written: page modules return an Answer, and
 * this module renders it, sets validators and cache headers, picks the
 * content coding, answers 304 and HEAD, and keeps rendered answers in the
 * render cache. The fast path (fast-path.ts) replays cached entries through
 * sendCached too, so both paths send the same bytes; handlers.ts connects
 * routes and errors to this module.
 */

/** Codings a held body is sent in: brotli first, made once and kept with the entry. */
const CACHED_CODINGS: readonly ContentCoding[] = ['br', 'gzip'];
/** Codings a stream is sent in: gzip first, cheap to make on the fly. */
const STREAM_CODINGS: readonly ContentCoding[] = ['gzip', 'br', 'deflate'];

/** Text formats gain from compression; images and PDFs are compressed already. */
const TEXT_TYPE = /^(text\/|application\/(json|ld\+json|xml|atom\+xml|opensearchdescription\+xml)|image\/svg\+xml)/;

/** An answer as bytes with its validators: what the render cache holds. */
function entryOf(body: Buffer, a: { contentType: string; cache: PageAnswer['cache']; lastModified: number | null; status?: number; headers?: Readonly<Record<string, string>> }): CachedResponse {
  return {
    body,
    status: a.status ?? 200,
    contentType: a.contentType,
    // An answer no cache may keep has nothing to revalidate: no ETag (health checks and 5xx pages).
    etag: a.cache === 'none' ? null : strongEtag(body),
    lastModified: a.lastModified,
    cacheControl: CACHE_CONTROL[a.cache],
    headers: a.headers,
    // Encoded here (cached or not), so the compression middleware never re-encodes a body under its identity ETag.
    compressible: TEXT_TYPE.test(a.contentType) && worthCompressing(body),
  };
}

/** A page rendered through its template; every template also receives the site, the URL builder and the bidi helper. */
export function renderPage(ctx: AppContext, answer: PageAnswer): CachedResponse {
  const html = renderTemplate(answer.view, { ...answer.model, site: { baseUrl: ctx.config.baseUrl, assets: ctx.assets }, urls, isolated });
  return entryOf(Buffer.from(html, 'utf8'), { ...answer, contentType: 'text/html; charset=utf-8' });
}

/** How a page answer is written: its template, or its data as JSON (the route's `.json` twin, docs/api.md). */
export type Format = 'html' | 'json';

/** A page answer's data as JSON, open to other origins, with the same validators and cache policy as its HTML. */
function jsonEntry(answer: PageAnswer): CachedResponse {
  if (!answer.data) throw new Error(`the ${answer.view} page has no JSON form`);
  const body = Buffer.from(jsonBody(answer.data()), 'utf8');
  return entryOf(body, { ...answer, contentType: 'application/json; charset=utf-8', headers: OPEN_TO_OTHER_ORIGINS });
}

/** A page answer in the route's format. */
export function renderAnswer(ctx: AppContext, answer: PageAnswer, format: Format): CachedResponse {
  return format === 'json' ? jsonEntry(answer) : renderPage(ctx, answer);
}

function documentEntry(answer: DocumentAnswer): CachedResponse {
  return entryOf(typeof answer.body === 'string' ? Buffer.from(answer.body, 'utf8') : answer.body, answer);
}

/** Sends a held answer in the coding the client accepts; `cache` makes and keeps that form. */
export function sendCached(req: IncomingMessage, res: ServerResponse, entry: CachedResponse, cache: RenderCache): void {
  const coding = entry.compressible ? negotiateEncoding(req, CACHED_CODINGS) : null;
  for (const [name, value] of Object.entries(entry.headers ?? {})) res.setHeader(name, value);
  res.setHeader('Content-Type', entry.contentType);
  res.setHeader('Cache-Control', entry.cacheControl);
  if (entry.etag !== null) res.setHeader('ETag', etagFor(entry.etag, coding));
  if (entry.compressible) res.setHeader('Vary', 'Accept-Encoding');
  if (entry.lastModified !== null) res.setHeader('Last-Modified', httpDate(entry.lastModified));
  if (entry.status === 200 && entry.etag !== null && isNotModifiedInAnyCoding(req, entry.etag, entry.lastModified)) {
    res.statusCode = 304;
    res.end();
    return;
  }
  const body = coding === 'br' || coding === 'gzip' ? cache.formOf(entry, coding) : entry.body;
  res.statusCode = entry.status;
  if (coding) res.setHeader('Content-Encoding', coding);
  res.setHeader('Content-Length', body.length);
  if (req.method === 'HEAD') res.end();
  else res.end(body);
}

function encoder(coding: ContentCoding): zlib.Gzip | zlib.BrotliCompress | zlib.Deflate {
  if (coding === 'gzip') return zlib.createGzip({ level: 6 });
  if (coding === 'deflate') return zlib.createDeflate({ level: 6 });
  return zlib.createBrotliCompress({ params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 5 } });
}

/** Streams a document, encoding on the fly, waiting for the socket to drain between chunks. */
async function sendStream(req: Request, res: Response, answer: StreamAnswer): Promise<void> {
  const etag = `"sm-${crypto.createHash('sha1').update(answer.version).digest('base64url')}"`;
  const coding = negotiateEncoding(req, STREAM_CODINGS);
  res.setHeader('Content-Type', answer.contentType);
  res.setHeader('Cache-Control', CACHE_CONTROL[answer.cache]);
  res.setHeader('Vary', 'Accept-Encoding');
  res.setHeader('ETag', etagFor(etag, coding));
  res.setHeader('Last-Modified', httpDate(answer.lastModified));
  if (isNotModifiedInAnyCoding(req, etag, answer.lastModified)) {
    res.status(304).end();
    return;
  }
  if (coding) res.setHeader('Content-Encoding', coding);
  res.status(200);
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  let closed = false;
  res.once('close', () => {
    closed = true;
  });
  const zip = coding ? encoder(coding) : null;
  const out: Writable = zip ?? res;
  if (zip) {
    zip.on('error', (err) => res.destroy(err));
    zip.pipe(res);
  }
  const write = async (chunk: string): Promise<void> => {
    if (out.write(chunk)) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        out.off('drain', done);
        res.off('close', done);
        resolve();
      };
      out.once('drain', done);
      res.once('close', done);
    });
  };
  try {
    await answer.write(write, () => closed);
    if (closed) {
      zip?.destroy();
      return;
    }
    out.end(answer.end);
  } catch (err) {
    zip?.destroy();
    // Headers are gone: the only honest thing left is to cut the response short.
    res.destroy(err as Error);
  }
}

function sendFile(req: Request, res: Response, next: NextFunction, answer: FileAnswer): void {
  for (const [name, value] of Object.entries(answer.headers ?? {})) res.setHeader(name, value);
  res.setHeader('ETag', answer.etag);
  if (answer.disposition) res.setHeader('Content-Disposition', answer.disposition);
  sendStoredFile(req, res, next, answer);
}

export function sendRedirect(res: Response, answer: RedirectAnswer): void {
  res.setHeader('Cache-Control', CACHE_CONTROL[answer.cache]);
  res.redirect(answer.status, sameSitePath(answer.location));
}

/** Sends any answer; page and document answers are kept in the render cache under `cacheKey` when one is given. */
export async function deliver(ctx: AppContext, req: Request, res: Response, next: NextFunction, answer: Answer, cacheKey: string | null, format: Format = 'html'): Promise<void> {
  switch (answer.type) {
    case 'page':
    case 'document': {
      const entry = answer.type === 'page' ? renderAnswer(ctx, answer, format) : documentEntry(answer);
      if (cacheKey !== null) ctx.cache.set(cacheKey, entry);
      sendCached(req, res, entry, ctx.cache);
      return;
    }
    case 'stream':
      return sendStream(req, res, answer);
    case 'file':
      return sendFile(req, res, next, answer);
    case 'redirect':
      return sendRedirect(res, answer);
  }
}
