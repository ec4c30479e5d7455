import request from 'supertest';
import { demoApp } from './helpers/app';

/**
 * Following only links from `/`, every issue, page and article of the demo is
 * reachable, and no link or image on any page is broken. The open data is
 * part of the crawl: every `.json` twin and IIIF manifest a page links is
 * fetched and must be valid JSON, every HTML page of the issue, page,
 * article and archive families links its `.json` twin, and no sitemap lists
 * any of them.
 */
const { app, db } = demoApp();

function links(html: string): string[] {
  const out: string[] = [];
  for (const m of html.matchAll(/<(?:a|link)\s[^>]*href="([^"#]*)[^"]*"/g)) out.push(m[1]);
  for (const m of html.matchAll(/<img\s[^>]*src="([^"]+)"/g)) out.push(m[1]);
  return out.map((u) => u.replace(/&amp;/g, '&')).filter((u) => u.startsWith('/') && !u.startsWith('//'));
}

test('a crawl from / reaches every issue, page and article, with no broken link', async () => {
  const seen = new Set<string>(['/']);
  const queue = ['/'];
  const broken: string[] = [];
  const json = new Map<string, unknown>();
  const html: string[] = [];
  let fetched = 0;
  while (queue.length > 0 && fetched < 20000) {
    const url = queue.shift()!;
    fetched += 1;
    const res = await request(app).get(url);
    if (res.status === 301 || res.status === 302) {
      const to = res.headers.location;
      if (!seen.has(to)) {
        seen.add(to);
        queue.push(to);
      }
      continue;
    }
    if (res.status !== 200) {
      broken.push(`${url} → ${res.status}`);
      continue;
    }
    if (/^application\/(ld\+)?json/.test(res.headers['content-type'])) {
      try {
        json.set(url, JSON.parse(res.text));
      } catch {
        broken.push(`${url} → not JSON`);
      }
      continue;
    }
    if (!/^text\/html/.test(res.headers['content-type'])) continue;
    html.push(url);
    for (const link of links(res.text)) {
      // Search results are not for crawlers (robots.txt disallows them).
      if (link.startsWith('/search?') || seen.has(link)) continue;
      seen.add(link);
      queue.push(link);
    }
  }
  expect(broken).toEqual([]);

  const expected = new Set<string>();
  const rows = db.prepare(`SELECT p.slug, i.date, pg.number AS page, a.position FROM article a
    JOIN page pg ON pg.id = a.page_id JOIN issue i ON i.id = a.issue_id JOIN publication p ON p.id = i.publication_id`).all() as any[];
  for (const r of rows) {
    const nn = String(r.page).padStart(2, '0');
    expected.add(`/${r.slug}/${r.date}`);
    expected.add(`/${r.slug}/${r.date}/${nn}`);
    expected.add(`/${r.slug}/${r.date}/${nn}/${r.position}`);
  }
  const reached = [...seen].filter((u) => /^\/[a-z0-9-]+\/\d{4}-\d{2}-\d{2}(\/\d{2}(\/\d+)?)?$/.test(u));
  expect(new Set(reached)).toEqual(expected);

  // Every issue, page, article and archive page linked its `.json` twin, and each twin was fetched as JSON.
  const families = html.filter((u) => /^\/[a-z0-9-]+\/(\d{4}-\d{2}-\d{2}(\/\d{2}(\/\d+)?)?|archive(\/\d{4}(\/\d{2})?)?)$/.test(u));
  expect(families.length).toBeGreaterThan(expected.size);
  expect(families.filter((u) => !json.has(`${u}.json`))).toEqual([]);
  // Every issue's IIIF manifest too; the only other JSON is the empty search page's twin.
  const manifests = [...expected].filter((u) => /^\/[a-z0-9-]+\/\d{4}-\d{2}-\d{2}$/.test(u)).map((u) => `${u}/manifest.json`);
  expect(manifests.filter((u) => (json.get(u) as { type?: string } | undefined)?.type !== 'Manifest')).toEqual([]);
  const known = new Set([...families.map((u) => `${u}.json`), ...manifests]);
  expect([...json.keys()].filter((u) => !known.has(u))).toEqual(['/search.json']);
});

test('the sitemaps list no .json URL', async () => {
  const index = await request(app).get('/sitemap.xml').expect(200);
  const docs = [index.text, (await request(app).get('/news-sitemap.xml').expect(200)).text];
  const months = [...index.text.matchAll(/<loc>[^<]*?(\/sitemaps\/[^<]+)<\/loc>/g)].map((m) => m[1]!);
  expect(months.length).toBeGreaterThan(0);
  for (const month of months) docs.push((await request(app).get(month).expect(200)).text);
  const locs = docs.flatMap((d) => [...d.matchAll(/<(?:image:)?loc>([^<]*)<\/(?:image:)?loc>/g)].map((m) => m[1]!));
  expect(locs.length).toBeGreaterThan(100);
  expect(locs.filter((l) => /\.json($|\?)/.test(l))).toEqual([]);
});
