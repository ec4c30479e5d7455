/**
 * The search pager in a real browser, on a paper with enough matching articles
 * for 12 pages of results: at most 9 page numbers (the first, the last and
 * those around the current page), 上一页 / 下一页 where they lead somewhere,
 * and the whole pager on the screen of a phone.
 */
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { importIssues } from '../../src/importer';
import { freshDatabase, sampleManifest, tempDir, writeIssueFolder, type ManifestJson } from '../helpers/fixtures';
import { launchBrowser, newContext, SETUP_TIMEOUT, startServer, watchProblems, WIDTHS, type RunningServer } from './helpers';

const WORD = '口袋公园';
const PER_PAGE = 20; // src/search/plan.ts PAGE_SIZE
const RESULT_PAGES = 12;

/** One issue whose pages hold RESULT_PAGES × PER_PAGE articles that all mention WORD. */
function manyMatches(): ManifestJson {
  const m = sampleManifest({ slug: 'pager-daily', name: '分页日报' });
  const template = m.pages[0]!;
  const perPaperPage = 40;
  const pages = Math.ceil((RESULT_PAGES * PER_PAGE) / perPaperPage);
  m.pages = Array.from({ length: pages }, (_, p) => ({
    ...template,
    number: p + 1,
    name: `第${p + 1}版`.slice(0, 4),
    image: `pages/${String(p + 1).padStart(2, '0')}.png`,
    pdf: undefined,
    articles: Array.from({ length: perPaperPage }, (_, i) => ({
      position: i + 1,
      title: `滨江第${p * perPaperPage + i + 1}座${WORD}开放`,
      body: [{ type: 'paragraph', text: `第${p * perPaperPage + i + 1}座${WORD}今日开放,周边居民可就近休憩。` }],
    })),
  })) as ManifestJson['pages'];
  return m;
}

let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  const dir = tempDir('pager-e2e-');
  const { db, file, mediaDir } = freshDatabase(dir);
  await importIssues([await writeIssueFolder(path.join(dir, 'issue'), manyMatches())], { db, mediaDir });
  db.close();
  server = await startServer({ env: { DATABASE_PATH: file, MEDIA_DIR: mediaDir } });
  browser = await launchBrowser();
}, SETUP_TIMEOUT);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe.each(WIDTHS)('the search pager at $name width', ({ options }) => {
  test('at most 9 page numbers, the first and the last among them, the current one marked; 上一页/下一页 lead on; all of it on screen', async () => {
    const context = await newContext(browser, server, options);
    const problems = await watchProblems(context);
    const page = await context.newPage();
    const pager = page.locator('nav[aria-label="结果分页"]');
    const numbers = async () => (await pager.locator('li > a:not([rel]), li > span[aria-current]').allTextContents()).map(Number);

    await page.goto(`/search?q=${encodeURIComponent(WORD)}`);
    expect(await page.locator('ol.results > li').count()).toBe(PER_PAGE);
    let shown = await numbers();
    expect(shown.length).toBeLessThanOrEqual(9);
    expect(shown[0]).toBe(1);
    expect(shown.at(-1)).toBe(RESULT_PAGES);
    expect(await pager.locator('span[aria-current="page"]').textContent()).toBe('1');
    expect(await pager.locator('a[rel="prev"]').count()).toBe(0);

    // Onward through 下一页, then straight to a page in the middle by its number.
    await pager.locator('a[rel="next"]').click();
    await page.waitForURL(/[?&]page=2\b/);
    expect(await pager.locator('span[aria-current="page"]').textContent()).toBe('2');
    await page.goto(`/search?q=${encodeURIComponent(WORD)}&page=6`);
    shown = await numbers();
    expect(shown.length).toBeLessThanOrEqual(9);
    expect(shown).toEqual(expect.arrayContaining([1, 5, 6, 7, RESULT_PAGES]));
    expect(shown).toEqual([...shown].sort((a, b) => a - b));
    expect(await pager.locator('span.gap').count()).toBeGreaterThan(0);
    await pager.locator('a', { hasText: /^7$/ }).click();
    await page.waitForURL(/[?&]page=7\b/);
    expect(await pager.locator('span[aria-current="page"]').textContent()).toBe('7');

    // The last page: no 下一页, and the pager fits the screen without scrolling sideways.
    await page.goto(`/search?q=${encodeURIComponent(WORD)}&page=${RESULT_PAGES}`);
    expect(await pager.locator('a[rel="next"]').count()).toBe(0);
    const fits = await pager.evaluate((nav) => {
      const box = nav.getBoundingClientRect();
      return box.right <= document.documentElement.clientWidth && document.documentElement.scrollWidth <= document.documentElement.clientWidth;
    });
    expect(fits).toBe(true);
    expect(problems.take()).toEqual([]);
    await context.close();
  });
});
