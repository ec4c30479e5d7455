import request from 'supertest';
import { demoApp } from './helpers/app';

/**
 * Following only links from `/`, every issue, page and article of the demo is
 * reachable, and no link or image on any page is broken.
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
    if (!/^text\/html/.test(res.headers['content-type'])) continue;
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
});
