/// <reference lib="dom" />
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  DESKTOP, discoverDemo, DOCS_SCREENSHOT_DIR, hotspots, imagePointOnScreen, launchBrowser, SETUP_TIMEOUT, newContext, pageTypes, screenshotPath,
  startServer, watchProblems, WIDTHS, WRITE_DOCS_SCREENSHOTS, type DemoUrls, type Problems, type RunningServer,
} from './helpers';

/**
 * Every page type at phone (360×740) and desktop (1366×900) width: no
 * horizontal scrolling, the page image fits, hotspots land on the right
 * article, nothing in the console, no CSP violation; and the page view by
 * keyboard alone. Full-page screenshots go to test-output/screenshots/;
 * with SCREENSHOTS=docs the curated ones in docs/screenshots/ are refreshed.
 */

let server: RunningServer;
let browser: Browser;
let urls: DemoUrls;

beforeAll(async () => {
  // One after the other, so afterAll can clean up whichever of them started.
  server = await startServer();
  browser = await launchBrowser();
  urls = await discoverDemo(server.baseUrl);
}, SETUP_TIMEOUT);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const DOCS_SHOTS: Record<string, string> = { newsstand: 'newsstand', page: 'page', article: 'article' };

describe.each(WIDTHS)('at $name width', ({ name: width, options }) => {
  let context: BrowserContext;
  let page: Page;
  let problems: Problems;

  beforeAll(async () => {
    context = await newContext(browser, server, options);
    problems = await watchProblems(context);
    page = await context.newPage();
  });
  afterAll(() => context?.close());

  test('every page type fits the width, loads cleanly and is screenshotted', async () => {
    const failures: string[] = [];
    for (const type of pageTypes(urls)) {
      problems.expectStatus(type.path.split('?')[0]!, type.status);
      const res = await page.goto(type.path, { waitUntil: 'load' });
      expect([type.name, res?.status()]).toEqual([type.name, type.status]);
      const { scrollWidth, clientWidth } = await page.evaluate(() => {
        const el = document.scrollingElement!;
        return { scrollWidth: el.scrollWidth, clientWidth: el.clientWidth };
      });
      if (scrollWidth > clientWidth) failures.push(`${type.name}: scrollWidth ${scrollWidth} > clientWidth ${clientWidth}`);
      await page.screenshot({ path: screenshotPath(`${width}-${type.name}`), fullPage: true });
      const doc = DOCS_SHOTS[type.name];
      if (WRITE_DOCS_SCREENSHOTS && doc) {
        fs.mkdirSync(DOCS_SCREENSHOT_DIR, { recursive: true });
        await page.evaluate(() => window.scrollTo(0, 0));
        await page.screenshot({ path: path.join(DOCS_SCREENSHOT_DIR, `${doc}-${width}.png`) });
      }
    }
    expect(failures).toEqual([]);
    expect(problems.take()).toEqual([]);
  }, 120_000);

  test('the page image fits the viewport and every hotspot lands on its article', async () => {
    await page.goto(urls.page);
    const fit = await page.evaluate(() => {
      const r = document.querySelector('.page-image img')!.getBoundingClientRect();
      const svg = document.querySelector('svg.hotspots')!.getBoundingClientRect();
      return { left: r.left, right: r.right, width: r.width, height: r.height, viewport: document.documentElement.clientWidth, svg: [svg.left, svg.top - r.top, svg.width, svg.height] };
    });
    expect(fit.left).toBeGreaterThanOrEqual(0);
    expect(fit.right).toBeLessThanOrEqual(fit.viewport);
    // The overlay covers exactly the image.
    expect(fit.svg.map(Math.round)).toEqual([Math.round(fit.left), 0, Math.round(fit.width), Math.round(fit.height)]);

    const spots = await hotspots(page);
    expect(spots.length).toBeGreaterThan(0);
    const landed = [];
    for (const spot of spots) landed.push((await imagePointOnScreen(page, spot.cx, spot.cy)).href);
    expect(landed).toEqual(spots.map((s) => s.href));

    // And a real tap/click on the image area opens the article.
    const last = spots[spots.length - 1]!;
    const at = await imagePointOnScreen(page, last.cx, last.cy);
    if (options.hasTouch) await page.touchscreen.tap(at.x, at.y);
    else await page.mouse.click(at.x, at.y);
    await page.waitForURL((u) => u.pathname === last.href);
    expect(problems.take()).toEqual([]);
  });
});

test('keyboard only: Tab from the top reaches every link and hotspot of the page view in DOM order, each with a visible focus ring', async () => {
  const context = await newContext(browser, server, DESKTOP);
  const problems = await watchProblems(context);
  const page = await context.newPage();
  await page.goto(urls.page);

  // Everything focusable, in DOM order, with its unfocused look.
  const count = await page.evaluate(() => {
    const selector = 'a[href], button, input, select, textarea, summary, [tabindex]';
    const all = Array.from(document.querySelectorAll<HTMLElement | SVGElement>(selector)).filter((el) => {
      if ((el as HTMLInputElement).disabled || (el as HTMLInputElement).type === 'hidden') return false;
      if (el.tabIndex < 0) return false;
      return el.checkVisibility({ visibilityProperty: true });
    });
    const look = (el: Element) => {
      const target = el.namespaceURI === 'http://www.w3.org/2000/svg' ? el.querySelector('polygon') ?? el : el;
      const s = getComputedStyle(target);
      return { outlineStyle: s.outlineStyle, outlineWidth: parseFloat(s.outlineWidth), stroke: s.stroke, strokeWidth: s.strokeWidth, fill: s.fill };
    };
    const w = window as unknown as { __focusables: Element[]; __unfocused: ReturnType<typeof look>[]; __look: typeof look };
    w.__focusables = all;
    w.__unfocused = all.map(look);
    w.__look = look;
    return all.length;
  });
  const hotspotCount = await page.locator('svg.hotspots a').count();
  expect(hotspotCount).toBeGreaterThan(0);
  expect(count).toBeGreaterThan(hotspotCount + 10);

  const order: number[] = [];
  const noRing: string[] = [];
  for (let i = 0; i < count; i += 1) {
    await page.keyboard.press('Tab');
    const step = await page.evaluate(() => {
      const w = window as unknown as { __focusables: Element[]; __unfocused: { outlineStyle: string; outlineWidth: number; stroke: string; strokeWidth: string; fill: string }[]; __look: (el: Element) => { outlineStyle: string; outlineWidth: number; stroke: string; strokeWidth: string; fill: string } };
      const el = document.activeElement;
      const index = el ? w.__focusables.indexOf(el) : -1;
      if (!el || index < 0) return { index, label: el ? el.outerHTML.slice(0, 80) : 'nothing', ring: false };
      const now = w.__look(el);
      const before = w.__unfocused[index]!;
      const outline = now.outlineStyle !== 'none' && now.outlineWidth > 0 && (now.outlineStyle !== before.outlineStyle || now.outlineWidth !== before.outlineWidth);
      const svgRing = el.namespaceURI === 'http://www.w3.org/2000/svg' && (now.stroke !== before.stroke || now.strokeWidth !== before.strokeWidth) && now.stroke !== 'none' && !/rgba\(0, 0, 0, 0\)|transparent/.test(now.stroke);
      return { index, label: `${el.tagName.toLowerCase()} ${el.getAttribute('href') ?? el.getAttribute('id') ?? el.textContent?.trim().slice(0, 20)}`, ring: outline || svgRing };
    });
    order.push(step.index);
    if (!step.ring) noRing.push(step.label);
  }
  expect(order).toEqual(Array.from({ length: count }, (_, i) => i));
  expect(noRing).toEqual([]);

  // The hotspots were among them: Enter on a focused hotspot opens its article.
  const firstHotspot = (await page.locator('svg.hotspots a').first().getAttribute('href'))!;
  await page.locator('svg.hotspots a').first().focus();
  await page.keyboard.press('Enter');
  await page.waitForURL((u) => u.pathname === firstHotspot);
  expect(problems.take()).toEqual([]);
  await context.close();
});
