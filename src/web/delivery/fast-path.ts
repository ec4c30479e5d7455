import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../../log';
import { requestIdOf } from '../../log';
import type { AppContext } from '../context';
import { sendCached } from './respond';

/**
 * Render-cache hits answered before Express. A hit needs no routing, no
 * parameter parsing and no compression wrapper, and those cost about ten times
 * what sending the cached bytes costs (docs/performance.md, "Cache hits").
 * Everything a hit's answer carries on the Express path is reproduced here:
 * the security headers (computed once, by the same helmet configuration), the
 * request id, the access-log line and the request metrics. Anything this path
 * is unsure of (other methods, HSTS behind a proxy, a cache miss, a database
 * that cannot be read) falls through to Express, which answers it as before.
 */
export interface FastPathOptions {
  ctx: AppContext;
  /** Headers every answer carries, as the security middleware sets them. */
  fixedHeaders: readonly (readonly [string, string])[];
  /** Answers can depend on X-Forwarded-Proto (HSTS) only when a proxy is trusted. */
  trustProxy: boolean;
  log: Logger;
  observe: (path: string, status: number, startedNs: bigint) => void;
}

export type FastPath = (req: IncomingMessage, res: ServerResponse) => boolean;

export function createFastPath({ ctx, fixedHeaders, trustProxy, log, observe }: FastPathOptions): FastPath {
  const logRequests = log.isLevelEnabled('info');
  return (req, res) => {
    if (!ctx.cache.enabled || (req.method !== 'GET' && req.method !== 'HEAD')) return false;
    if (trustProxy && req.headers['x-forwarded-proto'] !== undefined) return false;
    const url = req.url ?? '/';
    let entry;
    try {
      ctx.cache.validate(ctx.visibleVersion());
      entry = ctx.cache.hit(url);
    } catch {
      return false; // the Express path reports the unreadable database
    }
    if (!entry) return false;
    const started = process.hrtime.bigint();
    const id = requestIdOf(req);
    for (const [name, value] of fixedHeaders) res.setHeader(name, value);
    res.setHeader('X-Request-Id', id);
    res.once('finish', () => {
      observe(url, res.statusCode, started);
      if (logRequests) {
        log.info({ reqId: id, req: { method: req.method, url }, res: { statusCode: res.statusCode }, responseTime: Number(process.hrtime.bigint() - started) / 1e6 }, 'request completed');
      }
    });
    sendCached(req, res, entry, ctx.cache);
    return true;
  };
}
