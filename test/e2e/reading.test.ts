/// <reference lib="dom" />
// Callbacks passed to page.evaluate run in the browser: they need the DOM types.
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import {
  currentPath, DESKTOP, hotspots, imagePointOnScreen, launchBrowser, SETUP_TIMEOUT, newContext, startServer, watchProblems, wordFromTitle,
  type Problems, type RunningServer,
} from './helpers';

/**
 * A reader in a real browser: newsstand → paper → page → hotspot → article,
 * then every way of moving on (上一篇/下一篇, 上一版/下一版, 上一期/下一期, the
 * archive, the go-to-date form, search) and the 字号 setting. No dates are
 * hard-coded: the demo ends today, so everything is found by following links.
 */

let server: RunningServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let problems: Problems;

const ISSUE_PATH = /^\/[a-z0-9-]+\/\d{4}-\d{2}-\d{2}$/;
const PAGE_PATH = /^\/[a-z0-9-]+\/\d{4}-\d{2}-\d{2}\/\d{2}$/;
const ARTICLE_PATH = /^\/[a-z0-9-]+\/\d{4}-\d{2}-\d{2}\/\d{2}\/\d+$/;

beforeAll(async () => {
  // One after the other, so afterAll can clean up whichever of them started.
  server = await startServer();
  browser = await launchBrowser();
  context = await newContext(browser, server, DESKTOP);
  problems = await watchProblems(context);
  page = await context.newPage();
}, SETUP_TIMEOUT);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

afterEach(() => {
  // Whatever a test did, no page it opened logged an error or broke the CSP.
  expect(problems.take()).toEqual([]);
});

/** Clicks a link and waits until its target has loaded; returns the target path. */
async function follow(selector: string): Promise<string> {
  const link = page.locator(selector).first();
  const href = (await link.getAttribute('href'))!;
  await link.click();
  await page.waitForURL((u) => u.pathname + u.search === href.replace(/#.*$/, ''));
  return href;
}

async function textOf(locator: Locator): Promise<string> {
  return ((await locator.first().textContent()) ?? '').trim();
}

/** The issue path a page or article URL belongs to. */
function issueOf(urlPath: string): string {
  return urlPath.split('/').slice(0, 3).join('/');
}

let frontPage = '';

test('newsstand → a paper → page 01 → a click on the page image opens that article', async () => {
  await page.goto('/');
  expect(await textOf(page.locator('h1'))).toBe('报刊一览');
  const papers = page.locator('.paper-card');
  expect(await papers.count()).toBeGreaterThanOrEqual(1);

  // The header's 报纸 menu opens (no script needed) and its paper link answers with the latest issue's front page.
  await page.locator('.masthead summary', { hasText: '报纸' }).click();
  await page.locator('nav.papers a[href^="/"]:not([href="/"])').first().click();
  await page.waitForURL((u) => PAGE_PATH.test(u.pathname));
  frontPage = currentPath(page);
  expect(frontPage).toMatch(/\/01$/);
  expect(await textOf(page.locator('h1'))).toContain('第01版');

  const spots = await hotspots(page);
  expect(spots.length).toBeGreaterThanOrEqual(2);
  // Not just the first block: the second and the last prove the overlay scales with the image.
  for (const spot of [spots[1]!, spots[spots.length - 1]!]) {
    if (currentPath(page) !== frontPage) await page.goto(frontPage);
    const title = await page.locator(`svg.hotspots a[href="${spot.href}"]`).getAttribute('aria-label');
    const at = await imagePointOnScreen(page, spot.cx, spot.cy);
    // What is under the mouse on the page image is the SVG overlay's polygon, not the image.
    expect(at.tag).toBe('polygon');
    expect(at.href).toBe(spot.href);
    await page.mouse.click(at.x, at.y);
    await page.waitForURL((u) => u.pathname === spot.href);
    expect(currentPath(page)).toMatch(ARTICLE_PATH);
    expect(await textOf(page.locator('article h1'))).toBe(title!);
  }
});

test('下一篇 walks the whole issue in 标题导航 order, across page boundaries', async () => {
  const issue = issueOf(frontPage);
  await page.goto(issue);
  const expected = await page.locator('section[aria-labelledby="titles-h"] .title-list a').evaluateAll((links) =>
    links.map((a) => a.getAttribute('href')!),
  );
  expect(expected.length).toBeGreaterThan(5);
  expect(new Set(expected.map((p) => p.split('/')[3])).size).toBeGreaterThan(1); // several pages

  await page.locator('section[aria-labelledby="titles-h"] .title-list a').first().click();
  await page.waitForURL((u) => u.pathname === expected[0]);
  expect(await textOf(page.locator('.reader-bar .article-nav .disabled'))).toBe('上一篇');
  const visited = [currentPath(page)];
  while ((await page.locator('.reader-bar a[rel="next"]').count()) > 0 && visited.length <= expected.length) {
    visited.push(await follow('.reader-bar a[rel="next"]'));
  }
  expect(visited).toEqual(expected);
  expect(await textOf(page.locator('.reader-bar .article-nav .disabled'))).toBe('下一篇');

  // And 上一篇 goes back one.
  await follow('.reader-bar a[rel="prev"]');
  expect(currentPath(page)).toBe(expected[expected.length - 2]);
}, 180_000);

test('上一版 / 下一版 move one page and stop at the first and the last page', async () => {
  await page.goto(frontPage);
  expect(await textOf(page.locator('.page-nav .disabled'))).toBe('上一版');
  const pageCount = await page.locator('.page-list a').count();
  expect(pageCount).toBeGreaterThan(1);

  expect(await follow('.page-nav a[rel="next"]')).toBe(frontPage.replace(/01$/, '02'));
  expect(await textOf(page.locator('.page-list a[aria-current="page"]'))).toContain('第02版');
  expect(await follow('.page-nav a[rel="prev"]')).toBe(frontPage);

  const seen = [frontPage];
  while ((await page.locator('.page-nav a[rel="next"]').count()) > 0 && seen.length <= pageCount) {
    seen.push(await follow('.page-nav a[rel="next"]'));
  }
  expect(seen).toEqual(await page.locator('.page-list a').evaluateAll((ls) => ls.map((a) => a.getAttribute('href')!)));
  expect(await textOf(page.locator('.page-nav .disabled'))).toBe('下一版');
});

test('上一期 / 下一期 move one issue back and forth', async () => {
  const latest = issueOf(frontPage);
  await page.goto(latest);
  expect(await textOf(page.locator('.issue-nav .disabled'))).toBe('已是最新一期');

  const prev = await follow('.issue-nav a[rel="prev"]');
  expect(prev).toMatch(ISSUE_PATH);
  expect(prev < latest).toBe(true); // same paper, an earlier date
  expect(await page.locator('.masthead .date').first().isVisible()).toBe(true);

  expect(await follow('.issue-nav a[rel="next"]')).toBe(latest);

  // The page view has the same navigation.
  await page.goto(frontPage);
  expect(await follow('.issue-nav a[rel="prev"]')).toBe(prev);
});

test('字号: 大 makes the article text larger, and it stays so on the next article and after a reload', async () => {
  const articleFontSize = () => page.locator('.article > p').first().evaluate((p) => parseFloat(getComputedStyle(p).fontSize));
  await page.goto(frontPage);
  await follow('.page-side .title-list a');
  const box = page.locator('#font-size');
  expect(await box.first().isVisible()).toBe(true); // shown by prefs.js
  const normal = await articleFontSize();

  await box.getByRole('button', { name: '大' }).click();
  expect(await box.getByRole('button', { name: '大' }).getAttribute('aria-pressed')).toBe('true');
  const large = await articleFontSize();
  expect(large).toBeGreaterThan(normal);

  await follow('.reader-bar a[rel="next"]');
  expect(await articleFontSize()).toBe(large);
  expect(await page.locator('#font-size').getByRole('button', { name: '大' }).getAttribute('aria-pressed')).toBe('true');

  await page.reload();
  expect(await articleFontSize()).toBe(large);

  await page.locator('#font-size').getByRole('button', { name: '中' }).click();
  expect(await articleFontSize()).toBe(normal);
});

test('the article in its page at 1366 px: text and the page column side by side, the thumbnail with the article\'s region, 版面导航 to every page', async () => {
  await page.goto(frontPage);
  const pageCount = await page.locator('.page-side .page-list a').count();
  await follow('.page-side .title-list a');
  const article = await page.locator('article.article').boundingBox();
  const side = await page.locator('aside.article-side').boundingBox();
  // Side by side: the aside starts right of the text, at the same height, and the two use the width.
  expect(side!.x).toBeGreaterThanOrEqual(article!.x + article!.width);
  expect(side!.y).toBeLessThan(article!.y + 100);
  expect(side!.x + side!.width - article!.x).toBeGreaterThan(1366 * 0.8);

  // The thumbnail has loaded (the 240 px rendition) and the region's outline lies where the hotspot says, scaled.
  const drawn = await page.locator('.page-thumb').evaluate((fig) => {
    const img = fig.querySelector('img')!;
    const svg = fig.querySelector('svg.region')!;
    const polygon = svg.querySelector('polygon')!;
    const [, , vbW, vbH] = svg.getAttribute('viewBox')!.split(' ').map(Number);
    const pts = polygon.getAttribute('points')!.trim().split(/\s+/).map((p) => p.split(',').map(Number));
    const r = img.getBoundingClientRect();
    const sx = r.width / vbW!;
    const sy = r.height / vbH!;
    const xs = pts.map(([x]) => r.left + x! * sx);
    const ys = pts.map(([, y]) => r.top + y! * sy);
    const box = polygon.getBoundingClientRect();
    return {
      natural: img.naturalWidth, complete: img.complete, imgWidth: r.width,
      expected: [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)],
      actual: [box.left, box.top, box.right, box.bottom],
      stroke: getComputedStyle(polygon).stroke,
    };
  });
  expect(drawn.complete).toBe(true);
  expect(drawn.natural).toBe(240);
  expect(drawn.imgWidth).toBeGreaterThan(200);
  drawn.actual.forEach((v, i) => expect(Math.abs(v - drawn.expected[i]!)).toBeLessThan(1.5));
  expect(drawn.stroke).toBe('rgb(164, 22, 26)');

  // 版面导航 lists every page; its last entry opens that page.
  const links = page.locator('.article-side .page-list a');
  expect(await links.count()).toBe(pageCount);
  const last = links.last();
  const label = await textOf(last);
  await follow('.article-side .page-list li:last-child a');
  expect(await textOf(page.locator('h1.page-label'))).toContain(label);
});

test('报纸字体: a serif, justified body that stays on the next article and is on <html> before the body is parsed', async () => {
  const bodyStyle = () => page.locator('.article > p').first().evaluate((p) => ({ family: getComputedStyle(p).fontFamily, align: getComputedStyle(p).textAlign }));
  await page.goto(frontPage);
  await follow('.page-side .title-list a');
  const plain = await bodyStyle();
  expect(plain.family).not.toMatch(/Serif|Song/);
  const toggle = page.locator('#font-size button[data-serif]');
  await toggle.click();
  expect(await toggle.getAttribute('aria-pressed')).toBe('true');
  const serif = await bodyStyle();
  expect(serif.family).toMatch(/Serif|Song/);
  expect(serif.align).toBe('justify');

  // On the next page the class is already there when <body> is created: the text never shows in the other face.
  await page.addInitScript(() => {
    new MutationObserver((_, obs) => {
      if (!document.body) return;
      (window as unknown as { classAtBody: string }).classAtBody = document.documentElement.className;
      obs.disconnect();
    }).observe(document, { childList: true, subtree: true });
  });
  await follow('.reader-bar a[rel="next"]');
  expect(await page.evaluate(() => (window as unknown as { classAtBody: string }).classAtBody)).toMatch(/\bfont-serif\b/);
  expect((await bodyStyle()).family).toMatch(/Serif|Song/);
  expect(await page.locator('#font-size button[data-serif]').getAttribute('aria-pressed')).toBe('true');

  await page.locator('#font-size button[data-serif]').click();
  expect((await bodyStyle()).family).toBe(plain.family);
});

test('archive: 往期回顾 → a month → a day lands on that issue', async () => {
  await page.goto(frontPage);
  await page.locator('.masthead summary', { hasText: '报纸' }).click(); // 往期回顾 is in the header's 报纸 menu
  await follow('a.archive-link');
  expect(await textOf(page.locator('h1'))).toContain('往期回顾');

  // The year: no empty month, newest first.
  await follow('.archive-year h2 a');
  const calendars = page.locator('table.calendar');
  expect(await calendars.count()).toBeGreaterThan(0);
  const perMonth = await calendars.evaluateAll((tables) => tables.map((t) => ({
    month: t.querySelector('caption a')!.getAttribute('href')!,
    days: t.querySelectorAll('td.has-issue a').length,
  })));
  for (const m of perMonth) expect(m.days).toBeGreaterThan(0);
  expect(perMonth.map((m) => m.month)).toEqual(perMonth.map((m) => m.month).sort().reverse());
  await page.goBack();

  const month = await follow('.month-list a');
  expect(month).toMatch(/\/archive\/\d{4}\/\d{2}$/);
  const days = page.locator('table.calendar td.has-issue a');
  expect(await days.count()).toBeGreaterThan(0);

  const dayLink = days.first();
  const day = Number(await dayLink.textContent());
  const href = (await dayLink.getAttribute('href'))!;
  await dayLink.click();
  await page.waitForURL((u) => u.pathname === href);
  expect(href).toMatch(ISSUE_PATH);
  const [y, m, d] = href.split('/')[2]!.split('-').map(Number);
  expect(`${y}/${m}`).toBe(month.split('/').slice(-2).map(Number).join('/'));
  expect(d).toBe(day);
  expect(await textOf(page.locator('.masthead .date'))).toBe(`${y}年${String(m).padStart(2, '0')}月${String(d).padStart(2, '0')}日`);
});

test('go-to-date: a date with an issue opens it; a date after the last issue opens the last one with a notice', async () => {
  const archive = `${issueOf(frontPage).split('/').slice(0, 2).join('/')}/archive`;
  await page.goto(archive);
  const input = page.locator('#goto-date');
  const first = (await input.getAttribute('min'))!;
  // The field starts on the latest issue and has no max: a later date is the reader's to ask for.
  const last = (await input.inputValue())!;
  expect(await input.getAttribute('max')).toBeNull();
  expect(last >= first).toBe(true);

  await input.fill(first);
  await page.locator('.goto-date button').click();
  await page.waitForURL((u) => u.pathname.endsWith(`/${first}`));
  expect(currentPath(page)).toMatch(ISSUE_PATH);

  const after = new Date(Date.parse(`${last}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  await page.goto(archive);
  await input.fill(after);
  // A date after the last issue opens the last one, saying so.
  await page.locator('.goto-date button').click();
  await page.waitForURL((u) => u.pathname.endsWith(`/${last}`));
  expect(new URL(page.url()).searchParams.get('requested')).toBe(after);
  expect(await page.locator('.notice').first().isVisible()).toBe(true);
  expect(await textOf(page.locator('.notice'))).toContain('没有出版');
});

test('search from the header box: a word from an article title finds it; the first result opens an article', async () => {
  await page.goto(frontPage);
  const title = (await page.locator('svg.hotspots a').first().getAttribute('aria-label'))!;
  const word = wordFromTitle(title);
  await page.locator('.masthead summary', { hasText: '检索' }).click();
  await page.locator('#site-search').fill(word);
  await page.locator('#site-search').press('Enter');
  await page.waitForURL((u) => u.pathname === '/search');
  expect(new URL(page.url()).searchParams.get('q')).toBe(word);
  // The header's box keeps the query on the results page.
  expect(await page.locator('#site-search').inputValue()).toBe(word);
  expect(await page.locator('.result-count').first().isVisible()).toBe(true);
  const results = page.locator('ol.results h2 a');
  expect(await results.count()).toBeGreaterThan(0);
  expect(await textOf(page.locator('ol.results mark').first())).toBe(word);

  const first = results.first();
  const resultTitle = (await first.textContent())!.trim();
  const href = (await first.getAttribute('href'))!;
  // The result carries the query (?hl=) so the article's page thumbnail marks where it is printed.
  expect(new URL(href, page.url()).searchParams.get('hl')).toBe(word);
  await first.click();
  await page.waitForURL((u) => u.pathname === href.replace(/[?#].*$/, ''));
  expect(new URL(page.url()).pathname).toMatch(ARTICLE_PATH);
  expect(await textOf(page.locator('article h1'))).toBe(resultTitle);
});

test('self-check: the watcher behind "no console errors, no CSP violations" does see them', async () => {
  await page.goto(frontPage);
  await page.evaluate(() => {
    const s = document.createElement('script');
    s.textContent = 'window.__inlineRan = true;'; // inline script: the CSP must refuse it
    document.body.appendChild(s);
    const st = document.createElement('div');
    st.setAttribute('style', 'color: red'); // inline style attribute: refused too
    document.body.appendChild(st);
    console.error('deliberate console error');
  });
  await page.waitForTimeout(200);
  expect(await page.evaluate(() => (window as unknown as { __inlineRan?: boolean }).__inlineRan)).toBeUndefined();
  const seen = problems.take().join('\n');
  expect(seen).toMatch(/CSP violation .*script-src/);
  expect(seen).toMatch(/CSP violation .*style-src/);
  expect(seen).toMatch(/deliberate console error/);
});
