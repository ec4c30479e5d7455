import type { RequestHandler } from 'express';
import { logger } from '../../log';
import type { AppContext } from '../context';

/**
 * `/healthz`: 200 {"status":"ok"} when the process answers and its database
 * connection can read a row (the content version, the cheapest real read), 503
 * otherwise. Used by the container HEALTHCHECK and by load balancers; never
 * cached and never logged per request (see src/log.ts).
 */
export function healthRoute(ctx: AppContext): RequestHandler {
  let failing = false;
  return (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('X-Robots-Tag', 'noindex');
    try {
      const contentVersion = ctx.queries.contentVersion();
      if (contentVersion === undefined) throw new Error('site_meta has no content_version row');
      if (failing) logger.info('health check: database readable again');
      failing = false;
      res.status(200).json({ status: 'ok', contentVersion });
    } catch (err) {
      // Logged once per change, not on every probe.
      if (!failing) logger.error({ err }, 'health check failed: database not readable');
      failing = true;
      res.status(503).json({ status: 'unavailable', reason: 'database not readable' });
    }
  };
}
