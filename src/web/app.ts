import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import compression from 'compression';
import type { IncomingMessage, ServerResponse } from 'node:http';
import express, { type ErrorRequestHandler, type Request } from 'express';
import type { Config } from '../config';
import type { Db } from '../db/connection';
import { createQueries } from '../db/queries';
import { createSearcher } from '../search/searcher';
import { STATIC_DIR } from '../paths';
import type { AppContext } from './context';
import { BadRequest, HttpRedirect, NotFound } from './errors';
import { createFreshness } from './freshness';
import { noTrailingSlash, readOnlyMethods } from './middleware/canonical';
import { fixedSecurityHeaders, securityHeaders } from './middleware/security';
import { createFastPath } from './fast-path';
import { RenderCache } from './render-cache';
import { pageRoute, renderResult, sendCached } from './respond';
import { archiveIndex, archiveMonth, archiveYear } from './routes/archive';
import { articleView } from './routes/article';
import { issuePdf, issueView } from './routes/issue';
import { mediaRoute } from './routes/media';
import { newsstand } from './routes/newsstand';
import { pageView } from './routes/page';
import { searchPage } from './routes/search';
import { latestIssueRedirect } from './routes/paper';
import { paperFeed } from './routes/feed';
import { openSearch, robotsTxt } from './routes/robots';
import { monthSitemap, newsSitemap, sitemapIndex } from './routes/sitemaps';
import { chromeModel, headModel } from './view-model';
// [ops] logs, metrics, health: see src/log.ts, src/web/metrics.ts, src/web/routes/health.ts
import { httpLogger, logger } from '../log';
import { createMetrics } from './metrics';
import { healthRoute } from './routes/health';
import { iiifRoutes } from './iiif';
import { urls } from './urls';

function fingerprint(file: string): string {
  return crypto.createHash('sha1').update(fs.readFileSync(path.join(STATIC_DIR, file))).digest('hex').slice(0, 10);
}

export interface AppOptions {
  db: Db;
  config: Config;
  now?: () => number;
}

/** The site as a Node request listener: render-cache hits first, everything else through Express. */
export type Site = (req: IncomingMessage, res: ServerResponse) => void;

export function createApp({ db, config, now = Date.now }: AppOptions): { app: Site; ctx: AppContext } {
  const queries = createQueries(db);
  const ctx: AppContext = {
    db,
    queries,
    config,
    now,
    cache: new RenderCache(config.cacheBytes),
    searcher: createSearcher(db),
    // Asset URLs carry a content fingerprint, so they can be cached for a year.
    assets: {
      css: `/static/site.css?v=${fingerprint('site.css')}`,
      js: `/static/site.js?v=${fingerprint('site.js')}`,
      logo: '/static/logo.png',
    },
  };
  const currentVersion = createFreshness(queries, now);

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false); // our own strong ETags, computed once per rendered page
  app.set('trust proxy', config.trustProxy);
  app.set('query parser', 'simple');

  // [ops] request id + access log, then request metrics: first, so they see every request.
  const metrics = createMetrics(ctx);
  app.use(httpLogger());
  app.use(metrics.middleware);
  app.use(securityHeaders()); // first, so every answer (405s too) carries them
  app.use(readOnlyMethods);
  app.use(noTrailingSlash);
  app.use(compression());
  // [ops] before the render-cache check below, which reads the database: /healthz must answer 503, not fail.
  app.get('/healthz', healthRoute(ctx));
  app.get('/metrics', metrics.handler);
  app.use((_req, _res, next) => {
    ctx.cache.validate(currentVersion());
    next();
  });

  app.use('/static', express.static(STATIC_DIR, { maxAge: '365d', immutable: true, index: false, redirect: false, fallthrough: true }));
  app.get('/media/:dir/:file', mediaRoute(ctx));
  iiifRoutes(app, ctx); // /iiif/{id}/info.json and tiles: zoom images (src/web/iiif.ts)

  app.get('/', pageRoute(ctx, newsstand));
  app.get('/search', pageRoute(ctx, searchPage));
  app.get('/robots.txt', robotsTxt(ctx));
  app.get('/opensearch.xml', openSearch(ctx));
  app.get('/sitemap.xml', sitemapIndex(ctx));
  app.get('/news-sitemap.xml', newsSitemap(ctx));
  app.get('/sitemaps/:paper/:file', monthSitemap(ctx));
  app.get('/:paper', latestIssueRedirect(ctx));
  app.get('/:paper/archive', pageRoute(ctx, archiveIndex));
  app.get('/:paper/archive/:year', pageRoute(ctx, archiveYear));
  app.get('/:paper/archive/:year/:month', pageRoute(ctx, archiveMonth));
  app.get('/:paper/feed.xml', paperFeed(ctx));
  app.get('/:paper/:date', (req, res, next) => {
    if (String(req.params.date).endsWith('.pdf')) return issuePdf(ctx)(req, res, next);
    return pageRoute(ctx, issueView)(req, res, next);
  });
  app.get('/:paper/:date/:page', pageRoute(ctx, pageView));
  app.get('/:paper/:date/:page/:article', pageRoute(ctx, articleView));

  app.use((req) => {
    throw new NotFound(`没有这个页面:${req.path}`);
  });
  app.use(errorHandler(ctx));

  const fastPath = createFastPath({
    ctx,
    currentVersion,
    fixedHeaders: fixedSecurityHeaders(),
    trustProxy: config.trustProxy !== false && config.trustProxy !== 0,
    log: logger,
    observe: metrics.observe,
  });
  const site: Site = (req, res) => {
    if (!fastPath(req, res)) app(req, res);
  };
  return { app: site, ctx };
}

function errorPage(ctx: AppContext, req: Request, status: number, err: NotFound | BadRequest | null) {
  const nf = err instanceof NotFound ? err : null;
  const paper = nf?.paper ?? null;
  const nearest = nf?.nearestIssue;
  return renderResult(ctx, {
    view: 'error',
    status,
    cache: status >= 500 ? 'none' : 'short',
    lastModified: null,
    model: {
      head: headModel(ctx, { title: status === 404 ? '页面不存在 (404)' : status === 400 ? '请求无效 (400)' : '出错了', description: '', path: null, robots: 'noindex' }),
      chrome: chromeModel(ctx, paper, null),
      crumbs: [],
      status,
      message: err?.message ?? '服务器暂时无法处理这个请求,请稍后再试。',
      requested: req.path,
      archivePath: paper ? urls.archive(paper.slug) : null,
      paperName: paper?.name ?? null,
      nearest: paper && nearest ? { path: urls.issue(paper.slug, nearest.date), date: nearest.date } : null,
      papers: ctx.queries.publications().map((p) => ({ name: p.name, path: urls.paper(p.slug) })),
    },
  });
}

function errorHandler(ctx: AppContext): ErrorRequestHandler {
  return (err, req, res, next) => {
    if (res.headersSent) return next(err);
    if (err instanceof HttpRedirect) {
      res.setHeader('Cache-Control', err.status === 301 ? 'public, max-age=86400' : 'no-store');
      res.redirect(err.status, err.location);
      return;
    }
    let status: number;
    if (err instanceof NotFound) status = 404;
    else if (err instanceof BadRequest || err instanceof URIError) status = 400;
    else if (typeof err?.status === 'number' && err.status >= 400 && err.status < 500) status = err.status;
    else {
      status = 500;
      logger.error({ reqId: req.id, url: req.originalUrl, err }, 'unhandled error');
    }
    const known = err instanceof NotFound || err instanceof BadRequest ? err : null;
    try {
      sendCached(req, res, errorPage(ctx, req, status, known), ctx.cache);
    } catch (renderErr) {
      logger.error({ reqId: req.id, url: req.originalUrl, err: renderErr }, 'error page failed');
      res.status(status).type('text/plain; charset=utf-8').send(`${status}\n`);
    }
  };
}
