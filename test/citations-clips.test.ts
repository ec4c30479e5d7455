import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import sharp from 'sharp';
import request from 'supertest';
import { openReadOnlyDatabase } from '../src/db/connection';
import { bylineNames, chicago, gbt7714 } from '../src/domain/citation';
import { clipAround, MAX_CLIP_WIDTH } from '../src/domain/clip';
import { jumpFrom, jumpTo, parsePageNumeral } from '../src/domain/regions';
import { exportArticlesJsonl } from '../src/export/jsonl';
import { importIssues } from '../src/importer';
import type { ManifestArticle, ManifestPage } from '../src/importer/manifest';
import { joinContinuedStories } from '../src/importer/pdf/jumps';
import { demoApp } from './helpers/app';
import { freshDatabase, importRefused, sampleManifest, tempDir, writeIssueFolder, type ManifestJson } from './helpers/fixtures';

/**
 * Citations (Highwire / Google Scholar tags, the 引用 block, print fields of
 * the JSON-LD), stories across pages (转版) from issue.json, and clips of a
 * page (剪报): the picture against the page image's own pixels, its card,
 * and bad rectangles.
 */

const BASE = 'https://epaper.test';

/** The <head> of a page and what follows it, and its meta tags by name (in order). */
function headOf(html: string): { head: string; body: string; meta: [string, string][]; og: Record<string, string> } {
  const end = html.indexOf('</head>');
  expect(end).toBeGreaterThan(0);
  const head = html.slice(0, end);
  const decode = (s: string) => s.replace(/&#34;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  const meta = [...head.matchAll(/<meta name="([^"]+)" content="([^"]*)">/g)].map((m) => [m[1]!, decode(m[2]!)] as [string, string]);
  const og = Object.fromEntries([...head.matchAll(/<meta property="(og:[^"]+)" content="([^"]*)">/g)].map((m) => [m[1]!, decode(m[2]!)]));
  return { head, body: html.slice(end), meta, og };
}

const all = (meta: [string, string][], name: string): string[] => meta.filter(([n]) => n === name).map(([, c]) => c);

/**
 * Google Scholar's inclusion rules for a page's Highwire tags
 * (scholar.google.com/intl/en/scholar/inclusion.html#indexing): the tags are
 * in <head>; exactly one citation_title; at least one citation_author, or for
 * a newspaper article the paper (citation_journal_title); the date as
 * YYYY/MM/DD; when a PDF of the text exists, citation_pdf_url names it.
 * Returns the rules broken.
 */
function scholarProblems(html: string, hasPdf: boolean): string[] {
  const { meta, body } = headOf(html);
  const problems: string[] = [];
  if (/<meta name="citation_/.test(body)) problems.push('citation tags outside <head>');
  if (all(meta, 'citation_title').length !== 1) problems.push(`${all(meta, 'citation_title').length} citation_title tags`);
  if (all(meta, 'citation_title').some((t) => t.trim() === '')) problems.push('empty citation_title');
  if (all(meta, 'citation_author').length === 0 && all(meta, 'citation_journal_title').length === 0) problems.push('no author and no newspaper');
  const date = all(meta, 'citation_publication_date');
  if (date.length !== 1 || !/^\d{4}\/\d{2}\/\d{2}$/.test(date[0]!)) problems.push(`citation_publication_date ${JSON.stringify(date)}`);
  const pdf = all(meta, 'citation_pdf_url');
  if (hasPdf && pdf.length !== 1) problems.push('a PDF exists but citation_pdf_url is missing');
  if (!hasPdf && pdf.length > 0) problems.push('citation_pdf_url without a PDF');
  return problems;
}

describe('citing an article', () => {
  const { app, db } = demoApp();
  afterAll(() => db.close());
  const paper = db.prepare('SELECT id, slug, name, language FROM publication ORDER BY id').get() as { id: number; slug: string; name: string; language: string };
  const rows = db.prepare(`
    SELECT a.title, a.byline, a.page_number, a.position, i.date, i.number, pg.pdf_path, pg.name AS page_name
    FROM article a JOIN issue i ON i.id = a.issue_id JOIN page pg ON pg.id = a.page_id
    WHERE i.publication_id = ? ORDER BY i.date DESC, a.seq LIMIT 400`).all(paper.id) as {
    title: string; byline: string | null; page_number: number; position: number; date: string; number: number | null; pdf_path: string | null; page_name: string;
  }[];
  const withByline = rows.find((r) => bylineNames(r.byline).length > 0)!;
  const withoutByline = rows.find((r) => bylineNames(r.byline).length === 0);
  const url = (r: { date: string; page_number: number; position: number }) => `/${paper.slug}/${r.date}/${String(r.page_number).padStart(2, '0')}/${r.position}`;

  test('byline names drop roles and the 文/图/摄 marks', () => {
    expect(bylineNames('本报记者 林晓 通讯员 王敏')).toEqual(['林晓', '王敏']);
    expect(bylineNames('文/唐佳怡')).toEqual(['唐佳怡']);
    expect(bylineNames('本报记者林晓、陈阳 摄')).toEqual(['林晓', '陈阳']);
    expect(bylineNames('本报评论员')).toEqual([]);
    expect(bylineNames(null)).toEqual([]);
  });

  test.each([
    ['an article with a byline', () => withByline],
    ['an article without one', () => withoutByline!],
  ])('%s: its citation_* tags meet Google Scholar\'s inclusion rules and say what the page shows', async (_name, pick) => {
    const r = pick();
    const res = await request(app).get(url(r)).expect(200);
    expect(scholarProblems(res.text, r.pdf_path !== null)).toEqual([]);
    const { meta } = headOf(res.text);
    expect(all(meta, 'citation_title')).toEqual([r.title]);
    expect(all(meta, 'citation_author')).toEqual(bylineNames(r.byline));
    expect(all(meta, 'citation_journal_title')).toEqual([paper.name]);
    expect(all(meta, 'citation_publication_date')).toEqual([r.date.replace(/-/g, '/')]);
    expect(all(meta, 'citation_date')).toEqual([r.date.replace(/-/g, '/')]);
    expect(all(meta, 'citation_firstpage')).toEqual([String(r.page_number)]);
    expect(all(meta, 'citation_language')).toEqual([paper.language]);
    expect(all(meta, 'citation_public_url')).toEqual([`${BASE}${url(r)}`]);
    expect(all(meta, 'citation_abstract_html_url')).toEqual([`${BASE}${url(r)}`]);
    if (r.pdf_path) {
      // The PDF link is the page's own PDF, and it is served.
      expect(all(meta, 'citation_pdf_url')).toEqual([`${BASE}/media/${r.pdf_path}`]);
      const pdf = await request(app).get(`/media/${r.pdf_path}`).expect(200);
      expect(pdf.headers['content-type']).toBe('application/pdf');
    }
  });

  test('the checker itself refuses what Scholar would not index', () => {
    const page = (tags: string, after = '') => `<html><head>${tags}</head><body>${after}</body></html>`;
    expect(scholarProblems(page('<meta name="citation_title" content="a"><meta name="citation_title" content="b"><meta name="citation_journal_title" content="报"><meta name="citation_publication_date" content="2026/01/05">'), false)).toEqual(['2 citation_title tags']);
    expect(scholarProblems(page('<meta name="citation_title" content="a"><meta name="citation_publication_date" content="2026-01-05">'), true)).toEqual([
      'no author and no newspaper', 'citation_publication_date ["2026-01-05"]', 'a PDF exists but citation_pdf_url is missing',
    ]);
    expect(scholarProblems(page('<meta name="citation_title" content="a"><meta name="citation_author" content="林晓"><meta name="citation_publication_date" content="2026/01/05">', '<meta name="citation_pdf_url" content="x">'), false)).toEqual(['citation tags outside <head>']);
  });

  test('the 引用 block holds a GB/T 7714-2015 [N/OL] reference and a Chicago one, as plain text without script', async () => {
    const r = withByline;
    const res = await request(app).get(url(r)).expect(200);
    const gbt = /<p class="reference" id="cite-gbt" data-accessed="(\d{4}-\d\d-\d\d)"><bdi>([^<]+)<\/bdi><\/p>/.exec(res.text);
    expect(gbt).not.toBeNull();
    const names = bylineNames(r.byline);
    const authors = names.length > 3 ? `${names.slice(0, 3).join(', ')}, 等` : names.join(', ');
    // 主要责任者. 题名[N/OL]. 报纸名, 出版日期(版次)[引用日期]. 获取和访问路径
    expect(gbt![2]).toBe(`${authors}. ${r.title}[N/OL]. ${paper.name}, ${r.date}(${r.page_number})[${gbt![1]}]. ${BASE}${url(r)}`);
    const chicagoText = /<p class="reference" id="cite-chicago" lang="en"><bdi>([^<]+)<\/bdi><\/p>/.exec(res.text)![1]!.replace(/&#34;/g, '"');
    expect(chicagoText).toContain(`“${r.title}.” ${paper.name}, `);
    expect(chicagoText).toMatch(new RegExp(`, (January|February|March|April|May|June|July|August|September|October|November|December) \\d{1,2}, ${r.date.slice(0, 4)}, p\\. ${r.page_number}\\. ${BASE}${url(r)}\\.$`));
    expect(chicagoText.startsWith(`${names[0]}`)).toBe(true);
    // The references are in the HTML itself, under a heading; the script only updates the access date.
    expect(res.text).toMatch(/<h2 id="cite-h">引用本文<\/h2>/);
  });

  test('reference formats: more than three authors become three and 等; no author opens with the title; several pages', () => {
    const base = { title: '标题', paperName: '测试日报', language: 'zh-CN', date: '2026-01-05' as never, issueNumber: null, url: 'https://x.test/a', pdfUrl: null };
    expect(gbt7714({ ...base, byline: '记者 甲乙 丙丁 戊己 庚辛', pages: [1] }, '2026-02-01' as never)).toBe('甲乙, 丙丁, 戊己, 等. 标题[N/OL]. 测试日报, 2026-01-05(1)[2026-02-01]. https://x.test/a');
    expect(gbt7714({ ...base, byline: null, pages: [1, 3] }, '2026-02-01' as never)).toBe('标题[N/OL]. 测试日报, 2026-01-05(1, 3)[2026-02-01]. https://x.test/a');
    expect(chicago({ ...base, byline: '记者 甲乙 丙丁 戊己', pages: [2] })).toBe('甲乙, 丙丁, and 戊己. “标题.” 测试日报, January 5, 2026, p. 2. https://x.test/a.');
    expect(chicago({ ...base, byline: '记者 甲乙 丙丁', pages: [1, 3] })).toBe('甲乙 and 丙丁. “标题.” 测试日报, January 5, 2026, pp. 1, 3. https://x.test/a.');
  });

  test('the NewsArticle JSON-LD names the print edition, page and section', async () => {
    const r = withByline;
    const res = await request(app).get(url(r)).expect(200);
    const blocks = [...res.text.matchAll(/<script type="application\/ld\+json">([\s\S]*?)<\/script>/g)].map((m) => JSON.parse(m[1]!));
    const na = blocks.find((b) => b['@type'] === 'NewsArticle');
    expect(na).toMatchObject({ printPage: String(r.page_number), printSection: r.page_name, pageStart: String(r.page_number) });
    expect(na.printEdition).toBe(r.number ? `总第${r.number}期` : expect.any(String));
  });

  test('the article\'s share picture is the crop of its region on the page, not the whole page', async () => {
    const a = db.prepare(`SELECT a.page_number, a.position, a.hotspot_json, i.date, pg.image_width, pg.image_height FROM article a JOIN issue i ON i.id = a.issue_id JOIN page pg ON pg.id = a.page_id
      WHERE i.publication_id = ? AND a.hotspot_json IS NOT NULL ORDER BY i.date DESC, a.seq LIMIT 1`).get(paper.id) as {
      page_number: number; position: number; hotspot_json: string; date: string; image_width: number; image_height: number;
    };
    const res = await request(app).get(url(a)).expect(200);
    const { og, meta } = headOf(res.text);
    const rect = clipAround(JSON.parse(a.hotspot_json), a.image_width, a.image_height)!;
    const clipUrl = `${BASE}/${paper.slug}/${a.date}/${String(a.page_number).padStart(2, '0')}/clip/${rect.x},${rect.y},${rect.w},${rect.h}.jpg`;
    expect(og['og:image']).toBe(clipUrl);
    expect(all(meta, 'twitter:card')).toEqual(['summary_large_image']);
    // The padded box holds the whole outline and stays inside the page.
    for (const [x, y] of JSON.parse(a.hotspot_json) as [number, number][]) {
      expect(x).toBeGreaterThanOrEqual(rect.x);
      expect(x).toBeLessThanOrEqual(rect.x + rect.w);
      expect(y).toBeGreaterThanOrEqual(rect.y);
      expect(y).toBeLessThanOrEqual(rect.y + rect.h);
    }
    expect(rect.x + rect.w).toBeLessThanOrEqual(a.image_width);
    const img = await request(app).get(clipUrl.slice(BASE.length)).expect(200);
    expect(img.headers['content-type']).toBe('image/jpeg');
    const m = await sharp(img.body as Buffer).metadata();
    expect(m.width).toBe(Math.min(rect.w, Math.round(rect.w * Math.min(1, MAX_CLIP_WIDTH / rect.w, 1600 / rect.h))));
  });
});

describe('the demo paper\'s stories across pages (转版)', () => {
  const { app, db } = demoApp();
  afterAll(() => db.close());
  const continued = db.prepare(`
    SELECT p.slug, i.date, a.page_number, a.position, a.title, r.page_number AS other_page
    FROM article_region r JOIN article a ON a.id = r.article_id JOIN issue i ON i.id = a.issue_id JOIN publication p ON p.id = i.publication_id
    WHERE r.ord = 2 ORDER BY p.id, i.date`).all() as { slug: string; date: string; page_number: number; position: number; title: string; other_page: number }[];
  const nn = (n: number) => String(n).padStart(2, '0');
  const hrefs = (html: string) => [...html.matchAll(/<a href="([^"]+)" data-region="[^"]+" aria-label="[^"]*"><title>/g)].map((m) => m[1]!);

  test('each paper has one, and its regions on both pages open the one article', async () => {
    expect(new Set(continued.map((c) => c.slug)).size).toBe(2);
    for (const c of continued) {
      const target = `/${c.slug}/${c.date}/${nn(c.page_number)}/${c.position}`;
      expect(c.other_page).not.toBe(c.page_number);
      for (const page of [c.page_number, c.other_page]) {
        const html = (await request(app).get(`/${c.slug}/${c.date}/${nn(page)}`).expect(200)).text;
        expect(hrefs(html).filter((h) => h === target)).toHaveLength(1);
      }
      const article = (await request(app).get(target).expect(200)).text;
      expect(article).toContain(`本文刊于<a href="/${c.slug}/${c.date}/${nn(c.page_number)}"`);
      expect(article).toContain(`<a href="/${c.slug}/${c.date}/${nn(c.other_page)}"`);
    }
  });
});

describe('clips of a page (剪报)', () => {
  const { app, db, config } = demoApp();
  afterAll(() => db.close());
  const p = db.prepare(`SELECT pb.slug, i.date, pg.number, pg.image_path, pg.image_width, pg.image_height, pg.id FROM page pg
    JOIN issue i ON i.id = pg.issue_id JOIN publication pb ON pb.id = i.publication_id ORDER BY i.date DESC, pg.number LIMIT 1`).get() as {
    slug: string; date: string; number: number; image_path: string; image_width: number; image_height: number; id: number;
  };
  const base = `/${p.slug}/${p.date}/${String(p.number).padStart(2, '0')}/clip`;
  const master = () => path.join(config.mediaDir, p.image_path);

  /** Raw RGB pixels of an image buffer or file, resized to `width` × `height` when given. */
  async function rgb(input: Buffer | string, region?: { left: number; top: number; width: number; height: number }, size?: { width: number; height: number }) {
    let s = sharp(input);
    if (region) s = s.extract(region);
    if (size) s = s.resize(size.width, size.height, { fit: 'fill' });
    return s.flatten({ background: '#ffffff' }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  }

  test('the picture is the rectangle of the page image: raw pixels agree within JPEG\'s error', async () => {
    const rect = { x: 120, y: 340, w: 500, h: 260 };
    const res = await request(app).get(`${base}/${rect.x},${rect.y},${rect.w},${rect.h}.jpg`).expect(200);
    expect(res.headers['content-type']).toBe('image/jpeg');
    const got = await rgb(res.body as Buffer);
    expect([got.info.width, got.info.height]).toEqual([rect.w, rect.h]);
    const want = await rgb(master(), { left: rect.x, top: rect.y, width: rect.w, height: rect.h });
    let sum = 0;
    let worst = 0;
    for (let i = 0; i < want.data.length; i++) {
      const d = Math.abs(got.data[i]! - want.data[i]!);
      sum += d;
      if (d > worst) worst = d;
    }
    // JPEG at quality 82 keeps the mean error near 1–2 levels; a crop off by a pixel or two would not.
    expect(sum / want.data.length).toBeLessThan(4);
    const shifted = await rgb(master(), { left: rect.x + 6, top: rect.y + 6, width: rect.w, height: rect.h });
    let off = 0;
    for (let i = 0; i < want.data.length; i++) off += Math.abs(got.data[i]! - shifted.data[i]!);
    expect(off / want.data.length).toBeGreaterThan((sum / want.data.length) * 2);
  });

  test('a large rectangle is scaled down to the maximum width, keeping its shape', async () => {
    const rect = { x: 0, y: 0, w: p.image_width, h: Math.min(p.image_height, 1500) };
    const res = await request(app).get(`${base}/${rect.x},${rect.y},${rect.w},${rect.h}.jpg`).expect(200);
    const scale = Math.min(1, MAX_CLIP_WIDTH / rect.w, 1600 / rect.h);
    const got = await rgb(res.body as Buffer);
    expect([got.info.width, got.info.height]).toEqual([Math.round(rect.w * scale), Math.round(rect.h * scale)]);
    expect(got.info.width).toBeLessThanOrEqual(MAX_CLIP_WIDTH);
    const want = await rgb(master(), { left: 0, top: 0, width: rect.w, height: rect.h }, { width: got.info.width, height: got.info.height });
    let sum = 0;
    for (let i = 0; i < want.data.length; i++) sum += Math.abs(got.data[i]! - want.data[i]!);
    expect(sum / want.data.length).toBeLessThan(6);
  });

  test('the picture is cached for a year under an ETag, and answers 304', async () => {
    const first = await request(app).get(`${base}/10,10,300,200.jpg`).expect(200);
    expect(first.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(first.headers.etag).toMatch(/^"[^"]+"$/);
    await request(app).get(`${base}/10,10,300,200.jpg`).set('If-None-Match', first.headers.etag!).expect(304);
  });

  test('the clip page is a share card: og:image of the crop, a large card, its citation and a link to the whole page', async () => {
    const res = await request(app).get(`${base}/10,20,400,300`).expect(200);
    const { og, meta } = headOf(res.text);
    expect(og['og:image']).toBe(`${BASE}${base}/10,20,400,300.jpg`);
    expect(og['og:url']).toBe(`${BASE}${base}/10,20,400,300`);
    expect(og['og:title']).toMatch(/^剪报:第\d\d版/);
    expect(all(meta, 'twitter:card')).toEqual(['summary_large_image']);
    expect(all(meta, 'twitter:image')).toEqual([`${BASE}${base}/10,20,400,300.jpg`]);
    expect(all(meta, 'robots')).toEqual(['noindex, follow']);
    expect(res.text).toContain(`<img src="${base}/10,20,400,300.jpg" width="400" height="300"`);
    expect(res.text).toContain(`<a href="/${p.slug}/${p.date}/${String(p.number).padStart(2, '0')}">查看整版</a>`);
    expect(res.text).toMatch(new RegExp(`\\[N/OL\\]\\. [^,]+, ${p.date}\\(${p.number}\\)\\[\\d{4}-\\d\\d-\\d\\d\\]\\. ${BASE}${base}/10,20,400,300<`));
  });

  test('a clip over an article lists it, to read in full', async () => {
    const a = db.prepare('SELECT position, title, hotspot_json FROM article WHERE page_id = ? AND hotspot_json IS NOT NULL ORDER BY position LIMIT 1').get(p.id) as { position: number; title: string; hotspot_json: string };
    const rect = clipAround(JSON.parse(a.hotspot_json), p.image_width, p.image_height)!;
    const res = await request(app).get(`${base}/${rect.x},${rect.y},${rect.w},${rect.h}`).expect(200);
    expect(res.text).toContain(`<a href="/${p.slug}/${p.date}/${String(p.number).padStart(2, '0')}/${a.position}"><bdi>${a.title}</bdi></a>`);
  });

  test.each([
    ['a rectangle past the page is clamped to it (301)', `${p.image_width - 100},0,500,50`, 301, `${p.image_width - 100},0,100,50`],
    ['leading zeros (301)', '010,020,0300,0200', 301, '10,20,300,200'],
    ['not four numbers (404)', '1,2,3', 404, null],
    ['words (404)', 'all', 404, null],
    ['negative numbers (404)', '-5,0,100,100', 404, null],
    ['numbers past any page (400)', '999999,999999,100,100', 400, null],
    ['too small to show anything (400)', '10,10,5,300', 400, null],
    ['zero width (400)', '10,10,0,300', 400, null],
    ['huge numbers (404)', '1,1,99999999999999999999,1', 404, null],
  ])('%s', async (_name, rect, status, canonical) => {
    for (const suffix of ['', '.jpg']) {
      const res = await request(app).get(`${base}/${rect}${suffix}`);
      expect([rect, suffix, res.status]).toEqual([rect, suffix, status]);
      if (canonical) expect(res.headers.location).toBe(`${base}/${canonical}${suffix}`);
      if (status >= 400) expect(res.headers['content-type']).toMatch(/^text\/html/);
    }
  });

  test('a page or issue that does not exist is a 404', async () => {
    await request(app).get(`/${p.slug}/${p.date}/99/clip/0,0,100,100.jpg`).expect(404);
    await request(app).get(`/${p.slug}/1999-01-01/01/clip/0,0,100,100`).expect(404);
    await request(app).get(`/no-such-paper/${p.date}/01/clip/0,0,100,100.jpg`).expect(404);
  });

  test('the page view offers the clip tool to scripts only: hidden in the HTML, with its URL base', async () => {
    const res = await request(app).get(`/${p.slug}/${p.date}/${String(p.number).padStart(2, '0')}`).expect(200);
    expect(res.text).toMatch(new RegExp(`<div class="clip-tool" id="clip-tool" data-base="${base}/" hidden>`));
    expect(res.text).toMatch(/<script src="\/static\/cite\.js\?v=[^"]+" defer><\/script>/);
  });
});

describe('a story across pages (转版) from issue.json', () => {
  /** The sample issue with its second story of page 1 continued on page 2. */
  function continuedManifest(): ManifestJson {
    const m = sampleManifest({ slug: 'zhuanban', date: '2026-02-03' });
    m.pages[0].articles[1].continuations = [{ page: 2, hotspot: [[10, 150], [190, 150], [190, 270], [10, 270]] }];
    m.pages[1].articles[0].hotspot = [[10, 10], [190, 10], [190, 140], [10, 140]];
    return m;
  }

  let site: ReturnType<typeof demoApp>;
  beforeAll(async () => {
    const dir = tempDir('zhuanban-');
    const { db, file, mediaDir } = freshDatabase(dir);
    await importIssues([await writeIssueFolder(path.join(dir, 'issue'), continuedManifest())], { db, mediaDir });
    db.close();
    site = demoApp({ db: openReadOnlyDatabase(file), config: { mediaDir }, now: () => Date.parse('2026-02-04T00:00:00+08:00') });
  });
  afterAll(() => site.db.close());

  const hotspots = (html: string) => [...html.matchAll(/<a href="([^"]+)" data-region="([^"]+)" aria-label="[^"]*"><title>([^<]*)<\/title><polygon points="([^"]+)"\/><\/a>/g)].map((m) => ({ href: m[1]!, key: m[2]!, title: m[3]!, points: m[4]! }));

  test('is one article with a region on each page, stored in order', () => {
    const rows = site.db.prepare(`SELECT a.title, r.ord, r.page_number, r.polygon_json FROM article_region r JOIN article a ON a.id = r.article_id ORDER BY a.seq, r.ord`).all();
    expect(rows).toEqual([
      { title: '滨江绿地今年新增三处口袋公园', ord: 1, page_number: 1, polygon_json: '[[10,10],[190,10],[190,120],[10,120]]' },
      { title: '老旧小区加装电梯提速', ord: 1, page_number: 1, polygon_json: '[[10,130],[190,130],[190,270],[10,270]]' },
      { title: '老旧小区加装电梯提速', ord: 2, page_number: 2, polygon_json: '[[10,150],[190,150],[190,270],[10,270]]' },
      { title: '地铁20号线站点周边交通优化', ord: 1, page_number: 2, polygon_json: '[[10,10],[190,10],[190,140],[10,140]]' },
    ]);
    expect(site.db.prepare('SELECT count(*) FROM article').pluck().get()).toBe(3);
  });

  test('its hotspots on both pages lead to the one article URL', async () => {
    const one = hotspots((await request(site.app).get('/zhuanban/2026-02-03/01').expect(200)).text);
    const two = hotspots((await request(site.app).get('/zhuanban/2026-02-03/02').expect(200)).text);
    const target = '/zhuanban/2026-02-03/01/2';
    expect(one.filter((h) => h.href === target).map((h) => h.points)).toEqual(['10,130 190,130 190,270 10,270']);
    expect(two.map((h) => [h.href, h.points])).toEqual([
      ['/zhuanban/2026-02-03/02/1', '10,10 190,10 190,140 10,140'],
      [target, '10,150 190,150 190,270 10,270'],
    ]);
    await request(site.app).get(target).expect(200);
  });

  test('page 2\'s article list shows it, marked as continued from page 1', async () => {
    const html = (await request(site.app).get('/zhuanban/2026-02-03/02').expect(200)).text;
    const list = /<h2 id="articles-h">本版文章<\/h2>\s*<ol class="title-list">([\s\S]*?)<\/ol>/.exec(html)![1]!;
    const items = [...list.matchAll(/<li><a href="([^"]+)" data-region="([^"]+)">([\s\S]*?)<\/a><\/li>/g)].map((m) => [m[1], m[3]!.replace(/<[^>]+>/g, '')]);
    expect(items).toEqual([
      ['/zhuanban/2026-02-03/02/1', '地铁20号线站点周边交通优化'],
      ['/zhuanban/2026-02-03/01/2', '老旧小区加装电梯提速 (上接第01版)'],
    ]);
  });

  test('the open data carries both parts: page.json, article.json, the IIIF range and the bulk export', async () => {
    const page2 = JSON.parse((await request(site.app).get('/zhuanban/2026-02-03/02.json').expect(200)).text);
    expect(page2.continued).toEqual([expect.objectContaining({
      page: 1, position: 2, title: '老旧小区加装电梯提速', url: `${BASE}/zhuanban/2026-02-03/01/2`, region: [[10, 150], [190, 150], [190, 270], [10, 270]],
    })]);
    const article = JSON.parse((await request(site.app).get('/zhuanban/2026-02-03/01/2.json').expect(200)).text);
    expect(article.article.regions.map((r: { page: number; polygon: unknown }) => [r.page, r.polygon])).toEqual([
      [1, [[10, 130], [190, 130], [190, 270], [10, 270]]],
      [2, [[10, 150], [190, 150], [190, 270], [10, 270]]],
    ]);
    const manifest = JSON.parse((await request(site.app).get('/zhuanban/2026-02-03/manifest.json').expect(200)).text);
    const ranges: { id: string; items: { source?: { id: string } }[] }[] = [];
    const walk = (items: { type: string; items?: unknown[] }[]) => items.forEach((r) => { if (r.type === 'Range') { ranges.push(r as never); walk((r.items ?? []) as never); } });
    walk(manifest.structures);
    const range = ranges.find((r) => r.id.endsWith('/range/01-2'))!;
    expect(range.items.map((t) => t.source?.id.replace(/^.*\/canvas\//, ''))).toEqual(['01', '02']);
    const lines: string[] = [];
    const out = new Writable({ write(chunk, _enc, done) { lines.push(...String(chunk).split('\n').filter(Boolean)); done(); } });
    await exportArticlesJsonl({ db: site.db, config: { baseUrl: BASE }, out, now: () => Date.parse('2026-02-04T00:00:00+08:00') });
    const line = lines.map((l) => JSON.parse(l)).find((l) => l.title === '老旧小区加装电梯提速');
    expect(line.regions.map((r: { page: number }) => r.page)).toEqual([1, 2]);
  });

  test('the article says where each part was printed, with links, and cites both pages', async () => {
    const html = (await request(site.app).get('/zhuanban/2026-02-03/01/2').expect(200)).text;
    expect(html).toContain('<p class="printed-on">本文刊于<a href="/zhuanban/2026-02-03/01" title="要闻" aria-current="true">第01版</a>、<a href="/zhuanban/2026-02-03/02" title="民生">第02版</a></p>');
    const { meta } = headOf(html);
    expect(all(meta, 'citation_firstpage')).toEqual(['1']);
    expect(all(meta, 'citation_lastpage')).toEqual(['2']);
    expect(html).toMatch(/\[N\/OL\]\. 测试日报, 2026-02-03\(1, 2\)\[/);
    // A story on one page has no such line.
    expect((await request(site.app).get('/zhuanban/2026-02-03/01/1').expect(200)).text).not.toContain('class="printed-on"');
  });

  test.each([
    ['its own page', (m: ManifestJson) => void (m.pages[0].articles[1].continuations = [{ page: 1 }]), /continuations\[0\]\.page: 1 is the article's own page/],
    ['a page the issue does not have', (m: ManifestJson) => void (m.pages[0].articles[1].continuations = [{ page: 7 }]), /continuations\[0\]\.page: 7 is not a page of this issue; expected one of 1, 2/],
    ['the same page twice', (m: ManifestJson) => void (m.pages[0].articles[1].continuations = [{ page: 2 }, { page: 2 }]), /continuations\[1\]\.page: page 2 is named twice/],
    ['a hotspot outside that page', (m: ManifestJson) => void (m.pages[0].articles[1].continuations = [{ page: 2, hotspot: [[0, 0], [250, 0], [0, 10]] }]), /continuations\[0\]\.hotspot\[1\]: point \(250, 0\) lies outside the image of page 2 \(200×280\)/],
    ['an unknown key', (m: ManifestJson) => void (m.pages[0].articles[1].continuations = [{ page: 2, polygon: [] }]), /continuations\[0\]\.polygon: unknown field; the fields allowed here are page, hotspot/],
  ])('a continuation on %s is refused, naming the field, and nothing is written', async (_name, breakIt, message) => {
    const m = continuedManifest();
    breakIt(m);
    const { error } = await importRefused(m);
    expect(error.message).toMatch(/issue\.json/);
    expect(error.problems.map((p) => `${p.field}: ${p.message}`).join('\n')).toMatch(message);
  });
});

describe('jump lines (转版标记)', () => {
  test('page numbers in digits and Chinese numerals', () => {
    expect(['3', '03', '３', '三', '十', '十二', '二十', '二十四', '两'].map(parsePageNumeral)).toEqual([3, 3, 3, 3, 10, 12, 20, 24, 2]);
    expect(['0', '100', '十十', '', '第三'].map(parsePageNumeral)).toEqual([null, null, null, null, null]);
  });

  test('下转 at the foot of a part, 上接 at the head of its continuation', () => {
    expect(jumpTo('居民反映良好。（下转第三版）')).toEqual({ page: 3, rest: '居民反映良好。' });
    expect(jumpTo('居民反映良好。(转第3版)')).toEqual({ page: 3, rest: '居民反映良好。' });
    expect(jumpTo('下转第12版')).toEqual({ page: 12, rest: '' });
    expect(jumpTo('居民反映良好。')).toBeNull();
    expect(jumpTo('（下转第三版）居民反映良好。')).toBeNull();
    expect(jumpFrom('（上接第一版）改造后的老街')).toEqual({ page: 1, rest: '改造后的老街' });
    expect(jumpFrom('(接第1版)改造后')).toEqual({ page: 1, rest: '改造后' });
    expect(jumpFrom('改造后的老街（上接第一版）')).toBeNull();
  });
});

test('the clip script is served', async () => {
  const { app, db } = demoApp();
  try {
    const res = await request(app).get('/static/cite.js').expect(200);
    expect(res.text).toContain('setupClipTool');
    expect(fs.existsSync(path.join(__dirname, '..', 'static', 'cite.js'))).toBe(true);
  } finally {
    db.close();
  }
});

describe('joining the parts of a story in a derived issue', () => {
  const para = (text: string) => ({ type: 'paragraph' as const, text });
  const article = (position: number, title: string, body: string[], extra: Partial<ManifestArticle> = {}): ManifestArticle =>
    ({ position, title, kicker: null, subtitle: null, byline: null, hotspot: [[0, 0], [10, 0], [10, 10]], body: body.map(para), confidence: 0.9, textBoxes: null, ...extra });
  const issue = (front: ManifestArticle[], back: ManifestArticle[]): ManifestPage[] => [
    { number: 1, name: '要闻', image: 'pages/01.jpg', pdf: null, articles: front },
    { number: 2, name: '城市', image: 'pages/02.jpg', pdf: null, articles: back },
  ];

  test('a 上接 line read as the continuation\'s subtitle, under the same headline', () => {
    const pages = issue([article(1, '甲', ['一段。', '二段。(转第2版)'])], [article(1, '乙', ['乙文。']), article(2, '甲', ['三段。'], { subtitle: '（上接第一版）', confidence: 0.7 })]);
    expect(joinContinuedStories(pages)).toBe(1);
    expect(pages[0]!.articles[0]!.body.map((b) => ('text' in b ? b.text : ''))).toEqual(['一段。', '二段。', '三段。']);
    expect(pages[0]!.articles[0]!.continuations).toEqual([{ page: 2, hotspot: [[0, 0], [10, 0], [10, 10]] }]);
    expect(pages[0]!.articles[0]!.confidence).toBe(0.7);
    expect(pages[1]!.articles.map((a) => [a.position, a.title])).toEqual([[1, '乙']]);
  });

  test('a 上接 line opening the first paragraph; a different headline stays as a sub-head', () => {
    const pages = issue([article(1, '甲', ['一段。', '（下转第2版）'])], [article(1, '甲续', ['（接第1版）三段。', '四段。']), article(2, '乙', ['乙文。'])]);
    expect(joinContinuedStories(pages)).toBe(1);
    expect(pages[0]!.articles[0]!.body.map((b) => `${b.type}:${'text' in b ? b.text : ''}`)).toEqual(['paragraph:一段。', 'heading:甲续', 'paragraph:三段。', 'paragraph:四段。']);
    expect(pages[1]!.articles.map((a) => [a.position, a.title])).toEqual([[1, '乙']]);
  });

  test('jump lines the segmentation took out, given by their place', () => {
    const front = article(1, '甲', ['一段。']);
    const back = article(1, '甲', ['三段。']);
    const pages = issue([front], [back]);
    expect(joinContinuedStories(pages, new Map([[front, { to: 2 }], [back, { from: 1 }]]))).toBe(1);
    expect(pages[0]!.articles[0]!.body.map((b) => ('text' in b ? b.text : ''))).toEqual(['一段。', '三段。']);
    expect(pages[1]!.articles).toEqual([]);
  });

  test('no partner, a jump to a page the issue lacks, or a 上接 from another page: nothing is joined', () => {
    const lonely = issue([article(1, '甲', ['一段。（下转第2版）'])], [article(1, '乙', ['乙文。'])]);
    expect(joinContinuedStories(lonely)).toBe(0);
    const missing = issue([article(1, '甲', ['一段。（下转第9版）'])], [article(1, '甲', ['（上接第1版）三段。'])]);
    expect(joinContinuedStories(missing)).toBe(0);
    const other = issue([article(1, '甲', ['一段。（下转第2版）'])], [article(1, '甲', ['（上接第5版）三段。'])]);
    expect(joinContinuedStories(other)).toBe(0);
    expect(other[1]!.articles).toHaveLength(1);
  });
});
