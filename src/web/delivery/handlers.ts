import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
import { logger } from '../../log';
import type { AppContext } from '../context';
import { BadRequest, HttpRedirect, NotFound, RangeNotSatisfiable } from '../errors';
import { paramsFit, routeOf, type RouteDef } from '../routes';
import type { Answer, PageAnswer } from './answers';
import { deliver, renderAnswer, sendCached, sendRedirect } from './respond';

export type SyncAnswerer = (req: Request, ctx: AppContext) => Answer;
export type AsyncAnswerer = (req: Request, ctx: AppContext) => Answer | Promise<Answer>;

/**
 * An Express handler for one route of the table: a render-cache hit is sent
 * as it is; otherwise the page module answers (in one read snapshot, so an
 * import committing mid-render cannot make a page show old and new at once)
 * and the answer is delivered.
 */
export function routeHandler(ctx: AppContext, route: RouteDef, answer: SyncAnswerer | AsyncAnswerer): RequestHandler {
  return async (req, res, next) => {
    if (!paramsFit(route, req.params as Record<string, unknown>)) {
      next('route');
      return;
    }
    const key = req.originalUrl;
    if (route.renderCache) {
      ctx.cache.validate(ctx.visibleVersion());
      const cached = ctx.cache.get(key);
      if (cached) {
        sendCached(req, res, cached, ctx.cache);
        return;
      }
    }
    const result = route.snapshot ? ctx.db.transaction(() => (answer as SyncAnswerer)(req, ctx))() : await answer(req, ctx);
    await deliver(ctx, req, res, next, result, route.renderCache ? key : null, route.format ?? 'html');
  };
}

/** Errors a page can explain to the reader; anything else is a 500 whose message stays in the log. */
export type KnownError = NotFound | BadRequest | RangeNotSatisfiable;

/** The error page's answer, built by src/web/pages/error.ts. */
export type ErrorAnswerer = (req: Request, ctx: AppContext, status: number, err: KnownError | null) => PageAnswer;

export function errorHandler(ctx: AppContext, errorPage: ErrorAnswerer): ErrorRequestHandler {
  return (err, req, res, next) => {
    if (res.headersSent) return next(err);
    // A file send that failed may have set the file's validators already; they do not describe the error page.
    for (const name of ['ETag', 'Last-Modified', 'Content-Disposition', 'Content-Range']) res.removeHeader(name);
    if (err instanceof HttpRedirect) {
      sendRedirect(res, { type: 'redirect', location: err.location, status: err.status, cache: err.status === 301 ? 'permanent' : 'none' });
      return;
    }
    let status: number;
    if (err instanceof NotFound) status = 404;
    else if (err instanceof BadRequest || err instanceof URIError) status = 400;
    else if (err instanceof RangeNotSatisfiable) {
      status = 416;
      res.setHeader('Content-Range', `bytes */${err.size}`);
    } else if (typeof err?.status === 'number' && err.status >= 400 && err.status < 500) status = err.status;
    else {
      status = 500;
      logger.error({ reqId: req.id, url: req.originalUrl, err }, 'unhandled error');
    }
    const known = err instanceof NotFound || err instanceof BadRequest || err instanceof RangeNotSatisfiable ? err : null;
    try {
      // A `.json` URL's error is JSON too (docs/api.md), so a script reading it never has to parse an HTML page.
      const format = routeOf(req.path)?.format ?? 'html';
      sendCached(req, res, renderAnswer(ctx, errorPage(req, ctx, status, known), format), ctx.cache);
    } catch (renderErr) {
      logger.error({ reqId: req.id, url: req.originalUrl, err: renderErr }, 'error page failed');
      res.status(status).type('text/plain; charset=utf-8').send(`${status}\n`);
    }
  };
}
