import type { RequestHandler } from 'express';

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
    // "//evil.example" would be protocol-relative: collapse leading slashes.
    res.redirect(301, target.replace(/^\/+/, '/') + (q >= 0 ? req.originalUrl.slice(q) : ''));
    return;
  }
  next();
};
