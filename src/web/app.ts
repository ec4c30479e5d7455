import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import express, { type Express } from 'express';
import type { Config } from '../config';
import type { Db } from '../db/connection';
import { createQueries } from '../db/queries';
import { createSearcher } from '../search/searcher';
import { STATIC_DIR } from '../paths';
import { SITEMAP_LIMITS, type AppContext, type SitemapLimits } from './context';
import { NotFound } from './errors';
import { createFreshness } from './freshness';
import { ignoreInvalidDates, noTrailingSlash, readOnlyMethods } from './delivery/canonical';
import { createFastPath } from './delivery/fast-path';
import { RenderCache } from './delivery/render-cache';
import { errorHandler, routeHandler } from './delivery/handlers';
import { fixedSecurityHeaders, securityHeaders } from './middleware/security';
import { errorPage, pageAnswerers } from './pages';
import { ROUTES } from './routes';
import { urls } from './urls';
// [ops] logs, metrics, health: see src/log.ts, src/web/metrics.ts, src/web/pages/health.ts
import { httpLogger, logger } from '../log';
import { createMetrics } from './metrics';

function fingerprint(file: string): string {
  return crypto.createHash('sha1').update(fs.readFileSync(path.join(STATIC_DIR, file))).digest('hex').slice(0, 10);
}

export interface AppOptions {
  db: Db;
  config: Config;
  now?: () => number;
  /** Where month sitemaps split into parts; tests make them small. */
  sitemapLimits?: SitemapLimits;
}

/** The site as a Node request listener: render-cache hits first, everything else through Express. */
export type Site = (req: IncomingMessage, res: ServerResponse) => void;

export function createApp({ db, config, now = Date.now, sitemapLimits = SITEMAP_LIMITS }: AppOptions): { app: Site; ctx: AppContext; express: Express } {
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
      css: `${urls.staticFile('site.css')}?v=${fingerprint('site.css')}`,
      js: `${urls.staticFile('site.js')}?v=${fingerprint('site.js')}`,
      prefs: `${urls.staticFile('prefs.js')}?v=${fingerprint('prefs.js')}`,
      pageJs: `${urls.staticFile('page.js')}?v=${fingerprint('page.js')}`,
      citeJs: `${urls.staticFile('cite.js')}?v=${fingerprint('cite.js')}`,
      logo: urls.staticFile('logo.png'),
    },
    visibleVersion: createFreshness(queries, now, config.contentCheckMs),
    sitemapLimits,
  };

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
  app.use(ignoreInvalidDates);
  app.use(noTrailingSlash);

  // Every route comes from the one route table, answered by its page module.
  const answerers = pageAnswerers(metrics);
  for (const route of ROUTES) app.get(route.path, routeHandler(ctx, route, answerers[route.name]));

  app.use((req) => {
    throw new NotFound(`没有这个页面:${req.path}`);
  });
  app.use(errorHandler(ctx, errorPage));

  const fastPath = createFastPath({
    ctx,
    fixedHeaders: fixedSecurityHeaders(),
    trustProxy: config.trustProxy !== false && config.trustProxy !== 0,
    log: logger,
    requests: metrics.requests,
  });
  const site: Site = (req, res) => {
    if (!fastPath(req, res)) app(req, res);
  };
  return { app: site, ctx, express: app };
}
