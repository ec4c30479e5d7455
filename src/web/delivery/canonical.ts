import type { RequestHandler } from 'express';
import { sameSitePath } from '../errors';
import { parseHttpDate } from './http-cache';

export const ALLOWED_METHODS = 'GET, HEAD';

/** The site is read-only: anything but GET and HEAD is 405 with an Allow header. */
export const readOnlyMethods: RequestHandler = (req, res, next) => {
  if (req.method === 'GET' || req.method === 'HEAD') return next();
  res.setHeader('Allow', ALLOWED_METHODS);
  res.setHeader('Cache-Control', 'no-store');
  res.status(405).type('text/plain; charset=utf-8').send('405 不支持的请求方法 (Method Not Allowed)\n');
};

/** One URL per resource: /x/ answers 301 to /x (query kept). */
export const noTrailingSlash: RequestHandler = (req, res, next) => {
  const path = req.path;
  if (path.length > 1 && path.endsWith('/')) {
    const q = req.originalUrl.indexOf('?');
    const target = path.replace(/\/+$/, '') || '/';
    res.redirect(301, sameSitePath(target) + (q >= 0 ? req.originalUrl.slice(q) : ''));
    return;
  }
  next();
};

/**
 * An If-Modified-Since that is not an HTTP date is ignored (RFC 9110
 * §13.1.3), here for everything express answers (media and static files
 * included), so no parser downstream reads "3000" as a year.
 */
export const ignoreInvalidDates: RequestHandler = (req, _res, next) => {
  const since = req.headers['if-modified-since'];
  if (since !== undefined && parseHttpDate(since) === null) delete req.headers['if-modified-since'];
  next();
};
