import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import request from 'supertest';
import { openReadOnlyDatabase } from '../src/db/connection';
import { isoInZone } from '../src/domain/date';
import { importIssues } from '../src/importer';
import type { SitemapLimits } from '../src/web/context';
import { NEWS_WINDOW_MS, urlsPerPart } from '../src/web/pages/sitemaps';
import { xmlEscape } from '../src/web/xml';
import type { Site } from '../src/web/app';
import { demoApp } from './helpers/app';
import { AFTER_DEMO, DEMO_END_DATE, DEMO_FIRST_DATE } from './helpers/demo-constants';
import { freshDatabase, sampleManifest, tempDir, writeIssueFolder } from './helpers/fixtures';

const BASE = 'https://epaper.test';
const { app, db } = demoApp();

// ---------------------------------------------------------------------------
// A strict little XML reader: well-formedness (one root, balanced tags, quoted
// attributes, only the five predefined entities and character references, no
// stray < or &) and a tree to query. Enough for what the site generates.

interface El {
  name: string;
  attrs: Record<string, string>;
  children: El[];
  text: string;
}

const NAME = '[A-Za-z_][\\w.:-]*';
const ENTITY = /&(?:(amp|lt|gt|quot|apos)|#(\d+)|#x([0-9a-fA-F]+));/g;

function decodeXml(raw: string, where: string): string {
  if (/[<]/.test(raw)) throw new Error(`unescaped < in ${where}: ${raw.slice(0, 80)}`);
  const stray = raw.replace(ENTITY, '').indexOf('&');
  if (stray >= 0) throw new Error(`unescaped & in ${where}: ${raw.slice(0, 80)}`);
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/.test(raw)) throw new Error(`character not allowed in XML in ${where}`);
  return raw.replace(ENTITY, (_, named: string | undefined, dec: string | undefined, hex: string | undefined) => {
    if (named) return { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }[named]!;
    return String.fromCodePoint(dec ? Number(dec) : parseInt(hex!, 16));
  });
}

function parseXml(source: string): El {
  let s = source;
  const decl = /^<\?xml version="1\.0" encoding="UTF-8"\?>\n/.exec(s);
  if (!decl) throw new Error('missing or unexpected XML declaration');
  s = s.slice(decl[0].length);
  const tag = new RegExp(`<(/?)(${NAME})((?:\\s+${NAME}\\s*=\\s*(?:"[^"]*"|'[^']*'))*)\\s*(/?)>`, 'y');
  const attr = new RegExp(`(${NAME})\\s*=\\s*(?:"([^"]*)"|'([^']*)')`, 'g');
  const stack: El[] = [];
  let root: El | null = null;
  let i = 0;
  while (i < s.length) {
    const lt = s.indexOf('<', i);
    const text = s.slice(i, lt < 0 ? s.length : lt);
    if (stack.length === 0) {
      if (text.trim() !== '') throw new Error(`text outside the root element: ${text.slice(0, 40)}`);
    } else {
      stack[stack.length - 1].text += decodeXml(text, `<${stack[stack.length - 1].name}>`);
    }
    if (lt < 0) break;
    tag.lastIndex = lt;
    const m = tag.exec(s);
    if (!m) throw new Error(`malformed tag at ${lt}: ${s.slice(lt, lt + 60)}`);
    i = tag.lastIndex;
    const [, close, name, attrText, selfClose] = m;
    if (close) {
      if (attrText.trim() || selfClose) throw new Error(`malformed end tag </${name}>`);
      const open = stack.pop();
      if (!open || open.name !== name) throw new Error(`</${name}> closes <${open?.name ?? 'nothing'}>`);
      continue;
    }
    const attrs: Record<string, string> = {};
    for (const a of attrText.matchAll(attr)) {
      if (a[1] in attrs) throw new Error(`duplicate attribute ${a[1]} on <${name}>`);
      attrs[a[1]] = decodeXml(a[2] ?? a[3], `${name}@${a[1]}`);
    }
    const el: El = { name, attrs, children: [], text: '' };
    if (stack.length > 0) stack[stack.length - 1].children.push(el);
    else if (root) throw new Error(`second root element <${name}>`);
    else root = el;
    if (!selfClose) stack.push(el);
  }
  if (stack.length > 0) throw new Error(`unclosed <${stack[stack.length - 1].name}>`);
  if (!root) throw new Error('no root element');
  return root;
}

const kids = (el: El, name: string) => el.children.filter((c) => c.name === name);
const kid = (el: El, name: string): El => {
  const found = kids(el, name);
  if (found.length !== 1) throw new Error(`<${el.name}> has ${found.length} <${name}>`);
  return found[0];
};
const textOf = (el: El, name: string) => kid(el, name).text;

// ---------------------------------------------------------------------------
// What the database says should be listed.

interface IssueInfo { id: number; slug: string; date: string; publish_at: number; modified_at: number; timezone: string }

function publishedIssues(now: number): IssueInfo[] {
  return db.prepare(`SELECT i.id, p.slug, i.date, i.publish_at, i.modified_at, p.timezone FROM issue i
    JOIN publication p ON p.id = i.publication_id WHERE i.publish_at <= ? ORDER BY p.id, i.date`).all(now) as IssueInfo[];
}

const pad = (n: number) => String(n).padStart(2, '0');

/** Every issue, page and article URL of the published issues, with the image of each page. */
function expectedUrls(now: number): Map<string, { lastmod: string; image: string | null }> {
  const out = new Map<string, { lastmod: string; image: string | null }>();
  for (const i of publishedIssues(now)) {
    const lastmod = isoInZone(Math.max(i.modified_at, i.publish_at), i.timezone);
    out.set(`${BASE}/${i.slug}/${i.date}`, { lastmod, image: null });
    for (const p of db.prepare('SELECT number, image_path FROM page WHERE issue_id = ?').all(i.id) as { number: number; image_path: string }[]) {
      out.set(`${BASE}/${i.slug}/${i.date}/${pad(p.number)}`, { lastmod, image: `${BASE}/media/${p.image_path}` });
    }
    for (const a of db.prepare('SELECT page_number, position FROM article WHERE issue_id = ?').all(i.id) as { page_number: number; position: number }[]) {
      out.set(`${BASE}/${i.slug}/${i.date}/${pad(a.page_number)}/${a.position}`, { lastmod, image: null });
    }
  }
  return out;
}

interface Listed { loc: string; lastmod: string; images: string[] }

async function getXml(target: Site, url: string): Promise<{ res: request.Response; root: El }> {
  const res = await request(target).get(url).expect(200);
  expect(res.headers['content-type']).toBe('application/xml; charset=utf-8');
  return { res, root: parseXml(res.text) };
}

/** Reads the index and every sitemap it names; returns the URLs in order and the sitemap paths. */
async function crawlSitemaps(target: Site): Promise<{ listed: Listed[]; sitemaps: string[]; perSitemap: Map<string, { urls: number; bytes: number }> }> {
  const { root: index } = await getXml(target, '/sitemap.xml');
  expect(index.name).toBe('sitemapindex');
  expect(index.attrs.xmlns).toBe('http://www.sitemaps.org/schemas/sitemap/0.9');
  const sitemaps = kids(index, 'sitemap').map((s) => {
    expect(textOf(s, 'lastmod')).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/);
    return textOf(s, 'loc');
  });
  expect(sitemaps.length).toBeGreaterThan(0);
  const listed: Listed[] = [];
  const perSitemap = new Map<string, { urls: number; bytes: number }>();
  for (const loc of sitemaps) {
    expect(loc.startsWith(`${BASE}/sitemaps/`)).toBe(true);
    const { res, root } = await getXml(target, loc.slice(BASE.length));
    expect(root.name).toBe('urlset');
    expect(root.attrs.xmlns).toBe('http://www.sitemaps.org/schemas/sitemap/0.9');
    expect(root.attrs['xmlns:image']).toBe('http://www.google.com/schemas/sitemap-image/1.1');
    const urls = kids(root, 'url');
    perSitemap.set(loc, { urls: urls.length, bytes: Buffer.byteLength(res.text) });
    for (const u of urls) {
      listed.push({ loc: textOf(u, 'loc'), lastmod: textOf(u, 'lastmod'), images: kids(u, 'image:image').map((im) => textOf(im, 'image:loc')) });
    }
  }
  return { listed, sitemaps, perSitemap };
}

function expectListsExactly(listed: Listed[], expected: Map<string, { lastmod: string; image: string | null }>) {
  const locs = listed.map((l) => l.loc);
  expect(new Set(locs).size).toBe(locs.length); // each exactly once
  expect([...locs].sort()).toEqual([...expected.keys()].sort());
  for (const l of listed) {
    const e = expected.get(l.loc)!;
    expect(l.lastmod).toBe(e.lastmod);
    expect(l.images).toEqual(e.image ? [e.image] : []);
  }
}

/** The app with injected sitemap limits, on its own context (its own render cache). */
function limitedApp(limits: SitemapLimits, now = AFTER_DEMO) {
  return demoApp({ db, now: () => now, sitemapLimits: limits }).app;
}

const lastIssue = db.prepare('SELECT * FROM issue WHERE date = ? ORDER BY id LIMIT 1').get(DEMO_END_DATE) as { publish_at: number };

// ---------------------------------------------------------------------------

describe('xml escaping', () => {
  test('escapes the five specials and drops characters XML cannot carry', () => {
    expect(xmlEscape(`<a href="x">Tom & 'Jerry'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;Tom &amp; &apos;Jerry&apos;&lt;/a&gt;');
    expect(xmlEscape('a\u0000b\u0007c\td\ne\uFFFEf\uD800g😀')).toBe('abc\td\nefg😀');
    expect(parseXml(`<?xml version="1.0" encoding="UTF-8"?>\n<t a="${xmlEscape(`"&'<>`)}">${xmlEscape('&&<<>>')}</t>`).text).toBe('&&<<>>');
  });

  test('the checker rejects what is not well-formed', () => {
    const d = '<?xml version="1.0" encoding="UTF-8"?>\n';
    for (const bad of ['<a><b></a></b>', '<a>x & y</a>', '<a>1 < 2</a>', '<a x=1/>', '<a/><b/>', '<a>', '<a>&nbsp;</a>']) {
      expect(() => parseXml(d + bad)).toThrow();
    }
  });
});

describe('/sitemap.xml and month sitemaps', () => {
  test('list every published issue, page and article URL exactly once, pages with their image', async () => {
    const { listed, sitemaps } = await crawlSitemaps(app);
    const papers = db.prepare('SELECT slug FROM publication').pluck().all() as string[];
    expect(sitemaps).toEqual(expect.arrayContaining(papers.map((s) => `${BASE}/sitemaps/${s}/2026-01.xml`)));
    expectListsExactly(listed, expectedUrls(AFTER_DEMO));
    // In order: an issue, then each page followed by its articles.
    const first = listed.findIndex((l) => /\/\d{4}-\d\d-\d\d$/.test(l.loc));
    expect(listed[first + 1].loc).toBe(`${listed[first].loc}/01`);
    expect(listed[first + 2].loc).toBe(`${listed[first].loc}/01/1`);
  });

  test('never list an embargoed issue', async () => {
    const before = demoApp({ db, now: () => lastIssue.publish_at - 1 }).app;
    const { listed } = await crawlSitemaps(before);
    const expected = expectedUrls(lastIssue.publish_at - 1);
    expectListsExactly(listed, expected);
    expect(listed.some((l) => l.loc.includes(`/${DEMO_END_DATE}`))).toBe(false);
    expect(expectedUrls(AFTER_DEMO).size).toBeGreaterThan(expected.size);
  });

  test('a month too big for one file is split into deterministic parts (URL limit)', async () => {
    const whole = await crawlSitemaps(app);
    const limits = { maxUrls: 37, maxBytes: 10 * 1024 * 1024 };
    const split = limitedApp(limits);
    const a = await crawlSitemaps(split);
    const b = await crawlSitemaps(split);
    expect(a.sitemaps).toEqual(b.sitemaps);
    expect(a.listed.map((l) => l.loc)).toEqual(whole.listed.map((l) => l.loc)); // same URLs, same order
    expectListsExactly(a.listed, expectedUrls(AFTER_DEMO));
    const slug = db.prepare('SELECT slug FROM publication ORDER BY id').pluck().get() as string;
    const parts = a.sitemaps.filter((s) => s.startsWith(`${BASE}/sitemaps/${slug}/2026-01`));
    const count = Math.ceil(whole.listed.filter((l) => l.loc.startsWith(`${BASE}/${slug}/2026-01`)).length / 37);
    expect(parts).toEqual([`${BASE}/sitemaps/${slug}/2026-01.xml`, ...Array.from({ length: count - 1 }, (_, i) => `${BASE}/sitemaps/${slug}/2026-01-${i + 2}.xml`)]);
    for (const [, size] of a.perSitemap) expect(size.urls).toBeLessThanOrEqual(37);
    expect([...a.perSitemap.values()].filter((s) => s.urls === 37).length).toBeGreaterThan(1);
    // Past the last part, a zero-padded or explicit "-1" part number: not another name for a part.
    await request(split).get(`/sitemaps/${slug}/2026-01-${count + 1}.xml`).expect(404);
    await request(split).get(`/sitemaps/${slug}/2026-01-02.xml`).expect(404);
    const one = await request(split).get(`/sitemaps/${slug}/2026-01-1.xml`).expect(301);
    expect(one.headers.location).toBe(`/sitemaps/${slug}/2026-01.xml`);
  });

  test('a month is split by the byte limit too, every part within it', async () => {
    const maxBytes = 6000;
    const split = limitedApp({ maxUrls: 50_000, maxBytes });
    const { listed, perSitemap } = await crawlSitemaps(split);
    expectListsExactly(listed, expectedUrls(AFTER_DEMO));
    expect(perSitemap.size).toBeGreaterThan(4);
    for (const [, size] of perSitemap) expect(size.bytes).toBeLessThanOrEqual(maxBytes);
    expect(urlsPerPart(BASE, 'x', { maxUrls: 50_000, maxBytes: 10 * 1024 * 1024 })).toBeGreaterThan(30_000);
  });

  test('is streamed (chunked), with validators that answer 304 to If-None-Match and If-Modified-Since', async () => {
    const slug = publishedIssues(AFTER_DEMO)[0].slug;
    const url = `/sitemaps/${slug}/2026-01.xml`;
    const res = await request(app).get(url).set('Accept-Encoding', 'identity').expect(200);
    expect(res.headers['transfer-encoding']).toBe('chunked');
    expect(res.headers['content-length']).toBeUndefined();
    const etag = res.headers.etag;
    expect(etag).toMatch(/^"sm-[\w-]+"$/);
    const lastModified = res.headers['last-modified'];
    const maxModified = db.prepare(`SELECT max(max(modified_at, publish_at)) FROM issue i JOIN publication p ON p.id = i.publication_id
      WHERE p.slug = ? AND i.date LIKE '2026-01-%'`).pluck().get(slug) as number;
    expect(lastModified).toBe(new Date(Math.floor(maxModified / 1000) * 1000).toUTCString());
    expect(res.headers['cache-control']).toBe('public, max-age=300, stale-while-revalidate=3600'); // the current month

    const gz = await request(app).get(url).set('Accept-Encoding', 'gzip').expect(200);
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.headers.etag).toBe(`${etag.slice(0, -1)}-gz"`);
    expect(gz.text).toBe(res.text);

    for (const tag of [etag, gz.headers.etag, `"other", ${etag}`, `W/${etag}`]) {
      const nm = await request(app).get(url).set('If-None-Match', tag).expect(304);
      expect(nm.text).toBe('');
    }
    await request(app).get(url).set('If-None-Match', '"other"').expect(200);
    await request(app).get(url).set('If-Modified-Since', lastModified).expect(304);
    await request(app).get(url).set('If-Modified-Since', new Date(maxModified - 86_400_000).toUTCString()).expect(200);
    // If-None-Match wins over If-Modified-Since.
    await request(app).get(url).set('If-None-Match', '"other"').set('If-Modified-Since', lastModified).expect(200);

    // The ETag moves when the month's content does: hide the last issue.
    const before = await request(demoApp({ db, now: () => lastIssue.publish_at - 1 }).app).get(url).set('Accept-Encoding', 'identity').expect(200);
    expect(before.headers.etag).not.toBe(etag);
  });

  test('HEAD answers the headers without a body', async () => {
    const slug = publishedIssues(AFTER_DEMO)[0].slug;
    const url = `/sitemaps/${slug}/2026-01.xml`;
    const get = await request(app).get(url).set('Accept-Encoding', 'identity');
    const server = http.createServer(app).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const { port } = server.address() as net.AddressInfo;
      const raw = await new Promise<string>((resolve, reject) => {
        const chunks: Buffer[] = [];
        const socket = net.connect(port, '127.0.0.1', () => {
          socket.write(`HEAD ${url} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept-Encoding: identity\r\nConnection: close\r\n\r\n`);
        });
        socket.on('data', (c) => chunks.push(c));
        socket.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        socket.on('error', reject);
      });
      const [head, ...rest] = raw.split('\r\n\r\n');
      expect(head.split('\r\n')[0]).toBe('HTTP/1.1 200 OK');
      expect(rest.join('')).toBe('');
      expect(head).toContain(`ETag: ${get.headers.etag}`);
      expect(head).toContain('Content-Type: application/xml; charset=utf-8');
      expect(head).toContain(`Last-Modified: ${get.headers['last-modified']}`);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    await request(app).head(url).set('If-None-Match', get.headers.etag).expect(304);
  });

  test('the index has validators too; past months are cached as archive', async () => {
    const res = await request(app).get('/sitemap.xml').expect(200);
    expect(res.headers['cache-control']).toBe('public, max-age=300, stale-while-revalidate=3600');
    await request(app).get('/sitemap.xml').set('If-None-Match', res.headers.etag).expect(304);
    await request(app).get('/sitemap.xml').set('If-Modified-Since', res.headers['last-modified']).expect(304);
    const head = await request(app).head('/sitemap.xml').expect(200);
    expect(head.headers.etag).toBe(res.headers.etag);

    const march = demoApp({ db, now: () => Date.parse('2026-03-02T12:00:00+08:00') }).app;
    const slug = publishedIssues(AFTER_DEMO)[0].slug;
    const past = await request(march).get(`/sitemaps/${slug}/2026-01.xml`).expect(200);
    expect(past.headers['cache-control']).toBe('public, max-age=86400, stale-while-revalidate=604800');
  });

  test('unknown papers, months without issues and malformed names are 404', async () => {
    const slug = publishedIssues(AFTER_DEMO)[0].slug;
    await request(app).get('/sitemaps/no-such-paper/2026-01.xml').expect(404);
    await request(app).get(`/sitemaps/${slug}/2025-12.xml`).expect(404);
    await request(app).get(`/sitemaps/${slug}/2026-13.xml`).expect(404);
    await request(app).get(`/sitemaps/${slug}/2026-01.txt`).expect(404);
    const upper = await request(app).get(`/sitemaps/${slug.toUpperCase()}/2026-01.xml`).expect(301);
    expect(upper.headers.location).toBe(`/sitemaps/${slug}/2026-01.xml`);
  });
});

describe('/news-sitemap.xml', () => {
  async function newsAt(now: number) {
    const { root, res } = await getXml(demoApp({ db, now: () => now }).app, '/news-sitemap.xml');
    expect(root.name).toBe('urlset');
    expect(root.attrs['xmlns:news']).toBe('http://www.google.com/schemas/sitemap-news/0.9');
    return { urls: kids(root, 'url'), res };
  }

  function expectedNews(now: number) {
    return db.prepare(`SELECT p.slug, p.name, p.timezone, i.date, i.publish_at, a.page_number, a.position, a.title FROM article a
      JOIN issue i ON i.id = a.issue_id JOIN publication p ON p.id = i.publication_id
      WHERE i.publish_at >= ? AND i.publish_at <= ?`).all(now - NEWS_WINDOW_MS, now) as any[];
  }

  test.each([
    ['after the last issue', AFTER_DEMO],
    ['an hour after the last issue (two days in the window)', lastIssue.publish_at + 3_600_000],
    ['just before the last issue', lastIssue.publish_at - 1],
  ])('holds exactly the articles published in the last 48 hours: %s', async (_label, now) => {
    const { urls } = await newsAt(now);
    const expected = expectedNews(now);
    expect(expected.length).toBeGreaterThan(0);
    const byLoc = new Map(expected.map((e) => [`${BASE}/${e.slug}/${e.date}/${pad(e.page_number)}/${e.position}`, e]));
    const locs = urls.map((u) => textOf(u, 'loc'));
    expect(new Set(locs).size).toBe(locs.length);
    expect([...locs].sort()).toEqual([...byLoc.keys()].sort());
    for (const u of urls) {
      const e = byLoc.get(textOf(u, 'loc'))!;
      const news = kid(u, 'news:news');
      const pub = kid(news, 'news:publication');
      expect(textOf(pub, 'news:name')).toBe(e.name);
      expect(textOf(pub, 'news:language')).toBe('zh-cn');
      expect(textOf(news, 'news:publication_date')).toBe(isoInZone(e.publish_at, e.timezone));
      expect(textOf(news, 'news:publication_date')).toMatch(/\+08:00$/);
      expect(textOf(news, 'news:title')).toBe(e.title);
    }
  });

  test('two days in the window when the clock is an hour after the last issue', async () => {
    const { urls } = await newsAt(lastIssue.publish_at + 3_600_000);
    const dates = new Set(urls.map((u) => /\/(\d{4}-\d\d-\d\d)\//.exec(textOf(u, 'loc'))![1]));
    expect([...dates].sort()).toEqual(['2026-01-19', DEMO_END_DATE]);
  });

  test('is empty, and still valid, when nothing was published in the last 48 hours', async () => {
    const { urls } = await newsAt(Date.parse('2026-03-01T00:00:00+08:00'));
    expect(urls).toEqual([]);
  });
});

describe('/{paper}/feed.xml', () => {
  const papers = db.prepare('SELECT id, slug, name FROM publication ORDER BY id').all() as { id: number; slug: string; name: string }[];

  test.each(papers.map((p) => [p.slug, p]))('%s: Atom with one entry per article of the latest issue', async (_slug, paper) => {
    const res = await request(app).get(`/${paper.slug}/feed.xml`).expect(200);
    expect(res.headers['content-type']).toBe('application/atom+xml; charset=utf-8');
    const feed = parseXml(res.text);
    expect(feed.name).toBe('feed');
    expect(feed.attrs.xmlns).toBe('http://www.w3.org/2005/Atom');
    const issue = db.prepare('SELECT * FROM issue WHERE publication_id = ? AND publish_at <= ? ORDER BY date DESC LIMIT 1').get(paper.id, AFTER_DEMO) as any;
    const updated = isoInZone(Math.max(issue.modified_at, issue.publish_at), 'Asia/Shanghai');
    expect(textOf(feed, 'id')).toBe(`${BASE}/${paper.slug}/feed.xml`);
    expect(textOf(feed, 'title')).toBe(paper.name);
    expect(textOf(feed, 'updated')).toBe(updated);
    expect(textOf(kid(feed, 'author'), 'name')).toBe(paper.name);
    const links = kids(feed, 'link');
    expect(links.find((l) => l.attrs.rel === 'self')?.attrs.href).toBe(`${BASE}/${paper.slug}/feed.xml`);
    expect(links.find((l) => l.attrs.rel === 'alternate')?.attrs.href).toBe(`${BASE}/${paper.slug}/${issue.date}`);

    const articles = db.prepare('SELECT page_number, position, title, byline, lead FROM article WHERE issue_id = ? ORDER BY seq').all(issue.id) as any[];
    const entries = kids(feed, 'entry');
    expect(entries).toHaveLength(issue.article_count);
    expect(entries).toHaveLength(articles.length);
    entries.forEach((entry, k) => {
      const a = articles[k];
      const url = `${BASE}/${paper.slug}/${issue.date}/${pad(a.page_number)}/${a.position}`;
      expect(textOf(entry, 'id')).toBe(url);
      expect(kid(entry, 'link').attrs).toEqual({ rel: 'alternate', type: 'text/html', href: url });
      expect(textOf(entry, 'title')).toBe(a.title);
      expect(textOf(entry, 'updated')).toBe(updated);
      expect(textOf(entry, 'published')).toBe(isoInZone(issue.publish_at, 'Asia/Shanghai'));
      expect(textOf(kid(entry, 'author'), 'name')).toBe(a.byline || paper.name);
      if (a.lead) expect(textOf(entry, 'summary')).toBe(a.lead);
    });
    expect(articles.some((a) => !a.byline)).toBe(true); // the paper's name stands in
  });

  test('is linked from every page of the paper, follows the embargo, and has validators', async () => {
    const paper = papers[0];
    const page = await request(app).get(`/${paper.slug}/${DEMO_END_DATE}/01`).expect(200);
    expect(page.text).toContain(`<link rel="alternate" type="application/atom+xml" title="${paper.name}" href="/${paper.slug}/feed.xml">`);
    const before = await request(demoApp({ db, now: () => lastIssue.publish_at - 1 }).app).get(`/${paper.slug}/feed.xml`).expect(200);
    expect(kids(parseXml(before.text), 'link').find((l) => l.attrs.rel === 'alternate')?.attrs.href).toBe(`${BASE}/${paper.slug}/2026-01-19`);
    expect(before.text).not.toContain(`/${DEMO_END_DATE}/`);
    const res = await request(app).get(`/${paper.slug}/feed.xml`).expect(200);
    await request(app).get(`/${paper.slug}/feed.xml`).set('If-None-Match', res.headers.etag).expect(304);
    await request(app).get('/no-such-paper/feed.xml').expect(404);
  });
});

describe('hostile text is escaped everywhere', () => {
  test('titles, names and bylines with & < > and quotes, and a BASE_URL with &', async () => {
    const { db: wdb, file, mediaDir } = freshDatabase(tempDir('epaper-seo-'));
    const hostile = `<script>alert("x")</script> & 'q' ]]> `;
    const manifest = sampleManifest({ name: `A&B <日报> "Q" 'S'`, date: '2026-01-05', titlePrefix: hostile, publishAt: '2026-01-05T06:00:00+08:00' });
    manifest.pages[0].articles[0].byline = `记者 <b>&"'`;
    await writeIssueFolder(path.join(path.dirname(file), 'issue'), manifest);
    await importIssues([path.join(path.dirname(file), 'issue')], { db: wdb, mediaDir });
    wdb.close();
    const hdb = openReadOnlyDatabase(file);
    const base = 'https://epaper.test/x&y';
    const h = demoApp({ db: hdb, config: { mediaDir, baseUrl: base }, now: () => Date.parse('2026-01-05T12:00:00+08:00') }).app;

    const feed = parseXml((await request(h).get('/test-daily/feed.xml').expect(200)).text);
    expect(textOf(feed, 'title')).toBe(`A&B <日报> "Q" 'S'`);
    expect(textOf(feed, 'id')).toBe(`${base}/test-daily/feed.xml`);
    const entries = kids(feed, 'entry');
    expect(textOf(entries[0], 'title')).toBe(`${hostile}滨江绿地今年新增三处口袋公园`);
    expect(textOf(kid(entries[0], 'author'), 'name')).toBe(`记者 <b>&"'`);
    expect(kid(entries[0], 'link').attrs.href).toBe(`${base}/test-daily/2026-01-05/01/1`);

    const news = parseXml((await request(h).get('/news-sitemap.xml').expect(200)).text);
    const titles = kids(news, 'url').map((u) => textOf(kid(u, 'news:news'), 'news:title'));
    expect(titles).toContain(`${hostile}老旧小区加装电梯提速`);
    expect(textOf(kid(kid(kids(news, 'url')[0], 'news:news'), 'news:publication'), 'news:name')).toBe(`A&B <日报> "Q" 'S'`);

    const index = parseXml((await request(h).get('/sitemap.xml').expect(200)).text);
    expect(textOf(kid(index, 'sitemap'), 'loc')).toBe(`${base}/sitemaps/test-daily/2026-01.xml`);
    const month = parseXml((await request(h).get('/sitemaps/test-daily/2026-01.xml').expect(200)).text);
    expect(kids(month, 'url').map((u) => textOf(u, 'loc'))).toEqual(
      ['', '/01', '/01/1', '/01/2', '/02', '/02/1'].map((s) => `${base}/test-daily/2026-01-05${s}`),
    );
    const robots = await request(h).get('/robots.txt').expect(200);
    expect(robots.text).toContain(`Sitemap: ${base}/sitemap.xml`);
    const os = parseXml((await request(h).get('/opensearch.xml').expect(200)).text);
    expect(kids(os, 'Url')[0].attrs.template).toBe(`${base}/search?q={searchTerms}`);
    hdb.close();
  });
});

describe('robots.txt and OpenSearch', () => {
  test('/robots.txt allows the site but search and names the sitemap', async () => {
    const res = await request(app).get('/robots.txt').expect(200);
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    const lines = res.text.split('\n');
    expect(lines).toEqual(expect.arrayContaining(['User-agent: *', 'Allow: /', 'Disallow: /search', `Sitemap: ${BASE}/sitemap.xml`, `Sitemap: ${BASE}/news-sitemap.xml`]));
    expect(lines.filter((l) => l.startsWith('Disallow:'))).toEqual(['Disallow: /search']);
  });

  test('/opensearch.xml describes the site search', async () => {
    const res = await request(app).get('/opensearch.xml').expect(200);
    expect(res.headers['content-type']).toBe('application/opensearchdescription+xml; charset=utf-8');
    const root = parseXml(res.text);
    expect(root.name).toBe('OpenSearchDescription');
    expect(root.attrs.xmlns).toBe('http://a9.com/-/spec/opensearch/1.1/');
    expect(textOf(root, 'ShortName')).toBe('数字报刊平台');
    expect(textOf(root, 'InputEncoding')).toBe('UTF-8');
    const html = kids(root, 'Url').find((u) => u.attrs.type === 'text/html')!;
    expect(html.attrs.template).toBe(`${BASE}/search?q={searchTerms}`);
    const home = await request(app).get('/').expect(200);
    expect(home.text).toContain('<link rel="search" type="application/opensearchdescription+xml" title="数字报刊平台" href="/opensearch.xml">');
  });
});

// ---------------------------------------------------------------------------
// The HTML pages: title, description, canonical, og:image and JSON-LD.

function decodeHtml(s: string): string {
  return s.replace(/&(amp|lt|gt|quot|#34|#39|#x27|apos);/g, (m) => ({ '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#34;': '"', '&#39;': "'", '&#x27;': "'", '&apos;': "'" })[m]!);
}

function headOf(html: string) {
  const meta = (attr: string, name: string) => {
    const m = new RegExp(`<meta ${attr}="${name}" content="([^"]*)">`).exec(html);
    return m ? decodeHtml(m[1]) : null;
  };
  const titles = [...html.slice(0, html.indexOf('</head>')).matchAll(/<title>([^<]*)<\/title>/g)].map((m) => decodeHtml(m[1]));
  const canonicals = [...html.matchAll(/<link rel="canonical" href="([^"]*)">/g)].map((m) => decodeHtml(m[1]));
  const jsonLd = [...html.matchAll(/<script type="application\/ld\+json">([\s\S]*?)<\/script>/g)].map((m) => JSON.parse(m[1]));
  return { titles, canonicals, description: meta('name', 'description'), ogImage: meta('property', 'og:image'), jsonLd };
}

describe('every page type: title, description, canonical, og:image, JSON-LD', () => {
  const paper = db.prepare('SELECT id, slug, name FROM publication ORDER BY id').get() as { id: number; slug: string; name: string };
  const date = DEMO_FIRST_DATE;
  const article = db.prepare(`SELECT a.page_number, a.position, a.title, a.byline FROM article a JOIN issue i ON i.id = a.issue_id
    WHERE i.publication_id = ? AND i.date = ? AND a.page_number = 2 ORDER BY a.position LIMIT 1`).get(paper.id, date) as any;
  const pages: [string, string][] = [
    ['newsstand', '/'],
    ['issue', `/${paper.slug}/${date}`],
    ['page', `/${paper.slug}/${date}/02`],
    ['article', `/${paper.slug}/${date}/02/${article.position}`],
    ['archive', `/${paper.slug}/archive`],
    ['archive year', `/${paper.slug}/archive/2026`],
    ['archive month', `/${paper.slug}/archive/2026/01`],
  ];
  const seenTitles = new Map<string, string>();

  test.each(pages)('%s (%s)', async (kind, url) => {
    const res = await request(app).get(url).expect(200);
    const head = headOf(res.text);
    expect(head.titles).toHaveLength(1);
    const title = head.titles[0];
    expect(title.length).toBeGreaterThan(3);
    expect(seenTitles.get(title)).toBeUndefined(); // unique across page types
    seenTitles.set(title, url);
    expect(head.description && head.description.length).toBeGreaterThan(5);
    expect(head.canonicals).toEqual([`${BASE}${url}`]);
    expect(head.ogImage).toMatch(new RegExp(`^${BASE}/`));
    if (head.ogImage!.startsWith(`${BASE}/media/`)) await request(app).get(head.ogImage!.slice(BASE.length)).expect(200);

    const types = head.jsonLd.map((d) => d['@type']);
    for (const d of head.jsonLd) expect(d['@context']).toBe('https://schema.org');
    const crumbs = head.jsonLd.find((d) => d['@type'] === 'BreadcrumbList');
    expect(crumbs).toBeDefined();
    expect(crumbs.itemListElement.length).toBeGreaterThan(0);
    crumbs.itemListElement.forEach((item: any, i: number) => {
      expect(item).toMatchObject({ '@type': 'ListItem', position: i + 1 });
      expect(item.name).toBeTruthy();
      expect(item.item.startsWith(`${BASE}/`)).toBe(true);
    });
    expect(crumbs.itemListElement[crumbs.itemListElement.length - 1].item).toBe(`${BASE}${url}`);

    if (kind === 'issue' || kind === 'page') {
      const cp = head.jsonLd.find((d) => d['@type'] === 'CollectionPage');
      expect(cp).toBeDefined();
      expect(cp.url).toBe(`${BASE}${url}`);
      expect(cp.name).toBeTruthy();
      expect(cp.isPartOf['@type']).toBe('PublicationIssue');
      expect(cp.hasPart.length).toBeGreaterThan(0);
    }
    if (kind === 'page') expect(head.ogImage).toMatch(/\/media\/[0-9a-f]{2}\/[0-9a-f]{32}\.(png|jpe?g)$/);
    if (kind === 'article') {
      const na = head.jsonLd.find((d) => d['@type'] === 'NewsArticle');
      expect(na).toBeDefined();
      expect(na.headline).toBe(article.title.slice(0, 110));
      expect(na.datePublished).toMatch(new RegExp(`^${date}T\\d\\d:\\d\\d:\\d\\d\\+08:00$`));
      expect(na.dateModified).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/);
      expect(na.author.name).toBe(article.byline || paper.name);
      expect(na.publisher['@type']).toBe('NewsMediaOrganization');
      expect(na.publisher.name).toBe(paper.name);
      expect(na.publisher.logo.url).toMatch(new RegExp(`^${BASE}/`));
      expect(na.image.length).toBeGreaterThan(0);
      for (const img of na.image) expect(img.startsWith(`${BASE}/media/`)).toBe(true);
      expect(na.isPartOf['@type']).toBe('PublicationIssue');
      expect(na.isPartOf['@id']).toBe(`${BASE}/${paper.slug}/${date}`);
      expect(na.pageStart).toBe('2');
      expect(na.mainEntityOfPage).toBe(`${BASE}${url}`);
    }
    if (kind === 'newsstand') expect(types).toContain('WebSite');
  });
});
