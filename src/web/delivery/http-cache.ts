import crypto from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export type CachePolicy = 'archive' | 'latest' | 'short' | 'none' | 'immutable' | 'permanent';

/** Cache-Control by route: past issues change only by correction; the latest issue and redirects change daily. */
export const CACHE_CONTROL: Record<CachePolicy, string> = {
  archive: 'public, max-age=86400, stale-while-revalidate=604800',
  latest: 'public, max-age=300, stale-while-revalidate=3600',
  short: 'public, max-age=60',
  none: 'no-store',
  immutable: 'public, max-age=31536000, immutable',
  /** 301s to a canonical URL: a day, so a changed rule does not live on in caches for long. */
  permanent: 'public, max-age=86400',
};

export function strongEtag(body: Buffer | string): string {
  return `"${crypto.createHash('sha1').update(body).digest('base64url')}"`;
}

/** HTTP dates have second precision; comparisons must use the same. */
export function httpDate(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toUTCString();
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const IMF_FIXDATE = /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{2}) ([A-Z][a-z]{2}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/;
const RFC850_DATE = /^(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), (\d{2})-([A-Z][a-z]{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2}) GMT$/;
const ASCTIME_DATE = /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) ([A-Z][a-z]{2}) ([ \d]\d) (\d{2}):(\d{2}):(\d{2}) (\d{4})$/;

/**
 * An HTTP-date (RFC 9110 §5.6.7: IMF-fixdate or one of the two obsolete
 * forms) in ms, or null for anything else. Date.parse would read "3000" as
 * the year 3000 and turn a garbage If-Modified-Since into a 304.
 */
export function parseHttpDate(value: string): number | null {
  let parts: [string, string, string, string, string, string] | null = null;
  let m = IMF_FIXDATE.exec(value);
  if (m) parts = [m[3], m[2], m[1], m[4], m[5], m[6]];
  else if ((m = RFC850_DATE.exec(value))) parts = [String(Number(m[3]) + (Number(m[3]) < 70 ? 2000 : 1900)), m[2], m[1], m[4], m[5], m[6]];
  else if ((m = ASCTIME_DATE.exec(value))) parts = [m[6], m[1], m[2].trim(), m[3], m[4], m[5]];
  if (!parts) return null;
  const [year, monthName, day, hour, minute, second] = parts;
  const month = MONTHS.indexOf(monthName);
  const ms = Date.UTC(Number(year), month, Number(day), Number(hour), Number(minute), Number(second));
  const back = new Date(ms);
  // Rejects Feb 30, 25:00 and the like, which Date.UTC would roll over.
  if (month < 0 || back.getUTCDate() !== Number(day) || back.getUTCHours() !== Number(hour) || back.getUTCMinutes() !== Number(minute) || back.getUTCSeconds() !== Number(second)) return null;
  return ms;
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
    const since = parseHttpDate(ims);
    return since !== null && Math.floor(lastModified / 1000) * 1000 <= since;
  }
  return false;
}

/**
 * A strong ETag names one exact byte sequence, so each content coding of a
 * representation gets its own: the identity tag with a suffix.
 */
const CODING_SUFFIX = { br: 'br', gzip: 'gz', deflate: 'df' } as const;
export type ContentCoding = keyof typeof CODING_SUFFIX;

export function etagFor(etag: string, coding: ContentCoding | null): string {
  return coding ? `${etag.slice(0, -1)}-${CODING_SUFFIX[coding]}"` : etag;
}

/** 304 when the request's validators match the representation in any of its codings. */
export function isNotModifiedInAnyCoding(req: IncomingMessage, etag: string, lastModified: number | null): boolean {
  const codings = [null, ...(Object.keys(CODING_SUFFIX) as ContentCoding[])];
  return codings.some((coding) => isNotModified(req, etagFor(etag, coding), lastModified));
}
