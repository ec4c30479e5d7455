import fs from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import request from 'supertest';
import { openWritableDatabase } from '../src/db/connection';
import { plainText, polygonBounds, type Block, type Polygon } from '../src/domain/blocks';
import { demoApp, testConfig } from './helpers/app';
import { DEMO_DAYS } from './helpers/demo-constants';
import { tempDir } from './helpers/fixtures';

/**
 * Open data (docs/api.md): every issue's IIIF Presentation 3 manifest checked
 * against the official schema (test/fixtures/iiif) and against the database,
 * and the `.json` twins of the issue, page, article, archive and search
 * pages: the same data as the HTML, open to other origins, with the HTML's
 * validators, and deliberate errors.
 */

const { app, db } = demoApp();

/** Ajv on the IIIF schema, with the two formats it names checked for real rather than ignored. */
function iiifValidator() {
  const ajv = new Ajv({ strict: false, allErrors: true, logger: false });
  ajv.addFormat('uri', (s: string) => {
    try {
      return new URL(s).protocol.length > 0;
    } catch {
      return false;
    }
  });
  ajv.addFormat('date-time', (s: string) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(s) && !Number.isNaN(Date.parse(s)));
  const schema = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'iiif', 'iiif_3_0.json'), 'utf8')) as object;
  return ajv.compile(schema);
}
const validate = iiifValidator();

interface IssueRef { slug: string; date: string; id: number }
const issues = db.prepare(`SELECT p.slug, i.date, i.id FROM issue i JOIN publication p ON p.id = i.publication_id ORDER BY p.id, i.date`).all() as IssueRef[];
const latest = issues[issues.length - 1]!;

/* eslint-disable @typescript-eslint/no-explicit-any */
type Json = any;

/** Every range of a manifest, nested ones included. */
function allRanges(ranges: Json[]): Json[] {
  return ranges.flatMap((r) => [r, ...allRanges((r.items as Json[]).filter((i) => i.type === 'Range'))]);
}

describe('IIIF Presentation 3 manifests', () => {
  test('the schema is real: it rejects a manifest without a label or with a canvas without a size', () => {
    const ok = { '@context': 'http://iiif.io/api/presentation/3/context.json', id: 'https://x.test/m', type: 'Manifest', label: { 'zh-Hans': ['x'] }, items: [] };
    expect(validate(ok)).toBe(true);
    const { label: _label, ...noLabel } = ok;
    expect(validate(noLabel)).toBe(false);
    expect(validate({ ...ok, items: [{ id: 'https://x.test/c', type: 'Canvas', items: [] }] })).toBe(false);
    expect(validate({ ...ok, id: 'not a uri' })).toBe(false);
  });

  test(`every demo issue's manifest validates against the IIIF Presentation 3 schema`, async () => {
    expect(issues.length).toBe(DEMO_DAYS * 2);
    const failures: string[] = [];
    for (const i of issues) {
      const res = await request(app).get(`/${i.slug}/${i.date}/manifest.json`).expect(200);
      const manifest = JSON.parse(res.text) as Json;
      if (!validate(manifest)) failures.push(`${i.slug}/${i.date}: ${JSON.stringify(validate.errors?.slice(0, 3))}`);
    }
    expect(failures).toEqual([]);
  });

  test('each 版 is a canvas of its master size painted by the page image, with its level-0 tile service', async () => {
    const res = await request(app).get(`/${latest.slug}/${latest.date}/manifest.json`).expect(200);
    const manifest = JSON.parse(res.text) as Json;
    expect(manifest.id).toBe(`https://epaper.test/${latest.slug}/${latest.date}/manifest.json`);
    expect(manifest.label['zh-Hans'][0]).toMatch(/^\S+ \d{4}年\d{2}月\d{2}日$/);
    const pages = db.prepare('SELECT id, number, name, image_path, image_width, image_height FROM page WHERE issue_id = ? ORDER BY number').all(latest.id) as Json[];
    expect(manifest.items).toHaveLength(pages.length);
    for (const [k, p] of pages.entries()) {
      const canvas = manifest.items[k];
      expect(canvas).toMatchObject({ type: 'Canvas', width: p.image_width, height: p.image_height, label: { 'zh-Hans': [`第${String(p.number).padStart(2, '0')}版:${p.name}`] } });
      const painting = canvas.items[0].items[0];
      expect(painting).toMatchObject({ motivation: 'painting', target: canvas.id });
      expect(painting.body).toMatchObject({ id: `https://epaper.test/media/${p.image_path}`, type: 'Image', width: p.image_width, height: p.image_height });
      const tiles = db.prepare('SELECT tile_set_id FROM page_tiles WHERE page_id = ?').pluck().get(p.id) as string;
      expect(painting.body.service).toEqual([{ id: `https://epaper.test/iiif/${tiles}`, type: 'ImageService3', profile: 'level0' }]);
      // The service answers: its info.json describes the same image.
      const info = await request(app).get(`/iiif/${tiles}/info.json`).expect(200);
      expect(JSON.parse(info.text)).toMatchObject({ id: painting.body.service[0].id, width: p.image_width, height: p.image_height });
    }
  });

  test('each article is a range over its region (xywh and SVG polygon) with its text as a supplementing annotation', async () => {
    const res = await request(app).get(`/${latest.slug}/${latest.date}/manifest.json`).expect(200);
    const manifest = JSON.parse(res.text) as Json;
    const articles = db.prepare('SELECT id, page_number, position, title, hotspot_json, body_json FROM article WHERE issue_id = ? ORDER BY seq').all(latest.id) as Json[];
    const regionsOf = db.prepare('SELECT page_number, polygon_json FROM article_region WHERE article_id = ? ORDER BY ord');
    const ranges = allRanges(manifest.structures);
    const annotations = manifest.items.flatMap((c: Json) => (c.annotations ?? []).flatMap((p: Json) => p.items));
    expect(annotations).toHaveLength(articles.length);
    for (const a of articles) {
      const nn = String(a.page_number).padStart(2, '0');
      const url = `https://epaper.test/${latest.slug}/${latest.date}/${nn}/${a.position}`;
      const range = ranges.find((r) => r.homepage?.[0]?.id === url);
      expect(range).toMatchObject({ type: 'Range', label: { 'zh-Hans': [a.title] } });
      // One target per region: the article's own page first, then each page it continues on (转版).
      const regions = regionsOf.all(a.id) as { page_number: number; polygon_json: string }[];
      expect(regions[0]).toEqual({ page_number: a.page_number, polygon_json: a.hotspot_json });
      expect(range.items).toEqual(regions.map((r) => {
        const polygon = JSON.parse(r.polygon_json) as Polygon;
        const b = polygonBounds(polygon);
        return {
          type: 'SpecificResource',
          source: { id: manifest.items[r.page_number - 1].id, type: 'Canvas' },
          selector: [
            { type: 'FragmentSelector', conformsTo: 'http://www.w3.org/TR/media-frags/', value: `xywh=${b.x},${b.y},${b.width},${b.height}` },
            { type: 'SvgSelector', value: `<svg xmlns="http://www.w3.org/2000/svg"><polygon points="${polygon.map((p) => p.join(',')).join(' ')}"/></svg>` },
          ],
        };
      }));
      const text = annotations.find((n: Json) => n.id === `https://epaper.test/${latest.slug}/${latest.date}/iiif/annotation/${nn}-${a.position}`);
      expect(text).toMatchObject({ motivation: 'supplementing', label: { 'zh-Hans': [a.title] }, body: { type: 'TextualBody', format: 'text/plain' }, target: range.items.length === 1 ? range.items[0] : range.items });
      expect(text.body.value).toContain(plainText(JSON.parse(a.body_json) as Block[]));
    }
  });

  test('a page imported without tiles is painted by its image alone, with no service; an article without an outline covers its canvas', async () => {
    const dir = tempDir('epaper-notiles-');
    const file = path.join(dir, 'demo.db');
    fs.copyFileSync(testConfig().databasePath, file);
    const own = openWritableDatabase(file);
    const pageId = own.prepare('SELECT id FROM page WHERE issue_id = ? AND number = 2').pluck().get(latest.id) as number;
    own.prepare('DELETE FROM page_tiles WHERE page_id = ?').run(pageId);
    own.prepare('UPDATE article SET hotspot_json = NULL WHERE issue_id = ? AND page_number = 2 AND position = 1').run(latest.id);
    own.prepare(`UPDATE article_region SET polygon_json = NULL WHERE article_id =
      (SELECT id FROM article WHERE issue_id = ? AND page_number = 2 AND position = 1)`).run(latest.id);
    const { app: site } = demoApp({ db: own });
    const manifest = JSON.parse((await request(site).get(`/${latest.slug}/${latest.date}/manifest.json`).expect(200)).text) as Json;
    expect(validate(manifest)).toBe(true);
    expect(manifest.items[1].items[0].items[0].body.service).toBeUndefined();
    expect(manifest.items[0].items[0].items[0].body.service).toHaveLength(1);
    const page = JSON.parse((await request(site).get(`/${latest.slug}/${latest.date}/02.json`).expect(200)).text) as Json;
    expect(page.page.iiif).toBeNull();
    expect(page.articles[0].region).toBeNull();
    const canvasId = manifest.items[1].id as string;
    const range = allRanges(manifest.structures).find((r) => r.id.endsWith('/range/02-1'));
    expect(range.items).toEqual([{ id: canvasId, type: 'Canvas' }]);
    const text = manifest.items[1].annotations[0].items.find((n: Json) => n.id.endsWith('/annotation/02-1'));
    expect(text.target).toBe(canvasId);
    const article = JSON.parse((await request(site).get(`/${latest.slug}/${latest.date}/02/1.json`).expect(200)).text) as Json;
    expect(article.article.regions).toEqual([{ page: 2, pageUrl: `https://epaper.test/${latest.slug}/${latest.date}/02`, polygon: null }]);
    own.close();
  });

  test('open to other origins, with the IIIF media type, an ETag and 304, like the HTML', async () => {
    const url = `/${latest.slug}/${latest.date}/manifest.json`;
    const res = await request(app).get(url).expect(200);
    expect(res.headers['content-type']).toBe('application/ld+json;profile="http://iiif.io/api/presentation/3/context.json"');
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.headers['cross-origin-resource-policy']).toBe('cross-origin');
    const html = await request(app).get(`/${latest.slug}/${latest.date}`).expect(200);
    expect(res.headers['cache-control']).toBe(html.headers['cache-control']);
    expect(res.headers['last-modified']).toBe(html.headers['last-modified'] ?? res.headers['last-modified']);
    expect(res.headers.etag).toMatch(/^"[\w-]+"$/);
    await request(app).get(url).set('If-None-Match', res.headers.etag).expect(304);
    const br = await request(app).get(url).set('Accept-Encoding', 'br').expect(200);
    expect(br.headers['content-encoding']).toBe('br');
    await request(app).get(url).set('Accept-Encoding', 'br').set('If-None-Match', br.headers.etag).expect(304);
  });

  test('the issue page links its manifest: <link rel="alternate"> and a visible IIIF link', async () => {
    const html = (await request(app).get(`/${latest.slug}/${latest.date}`).expect(200)).text;
    const manifest = `/${latest.slug}/${latest.date}/manifest.json`;
    expect(html).toContain(`<link rel="alternate" type="application/ld+json;profile=&#34;http://iiif.io/api/presentation/3/context.json&#34;" href="${manifest}">`);
    expect(html).toMatch(new RegExp(`<p class="issue-tools">[^\\n]*<a class="iiif-link" href="${manifest}"[^>]*>IIIF 清单</a>`));
  });

  test('an issue that is not there, or not yet published, has no manifest', async () => {
    const missing = await request(app).get(`/${latest.slug}/1999-01-01/manifest.json`).expect(404);
    expect(missing.headers['content-type']).toMatch(/^text\/html/);
    await request(app).get(`/no-such-paper/${latest.date}/manifest.json`).expect(404);
    const early = demoApp({ now: () => Date.parse(`${latest.date}T00:00:00+08:00`) });
    await request(early.app).get(`/${latest.slug}/${latest.date}/manifest.json`).expect(404);
    early.db.close();
  });
});

describe('.json beside the issue, page, article, archive and search URLs', () => {
  const slug = latest.slug;
  const date = latest.date;
  const firstArticle = db.prepare('SELECT page_number, position, title, byline, body_json, hotspot_json FROM article WHERE issue_id = ? ORDER BY seq LIMIT 1').get(latest.id) as Json;
  const articlePath = `/${slug}/${date}/${String(firstArticle.page_number).padStart(2, '0')}/${firstArticle.position}`;
  const htmlUrls = [
    `/${slug}/${date}`, `/${slug}/${date}/01`, articlePath, `/${slug}/archive`, `/${slug}/archive/${date.slice(0, 4)}`,
    `/${slug}/archive/${date.slice(0, 4)}/${date.slice(5, 7)}`, '/search?q=%E5%AD%A6%E6%A0%A1',
  ];
  const jsonOf = (u: string) => (u.includes('?') ? u.replace('?', '.json?') : `${u}.json`);

  test.each(htmlUrls)('%s: JSON, open to other origins, with the HTML\'s cache policy and Last-Modified, and its own ETag and 304', async (htmlUrl) => {
    const html = await request(app).get(htmlUrl).expect(200);
    const url = jsonOf(htmlUrl);
    expect(html.text).toContain(`<link rel="alternate" type="application/json" href="${url.replace(/&/g, '&amp;')}">`);
    const res = await request(app).get(url).expect(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.headers['access-control-expose-headers']).toBe('ETag');
    expect(res.headers['cache-control']).toBe(html.headers['cache-control']);
    expect(res.headers['last-modified']).toBe(html.headers['last-modified']);
    expect(res.headers.etag).toMatch(/^"[\w-]+"$/);
    expect(res.headers.etag).not.toBe(html.headers.etag);
    expect(() => JSON.parse(res.text) as unknown).not.toThrow();
    await request(app).get(url).set('If-None-Match', res.headers.etag).expect(304);
    const head = await request(app).head(url).set('Accept-Encoding', 'gzip').expect(200);
    expect(head.headers.etag).toBe(res.headers.etag);
    // A render-cache hit (the fast path) sends the same bytes and headers.
    const again = await request(app).get(url).expect(200);
    expect([again.text, again.headers['access-control-allow-origin'], again.headers.etag]).toEqual([res.text, '*', res.headers.etag]);
  });

  test('issue.json lists the pages and titles the issue page shows', async () => {
    const html = (await request(app).get(`/${slug}/${date}`)).text;
    const data = JSON.parse((await request(app).get(`/${slug}/${date}.json`)).text) as Json;
    const titles = [...html.matchAll(/<ul class="title-list">([\s\S]*?)<\/ul>/g)].map((m) => [...m[1]!.matchAll(/<bdi>([^<]*)<\/bdi>/g)].map((t) => t[1]));
    expect(data.pages.map((p: Json) => p.articles.map((a: Json) => a.title.replace(/&/g, '&amp;').replace(/"/g, '&#34;')))).toEqual(titles);
    expect(data.issue).toMatchObject({ date, manifest: `https://epaper.test/${slug}/${date}/manifest.json`, articleCount: titles.flat().length });
    expect(data.pages[0]).toMatchObject({ number: 1, label: '01', url: `https://epaper.test/${slug}/${date}/01`, json: `https://epaper.test/${slug}/${date}/01.json` });
  });

  test('page.json gives each article its region in master pixels, as the page image draws it', async () => {
    const data = JSON.parse((await request(app).get(`/${slug}/${date}/01.json`)).text) as Json;
    const rows = db.prepare('SELECT position, title, hotspot_json FROM article WHERE issue_id = ? AND page_number = 1 ORDER BY position').all(latest.id) as Json[];
    expect(data.articles.map((a: Json) => [a.position, a.title, a.region])).toEqual(rows.map((r) => [r.position, r.title, JSON.parse(r.hotspot_json)]));
    expect(data.page.iiif).toMatch(/^https:\/\/epaper\.test\/iiif\/[0-9a-f]{32}$/);
    const html = (await request(app).get(`/${slug}/${date}/01`)).text;
    for (const a of data.articles) expect(html).toContain(`points="${(a.region as number[][]).map((p) => p.join(',')).join(' ')}"`);
  });

  test('article.json carries the title, byline, body, plain text and region of the article page', async () => {
    const data = JSON.parse((await request(app).get(`${articlePath}.json`)).text) as Json;
    const body = JSON.parse(firstArticle.body_json) as Block[];
    expect(data.article).toMatchObject({
      title: firstArticle.title,
      byline: firstArticle.byline,
      url: `https://epaper.test${articlePath}`,
      text: plainText(body),
      regions: [{ page: firstArticle.page_number, polygon: JSON.parse(firstArticle.hotspot_json) }],
    });
    expect(data.article.body.length).toBeGreaterThan(0);
    const html = (await request(app).get(articlePath)).text;
    const firstParagraph = body.find((b) => b.type === 'paragraph') as { text: string };
    expect(html).toContain(firstParagraph.text.slice(0, 20));
    expect(data.article.body).toContainEqual({ type: 'paragraph', text: firstParagraph.text });
  });

  test('archive JSON lists the issues the calendars link', async () => {
    const month = JSON.parse((await request(app).get(`/${slug}/archive/${date.slice(0, 4)}/${date.slice(5, 7)}.json`)).text) as Json;
    const dates = (db.prepare('SELECT date FROM issue i JOIN publication p ON p.id = i.publication_id WHERE p.slug = ? AND date LIKE ? ORDER BY date').pluck().all(slug, `${date.slice(0, 7)}%`)) as string[];
    expect(month.issues.map((i: Json) => i.date)).toEqual(dates);
    expect(month.issueCount).toBe(dates.length);
    const index = JSON.parse((await request(app).get(`/${slug}/archive.json`)).text) as Json;
    expect(index.latest.date).toBe(date);
    expect(index.years[0].months.reduce((n: number, m: Json) => n + m.issueCount, 0)).toBe(index.years[0].issueCount);
  });

  test('search.json answers the same results as the search page, in order', async () => {
    const html = (await request(app).get('/search?q=%E5%AD%A6%E6%A0%A1')).text;
    const data = JSON.parse((await request(app).get('/search.json?q=%E5%AD%A6%E6%A0%A1')).text) as Json;
    expect(data.total).toBeGreaterThan(0);
    // Each result's title links to its article (with the query, to mark it there): compared without query and fragment.
    const htmlLinks = [...html.matchAll(/<h2><a href="(\/[^"#?]+\/\d+)[?#"]/g)].map((m) => `https://epaper.test${m[1]}`);
    expect(htmlLinks.length).toBeGreaterThan(0);
    expect(data.results.map((r: Json) => r.url)).toEqual(htmlLinks.slice(0, data.results.length));
    expect(data.results[0].snippetSegments.some((s: Json) => s.hit)).toBe(true);
  });

  test('deliberate errors, in JSON: 404 for what is not there, 400 for a bad query, 301 keeping .json', async () => {
    for (const url of [`/${slug}/${date}/99.json`, `/${slug}/${date}/01/999.json`, `/${slug}/1999-01-01.json`, `/no-such-paper/${date}.json`, `/${slug}/archive/1999.json`, `/${slug}/archive/2026/13.json`]) {
      const res = await request(app).get(url);
      expect([url, res.status, res.headers['content-type']]).toEqual([url, 404, 'application/json; charset=utf-8']);
      expect(JSON.parse(res.text)).toMatchObject({ error: { status: 404, message: expect.any(String) } });
      expect(res.headers['access-control-allow-origin']).toBe('*');
    }
    const bad = await request(app).get('/search.json?q=a&page=0').expect(400);
    expect(JSON.parse(bad.text)).toMatchObject({ error: { status: 400 } });
    expect((await request(app).get(`/${slug}/${date}/1.json`).expect(301)).headers.location).toBe(`/${slug}/${date}/01.json`);
    expect((await request(app).get(`/${slug.toUpperCase()}/${date}.json`).expect(301)).headers.location).toBe(`/${slug}/${date}.json`);
    expect((await request(app).get(`/${slug}/${date.replace(/-0/g, '-')}.json`).expect(301)).headers.location).toBe(`/${slug}/${date}.json`);
    expect((await request(app).get(`${articlePath.replace(/\/(\d+)$/, '/0$1')}.json`).expect(301)).headers.location).toBe(`${articlePath}.json`);
  });
});

describe('docs/api.md', () => {
  const doc = fs.readFileSync(path.join(__dirname, '..', 'docs', 'api.md'), 'utf8');
  /** Every object key of a JSON value, nested ones included. */
  function keys(value: unknown, out = new Set<string>()): Set<string> {
    if (Array.isArray(value)) for (const v of value) keys(v, out);
    else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        out.add(k);
        keys(v, out);
      }
    }
    return out;
  }
  const documented = (k: string) => new RegExp(`[\`"{.,\\s(\\[]${k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[\`"},.\\s\\[)]`).test(doc);

  test('documents every field the .json answers and the bulk export give', async () => {
    const article = db.prepare("SELECT page_number, position FROM article WHERE body_json LIKE '%\"image\"%' LIMIT 1").get() as Json;
    const list = db.prepare("SELECT page_number, position, i.date, p.slug FROM article a JOIN issue i ON i.id = a.issue_id JOIN publication p ON p.id = i.publication_id WHERE body_json LIKE '%\"list\"%' LIMIT 1").get() as Json | undefined;
    const urlsToRead = [
      `/${latest.slug}/${latest.date}.json`, `/${latest.slug}/${latest.date}/01.json`,
      `/${latest.slug}/${latest.date}/${String(article.page_number).padStart(2, '0')}/${article.position}.json`,
      ...(list ? [`/${list.slug}/${list.date}/${String(list.page_number).padStart(2, '0')}/${list.position}.json`] : []),
      `/${latest.slug}/archive.json`, `/${latest.slug}/archive/2026.json`, `/${latest.slug}/archive/2026/01.json`,
      '/search.json?q=%E5%AD%A6%E6%A0%A1', `/${latest.slug}/${latest.date}/99.json`,
    ];
    const seen = new Set<string>();
    for (const u of urlsToRead) keys(JSON.parse((await request(app).get(u)).text), seen);
    const { exportArticlesJsonl } = await import('../src/export/jsonl');
    const { PassThrough } = await import('node:stream');
    const out = new PassThrough();
    let first = '';
    out.on('data', (c: Buffer) => { if (!first) first = c.toString('utf8').split('\n')[0]!; });
    await exportArticlesJsonl({ db, config: { baseUrl: 'https://epaper.test' }, out });
    keys(JSON.parse(first), seen);
    expect(seen.size).toBeGreaterThan(60);
    expect(documented('pageCountx')).toBe(false);
    expect([...seen].filter((k) => !documented(k))).toEqual([]);
  });
});
