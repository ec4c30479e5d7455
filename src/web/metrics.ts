import fs from 'node:fs';
import type { RequestHandler } from 'express';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { AppContext } from './context';

/**
 * Prometheus metrics at `/metrics` (text exposition format, never cached):
 *
 * - epaper_http_requests_total{route,status} and
 *   epaper_http_request_duration_seconds{route}: `route` is one of the fixed
 *   ROUTE_TYPES below, derived from the URL's shape, never the URL itself, so
 *   the number of series stays bounded whatever clients request;
 * - epaper_render_cache_{hits,misses}_total, _entries, _bytes, _max_bytes:
 *   read from the render cache when scraped;
 * - epaper_database_size_bytes{file="main"|"wal"}: the SQLite file and its
 *   write-ahead log, stat()ed when scraped;
 * - epaper_content_version: bumped by every import, so comparing it across
 *   app servers shows whether they all serve the same database;
 * - the process and Node.js defaults of prom-client (CPU, memory, event loop
 *   lag, GC), once per process.
 */

export const ROUTE_TYPES = [
  'newsstand', 'paper', 'issue', 'pdf', 'page', 'article', 'archive', 'search',
  'media', 'static', 'sitemap', 'feed', 'ops', 'other',
] as const;
export type RouteType = (typeof ROUTE_TYPES)[number];

const FIRST_SEGMENT: Record<string, RouteType> = {
  static: 'static',
  media: 'media',
  search: 'search',
  sitemaps: 'sitemap',
  'sitemap.xml': 'sitemap',
  'news-sitemap.xml': 'sitemap',
  healthz: 'ops',
  metrics: 'ops',
  'robots.txt': 'other',
  'opensearch.xml': 'other',
  'favicon.ico': 'other',
};

/** The route family of a request path, mirroring the app's routing table (see src/web/app.ts). */
export function routeType(path: string): RouteType {
  if (path === '/') return 'newsstand';
  const segments = path.split('/');
  // segments[0] is '' (the path starts with '/'); a trailing slash leaves a last '' (answered 301).
  if (segments[segments.length - 1] === '') segments.pop();
  const first = segments[1] ?? '';
  const fixed = Object.prototype.hasOwnProperty.call(FIRST_SEGMENT, first) ? FIRST_SEGMENT[first] : undefined;
  if (fixed) return fixed;
  if (/sitemap/i.test(first)) return 'sitemap';
  const n = segments.length - 1;
  if (n === 1) return 'paper';
  if (segments[2] === 'archive') return 'archive';
  if (n === 2) {
    if (segments[2] === 'feed.xml') return 'feed';
    return segments[2].endsWith('.pdf') ? 'pdf' : 'issue';
  }
  if (n === 3) return 'page';
  if (n === 4) return 'article';
  return 'other';
}

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
  /** `GET /metrics`. */
  handler: RequestHandler;
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

  const handler: RequestHandler = async (_req, res) => {
    const text = (await registry.metrics()) + (await defaultsRegistry().metrics());
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('X-Robots-Tag', 'noindex');
    res.type(registry.contentType).send(text);
  };

  return { registry, middleware, handler, observe };
}

function pathOnly(url: string): string {
  const q = url.indexOf('?');
  return q >= 0 ? url.slice(0, q) : url;
}
