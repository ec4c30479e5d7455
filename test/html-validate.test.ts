import { HtmlValidate, type ConfigData, type Report } from 'html-validate';
import { discoverDemo, pageTypes, SETUP_TIMEOUT, startServer, type DemoUrls, type RunningServer } from './e2e/helpers';

/**
 * Every page type of the demo, fetched from the real running server, is valid
 * HTML under html-validate's recommended rules (only stylistic rules relaxed,
 * each with its reason). Every page and every article of one issue is checked,
 * so each kind of article body block (paragraph, heading, list, quote, image) is too.
 */

const config: ConfigData = {
  extends: ['html-validate:recommended'],
  rules: {
    // Templates indent with ejs loops and leave whitespace after tags; purely cosmetic in the output.
    'no-trailing-whitespace': 'off',
  },
};

let server: RunningServer;
let urls: DemoUrls;
const htmlvalidate = new HtmlValidate(config);

beforeAll(async () => {
  server = await startServer();
  urls = await discoverDemo(server.baseUrl);
}, SETUP_TIMEOUT);

afterAll(async () => {
  await server?.stop();
});

async function fetchHtml(urlPath: string, status: number): Promise<string> {
  const res = await fetch(server.baseUrl + urlPath, { redirect: 'manual' });
  expect([urlPath, res.status]).toEqual([urlPath, status]);
  expect(res.headers.get('content-type')).toMatch(/^text\/html; charset=utf-8/i);
  return res.text();
}

function describeReport(urlPath: string, report: Report): string[] {
  return report.results.flatMap((r) =>
    r.messages.map((m) => `${urlPath}:${m.line}:${m.column} ${m.ruleId}: ${m.message} «${(m.selector ?? '').slice(0, 80)}»`),
  );
}

async function validate(urlPath: string, status = 200): Promise<string[]> {
  const html = await fetchHtml(urlPath, status);
  return describeReport(urlPath, await htmlvalidate.validateString(html, urlPath));
}

test('every page type is valid HTML', async () => {
  const errors: string[] = [];
  const types = [
    ...pageTypes(urls),
    { name: 'search-by-date', path: `${urls.search}&sort=date`, status: 200 },
    // Reached from a search result: the hits drawn over the page image and its thumbnail (?hl=).
    { name: 'page-with-hits', path: `${urls.page}?hl=${encodeURIComponent(urls.searchWord)}`, status: 200 },
    { name: 'article-with-hits', path: `${urls.article}?hl=${encodeURIComponent(urls.searchWord)}`, status: 200 },
    { name: 'search-bad-request', path: '/search?page=0', status: 400 },
    { name: 'go-to-date-bad-request', path: `${urls.archiveIndex}?date=not-a-date`, status: 400 },
  ];
  for (const type of types) errors.push(...(await validate(type.path, type.status)));
  expect(errors).toEqual([]);
});

test('every page and every article of an issue is valid HTML', async () => {
  const issueHtml = await fetchHtml(urls.issue, 200);
  const links = [...new Set([...issueHtml.matchAll(new RegExp(`href="(${urls.issue}/\\d{2}(?:/\\d+)?)"`, 'g'))].map((m) => m[1]!))];
  expect(links.filter((l) => l.split('/').length === 5).length).toBeGreaterThan(5); // articles, not just pages
  const errors: string[] = [];
  for (const link of links) errors.push(...(await validate(link)));
  expect(errors).toEqual([]);
});
