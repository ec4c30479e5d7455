/// <reference lib="dom" />
// Callbacks passed to page.evaluate run in the browser: they need the DOM types.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { openReadOnlyDatabase } from '../../src/db/connection';
import type { Block } from '../../src/domain/blocks';
import { layoutText, unpackTextBoxes, type TextBox } from '../../src/domain/text-boxes';
import { tempDir } from '../helpers/fixtures';
import { launchBrowser, newContext, ROOT, SETUP_TIMEOUT, startServer, watchProblems, WIDTHS, type RunningServer } from './helpers';

/**
 * A search hit drawn on the page image (issue #18, item 7): the real Library
 * of Congress scans of the shared fixtures, imported through ALTO, searched
 * for "Congress"; the page view and the article's page thumbnail mark the
 * word where the import's word boxes say it is printed.
 */

const IMPORT_CLI = path.join(ROOT, 'dist', 'scripts', 'import.js');
const SCANS = [path.resolve(ROOT, '..', 'shared'), path.resolve(ROOT, '..', '..', 'shared')]
  .map((shared) => path.join(shared, 'fixtures', 'scanned-pages'))
  .find((dir) => fs.existsSync(dir)) ?? path.resolve(ROOT, '..', 'shared', 'fixtures', 'scanned-pages');
const BASE = '1920111501-0007';
const DATE = '1920-11-15';
const WORD = 'Congress';

/** A stored word box and the text it covers. */
interface Word extends TextBox {
  text: string;
  position: number;
}

let server: RunningServer;
let browser: Browser;
/** Every stored word box of the page that reads "Congress" (with its punctuation), by article position. */
let expected: Word[];
let image: { width: number; height: number };

beforeAll(async () => {
  const dir = tempDir('hits-e2e-');
  const folder = path.join(dir, 'issue');
  fs.mkdirSync(folder);
  for (const ext of ['pdf', 'alto.xml']) fs.symlinkSync(path.join(SCANS, `${BASE}.${ext}`), path.join(folder, `${BASE}.${ext}`));
  fs.writeFileSync(path.join(folder, 'issue.meta.json'), JSON.stringify({ publication: { slug: 'evening-star', name: 'Evening Star', language: 'en', timezone: 'America/New_York' }, date: DATE }));
  const env = { DATABASE_PATH: path.join(dir, 'hits.db'), MEDIA_DIR: path.join(dir, 'media') };
  const run = spawnSync(process.execPath, [IMPORT_CLI, folder], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 180_000 });
  expect(run.status).toBe(0);

  const db = openReadOnlyDatabase(env.DATABASE_PATH);
  const page = db.prepare('SELECT image_width AS width, image_height AS height FROM page').get() as { width: number; height: number };
  image = page;
  const rows = db.prepare('SELECT a.position, a.kicker, a.title, a.subtitle, a.byline, a.body_json, l.boxes FROM article a JOIN article_layout l ON l.article_id = a.id ORDER BY a.position').all() as
    { position: number; kicker: string | null; title: string; subtitle: string | null; byline: string | null; body_json: string; boxes: Buffer }[];
  db.close();
  expected = rows.flatMap((r) => {
    const text = layoutText({ ...r, body: JSON.parse(r.body_json) as Block[] });
    return unpackTextBoxes(r.boxes)
      .map((b) => ({ ...b, text: text.slice(b.offset, b.offset + b.length), position: r.position }))
      .filter((w) => /^\W*congress\W*$/i.test(w.text));
  });
  // The fixture prints the word several times, in more than one article.
  expect(expected.length).toBeGreaterThanOrEqual(3);
  expect(new Set(expected.map((w) => w.position)).size).toBeGreaterThanOrEqual(2);

  server = await startServer({ env });
  browser = await launchBrowser();
}, SETUP_TIMEOUT);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** The drawn hit rectangles of an SVG (by selector): their attributes in image pixels and their place on screen. */
function drawnHits(page: Page, svg: string) {
  return page.$$eval(`${svg} g.hits rect`, (rects) => rects.map((r) => {
    const box = r.getBoundingClientRect();
    const img = r.closest('svg')!.parentElement!.querySelector('img')!.getBoundingClientRect();
    const fill = getComputedStyle(r).fill;
    return {
      x: Number(r.getAttribute('x')), y: Number(r.getAttribute('y')), w: Number(r.getAttribute('width')), h: Number(r.getAttribute('height')),
      screen: { x: box.x - img.x, y: box.y - img.y, w: box.width, h: box.height },
      imageWidth: img.width,
      fill,
    };
  }));
}

describe.each(WIDTHS)('search hits on the page image at $name width', ({ name, options }) => {
  test(`the result's page view marks every "${WORD}" where its word box is, also in the zoom viewer; the article's thumbnail marks its own`, async () => {
    const context = await newContext(browser, server, options);
    const problems = await watchProblems(context);
    const page = await context.newPage();

    await page.goto(`/search?q=${WORD}`);
    const pageLink = page.locator(`ol.results a.hit-page[href^="/evening-star/${DATE}/01?hl="]`).first();
    await pageLink.click();
    await page.waitForURL(`**/evening-star/${DATE}/01?hl=${WORD}`);
    await expect(page.locator('.hit-note').textContent()).resolves.toContain(`本版 ${new Set(expected.map((w) => w.position)).size} 篇文章命中`);

    const hits = await drawnHits(page, '.page-image svg.hotspots');
    // One rectangle per printed word, each the stored box (the whole word: the match is the word, its punctuation aside).
    expect(hits).toHaveLength(expected.length);
    for (const w of expected) {
      const hit = hits.find((h) => h.x >= w.x && h.y === w.y && h.x + h.w <= w.x + w.w && h.h === w.h);
      expect(hit).toBeDefined();
      // Drawn over the page image at the same place, scaled to the width the image is shown at.
      const scale = hit!.imageWidth / image.width;
      expect(Math.abs(hit!.screen.x - hit!.x * scale)).toBeLessThan(1.5);
      expect(Math.abs(hit!.screen.y - hit!.y * scale)).toBeLessThan(1.5);
      expect(Math.abs(hit!.screen.w - hit!.w * scale)).toBeLessThan(1.5);
      // Visible: a filled mark, not a transparent hotspot.
      expect(hit!.fill).not.toMatch(/rgba\(0, 0, 0, 0\)|none|transparent/);
    }
    await page.screenshot({ path: path.join(ROOT, 'test-output', 'screenshots', `search-hit-page-${name}.png`) });

    // The zoom viewer carries the marks over the tiles.
    await page.click('.zoom-link');
    await page.waitForFunction(() => document.querySelectorAll('.zoom-viewer svg.zoom-hotspots g.hits rect').length > 0, null, { timeout: 30_000 });
    expect(await page.locator('.zoom-viewer svg.zoom-hotspots g.hits rect').count()).toBe(expected.length);
    await page.keyboard.press('Escape');

    // A hit article's title leads to it with the query, and its page thumbnail marks its own words.
    const position = expected[0]!.position;
    await page.goto(`/evening-star/${DATE}/01?hl=${WORD}`);
    await page.click(`.title-list li.hit a[href^="/evening-star/${DATE}/01/${position}?hl="]`);
    await page.waitForURL(`**/evening-star/${DATE}/01/${position}?hl=${WORD}`);
    const thumbHits = await drawnHits(page, '.page-thumb svg.region');
    const own = expected.filter((w) => w.position === position);
    expect(thumbHits).toHaveLength(own.length);
    for (const w of own) expect(thumbHits.some((h) => h.x >= w.x && h.y === w.y && h.x + h.w <= w.x + w.w)).toBe(true);
    for (const h of thumbHits) {
      const scale = h.imageWidth / image.width;
      expect(Math.abs(h.screen.x - h.x * scale)).toBeLessThan(1.5);
      expect(Math.abs(h.screen.y - h.y * scale)).toBeLessThan(1.5);
    }
    // …and passes the query on to the page view.
    expect(await page.getAttribute('.page-thumb a', 'href')).toBe(`/evening-star/${DATE}/01?hl=${WORD}`);

    // Without ?hl= nothing is marked.
    await page.goto(`/evening-star/${DATE}/01`);
    expect(await page.locator('g.hits').count()).toBe(0);
    expect(problems.take()).toEqual([]);
    await context.close();
  }, 120_000);
});
