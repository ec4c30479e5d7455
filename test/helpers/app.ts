import path from 'node:path';
import { loadConfig, type Config } from '../../src/config';
import { openReadOnlyDatabase, type Db } from '../../src/db/connection';
import type { SitemapLimits } from '../../src/web/context';
import { createApp } from '../../src/web/app';
import { AFTER_DEMO } from './demo-constants';

export function demoPaths(): { file: string; mediaDir: string } {
  const dir = process.env.EPAPER_TEST_DEMO_DIR;
  if (!dir) throw new Error('EPAPER_TEST_DEMO_DIR is not set: the jest globalSetup builds the demo database');
  return { file: path.join(dir, 'demo.db'), mediaDir: path.join(dir, 'media') };
}

export function testConfig(overrides: Partial<Config> = {}): Config {
  const { file, mediaDir } = demoPaths();
  return { ...loadConfig({ BASE_URL: 'https://epaper.test' }), databasePath: file, mediaDir, ...overrides };
}

/** The app on the demo database, read-only, with a clock the test controls. */
export function demoApp(opts: { now?: () => number; config?: Partial<Config>; db?: Db; sitemapLimits?: SitemapLimits } = {}) {
  const config = testConfig(opts.config);
  const db = opts.db ?? openReadOnlyDatabase(config.databasePath);
  const { app, ctx, express } = createApp({ db, config, now: opts.now ?? (() => AFTER_DEMO), sitemapLimits: opts.sitemapLimits });
  return { app, ctx, db, config, express };
}
