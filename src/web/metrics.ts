import fs from 'node:fs';
import type { RequestHandler } from 'express';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { AppContext } from './context';
import { ROUTE_FAMILIES, routeFamily } from './routes';

/**
 * Prometheus metrics at `/metrics` (text exposition format, never cached):
 *
 * - epaper_http_requests_total{route,status} and
 *   epaper_http_request_duration_seconds{route}: `route` is the family of the
 *   route that answers the URL in the route table (src/web/routes.ts), never
 *   the URL itself, so the number of series stays bounded whatever clients
 *   request;
 * - epaper_render_cache_{hits,misses}_total, _entries, _bytes, _max_bytes:
 *   read from the render cache when scraped;
 * - epaper_database_size_bytes{file="main"|"wal"}: the SQLite file and its
 *   write-ahead log, stat()ed when scraped;
 * - epaper_content_version: bumped by every import, so comparing it across
 *   app servers shows whether they all serve the same database;
 * - the process and Node.js defaults of prom-client (CPU, memory, event loop
 *   lag, GC), once per process.
 */

/** The metric families, from the route table (src/web/routes.ts). */
export const ROUTE_TYPES = ROUTE_FAMILIES;

/** The route family of a request path: the family of the route in src/web/routes.ts that answers it. */
export const routeType = routeFamily;

/** Process-wide defaults, registered once however many apps a process creates (tests make many). */
let processRegistry: Registry | null = null;
function defaultsRegistry(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

export interface Metrics {
  registry: Registry;
  /** Counts and times every request; register it first. */
  middleware: RequestHandler;
  /** The exposition text for `GET /metrics` (src/web/pages/health.ts answers it). */
  text: () => Promise<{ body: string; contentType: string }>;
  /** Counts and times one answer sent outside the middleware (the render-cache fast path). */
  observe: (path: string, status: number, startedNs: bigint) => void;
}

export function createMetrics(ctx: AppContext): Metrics {
  const registry = new Registry();

  const requests = new Counter({
    name: 'epaper_http_requests_total',
    help: 'HTTP requests answered, by route family and status code',
    labelNames: ['route', 'status'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'epaper_http_request_duration_seconds',
    help: 'Time from receiving a request to sending the last byte of its answer, by route family',
    labelNames: ['route'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });

  new Counter({
    name: 'epaper_render_cache_hits_total',
    help: 'Rendered pages served from the in-memory render cache',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(ctx.cache.hits);
    },
  });
  new Counter({
    name: 'epaper_render_cache_misses_total',
    help: 'Pages rendered because the render cache did not hold them',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(ctx.cache.misses);
    },
  });
  new Gauge({
    name: 'epaper_render_cache_entries',
    help: 'Rendered pages held in the render cache',
    registers: [registry],
    collect() {
      this.set(ctx.cache.size.entries);
    },
  });
  new Gauge({
    name: 'epaper_render_cache_bytes',
    help: 'Bytes held in the render cache (bodies and their compressed forms)',
    registers: [registry],
    collect() {
      this.set(ctx.cache.size.bytes);
    },
  });
  new Gauge({
    name: 'epaper_render_cache_max_bytes',
    help: 'Configured render cache size (CACHE_SIZE)',
    registers: [registry],
    collect() {
      this.set(ctx.config.cacheBytes);
    },
  });
  new Gauge({
    name: 'epaper_database_size_bytes',
    help: 'Size of the SQLite database file (main) and its write-ahead log (wal)',
    labelNames: ['file'] as const,
    registers: [registry],
    collect() {
      const size = (file: string) => {
        try {
          return fs.statSync(file).size;
        } catch {
          return 0;
        }
      };
      this.set({ file: 'main' }, size(ctx.config.databasePath));
      this.set({ file: 'wal' }, size(`${ctx.config.databasePath}-wal`));
    },
  });
  new Gauge({
    name: 'epaper_content_version',
    help: 'Content version of the database this server reads (every import bumps it)',
    registers: [registry],
    collect() {
      try {
        const v = Number(ctx.queries.contentVersion());
        if (Number.isFinite(v)) this.set(v);
      } catch {
        this.reset(); // database not readable: /healthz says so
      }
    },
  });

  const observe = (url: string, status: number, startedNs: bigint) => {
    const route = routeType(pathOnly(url));
    requests.inc({ route, status: String(status) });
    duration.observe({ route }, Number(process.hrtime.bigint() - startedNs) / 1e9);
  };
  const middleware: RequestHandler = (req, res, next) => {
    const started = process.hrtime.bigint();
    res.once('finish', () => observe(req.originalUrl, res.statusCode, started));
    next();
  };

  const text = async () => ({
    body: (await registry.metrics()) + (await defaultsRegistry().metrics()),
    contentType: registry.contentType,
  });

  return { registry, middleware, text, observe };
}

function pathOnly(url: string): string {
  const q = url.indexOf('?');
  return q >= 0 ? url.slice(0, q) : url;
}
