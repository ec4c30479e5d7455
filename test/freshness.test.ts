import path from 'node:path';
import request from 'supertest';
import { ConfigError, loadConfig } from '../src/config';
import { openReadOnlyDatabase } from '../src/db/connection';
import { importIssues } from '../src/importer';
import { demoApp } from './helpers/app';
import { freshDatabase, sampleManifest, tempDir, writeIssueFolder } from './helpers/fixtures';

/**
 * The content version is read at most every CONTENT_CHECK_MS
 * (src/web/freshness.ts), render-cache hits included: an import must show on
 * a cached page within that bound, and not a request later than it.
 */

const URL = '/test-daily/2026-01-05/01/1';
const AFTER = Date.parse('2026-02-01T00:00:00Z');

async function setUp(checkMs: number) {
  const dir = tempDir('epaper-freshness-');
  const { db: writable, file, mediaDir } = freshDatabase(dir);
  await importIssues([await writeIssueFolder(path.join(dir, 'v1'), sampleManifest({ titlePrefix: '旧版' }))], { db: writable, mediaDir, pageImages: { tiles: false } });
  const v2 = await writeIssueFolder(path.join(dir, 'v2'), sampleManifest({ titlePrefix: '新版' }));
  const db = openReadOnlyDatabase(file);
  const { app, ctx } = demoApp({ db, now: () => AFTER, config: { databasePath: file, mediaDir, contentCheckMs: checkMs } });
  return { app, ctx, writable, db, mediaDir, v2 };
}

const versionOf = (html: string) => (html.includes('新版滨江绿地') ? 'new' : html.includes('旧版滨江绿地') ? 'old' : 'none');

describe('an import is visible on cached pages within CONTENT_CHECK_MS', () => {
  test.each([150, 400])('bound %i ms: old until at most the bound after the commit, new from then on', async (bound) => {
    const { app, ctx, writable, db, mediaDir, v2 } = await setUp(bound);
    try {
      expect(versionOf((await request(app).get(URL).expect(200)).text)).toBe('old');
      const hitsBefore = ctx.cache.hits;
      expect(versionOf((await request(app).get(URL).expect(200)).text)).toBe('old');
      expect(ctx.cache.hits).toBe(hitsBefore + 1); // served from the cache

      await importIssues([v2], { db: writable, mediaDir, pageImages: { tiles: false } });
      const committed = performance.now();
      let firstNew: number | null = null;
      while (performance.now() - committed < bound + 300) {
        const t = performance.now();
        const v = versionOf((await request(app).get(URL).expect(200)).text);
        if (v === 'new' && firstNew === null) firstNew = t - committed;
        if (firstNew !== null) expect(v).toBe('new'); // never back to the old page
        if (v === 'old') expect(t - committed).toBeLessThanOrEqual(bound);
        await new Promise((r) => setTimeout(r, 10));
      }
      expect(firstNew).not.toBeNull();
      expect(firstNew!).toBeLessThanOrEqual(bound);
    } finally {
      db.close();
      writable.close();
    }
  });

  test('within the bound a cached page is not re-checked: with 60 s it still shows the old issue after the commit', async () => {
    const { app, writable, db, mediaDir, v2 } = await setUp(60_000);
    try {
      await request(app).get(URL).expect(200);
      await importIssues([v2], { db: writable, mediaDir, pageImages: { tiles: false } });
      expect(versionOf((await request(app).get(URL).expect(200)).text)).toBe('old');
    } finally {
      db.close();
      writable.close();
    }
  });

  test('CONTENT_CHECK_MS=0 reads the version on every request: the next request after the commit is new', async () => {
    const { app, writable, db, mediaDir, v2 } = await setUp(0);
    try {
      await request(app).get(URL).expect(200);
      expect(versionOf((await request(app).get(URL).expect(200)).text)).toBe('old');
      await importIssues([v2], { db: writable, mediaDir, pageImages: { tiles: false } });
      expect(versionOf((await request(app).get(URL).expect(200)).text)).toBe('new');
    } finally {
      db.close();
      writable.close();
    }
  });

  test('an embargo end or a clock jump takes effect at once, whatever the bound', async () => {
    const dir = tempDir('epaper-freshness-');
    const { db: writable, file, mediaDir } = freshDatabase(dir);
    const publishAt = '2026-01-05T08:00:00+08:00';
    await importIssues([await writeIssueFolder(path.join(dir, 'v1'), sampleManifest({ publishAt }))], { db: writable, mediaDir, pageImages: { tiles: false } });
    writable.close();
    let now = Date.parse(publishAt) - 1000;
    const db = openReadOnlyDatabase(file);
    const { app } = demoApp({ db, now: () => now, config: { databasePath: file, mediaDir, contentCheckMs: 60_000 } });
    try {
      await request(app).get(URL).expect(404);
      await request(app).get(URL).expect(404);
      now = Date.parse(publishAt) + 1;
      await request(app).get(URL).expect(200);
    } finally {
      db.close();
    }
  });
});

describe('CONTENT_CHECK_MS', () => {
  test('defaults to 200 ms, takes 0-60000, and names itself when it is not a whole number of milliseconds', () => {
    expect(loadConfig({}).contentCheckMs).toBe(200);
    expect(loadConfig({ CONTENT_CHECK_MS: '0' }).contentCheckMs).toBe(0);
    expect(loadConfig({ CONTENT_CHECK_MS: '1500' }).contentCheckMs).toBe(1500);
    for (const bad of ['-1', '1.5', 'soon', '60001']) {
      expect(() => loadConfig({ CONTENT_CHECK_MS: bad })).toThrow(ConfigError);
      expect(() => loadConfig({ CONTENT_CHECK_MS: bad })).toThrow(`CONTENT_CHECK_MS must be an integer 0-60000 (milliseconds), got "${bad}"`);
    }
  });
});
