import { logger } from '../../log';
import type { AppContext } from '../context';
import type { DocumentAnswer } from '../delivery/answers';

const NOT_INDEXED = { 'X-Robots-Tag': 'noindex' } as const;

/**
 * `/healthz`: 200 {"status":"ok"} when the process answers and its database
 * connection can read a row (the content version, the cheapest real read), 503
 * otherwise. Used by the container HEALTHCHECK and by load balancers; never
 * cached and never logged per request (see src/log.ts).
 */
export function healthCheck() {
  let failing = false;
  return (_req: unknown, ctx: AppContext): DocumentAnswer => {
    const json = (status: number, body: object): DocumentAnswer => ({
      type: 'document', body: JSON.stringify(body), contentType: 'application/json; charset=utf-8', cache: 'none', lastModified: null, status, headers: NOT_INDEXED,
    });
    try {
      const contentVersion = ctx.queries.contentVersion();
      if (contentVersion === undefined) throw new Error('site_meta has no content_version row');
      if (failing) logger.info('health check: database readable again');
      failing = false;
      return json(200, { status: 'ok', contentVersion });
    } catch (err) {
      // Logged once per change, not on every probe.
      if (!failing) logger.error({ err }, 'health check failed: database not readable');
      failing = true;
      return json(503, { status: 'unavailable', reason: 'database not readable' });
    }
  };
}

/** `/metrics`: the Prometheus text of src/web/metrics.ts, never cached or indexed. */
export function metricsText(text: () => Promise<{ body: string; contentType: string }>) {
  return async (): Promise<DocumentAnswer> => {
    const { body, contentType } = await text();
    return { type: 'document', body, contentType, cache: 'none', lastModified: null, headers: NOT_INDEXED };
  };
}
