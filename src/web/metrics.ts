import fs from 'node:fs';
import type { RequestHandler } from 'express';
import { performance } from 'node:perf_hooks';
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import type { AppContext } from './context';
import { ROUTE_FAMILIES, routeFamily, type RouteFamily } from './routes';

/**
 * Prometheus metrics at `/metrics` (text exposition format, never cached):
 *
 * - epaper_http_requests_total{route,status} and
 *   epaper_http_request_duration_seconds{route}: `route` is the family of the
 *   route that answers the URL in the route table (src/web/routes.ts), never
 *   the URL itself, so the number of series stays bounded whatever clients
 *   request. Both are plain counters (RequestStats below), not prom-client
 *   metrics: render-cache hits count themselves at ~15,000 a second per
 *   process, where prom-client's label lookup cost as much as the rest of a
 *   hit's bookkeeping;
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

/** Upper bounds (seconds) of the request-duration histogram's buckets. */
const DURATION_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

interface DurationSeries {
  buckets: Float64Array; // one per bound, then +Inf; not cumulative (summed when exported)
  sum: number;
  count: number;
}

/**
 * epaper_http_requests_total and epaper_http_request_duration_seconds as
 * plain numbers in maps keyed by route family and status: recording a
 * request allocates nothing once its series exists.
 */
export class RequestStats {
  private readonly counts = new Map<RouteFamily, Map<number, number>>();
  private readonly durations = new Map<RouteFamily, DurationSeries>();

  record(route: RouteFamily, status: number, seconds: number): void {
    let byStatus = this.counts.get(route);
    if (!byStatus) this.counts.set(route, (byStatus = new Map()));
    byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
    let d = this.durations.get(route);
    if (!d) this.durations.set(route, (d = { buckets: new Float64Array(DURATION_BUCKETS.length + 1), sum: 0, count: 0 }));
    let i = 0;
    while (i < DURATION_BUCKETS.length && seconds > DURATION_BUCKETS[i]!) i += 1;
    d.buckets[i]! += 1;
    d.sum += seconds;
    d.count += 1;
  }

  /** Both families in the Prometheus text exposition format. */
  text(): string {
    const lines = [
      '# HELP epaper_http_requests_total HTTP requests answered, by route family and status code',
      '# TYPE epaper_http_requests_total counter',
    ];
    for (const [route, byStatus] of this.counts) {
      for (const [status, n] of byStatus) lines.push(`epaper_http_requests_total{route="${route}",status="${status}"} ${n}`);
    }
    lines.push(
      '',
      '# HELP epaper_http_request_duration_seconds Time from receiving a request to handing the last byte of its answer to the socket, by route family',
      '# TYPE epaper_http_request_duration_seconds histogram',
    );
    for (const [route, d] of this.durations) {
      let cumulative = 0;
      DURATION_BUCKETS.forEach((le, i) => {
        cumulative += d.buckets[i]!;
        lines.push(`epaper_http_request_duration_seconds_bucket{le="${le}",route="${route}"} ${cumulative}`);
      });
      lines.push(`epaper_http_request_duration_seconds_bucket{le="+Inf",route="${route}"} ${d.count}`);
      lines.push(`epaper_http_request_duration_seconds_sum{route="${route}"} ${d.sum}`);
      lines.push(`epaper_http_request_duration_seconds_count{route="${route}"} ${d.count}`);
    }
    return `${lines.join('\n')}\n\n`;
  }
}

export interface Metrics {
  registry: Registry;
  /** The request counters, shared by the Express path and the render-cache fast path. */
  requests: RequestStats;
  /** Counts and times every request; register it first. */
  middleware: RequestHandler;
  /** The exposition text for `GET /metrics` (src/web/pages/health.ts answers it). */
  text: () => Promise<{ body: string; contentType: string }>;
}

export function createMetrics(ctx: AppContext): Metrics {
  const registry = new Registry();

  const requests = new RequestStats();

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

  const middleware: RequestHandler = (req, res, next) => {
    const started = performance.now();
    res.once('finish', () => requests.record(routeType(pathOnly(req.originalUrl)), res.statusCode, (performance.now() - started) / 1000));
    next();
  };

  const text = async () => ({
    body: requests.text() + (await registry.metrics()) + (await defaultsRegistry().metrics()),
    contentType: registry.contentType,
  });

  return { registry, requests, middleware, text };
}

export function pathOnly(url: string): string {
  const q = url.indexOf('?');
  return q >= 0 ? url.slice(0, q) : url;
}
