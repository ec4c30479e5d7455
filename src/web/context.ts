import type { Config } from '../config';
import type { Db } from '../db/connection';
import type { Queries } from '../db/queries';
import type { RenderCache } from './render-cache';
import type { Searcher } from '../search/searcher';

/** What every route needs: the read-only database, its queries, configuration and the clock. */
export interface AppContext {
  db: Db;
  queries: Queries;
  config: Config;
  cache: RenderCache;
  searcher: Searcher;
  /** Injected so tests can move time across an embargo. */
  now: () => number;
  assets: { css: string; js: string; logo: string };
}
