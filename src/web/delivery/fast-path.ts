import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Logger } from '../../log';
import { requestIdOf } from '../../log';
import type { AppContext } from '../context';
import { pathOnly, type RequestStats } from '../metrics';
import { routeFamily, type RouteFamily } from '../routes';
import { negotiateEncoding } from './encoding';
import { etagFor, httpDate, type ContentCoding } from './http-cache';
import type { CachedResponse, RenderCache, WireForm, WireForms } from './render-cache';
import { sendCached } from './respond';

/**
 * Render-cache hits answered before Express, on the raw `http` server. A hit
 * needs no routing, no parameter parsing and no compression wrapper; on the
 * common request (GET, no validators, keep-alive) it also needs no header
 * handling: each entry keeps, per content coding, its status line and every
 * header line as one ready string (made on its first hit), and the answer is
 * that string with the request id, Date and Connection lines spliced in,
 * handed to Node as the response head, and the body buffer. Everything a
 * hit's answer carries on the Express path is reproduced, in the same order:
 * the security headers (computed once, by the same helmet configuration),
 * the request id, the access-log line and the request metrics
 * (test/fast-path.test.ts compares both paths byte for byte). Conditional
 * requests and HEAD take the header-by-header route of sendCached, still
 * before Express. Anything this path is unsure of (other methods, HSTS
 * behind a proxy, a cache miss, a database that cannot be read) falls
 * through to Express, which answers it as before.
 */
export interface FastPathOptions {
  ctx: AppContext;
  /** Headers every answer carries, as the security middleware sets them. */
  fixedHeaders: readonly (readonly [string, string])[];
  /** Answers can depend on X-Forwarded-Proto (HSTS) only when a proxy is trusted. */
  trustProxy: boolean;
  log: Logger;
  requests: RequestStats;
}

export type FastPath = (req: IncomingMessage, res: ServerResponse) => boolean;

/** Codings a held body is sent in, as sendCached negotiates them. */
const CACHED_CODINGS: readonly ContentCoding[] = ['br', 'gzip'];

/** Characters Node refuses in a header value (its checkInvalidHeaderChar). */
const INVALID_HEADER_CHAR = /[^\t\x20-\x7e\x80-\xff]/;

/**
 * The fields of Node's ServerResponse (v20 and later) a ready-made head is
 * handed through: `_header` is what writeHead stores and end() sends before
 * the body. Their keep-alive bookkeeping is read, never changed, except
 * `_last` when the connection closes, exactly as _storeHeader does.
 */
interface NodeResponseInternals {
  _header: string | null;
  _headerSent: boolean;
  _last: boolean;
  _hasBody: boolean;
  shouldKeepAlive: boolean;
  maxRequestsOnConnectionReached?: boolean;
  _defaultKeepAlive: boolean;
  _keepAliveTimeout: number;
  _maxRequestsPerSocket: number;
  chunkedEncoding: boolean;
}

/** The Connection (and Keep-Alive) lines Node writes for a response, or null when it would decide otherwise than keep-alive. */
let keepAliveFor = { timeout: -1, max: -1, lines: '' };
function connectionLines(r: NodeResponseInternals): string | null {
  if (!r.shouldKeepAlive || r.maxRequestsOnConnectionReached || !r._defaultKeepAlive) return null;
  const timeout = r._keepAliveTimeout;
  const max = ~~r._maxRequestsPerSocket;
  if (timeout !== keepAliveFor.timeout || max !== keepAliveFor.max) {
    const keepAlive = timeout ? `Keep-Alive: timeout=${Math.floor(timeout / 1000)}${max > 0 ? `, max=${max}` : ''}\r\n` : '';
    keepAliveFor = { timeout, max, lines: `Connection: keep-alive\r\n${keepAlive}` };
  }
  return keepAliveFor.lines;
}

/**
 * Header lines set on the response before the site saw it (the cluster
 * worker's X-Worker-Pid), in the order Node would write them; null when one
 * of them changes what Node decides (Connection: close while the server
 * stops) or is not a plain value: the header-by-header route handles those.
 */
function presetLines(res: ServerResponse): string | null {
  // Node has it since v15.13 (not in @types/node 20): the names as set, in insertion order.
  const names = (res as unknown as { getRawHeaderNames(): string[] }).getRawHeaderNames();
  if (names.length === 0) return '';
  let lines = '';
  for (const name of names) {
    const lower = name.toLowerCase();
    const value = res.getHeader(lower);
    if (lower === 'connection' || lower === 'content-length' || lower === 'transfer-encoding' || lower === 'date' || lower === 'keep-alive') return null;
    if (typeof value !== 'string' && typeof value !== 'number') return null;
    const text = String(value);
    if (INVALID_HEADER_CHAR.test(text)) return null;
    lines += `${name}: ${text}\r\n`;
  }
  return lines;
}

/** The Date line, as Node writes it (IMF-fixdate, made once a second). */
let dateLine = '';
let dateLineUntil = 0;
function currentDateLine(): string {
  const now = Date.now();
  if (now >= dateLineUntil) {
    dateLine = `Date: ${new Date(now).toUTCString()}\r\n`;
    dateLineUntil = now - (now % 1000) + 1000;
  }
  return dateLine;
}

/** Accept-Encoding values seen, with the coding each negotiates: clients send a handful of distinct ones. */
const codingOfHeader = new Map<string, ContentCoding | null>();
function codingFor(req: IncomingMessage): ContentCoding | null {
  const header = req.headers['accept-encoding'];
  if (typeof header !== 'string') return negotiateEncoding(req, CACHED_CODINGS);
  let coding = codingOfHeader.get(header);
  if (coding === undefined) {
    coding = negotiateEncoding(req, CACHED_CODINGS);
    if (codingOfHeader.size >= 256) codingOfHeader.clear();
    codingOfHeader.set(header, coding);
  }
  return coding;
}

/**
 * The wire form of an entry in a coding: the header lines sendCached sets
 * (after the security headers), in its order, or null when one of them has
 * a character Node would refuse.
 */
function wireFormOf(entry: CachedResponse, coding: ContentCoding | null, body: Buffer, fixedHeaders: FastPathOptions['fixedHeaders']): WireForm | null {
  // setHeader replaces a header already set in its place: an answer's own header (a JSON
  // twin's Cross-Origin-Resource-Policy) takes a security header's line, as on the Express path.
  const own = new Map(Object.entries(entry.headers ?? {}).map(([name, value]) => [name.toLowerCase(), [name, value] as [string, string]]));
  const lines: [string, string][] = [];
  for (const [name, value] of fixedHeaders) {
    const replaced = own.get(name.toLowerCase());
    if (replaced) own.delete(name.toLowerCase());
    lines.push(replaced ?? [name, value]);
  }
  for (const line of own.values()) lines.push(line);
  lines.push(['Content-Type', entry.contentType], ['Cache-Control', entry.cacheControl]);
  if (entry.etag !== null) lines.push(['ETag', etagFor(entry.etag, coding)]);
  if (entry.compressible) lines.push(['Vary', 'Accept-Encoding']);
  if (entry.lastModified !== null) lines.push(['Last-Modified', httpDate(entry.lastModified)]);
  if (coding) lines.push(['Content-Encoding', coding]);
  lines.push(['Content-Length', String(body.length)]);
  if (lines.some(([, v]) => INVALID_HEADER_CHAR.test(v))) return null;
  return {
    statusLine: `HTTP/1.1 ${entry.status} ${STATUS_CODES[entry.status] ?? 'unknown'}\r\n`,
    headers: lines.map(([n, v]) => `${n}: ${v}\r\n`).join(''),
    body,
  };
}

function wireForms(entry: CachedResponse): WireForms {
  return (entry.wire ??= {});
}

export function createFastPath({ ctx, fixedHeaders, trustProxy, log, requests }: FastPathOptions): FastPath {
  const logRequests = log.isLevelEnabled('info');
  const cache: RenderCache = ctx.cache;

  const form = (entry: CachedResponse, coding: ContentCoding | null): WireForm | null => {
    const forms = wireForms(entry);
    const key = coding ?? 'identity';
    let f = forms[key as 'identity' | 'gzip' | 'br'];
    if (f === undefined) {
      const body = coding === 'br' || coding === 'gzip' ? cache.formOf(entry, coding) : entry.body;
      f = wireFormOf(entry, coding, body, fixedHeaders);
      forms[key as 'identity' | 'gzip' | 'br'] = f;
    }
    return f;
  };

  const familyOf = (entry: CachedResponse, url: string): RouteFamily => {
    const forms = wireForms(entry);
    return (forms.family ??= routeFamily(pathOnly(url))) as RouteFamily;
  };

  const accessLog = (req: IncomingMessage, res: ServerResponse, id: string, url: string, started: number) => {
    res.once('finish', () => {
      log.info({ reqId: id, req: { method: req.method, url }, res: { statusCode: res.statusCode }, responseTime: performance.now() - started }, 'request completed');
    });
  };

  return (req, res) => {
    if (!cache.enabled) return false;
    const method = req.method;
    if (method !== 'GET' && method !== 'HEAD') return false;
    if (trustProxy && req.headers['x-forwarded-proto'] !== undefined) return false;
    const url = req.url ?? '/';
    let entry;
    try {
      cache.validate(ctx.visibleVersion());
      entry = cache.hit(url);
    } catch {
      return false; // the Express path reports the unreadable database
    }
    if (!entry) return false;
    const started = performance.now();
    const id = requestIdOf(req);
    const family = familyOf(entry, url);
    if (logRequests) accessLog(req, res, id, url, started);

    const headers = req.headers;
    const r = res as unknown as NodeResponseInternals;
    if (method === 'GET' && headers['if-none-match'] === undefined && headers['if-modified-since'] === undefined && r._header === null && r._hasBody) {
      const coding = entry.compressible ? codingFor(req) : null;
      const f = form(entry, coding);
      const connection = f ? connectionLines(r) : null;
      const preset = connection !== null ? presetLines(res) : null;
      if (f && connection !== null && preset !== null) {
        res.statusCode = entry.status;
        r._header = `${f.statusLine}${preset}X-Request-Id: ${id}\r\n${f.headers}${currentDateLine()}${connection}\r\n`;
        r._headerSent = false;
        res.end(f.body);
        requests.record(family, entry.status, (performance.now() - started) / 1000);
        return true;
      }
    }

    // Validators, HEAD, or a connection Node closes: headers one by one, as on the Express path.
    res.setHeader('X-Request-Id', id);
    for (const [name, value] of fixedHeaders) res.setHeader(name, value);
    sendCached(req, res, entry, cache);
    requests.record(family, res.statusCode, (performance.now() - started) / 1000);
    return true;
  };
}
