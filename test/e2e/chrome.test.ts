/// <reference lib="dom" />
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  discoverDemo, launchBrowser, newContext, SETUP_TIMEOUT, startServer, watchProblems, WIDTHS,
  type DemoUrls, type Problems, type RunningServer,
} from './helpers';

/**
 * The site chrome as a reader sees it at phone (360×740) and desktop
 * (1366×900) width: the masthead (报头) with the paper's name, one date with
 * its weekday, 总第N期 and the number of 版, none of them broken across
 * lines; a phone header of at most 120 px; menus and search that open
 * without JavaScript; the paper's own footer; and the printed article.
 */

let server: RunningServer;
let browser: Browser;
let urls: DemoUrls;

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
  urls = await discoverDemo(server.baseUrl);
}, SETUP_TIMEOUT);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** The phone header's budget: the content starts within the first 120 px of a 740 px screen. */
const PHONE_HEADER_MAX = 120;

/** The masthead's dateline, each piece with the number of line boxes it takes. */
async function dateline(page: Page) {
  return page.evaluate(() => Array.from(document.querySelectorAll<HTMLElement>('.masthead .dateline span:not(.visually-hidden)')).map((el) => {
    const lineHeight = parseFloat(getComputedStyle(el).lineHeight);
    return { cls: el.className, text: el.textContent!.trim(), lines: el.getClientRects().length, height: el.getBoundingClientRect().height, lineHeight };
  }));
}

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
  afterEach(() => {
    expect(problems.take()).toEqual([]);
  });

  test.each(['newsstand', 'issue', 'page', 'article'] as const)('%s: the header is short, its date, weekday and 期号 never break', async (type) => {
    const path = type === 'newsstand' ? '/' : urls[type];
    await page.goto(path);
    const header = await page.evaluate(() => {
      const h = document.querySelector('.site-header')!.getBoundingClientRect();
      const main = document.querySelector('main')!.getBoundingClientRect();
      return { bottom: h.bottom, mainTop: main.top };
    });
    if (width === 'phone') expect(header.bottom).toBeLessThanOrEqual(PHONE_HEADER_MAX);
    expect(header.mainTop).toBeGreaterThanOrEqual(header.bottom);

    const pieces = await dateline(page);
    expect(pieces.map((p) => p.cls)).toEqual(type === 'newsstand' ? ['date', 'weekday'] : ['date', 'weekday', 'issue-number', 'page-count']);
    for (const p of pieces) {
      expect([p.text, p.lines]).toEqual([p.text, 1]);
      expect(p.height).toBeLessThan(p.lineHeight * 1.5);
    }
    expect(pieces[0]!.text).toMatch(/^\d{4}年\d{2}月\d{2}日$/);
    expect(pieces[1]!.text).toMatch(/^星期[一二三四五六日]$/);
  });

  test('the masthead names the paper, its issue date once, 总第N期 and the issue\'s number of 版', async () => {
    await page.goto(urls.issue);
    const pageCount = await page.locator('.page-thumbs li').count();
    expect(pageCount).toBeGreaterThan(0);
    const masthead = await page.evaluate(() => ({
      name: document.querySelector('.masthead .brand')!.textContent!.trim(),
      date: document.querySelector('.masthead .date')!.textContent!.trim(),
      number: document.querySelector('.masthead .issue-number')!.textContent!.trim(),
      pages: document.querySelector('.masthead .page-count')!.textContent!.trim(),
      visible: document.body.innerText,
    }));
    expect(masthead.name).toBe('江城日报');
    expect(masthead.number).toMatch(/^总第\d+期$/);
    expect(masthead.pages).toBe(`共${pageCount}版`);
    // The issue's date is printed once on its page, not in the header, a 当前报纸 line and the heading.
    const y = urls.issue.split('/')[2]!.slice(0, 4);
    expect(masthead.date.startsWith(`${y}年`)).toBe(true);
    expect(masthead.visible.split(masthead.date).length - 1).toBe(1);
    // …and that date links the issue itself.
    expect(await page.locator('.masthead .issue-link').getAttribute('href')).toBe(urls.issue);
  });

  test('the footer is the paper\'s: its 主办, contact and copyright lines', async () => {
    await page.goto(urls.article);
    const footer = page.locator('.site-footer');
    expect(await footer.locator('.publisher').innerText()).toBe('主办:中共江城市委');
    expect(await footer.locator('.contact').innerText()).toMatch(/^联系:.*新闻热线/);
    expect(await footer.locator('.copyright').innerText()).toContain('版权所有');
    expect(await footer.innerText()).not.toContain('固定链接');
  });
});

test('without JavaScript: the 报纸 menu and the search box open, and the search page keeps the query in the header box', async () => {
  const context = await newContext(browser, server, { ...WIDTHS[0].options, javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(urls.page);
  const papers = page.locator('.masthead nav.papers a[aria-current]');
  expect(await papers.isVisible()).toBe(false);
  await page.locator('.masthead summary', { hasText: '报纸' }).click();
  expect(await papers.isVisible()).toBe(true);

  const box = page.locator('#site-search');
  expect(await box.isVisible()).toBe(false);
  await page.locator('.masthead summary', { hasText: '检索' }).click();
  expect(await box.isVisible()).toBe(true);
  // The open search box stays inside the phone's width.
  const r = (await box.boundingBox())!;
  expect(r.x).toBeGreaterThanOrEqual(0);
  expect(r.x + r.width).toBeLessThanOrEqual(360);
  await box.fill(urls.searchWord);
  await box.press('Enter');
  await page.waitForURL((u) => u.pathname === '/search');
  expect(await page.locator('#site-search').inputValue()).toBe(urls.searchWord);
  await context.close();
});

test('a printed article is headed by the paper, its date and 版, without menus, crumbs or footer', async () => {
  const context = await newContext(browser, server);
  const page = await context.newPage();
  await page.goto(urls.article);
  await page.emulateMedia({ media: 'print' });
  const shown = async (selector: string) => page.locator(selector).first().isVisible();
  expect(await shown('.masthead .brand')).toBe(true);
  expect(await shown('.masthead .date')).toBe(true);
  expect(await shown('.reader-meta')).toBe(true);
  expect(await page.locator('.reader-meta').innerText()).toMatch(/第\d+版/);
  for (const hidden of ['.masthead-tools', '.crumbs', '.site-footer', '.article-nav']) expect([hidden, await shown(hidden)]).toEqual([hidden, false]);
  await context.close();
});
