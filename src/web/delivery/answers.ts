import type { Crumb, HeadModel, ChromeModel } from '../view-model';
import type { CachePolicy } from './http-cache';

/**
 * What a page module returns for a request: data, never a response. The
 * delivery code turns each kind into bytes, validators, cache headers and
 * codings (src/web/delivery/respond.ts).
 */

/** What every page's template receives besides its own fields. */
export interface PageModel {
  head: HeadModel;
  chrome: ChromeModel;
  crumbs: Crumb[];
}

/**
 * An HTML page: a template (views/NAME.ejs) and its model. `data` is the
 * same model's public form, the documented fields of the page's `.json`
 * twin (docs/api.md): delivery writes one or the other, by the route's
 * format. It is a function so that HTML answers never build it.
 */
export interface PageAnswer<M extends PageModel = PageModel> {
  type: 'page';
  view: string;
  model: M;
  cache: CachePolicy;
  lastModified: number | null;
  status?: number;
  data?: () => unknown;
}

/** A page answer: the view, its model, the validators and, for a page with a `.json` twin, its data. */
export function page<M extends PageModel>(
  view: string,
  model: M,
  validators: { cache: CachePolicy; lastModified: number | null; status?: number },
  data?: (model: M) => unknown,
): PageAnswer<M> {
  return { type: 'page', view, model, ...validators, ...(data ? { data: () => data(model) } : {}) };
}

/**
 * JSON as the open-data answers send it: `<`, `>` and `&` as \u escapes, so
 * that text echoed from a URL (a missing page's number) can never read as
 * markup to a client that sniffs, and U+2028/U+2029 escaped for old
 * JavaScript parsers. JSON.parse gives back the same values.
 */
export function jsonBody(data: unknown): string {
  return JSON.stringify(data).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * Open data is read by other sites' scripts and IIIF viewers: CORS is open,
 * and the Cross-Origin-Resource-Policy helmet sets for the site is relaxed.
 */
export const OPEN_TO_OTHER_ORIGINS: Readonly<Record<string, string>> = {
  'Access-Control-Allow-Origin': '*',
  // A script elsewhere may revalidate with If-None-Match: it has to be able to read the ETag.
  'Access-Control-Expose-Headers': 'ETag',
  'Cross-Origin-Resource-Policy': 'cross-origin',
};

/** A small document held in memory: generated (robots.txt, a feed, the sitemap index, JSON for operations) or a static asset. */
export interface DocumentAnswer {
  type: 'document';
  body: string | Buffer;
  contentType: string;
  cache: CachePolicy;
  lastModified: number | null;
  status?: number;
  headers?: Readonly<Record<string, string>>;
}

/** Where a streamed document writes; resolves when the socket can take more. */
export type StreamWrite = (chunk: string) => Promise<void>;

/** A document too large to hold, written in chunks; validators come from what it is made of, not from its bytes. */
export interface StreamAnswer {
  type: 'stream';
  contentType: string;
  cache: CachePolicy;
  lastModified: number;
  /** Everything the bytes depend on; the ETag is its hash. */
  version: string;
  /** Writes the body; stops early when `closed()` says the client went away. */
  write: (write: StreamWrite, closed: () => boolean) => Promise<void>;
  /** The last chunk. */
  end: string;
}

/** A file of the media store, streamed with Range support. */
export interface FileAnswer {
  type: 'file';
  file: string;
  size: number;
  contentType: string;
  cache: CachePolicy;
  etag: string;
  disposition?: string;
  /** Headers of this answer beyond the file's own (CORS for IIIF tiles). */
  headers?: Readonly<Record<string, string>>;
}

export interface RedirectAnswer {
  type: 'redirect';
  location: string;
  status: 301 | 302;
  cache: CachePolicy;
}

export type Answer = PageAnswer | DocumentAnswer | StreamAnswer | FileAnswer | RedirectAnswer;
