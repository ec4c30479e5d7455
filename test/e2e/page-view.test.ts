/// <reference lib="dom" />
// Callbacks passed to page.evaluate run in the browser: they need the DOM types.
import type { Browser, BrowserContext, Page, Response } from 'playwright-core';
import sharp from 'sharp';
import {
  DESKTOP, discoverDemo, launchBrowser, newContext, PHONE, SETUP_TIMEOUT, startServer, watchProblems,
  type DemoUrls, type Problems, type RunningServer,
} from './helpers';

/**
 * The page view as a reader meets it: a page image sized for the screen, a
 * zoom viewer over the IIIF tiles whose hotspots still lead to articles, and
 * regions that light up with their titles in 本版文章.
 */

let server: RunningServer;
let browser: Browser;
let demo: DemoUrls;

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
  demo = await discoverDemo(server.baseUrl);
}, SETUP_TIMEOUT);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function open(options: Parameters<typeof newContext>[2]): Promise<{ context: BrowserContext; page: Page; problems: Problems }> {
  const context = await newContext(browser, server, options);
  const problems = await watchProblems(context);
  return { context, page: await context.newPage(), problems };
}

/** Bytes of every page-image response (media store and IIIF tiles) a page received. */
function countImageBytes(page: Page): () => Promise<{ bytes: number; urls: string[] }> {
  const seen: Response[] = [];
  page.on('response', (res) => {
    if (res.request().resourceType() === 'image' && /\/(media|iiif)\//.test(new URL(res.url()).pathname)) seen.push(res);
  });
  return async () => {
    const bodies = await Promise.all(seen.map((r) => r.body()));
    return { bytes: bodies.reduce((n, b) => n + b.length, 0), urls: seen.map((r) => new URL(r.url()).pathname) };
  };
}

/** The computed stroke and fill of the polygon of the hotspot with this data-region. */
function regionStyle(page: Page, key: string): Promise<{ stroke: string; fill: string }> {
  return page.$eval(`.page-image svg.hotspots a[data-region="${key}"] polygon`, (p) => {
    const s = getComputedStyle(p);
    return { stroke: s.stroke, fill: s.fill };
  });
}

/** Waits until `check` is true (a count that network responses raise). */
async function until(check: () => boolean, what: string, timeout = 20_000): Promise<void> {
  const deadline = Date.now() + timeout;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const TRANSPARENT = /^(none|transparent|rgba\(0, 0, 0, 0\))$/;

describe('on a phone (360×740, 2x, touch)', () => {
  let context: BrowserContext;
  let page: Page;
  let problems: Problems;
  beforeAll(async () => ({ context, page, problems } = await open(PHONE)));
  afterAll(() => context?.close());
  afterEach(() => expect(problems.take()).toEqual([]));

  test('the page view downloads at most 250 KB of page image: a WebP rendition, not the master', async () => {
    const imageBytes = countImageBytes(page);
    await page.goto(demo.page, { waitUntil: 'networkidle' });
    const shown = await page.$eval('.page-image img', (img: HTMLImageElement) => {
      const r = img.getBoundingClientRect();
      const src = new URL(img.currentSrc).pathname;
      // The chosen file's width, from its srcset entry (naturalWidth is density-corrected).
      const entries = Array.from(img.parentElement!.querySelectorAll('source')).flatMap((s) => s.srcset.split(', '));
      const entry = entries.find((e) => e.startsWith(`${src} `));
      return { src, fileWidth: entry ? Number(entry.split(' ')[1]!.replace('w', '')) : 0, master: Number(img.getAttribute('width')), ratio: Number(img.getAttribute('height')) / Number(img.getAttribute('width')), box: [r.width, r.height] as const };
    });
    const { bytes, urls } = await imageBytes();
    expect(urls).toContain(shown.src);
    expect(shown.src).toMatch(/\.webp$/);
    expect(bytes).toBeGreaterThan(0);
    expect(bytes).toBeLessThanOrEqual(250 * 1024);
    // Sharp on the 2x screen (or the master's own width when that is smaller), never the master file.
    expect(shown.fileWidth).toBeGreaterThanOrEqual(Math.min(shown.box[0] * 2 * 0.9, shown.master));
    expect(shown.fileWidth).toBeLessThanOrEqual(shown.master);
    // The box keeps the master's proportions: width and height come from the master.
    expect(shown.box[1] / shown.box[0]).toBeCloseTo(shown.ratio, 2);
  });

  test('on a touch screen every region is outlined faintly without a hover', async () => {
    await page.goto(demo.page);
    const first = await page.$eval('.page-image svg.hotspots a[data-region]', (a) => a.getAttribute('data-region')!);
    expect((await regionStyle(page, first)).stroke).not.toMatch(TRANSPARENT);
  });
});

describe('on a desktop (1366×900)', () => {
  let context: BrowserContext;
  let page: Page;
  let problems: Problems;
  beforeAll(async () => ({ context, page, problems } = await open(DESKTOP)));
  afterAll(() => context?.close());
  afterEach(() => expect(problems.take()).toEqual([]));

  test('focusing a title in 本版文章 lights its region, and hovering a region lights its title', async () => {
    await page.goto(demo.page);
    const key = await page.$eval('.page-image svg.hotspots a[data-region]', (a) => a.getAttribute('data-region')!);
    const before = await regionStyle(page, key);
    expect(before.stroke).toMatch(TRANSPARENT);
    // Keyboard focus: Tab from the element just before the title.
    await page.focus(`.title-list a[data-region="${key}"]`);
    const focused = await regionStyle(page, key);
    expect(focused.stroke).not.toMatch(TRANSPARENT);
    expect(focused.fill).not.toBe(before.fill);
    await page.locator(`.title-list a[data-region="${key}"]`).blur();
    expect(await regionStyle(page, key)).toEqual(before);

    const titleBackground = () => page.$eval(`.title-list a[data-region="${key}"]`, (a) => getComputedStyle(a).backgroundColor);
    const plain = await titleBackground();
    await page.hover(`.page-image svg.hotspots a[data-region="${key}"] polygon`);
    expect(await titleBackground()).not.toBe(plain);
  });

  test('显示热区 outlines every region, without JavaScript', async () => {
    const noJs = await open({ ...DESKTOP, javaScriptEnabled: false });
    try {
      await noJs.page.goto(demo.page);
      const key = await noJs.page.$eval('.page-image svg.hotspots a[data-region]', (a) => a.getAttribute('data-region')!);
      expect((await regionStyle(noJs.page, key)).stroke).toMatch(TRANSPARENT);
      await noJs.page.check('#show-regions');
      expect((await regionStyle(noJs.page, key)).stroke).not.toMatch(TRANSPARENT);
      // 放大 is a plain link to the full-resolution page image.
      const href = (await noJs.page.getAttribute('.zoom-link', 'href'))!;
      const width = Number(await noJs.page.getAttribute('.page-image img', 'width'));
      const res = await noJs.page.request.get(href);
      expect(res.status()).toBe(200);
      expect(res.headers()['content-type']).toMatch(/^image\//);
      expect((await sharp(await res.body()).metadata()).width).toBe(width);
      expect(noJs.problems.take()).toEqual([]);
    } finally {
      await noJs.context.close();
    }
  });

  test('放大 opens the zoom viewer, which loads IIIF tiles; a hotspot inside it leads to its article', async () => {
    await page.goto(demo.page);
    const tiles: string[] = [];
    page.on('response', (res) => {
      if (res.status() === 200 && /^\/iiif\/[0-9a-f]{32}\/[^/]+\/\d+,\d+\/0\/default\.jpg$/.test(new URL(res.url()).pathname)) tiles.push(res.url());
    });
    await page.click('.zoom-link');
    const dialog = page.locator('dialog.zoom-dialog');
    await dialog.waitFor({ state: 'visible' });
    const box = (await dialog.boundingBox())!;
    expect(box.width).toBe(1366);
    await page.waitForFunction(() => document.querySelectorAll('.zoom-viewer svg.zoom-hotspots a').length > 0);
    await until(() => tiles.length > 0, 'a first tile');

    // The overlay follows the zoomed image: zoom in, then click the middle of a region on screen.
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    for (let i = 0; i < 4; i++) {
      await page.mouse.wheel(0, -200);
      await page.waitForTimeout(150);
    }
    await page.waitForTimeout(1_500); // the zoom animation settles
    const viewer = (await page.locator('.zoom-viewer').boundingBox())!;
    const regions = await page.$$eval('.zoom-viewer svg.zoom-hotspots a', (links) => links.map((a) => {
      const r = a.querySelector('polygon')!.getBoundingClientRect();
      return { href: a.getAttribute('href')!, x: r.x + r.width / 2, y: r.y + r.height / 2, width: r.width };
    }));
    const inside = regions.filter((g) => g.x > viewer.x + 20 && g.x < viewer.x + viewer.width - 60 && g.y > viewer.y + 60 && g.y < viewer.y + viewer.height - 20);
    expect(inside.length).toBeGreaterThan(0);
    const target = inside[0]!;
    // Zoomed: the region is drawn larger than on the page image.
    const onPage = await page.$eval(`.page-image svg.hotspots a[href="${target.href}"] polygon`, (p) => p.getBoundingClientRect().width);
    expect(target.width).toBeGreaterThan(onPage);
    await page.mouse.click(target.x, target.y);
    await page.waitForURL((u) => u.pathname === target.href);
  });
});
