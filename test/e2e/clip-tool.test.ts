/// <reference lib="dom" />
// Callbacks passed to page.evaluate run in the browser: they need the DOM types.
import type { Browser } from 'playwright-core';
import { DESKTOP, discoverDemo, launchBrowser, newContext, PHONE, SETUP_TIMEOUT, startServer, watchProblems, type DemoUrls, type RunningServer } from './helpers';

/**
 * The clip tool (剪报) on the page view and the access date of references:
 * small scripts (static/cite.js) over pages that work without them.
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

test.each([['desktop', DESKTOP], ['phone', PHONE]] as const)('%s: dragging over the page gives the clip URL of that rectangle in page-image pixels, which opens the clip', async (_name, options) => {
  const context = await newContext(browser, server, options);
  const problems = await watchProblems(context);
  const page = await context.newPage();
  try {
    await page.goto(server.baseUrl + demo.page);
    await page.click('#clip-start');
    expect(await page.getAttribute('#clip-start', 'aria-pressed')).toBe('true');
    await page.evaluate(() => window.scrollTo(0, 0));
    const box = (await page.locator('#page-image').boundingBox())!;
    const [w, h] = (await page.getAttribute('.page-image svg.hotspots', 'viewBox'))!.split(' ').slice(2).map(Number) as [number, number];
    const from = { x: box.x + box.width * 0.2, y: box.y + 40 };
    const to = { x: box.x + box.width * 0.7, y: box.y + 260 };
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    await page.mouse.move(to.x, to.y, { steps: 6 });
    await page.mouse.up();
    const url = new URL(await page.inputValue('#clip-url'));
    const m = /\/clip\/(\d+),(\d+),(\d+),(\d+)$/.exec(url.pathname)!;
    expect(url.pathname.startsWith(`${demo.page}/clip/`)).toBe(true);
    const scale = w / box.width;
    const want = [(from.x - box.x) * scale, (from.y - box.y) * (h / box.height), (to.x - from.x) * scale, (to.y - from.y) * (h / box.height)];
    m.slice(1).map(Number).forEach((v, i) => expect(Math.abs(v - want[i]!)).toBeLessThanOrEqual(scale * 1.5 + 1));
    // The link opens the clip page, whose picture is that rectangle.
    await page.click('#clip-open');
    await page.waitForURL(`**${url.pathname}`);
    expect(await page.getAttribute('meta[property="og:image"]', 'content')).toMatch(new RegExp(`^https?://[^/]+${url.pathname}\\.jpg$`));
    await page.waitForFunction(() => (document.querySelector('.clip-figure img') as HTMLImageElement).complete);
    const img = await page.$eval('.clip-figure img', (el) => ({ natural: (el as HTMLImageElement).naturalWidth }));
    expect(img.natural).toBe(Math.min(Number(m[3]), 1200));
    expect(problems.take()).toEqual([]);
  } finally {
    await context.close();
  }
});

test('without JavaScript the clip tool stays hidden and the page still works', async () => {
  const context = await newContext(browser, server, { ...DESKTOP, javaScriptEnabled: false });
  const page = await context.newPage();
  try {
    await page.goto(server.baseUrl + demo.page);
    expect(await page.isVisible('#clip-tool')).toBe(false);
    expect(await page.locator('.page-image svg.hotspots a').count()).toBeGreaterThan(0);
  } finally {
    await context.close();
  }
});

test('a reference\'s access date becomes the reader\'s today', async () => {
  const context = await newContext(browser, server, DESKTOP);
  const page = await context.newPage();
  try {
    // A reader whose clock says another day than the day the page was rendered (and cached).
    await page.clock.setFixedTime(new Date('2031-05-06T10:00:00+08:00'));
    await page.goto(server.baseUrl + demo.article);
    const today = '2031-05-06';
    expect(await page.textContent('#cite-gbt')).toContain(`[${today}]`);
  } finally {
    await context.close();
  }
});
