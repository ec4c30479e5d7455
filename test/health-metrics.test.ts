import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import express from 'express';
import request from 'supertest';
import { openReadOnlyDatabase } from '../src/db/connection';
import { createLogger, httpLogger, logger, logLevelFromEnv } from '../src/log';
import { routeType, ROUTE_TYPES } from '../src/web/metrics';
import { EXPORT_KINDS, ROUTES, routeOf, type RouteDef } from '../src/web/routes';
import { OPENSEADRAGON } from '../src/web/vendor';
import { demoApp, demoPaths } from './helpers/app';
import { DEMO_END_DATE } from './helpers/demo-constants';

const { app, db, config } = demoApp();
const paper = db.prepare('SELECT slug FROM publication ORDER BY id LIMIT 1').pluck().get() as string;
const image = db.prepare('SELECT image_path FROM page ORDER BY id LIMIT 1').pluck().get() as string;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

afterAll(() => db.close());

/** The value of one sample line of the exposition text, or undefined. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const got = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => got[k] === v)) return Number(m[3]);
  }
  return undefined;
}

describe('/healthz', () => {
  test('200 ok JSON, never cached', async () => {
    const res = await request(app).get('/healthz').expect(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toEqual({ status: 'ok', contentVersion: expect.any(String) });
    expect(res.headers.etag).toBeUndefined();
    await request(app).head('/healthz').expect(200);
  });

  test('503 when the database connection cannot read', async () => {
    const own = openReadOnlyDatabase(demoPaths().file);
    const { app: broken } = demoApp({ db: own });
    await request(broken).get('/healthz').expect(200);
    own.close();
    const errorLog = jest.spyOn(logger, 'error').mockImplementation(() => undefined);
    try {
      const res = await request(broken).get('/healthz').expect(503);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.body).toEqual({ status: 'unavailable', reason: 'database not readable' });
      await request(broken).get('/healthz').expect(503);
      // Logged when it starts failing, not on every probe.
      expect(errorLog).toHaveBeenCalledTimes(1);
      // Metrics still answer (the database gauges are skipped), so a scrape shows the outage.
      const metrics = await request(broken).get('/metrics').expect(200);
      expect(sample(metrics.text, 'epaper_http_requests_total', { route: 'ops', status: '503' })).toBe(2);
    } finally {
      errorLog.mockRestore();
    }
  });
});

describe('/metrics', () => {
  test('Prometheus text with request counters by route family, render cache and database size, never cached', async () => {
    const { app: fresh, db: own } = demoApp();
    try {
      const page = `/${paper}/${DEMO_END_DATE}/01`;
      await request(fresh).get('/').expect(200);
      await request(fresh).get(page).expect(200);
      await request(fresh).get(page).expect(200); // a render cache hit
      await request(fresh).get(`${page}/1`).expect(200);
      await request(fresh).get(`/${paper}/archive`).expect(200);
      await request(fresh).get(`/media/${image}`).expect(200);
      await request(fresh).get('/static/site.css').expect(200);
      await request(fresh).get('/no/such/secret-path/at/all/here').expect(404);
      await request(fresh).post('/').expect(405);

      const res = await request(fresh).get('/metrics').expect(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4; charset=utf-8$/);
      expect(res.headers['cache-control']).toBe('no-store');
      const text = res.text;
      expect(text).toContain('# TYPE epaper_http_requests_total counter');
      expect(text).toContain('# TYPE epaper_http_request_duration_seconds histogram');
      expect(sample(text, 'epaper_http_requests_total', { route: 'newsstand', status: '200' })).toBe(1);
      expect(sample(text, 'epaper_http_requests_total', { route: 'page', status: '200' })).toBe(2);
      expect(sample(text, 'epaper_http_requests_total', { route: 'article', status: '200' })).toBe(1);
      expect(sample(text, 'epaper_http_requests_total', { route: 'archive', status: '200' })).toBe(1);
      expect(sample(text, 'epaper_http_requests_total', { route: 'media', status: '200' })).toBe(1);
      expect(sample(text, 'epaper_http_requests_total', { route: 'static', status: '200' })).toBe(1);
      expect(sample(text, 'epaper_http_requests_total', { route: 'other', status: '404' })).toBe(1);
      expect(sample(text, 'epaper_http_requests_total', { route: 'newsstand', status: '405' })).toBe(1);
      expect(sample(text, 'epaper_http_request_duration_seconds_count', { route: 'page' })).toBe(2);
      expect(sample(text, 'epaper_http_request_duration_seconds_bucket', { route: 'page', le: '+Inf' })).toBe(2);
      // Labels come from a fixed set, never from the URL.
      expect(text).not.toContain('secret-path');
      for (const m of text.matchAll(/route="([^"]*)"/g)) expect(ROUTE_TYPES).toContain(m[1]);

      expect(sample(text, 'epaper_render_cache_hits_total')).toBeGreaterThanOrEqual(1);
      expect(sample(text, 'epaper_render_cache_misses_total')).toBeGreaterThanOrEqual(4);
      expect(sample(text, 'epaper_render_cache_entries')).toBeGreaterThanOrEqual(4);
      expect(sample(text, 'epaper_render_cache_bytes')).toBeGreaterThan(0);
      expect(sample(text, 'epaper_render_cache_max_bytes')).toBe(config.cacheBytes);
      expect(sample(text, 'epaper_database_size_bytes', { file: 'main' })).toBe(fs.statSync(config.databasePath).size);
      expect(sample(text, 'epaper_content_version')).toBeGreaterThan(0);
      // prom-client's process defaults are there too.
      expect(text).toContain('process_cpu_user_seconds_total');
      expect(text).toContain('nodejs_eventloop_lag_seconds');
    } finally {
      own.close();
    }
  });

  test('route families cover every URL shape of the site', () => {
    const cases: [string, string][] = [
      ['/', 'newsstand'], [`/${paper}`, 'paper'], [`/${paper}/2026-01-10`, 'issue'], [`/${paper}/2026-01-10.pdf`, 'pdf'],
      [`/${paper}/2026-01-10/01`, 'page'], [`/${paper}/2026-01-10/01/2`, 'article'], [`/${paper}/archive`, 'archive'],
      [`/${paper}/archive/2026/01`, 'archive'], ['/search', 'search'], [`/media/${image}`, 'media'], ['/static/site.css', 'static'],
      ['/sitemap.xml', 'sitemap'], ['/news-sitemap.xml', 'sitemap'], [`/sitemaps/${paper}/2026-01.xml`, 'sitemap'],
      [`/${paper}/feed.xml`, 'feed'], ['/healthz', 'ops'], ['/metrics', 'ops'], ['/robots.txt', 'other'], ['/a/b/c/d/e/f', 'other'],
      [`/${paper}/2026-01-10/`, 'issue'], ['/__proto__', 'paper'], ['/constructor/x/y/z/w', 'other'],
    ];
    for (const [path, type] of cases) expect([path, routeType(path)]).toEqual([path, type]);
  });
});

describe('request ids and logs', () => {
  test('X-Request-Id is echoed when sane and generated otherwise, on every kind of answer', async () => {
    const sane = await request(app).get('/').set('X-Request-Id', 'edge-7f3a.42:1').expect(200);
    expect(sane.headers['x-request-id']).toBe('edge-7f3a.42:1');
    const nginxStyle = 'a3f1c2d4e5b60718293a4b5c6d7e8f90';
    expect((await request(app).get('/healthz').set('X-Request-Id', nginxStyle)).headers['x-request-id']).toBe(nginxStyle);
    for (const bad of ['has space', 'x'.repeat(200), '<script>', '']) {
      const res = await request(app).get('/').set('X-Request-Id', bad).expect(200);
      expect(res.headers['x-request-id']).toMatch(UUID);
    }
    const generated = await request(app).get('/no-such-paper').expect(404);
    expect(generated.headers['x-request-id']).toMatch(UUID);
    const etag = (await request(app).get('/')).headers.etag;
    const notModified = await request(app).get('/').set('If-None-Match', etag).expect(304);
    expect(notModified.headers['x-request-id']).toMatch(UUID);
    expect((await request(app).get('/static/site.css').expect(200)).headers['x-request-id']).toMatch(UUID);
    expect((await request(app).get('/metrics').expect(200)).headers['x-request-id']).toMatch(UUID);
  });

  test('the access log is one small JSON object per request, with the request id; health checks stay out of it', async () => {
    const lines: string[] = [];
    const sink = new Writable({ write(chunk, _enc, cb) { lines.push(String(chunk)); cb(); } });
    const log = createLogger({ LOG_LEVEL: 'info', NODE_ENV: 'production' }, sink);
    const mini = express();
    mini.use(httpLogger(log));
    mini.get('/healthz', (_req, res) => { res.send('ok'); });
    mini.get('/boom', () => { throw new Error('kaputt'); });
    mini.get('/x', (req, res) => { req.log.info({ detail: 1 }, 'inside'); res.send('x'); });
    await request(mini).get('/x?y=1').set('X-Request-Id', 'req-1').set('Cookie', 'secret=1').expect(200);
    await request(mini).get('/healthz').expect(200);
    await request(mini).get('/boom').expect(500);
    const entries = lines.map((l) => JSON.parse(l));
    const inside = entries.find((e) => e.msg === 'inside');
    expect(inside).toMatchObject({ level: 'info', reqId: 'req-1', detail: 1 });
    const done = entries.filter((e) => e.msg === 'request completed');
    expect(done).toHaveLength(1);
    expect(done[0]).toMatchObject({ level: 'info', reqId: 'req-1', req: { method: 'GET', url: '/x?y=1' }, res: { statusCode: 200 } });
    expect(typeof done[0].responseTime).toBe('number');
    expect(Object.keys(done[0].req)).toEqual(['method', 'url']); // no headers, no cookies
    expect(lines.join('')).not.toContain('secret=1');
    expect(entries.some((e) => e.req?.url === '/healthz')).toBe(false);
    const failed = entries.find((e) => e.req?.url === '/boom');
    expect(failed).toMatchObject({ level: 'error', res: { statusCode: 500 } });
  });

  test('LOG_LEVEL picks the level; tests default to silent; nonsense falls back to info', () => {
    expect(logLevelFromEnv({ LOG_LEVEL: 'debug' }).level).toBe('debug');
    expect(logLevelFromEnv({ LOG_LEVEL: 'WARN' }).level).toBe('warn');
    expect(logLevelFromEnv({}).level).toBe('info');
    expect(logLevelFromEnv({ NODE_ENV: 'test' }).level).toBe('silent');
    expect(logLevelFromEnv({ LOG_LEVEL: 'loud' })).toEqual({ level: 'info', invalid: 'loud' });
    expect(logger.level).toBe(process.env.LOG_LEVEL ?? 'silent');
  });

  test('a missing media file is logged as a warning with the request id', async () => {
    const warn = jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
    try {
      const missing = `${image.slice(0, 3)}${'0'.repeat(32)}.png`;
      const res = await request(app).get(`/media/${missing}`).set('X-Request-Id', 'media-check').expect(404);
      expect(res.headers['x-request-id']).toBe('media-check');
      expect(warn).toHaveBeenCalledWith({ reqId: 'media-check', path: missing }, 'media file missing');
    } finally {
      warn.mockRestore();
    }
  });
});

describe('neither endpoint is advertised', () => {
  test('not in robots.txt, the sitemap index, a month sitemap or the news sitemap', async () => {
    const index = await request(app).get('/sitemap.xml');
    if (index.status === 404) return; // sitemaps not wired in this build
    const docs = [index.text, (await request(app).get('/robots.txt')).text, (await request(app).get('/news-sitemap.xml')).text];
    const month = /<loc>[^<]*?(\/sitemaps\/[^<]+)<\/loc>/.exec(index.text);
    if (month) docs.push((await request(app).get(month[1])).text);
    for (const doc of docs) {
      expect(doc).not.toContain('/healthz');
      expect(doc).not.toContain('/metrics');
    }
  });
});

describe('the route table', () => {
  /** A real URL of each route on the demo: every parameter a route declares must have a value here. */
  const date = DEMO_END_DATE;
  const example: Record<string, string> = {
    paper, date, page: '01', article: '1', year: date.slice(0, 4), month: date.slice(5, 7), rect: '0,0,400,300',
    dir: image.split('/')[0], file: image.split('/')[1],
  };
  /** A tile set of the demo's first page (the import makes one per page image) and its smallest whole-image size. */
  const tileSet = (() => {
    const id = fs.readdirSync(path.join(config.mediaDir, 'iiif')).find((name) => /^[0-9a-f]{32}$/.test(name))!;
    const info = JSON.parse(fs.readFileSync(path.join(config.mediaDir, 'iiif', id, 'info.json'), 'utf8')) as { sizes: { width: number; height: number }[] };
    return { id, size: info.sizes[0]! };
  })();
  const special: Record<string, Record<string, string>> = {
    static: { file: 'site.css' },
    openseadragon: { version: OPENSEADRAGON.version, file: 'openseadragon.min.js' },
    monthSitemap: { file: `${date.slice(0, 7)}.xml` },
    iiifInfo: { id: tileSet.id },
    iiifTile: { id: tileSet.id, region: 'full', size: `${tileSet.size.width},${tileSet.size.height}`, rotation: '0', file: 'default.jpg' },
    issuePdf: { date: db.prepare('SELECT i.date FROM issue i JOIN publication p ON p.id = i.publication_id WHERE p.slug = ? AND i.pdf_path IS NOT NULL ORDER BY i.date LIMIT 1').pluck().get(paper) as string },
  };
  function exampleUrl(route: RouteDef): string {
    return route.path.replace(/[:*](\w+)/g, (_all, name: string) => {
      const value = special[route.name]?.[name] ?? example[name];
      if (value === undefined) throw new Error(`route ${route.name}: no example value for parameter ${name}; add one to this test`);
      return value;
    });
  }

  test('every route has a metrics family and an export kind (null when not exported)', () => {
    for (const route of ROUTES as readonly RouteDef[]) {
      expect([route.name, ROUTE_TYPES.includes(route.family)]).toEqual([route.name, true]);
      expect([route.name, 'exportKind' in route]).toEqual([route.name, true]);
      if (route.exportKind !== null) expect(EXPORT_KINDS).toContain(route.exportKind);
    }
    expect(new Set(ROUTES.map((r) => r.name)).size).toBe(ROUTES.length);
  });

  test('Express serves exactly the table, in its order', () => {
    const { express: site, db: own } = demoApp();
    own.close();
    const registered = (site.router as unknown as { stack: { route?: { path: string } }[] }).stack
      .filter((layer) => layer.route).map((layer) => layer.route!.path);
    expect(registered).toEqual(ROUTES.map((r) => r.path));
  });

  test.each((ROUTES as readonly RouteDef[]).map((r) => [r.name, r] as const))('%s: its example URL is answered by it and counted under its family', async (_name, route) => {
    const url = exampleUrl(route);
    expect(routeOf(url)).toBe(route);
    expect(routeType(url)).toBe(route.family);
    const res = await request(app).get(url);
    expect([route.name, res.status < 400]).toEqual([route.name, true]);
  });
});
