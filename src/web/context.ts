import type { Config } from '../config';
import type { Db } from '../db/connection';
import type { Queries } from '../db/queries';
import type { RenderCache } from './delivery/render-cache';
import type { Searcher } from '../search/searcher';

export interface SitemapLimits {
  /** URLs per sitemap file (sitemaps.org and Baidu: 50,000). */
  maxUrls: number;
  /** Bytes per uncompressed sitemap file (Baidu: 10 MB). */
  maxBytes: number;
}

export const SITEMAP_LIMITS: SitemapLimits = { maxUrls: 50_000, maxBytes: 10 * 1024 * 1024 };

/** What every route needs: the read-only database, its queries, configuration and the clock. */
export interface AppContext {
  db: Db;
  queries: Queries;
  config: Config;
  cache: RenderCache;
  searcher: Searcher;
  /** Injected so tests can move time across an embargo. */
  now: () => number;
  /** `pageJs`: the page view's script (region highlighting and the zoom viewer, static/page.js); `prefs`: 字号 and 报纸字体, applied before first paint (static/prefs.js). */
  assets: { css: string; js: string; prefs: string; pageJs: string; citeJs: string; logo: string };
  /** The version of everything readers can see (src/web/freshness.ts): the render cache is valid for one. */
  visibleVersion: () => string;
  /** Where month sitemaps split into parts (tests make them small). */
  sitemapLimits: SitemapLimits;
}
