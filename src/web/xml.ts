import type { Request, Response } from 'express';
import { CACHE_CONTROL, strongEtag, type CachePolicy } from './http-cache';
import { worthCompressing, type CachedResponse } from './render-cache';
import { sendCached } from './respond';
import type { AppContext } from './context';

/**
 * XML for sitemaps, feeds and OpenSearch, built as plain strings: every
 * value goes through xmlEscape, which is safe both in text and in
 * double- or single-quoted attributes.
 */

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Characters XML 1.0 cannot carry at all, not even as references: C0 controls (but tab, LF, CR), lone surrogates, U+FFFE/U+FFFF. */
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

export function xmlEscape(value: string | number): string {
  return String(value).replace(NOT_XML_CHAR, '').replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

export const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';

/** `<name>escaped text</name>` */
export function element(name: string, text: string | number): string {
  return `<${name}>${xmlEscape(text)}</${name}>`;
}

export interface Document {
  body: string;
  contentType: string;
  cache: CachePolicy;
  lastModified: number | null;
}

/**
 * Sends a small generated document (robots.txt, the sitemap index, a feed)
 * through the same path as rendered pages: strong ETag from the body, one ETag
 * per precompressed form, 304 and HEAD. With `cacheable` the response is kept
 * in the render cache under its URL, which an import or an embargo end clears.
 */
export function sendDocument(ctx: AppContext, req: Request, res: Response, build: () => Document, cacheable = true): void {
  const key = req.originalUrl;
  const cached = cacheable ? ctx.cache.get(key) : undefined;
  if (cached) {
    sendCached(req, res, cached, ctx.cache);
    return;
  }
  const doc = ctx.db.transaction(build)(); // one snapshot for the whole document
  const body = Buffer.from(doc.body, 'utf8');
  const entry: CachedResponse = {
    body,
    status: 200,
    contentType: doc.contentType,
    etag: strongEtag(body),
    lastModified: doc.lastModified,
    cacheControl: CACHE_CONTROL[doc.cache],
    // Always encoded here (cache or not), so the compression middleware never re-encodes a body under its identity ETag.
    compressible: worthCompressing(body),
  };
  if (cacheable) ctx.cache.set(key, entry);
  sendCached(req, res, entry, ctx.cache);
}

/** When a reader-visible issue last changed: its last import, or the end of its embargo if that came later. */
export function visibleModifiedAt(issue: { modified_at: number; publish_at: number }): number {
  return Math.max(issue.modified_at, issue.publish_at);
}
