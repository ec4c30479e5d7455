import path from 'node:path';
import Database from 'better-sqlite3';
import request from 'supertest';
import { importIssues } from '../src/importer';
import { openReadOnlyDatabase } from '../src/db/connection';
import { demoApp } from './helpers/app';
import { AFTER_DEMO, DEMO_DAYS, DEMO_END_DATE, DEMO_FIRST_DATE } from './helpers/demo-constants';

/** The day of January the demo's first issue is dated. */
const FIRST_DAY = Number(DEMO_FIRST_DATE.slice(8));
import { freshDatabase, sampleManifest, tempDir, writeIssueFolder } from './helpers/fixtures';

const { app, db } = demoApp();
const papers = db.prepare('SELECT id, slug, name FROM publication ORDER BY id').all() as { id: number; slug: string; name: string }[];
const paper = papers[0];
const base = `/${paper.slug}`;

function issueOf(date: string) {
  return db.prepare('SELECT * FROM issue WHERE publication_id = ? AND date = ?').get(paper.id, date) as any;
}
function articlesOf(issueId: number) {
  return db.prepare('SELECT page_number, position, seq, title, hotspot_json FROM article WHERE issue_id = ? ORDER BY seq').all(issueId) as any[];
}
const hrefs = (html: string) => [...html.matchAll(/<a [^>]*href="([^"]+)"/g)].map((m) => m[1].replace(/&amp;/g, '&'));
const rel = (html: string, r: 'prev' | 'next') => [...html.matchAll(new RegExp(`<a rel="${r}" href="([^"]+)"`, 'g'))].map((m) => m[1]);
const pad = (n: number) => String(n).padStart(2, '0');

describe('newsstand and paper', () => {
  test('/ lists every paper with its latest front page and date', async () => {
    const res = await request(app).get('/').expect(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.text).toContain('<html lang="zh-CN">');
    for (const p of papers) {
      expect(res.text).toContain(`><bdi>${p.name}</bdi></a>`);
      expect(res.text).toContain(`href="/${p.slug}/${DEMO_END_DATE}/01"`);
    }
    expect(res.text).toContain('2026年01月20日 星期二');
    // Front pages from the import's renditions (srcset), never the 2,400 px master.
    const fronts = [...res.text.matchAll(/<a class="front" href="[^"]+"><picture>([\s\S]*?)<\/picture>\s*<\/a>/g)].map((m) => m[1]!);
    expect(fronts).toHaveLength(papers.length);
    for (const f of fronts) {
      expect(f).toMatch(/<source type="image\/webp" srcset="\/media\/[0-9a-f]{2}\/[0-9a-f]{32}\.webp \d+w/);
      expect(f).toMatch(/<img src="\/media\/[0-9a-f]{2}\/[0-9a-f]{32}\.jpg"/);
    }
    const masters = (db.prepare('SELECT image_path FROM page WHERE number = 1').pluck().all() as string[]).map((p) => `/media/${p}`);
    for (const m of masters) expect(res.text).not.toContain(`${m}"`);
  });

  test('/{paper} redirects (302, short cache) to the latest issue front page', async () => {
    const res = await request(app).get(base).expect(302);
    expect(res.headers.location).toBe(`${base}/${DEMO_END_DATE}/01`);
    expect(res.headers['cache-control']).toBe('public, max-age=60');
  });
});

describe('issue view', () => {
  test('lists every page with its thumbnail and the full title list', async () => {
    const issue = issueOf('2026-01-18');
    const res = await request(app).get(`${base}/2026-01-18`).expect(200);
    for (let n = 1; n <= issue.page_count; n += 1) expect(res.text).toContain(`href="${base}/2026-01-18/${pad(n)}"`);
    const articles = articlesOf(issue.id);
    expect(articles.length).toBe(issue.article_count);
    for (const a of articles) expect(res.text).toContain(`href="${base}/2026-01-18/${pad(a.page_number)}/${a.position}"`);
    expect(res.text).toContain('标题导航');
    expect(res.text).toContain('版面导航');
    expect(rel(res.text, 'prev')).toEqual([`${base}/2026-01-17`]);
    expect(rel(res.text, 'next')).toEqual([`${base}/2026-01-19`]);
  });

  test('the first issue has no 上一期, the last no 下一期', async () => {
    const first = await request(app).get(`${base}/${DEMO_FIRST_DATE}`).expect(200);
    expect(rel(first.text, 'prev')).toEqual([]);
    expect(first.text).toContain('已是第一期');
    expect(rel(first.text, 'next')).toEqual([`${base}/2026-01-18`]);
    const last = await request(app).get(`${base}/${DEMO_END_DATE}`).expect(200);
    expect(rel(last.text, 'next')).toEqual([]);
    expect(last.text).toContain('已是最新一期');
    expect(last.headers['cache-control']).toMatch(/max-age=300/);
    expect(first.headers['cache-control']).toMatch(/max-age=86400/);
  });

  test('the whole-issue PDF is linked and served when every page has one, 404 otherwise', async () => {
    const withPdf = db.prepare('SELECT date FROM issue WHERE publication_id = ? AND pdf_path IS NOT NULL ORDER BY date LIMIT 1').pluck().get(paper.id) as string;
    expect(withPdf).toBeDefined();
    const page = await request(app).get(`${base}/${withPdf}`).expect(200);
    expect(page.text).toContain(`href="${base}/${withPdf}.pdf"`);
    const pdf = await request(app).get(`${base}/${withPdf}.pdf`).buffer(true).parse((res, cb) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => cb(null, Buffer.concat(chunks)));
    }).expect(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect((pdf.body as Buffer).subarray(0, 5).toString()).toBe('%PDF-');
    const issue = issueOf(withPdf);
    expect(Number(pdf.headers['content-length'])).toBe(issue.pdf_size);
    // Every demo page comes from a PDF: an issue with a page that has none is imported beside it.
    const dir = tempDir();
    const { db: wdb, file, mediaDir } = freshDatabase(dir);
    const manifest = sampleManifest({ date: '2026-01-05' });
    delete manifest.pages[1]!.pdf;
    await writeIssueFolder(path.join(dir, 'a'), manifest);
    await importIssues([path.join(dir, 'a')], { db: wdb, mediaDir });
    wdb.close();
    const partial = demoApp({ db: openReadOnlyDatabase(file), config: { mediaDir } }).app;
    expect((await request(partial).get('/test-daily/2026-01-05')).text).not.toContain('.pdf"');
    await request(partial).get('/test-daily/2026-01-05.pdf').expect(404);
  });
});

describe('page view', () => {
  test('draws a linked, labelled hotspot polygon for every article, scaled by an SVG viewBox', async () => {
    const issue = issueOf('2026-01-18');
    const page = db.prepare('SELECT * FROM page WHERE issue_id = ? AND number = 1').get(issue.id) as any;
    const res = await request(app).get(`${base}/2026-01-18/01`).expect(200);
    expect(res.text).toContain(`viewBox="0 0 ${page.image_width} ${page.image_height}"`);
    const articles = articlesOf(issue.id).filter((a) => a.page_number === 1);
    const polygons = [...res.text.matchAll(/<a href="([^"]+)" data-region="(a\d+)" aria-label="([^"]+)"><title>[^<]+<\/title><polygon points="([^"]+)"\/><\/a>/g)];
    expect(polygons).toHaveLength(articles.filter((a) => a.hotspot_json).length);
    for (const a of articles.filter((x) => x.hotspot_json)) {
      const points = (JSON.parse(a.hotspot_json) as number[][]).map(([x, y]) => `${x},${y}`).join(' ');
      const found = polygons.find((m) => m[1] === `${base}/2026-01-18/01/${a.position}`);
      expect(found?.[4]).toBe(points);
      // The same key ties the region to its title in 本版文章 (lit together, static/page.js).
      expect(res.text).toContain(`<li><a href="${found![1]}" data-region="${found![2]}">`);
    }
    expect(res.text).toContain('版面:<bdi>第01版:');
  });

  test('上一版 / 下一版 at the first and last page', async () => {
    const issue = issueOf('2026-01-18');
    const first = await request(app).get(`${base}/2026-01-18/01`).expect(200);
    expect(first.text).toContain('<span class="disabled">上一版</span>');
    expect(first.text).toContain(`<a rel="next" href="${base}/2026-01-18/02" data-key="ArrowRight">下一版</a>`);
    const lastNo = pad(issue.page_count);
    const last = await request(app).get(`${base}/2026-01-18/${lastNo}`).expect(200);
    expect(last.text).toContain('<span class="disabled">下一版</span>');
    expect(last.text).toContain(`<a rel="prev" href="${base}/2026-01-18/${pad(issue.page_count - 1)}" data-key="ArrowLeft">上一版</a>`);
  });
});

describe('article view', () => {
  const date = DEMO_FIRST_DATE;
  test('first and last article of the issue, and prev/next across a page boundary', async () => {
    const issue = issueOf(date);
    const articles = articlesOf(issue.id);
    const url = (a: any) => `${base}/${date}/${pad(a.page_number)}/${a.position}`;

    const first = await request(app).get(url(articles[0])).expect(200);
    expect(first.text).toContain('<span class="disabled">上一篇</span>');
    expect(first.text).toContain(`<a rel="next" href="${url(articles[1])}"`);
    expect(first.text).toContain(`<h1><bdi>${articles[0].title}</bdi></h1>`);

    const last = await request(app).get(url(articles[articles.length - 1])).expect(200);
    expect(last.text).toContain('<span class="disabled">下一篇</span>');

    const lastOfPage2 = articles.filter((a) => a.page_number === 2).pop();
    const firstOfPage3 = articles.find((a) => a.page_number === 3);
    const res = await request(app).get(url(lastOfPage2)).expect(200);
    expect(res.text).toContain(`<a rel="next" href="${url(firstOfPage3)}"`);
    const back = await request(app).get(url(firstOfPage3)).expect(200);
    expect(back.text).toContain(`<a rel="prev" href="${url(lastOfPage2)}"`);
    expect(back.text).toContain(`版面:<bdi>第03版:`);
    expect(back.text).toContain(`href="${base}/${date}/03">返回版面</a>`);
  });

  test('renders kicker, subtitle, byline, sub-heads and photos with captions where the article has them', async () => {
    // The typeset demo has each of these, though no one story has all five.
    const having = (where: string) =>
      db.prepare(`SELECT i.date, a.page_number, a.position, a.kicker, a.subtitle, a.byline, a.body_json FROM article a JOIN issue i ON i.id = a.issue_id
        WHERE i.publication_id = ? AND ${where} ORDER BY i.date, a.page_number, a.position LIMIT 1`).get(paper.id) as any;
    const view = async (row: any) => (await request(app).get(`${base}/${row.date}/${pad(row.page_number)}/${row.position}`).expect(200)).text;
    const headed = having(`a.kicker IS NOT NULL AND a.subtitle IS NOT NULL AND a.byline IS NOT NULL`);
    expect(headed).toBeDefined();
    const headedText = await view(headed);
    expect(headedText).toContain(`<p class="kicker"><bdi>${headed.kicker}</bdi></p>`);
    expect(headedText).toContain(`<p class="subtitle"><bdi>${headed.subtitle}</bdi></p>`);
    expect(headedText).toContain(`<p class="byline"><bdi>${headed.byline}</bdi></p>`);
    const row = having(`a.body_json LIKE '%"type":"image"%' AND a.body_json LIKE '%"type":"heading"%'`);
    expect(row).toBeDefined();
    const res = { text: await view(row) };
    const body = JSON.parse(row.body_json);
    const heading = body.find((b: any) => b.type === 'heading');
    expect(res.text).toContain(`<h2><bdi>${heading.text}</bdi></h2>`);
    const image = body.find((b: any) => b.type === 'image');
    expect(res.text).toContain(`<img src="/media/${image.src}"`);
    if (image.caption) expect(res.text).toContain(`<figcaption><bdi>${image.caption}</bdi></figcaption>`);
  });
});

describe('the article in its page', () => {
  const date = DEMO_FIRST_DATE;
  const url = (a: any) => `${base}/${date}/${pad(a.page_number)}/${a.position}`;

  test('版面导航 links every page of the issue, the current one marked; 本版文章 lists this page\'s articles', async () => {
    const issue = issueOf(date);
    const articles = articlesOf(issue.id);
    const here = articles.find((a) => a.page_number === 2)!;
    const res = await request(app).get(url(here)).expect(200);
    const aside = res.text.slice(res.text.indexOf('<aside class="article-side"'), res.text.indexOf('</aside>'));
    const pageLinks = [...aside.matchAll(/<ol class="page-list compact">([\s\S]*?)<\/ol>/g)][0][1];
    expect(hrefs(pageLinks)).toEqual(Array.from({ length: issue.page_count }, (_, i) => `${base}/${date}/${pad(i + 1)}`));
    expect(pageLinks).toContain(`<a href="${base}/${date}/02" aria-current="true">`);
    const onPage = aside.slice(aside.indexOf('本版文章'), aside.indexOf('版面导航'));
    expect(hrefs(onPage)).toEqual(articles.filter((a) => a.page_number === 2).map(url));
    expect(onPage).toContain(`<a href="${url(here)}" aria-current="page">`);
    // The go-to-date form works without JavaScript: a GET to the archive, today's issue date filled in.
    expect(aside).toContain(`<form class="goto-date" action="${base}/archive" method="get">`);
    expect(aside).toContain(`name="date" required value="${date}"`);
  });

  test('the page thumbnail is the 240 px thumbnail rendition with the article\'s hotspot drawn over it', async () => {
    const issue = issueOf(date);
    const here = articlesOf(issue.id).find((a) => a.page_number === 3 && a.hotspot_json)!;
    const page = db.prepare('SELECT id, image_width, image_height FROM page WHERE issue_id = ? AND number = 3').get(issue.id) as any;
    const thumb = db.prepare(`SELECT m.path, m.width, m.height FROM page_rendition r JOIN media m ON m.path = r.path
      WHERE r.page_id = ? AND r.purpose = 'thumbnail' AND m.content_type = 'image/jpeg'`).get(page.id) as any;
    expect(thumb.width).toBe(240);
    const res = await request(app).get(url(here)).expect(200);
    expect(res.text).toContain(`<img src="/media/${thumb.path}" width="240" height="${thumb.height}"`);
    const points = (JSON.parse(here.hotspot_json) as number[][]).map(([x, y]) => `${x},${y}`).join(' ');
    expect(res.text).toContain(`<svg class="region" viewBox="0 0 ${page.image_width} ${page.image_height}" preserveAspectRatio="none" aria-hidden="true" focusable="false"><polygon points="${points}"/></svg>`);
  });

  test('consecutive ● lines are one <ul>, each mark drawn once as the marker', async () => {
    const rows = db.prepare(`SELECT i.date, a.page_number, a.position, a.body_json FROM article a JOIN issue i ON i.id = a.issue_id
      WHERE i.publication_id = ? AND a.body_json LIKE '%"type":"list"%'`).all(paper.id) as any[];
    const row = rows.find((r) => JSON.parse(r.body_json).some((b: any, i: number, all: any[]) => b.type === 'list' && all[i + 1]?.type === 'list'));
    expect(row).toBeDefined();
    const body = JSON.parse(row.body_json) as { type: string; text: string }[];
    const groups = body.filter((b, i) => b.type === 'list' && body[i - 1]?.type !== 'list').length;
    const lines = body.filter((b) => b.type === 'list');
    const res = await request(app).get(`/${paper.slug}/${row.date}/${pad(row.page_number)}/${row.position}`).expect(200);
    expect(res.text.match(/<ul class="bullets">/g)).toHaveLength(groups);
    const items = [...res.text.matchAll(/<li data-bullet="(.)"><bdi>([^<]*)<\/bdi><\/li>/g)];
    expect(items.map((m) => `${m[1]}${m[2]}`)).toEqual(lines.map((b) => b.text.replace(/^(.)\s*/, '$1')));
    expect(res.text).not.toContain('class="list-line"');
  });
});

describe('archive', () => {
  test('years, a year of calendars and one month, each day with an issue linked', async () => {
    const idx = await request(app).get(`${base}/archive`).expect(200);
    expect(idx.text).toContain(`href="${base}/archive/2026"`);
    expect(idx.text).toContain(`href="${base}/archive/2026/01"`);
    // The demo paper's data names a first issue (1956) that the archive does not hold: no 创刊号.
    expect(idx.text).toContain(`href="${base}/${DEMO_FIRST_DATE}">最早一期:`);
    expect(idx.text).not.toContain('创刊号');
    expect(idx.text).toContain(`href="${base}/${DEMO_END_DATE}">最新一期`);
    const year = await request(app).get(`${base}/archive/2026`).expect(200);
    // Only January 2026 has issues: one calendar, no empty months.
    expect(year.text.match(/<table class="calendar">/g)).toHaveLength(1);
    expect(year.text).toContain(`<caption><a href="${base}/archive/2026/01">2026年1月</a> <span class="sub">${DEMO_DAYS}期</span></caption>`);
    const month = await request(app).get(`${base}/archive/2026/01`).expect(200);
    const linked = hrefs(month.text).filter((h) => /^\/[a-z-]+\/2026-01-\d\d$/.test(h));
    const calendarDays = [...month.text.matchAll(/<td class="has-issue"><a href="([^"]+)">(\d+)<\/a><\/td>/g)];
    expect(calendarDays.map((m) => m[1])).toEqual(Array.from({ length: DEMO_DAYS }, (_, i) => `${base}/2026-01-${pad(FIRST_DAY + i)}`));
    expect(calendarDays.map((m) => m[2])).toEqual(Array.from({ length: DEMO_DAYS }, (_, i) => String(FIRST_DAY + i)));
    expect(linked.length).toBeGreaterThanOrEqual(DEMO_DAYS);
    expect(month.text).toContain(`<td>${FIRST_DAY - 1}</td>`); // a day without an issue is not a link
    expect(rel(month.text, 'prev')).toEqual([]); // no month before the first issue
    expect(rel(month.text, 'next')).toEqual([]);
  });

  test('go to date: the issue, else the nearest earlier one saying so, else 404; bad input 400', async () => {
    let res = await request(app).get(`${base}/archive?date=2026-01-17`).expect(302);
    expect(res.headers.location).toBe(`${base}/2026-01-17`);
    res = await request(app).get(`${base}/archive?date=2026-03-01`).expect(302);
    expect(res.headers.location).toBe(`${base}/${DEMO_END_DATE}?requested=2026-03-01`);
    const notice = await request(app).get(res.headers.location).expect(200);
    expect(notice.text).toContain('2026年03月01日没有出版');
    expect(notice.text).toContain(`<link rel="canonical" href="https://epaper.test${base}/${DEMO_END_DATE}">`);
    res = await request(app).get(`${base}/archive?date=2025-12-01`).expect(404);
    expect(res.text).toContain(`href="${base}/${DEMO_FIRST_DATE}"`);
    await request(app).get(`${base}/archive?date=2025-02-30`).expect(400);
    await request(app).get(`${base}/archive?date=x&date=y`).expect(400);
  });

  describe('a paper with gaps, whose data names its first issue', () => {
    let gap: ReturnType<typeof demoApp>['app'];
    beforeAll(async () => {
      const dir = tempDir();
      const { db: wdb, file, mediaDir } = freshDatabase(dir);
      for (const date of ['2025-09-30', '2025-11-28', '2026-01-05']) {
        const m = sampleManifest({ date });
        m.publication.firstIssueDate = '2025-09-30';
        await writeIssueFolder(path.join(dir, date), m);
      }
      await importIssues([dir], { db: wdb, mediaDir });
      wdb.close();
      gap = demoApp({ db: openReadOnlyDatabase(file), config: { mediaDir } }).app;
    });

    test('创刊号 marks the issue of the publication\'s firstIssueDate', async () => {
      const res = await request(gap).get('/test-daily/archive').expect(200);
      expect(res.text).toContain('<a href="/test-daily/2025-09-30">创刊号:2025年09月30日</a>');
    });

    test('the year shows only months that have issues, newest first', async () => {
      const res = await request(gap).get('/test-daily/archive/2025').expect(200);
      const captions = [...res.text.matchAll(/<caption><a href="([^"]+)">/g)].map((m) => m[1]);
      expect(captions).toEqual(['/test-daily/archive/2025/11', '/test-daily/archive/2025/09']);
      expect(rel(res.text, 'next')).toEqual(['/test-daily/archive/2026']);
      expect(rel(res.text, 'prev')).toEqual([]);
    });

    test('上个月 / 下个月 lead to the nearest months with issues', async () => {
      const nov = await request(gap).get('/test-daily/archive/2025/11').expect(200);
      expect(nov.text).toContain('<a rel="prev" href="/test-daily/archive/2025/09">上个月');
      expect(nov.text).toContain('<a rel="next" href="/test-daily/archive/2026/01">下个月');
      const sep = await request(gap).get('/test-daily/archive/2025/09').expect(200);
      expect(rel(sep.text, 'prev')).toEqual([]);
      expect(rel(sep.text, 'next')).toEqual(['/test-daily/archive/2025/11']);
    });

    test('a month with no issue inside the paper\'s range renders an empty calendar; months outside it are 404', async () => {
      const res = await request(gap).get('/test-daily/archive/2025/12').expect(200);
      expect(res.text).toContain('本月没有出版');
      expect(res.text).not.toContain('class="has-issue"');
      expect(rel(res.text, 'prev')).toEqual(['/test-daily/archive/2025/11']);
      expect(rel(res.text, 'next')).toEqual(['/test-daily/archive/2026/01']);
      await request(gap).get('/test-daily/archive/2025/08').expect(404);
      await request(gap).get('/test-daily/archive/2024').expect(404);
    });
  });
});

describe('canonical URLs: variants answer 301', () => {
  const cases: [string, string][] = [
    [`${base}/2026-01-17/`, `${base}/2026-01-17`],
    [`${base}/2026-01-17/01/`, `${base}/2026-01-17/01`],
    [`/${paper.slug.toUpperCase()}/2026-01-17`, `${base}/2026-01-17`],
    [`${base}/2026-01-17/1`, `${base}/2026-01-17/01`],
    [`${base}/2026-01-17/001`, `${base}/2026-01-17/01`],
    [`${base}/2026-01-17/01/01`, `${base}/2026-01-17/01/1`],
    [`${base}/2026-1-17`, `${base}/2026-01-17`],
    [`${base}/20260117/02`, `${base}/2026-01-17/02`],
    [`${base}/archive/2026/1`, `${base}/archive/2026/01`],
    [`${base}/archive/?x=1`, `${base}/archive?x=1`],
  ];
  test.each(cases)('%s → %s', async (from, to) => {
    const res = await request(app).get(from).expect(301);
    expect(res.headers.location).toBe(to);
  });
  test('a leading double slash never redirects off-site', async () => {
    const res = await request(app).get('//evil.example/').expect(301);
    expect(res.headers.location).toBe('/evil.example');
  });
});

describe('404s are deliberate, in Chinese, with useful links', () => {
  const cases = [
    ['/no-such-paper', '没有这份报纸'],
    [`${base}/2023-02-30`, '日期不存在'],
    [`${base}/2020-01-01`, '没有出版'],
    [`${base}/2026-01-17/00`, '本期没有第00版'],
    [`${base}/2026-01-17/99`, '本期没有第99版'],
    [`${base}/2026-01-17/01/99`, '本版没有第99篇文章'],
    [`${base}/2026-01-17/01/0`, '没有这篇文章'],
    [`${base}/2026-01-17/01/abc`, '没有这篇文章'],
    [`${base}/not-a-date`, '日期不存在'],
    [`${base}/2026-01-17/01/1/extra`, '没有这个页面'],
    ['/media/../etc/passwd', ''],
    ['/media/ab/../../secret.png', ''],
    ['/media/zz/notahash.png', '没有这个文件'],
  ];
  test.each(cases)('%s', async (url, text) => {
    const res = await request(app).get(url).expect(404);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text).toContain('页面不存在');
    expect(res.text).toContain(text);
    expect(res.text).not.toMatch(/at .*\.(ts|js):\d+/);
    expect(res.text).toContain('<meta name="robots" content="noindex">');
  });
  test('a missing issue links to the paper archive and the nearest earlier issue', async () => {
    const res = await request(app).get(`${base}/2026-03-01`).expect(404);
    expect(res.text).toContain(`href="${base}/archive"`);
    expect(res.text).toContain(`href="${base}/${DEMO_END_DATE}">最近的一期`);
  });
});

describe('embargo', () => {
  test('an issue is invisible before its publish time and visible after', async () => {
    const issue = issueOf(DEMO_END_DATE);
    const before = demoApp({ now: () => issue.publish_at - 1, db }).app;
    await request(before).get(`${base}/${DEMO_END_DATE}`).expect(404);
    await request(before).get(`${base}/${DEMO_END_DATE}/01/1`).expect(404);
    const redirect = await request(before).get(base).expect(302);
    expect(redirect.headers.location).toBe(`${base}/2026-01-19/01`);
    const home = await request(before).get('/').expect(200);
    expect(home.text).not.toContain(`/${DEMO_END_DATE}/`);
    const prevDay = await request(before).get(`${base}/2026-01-19`).expect(200);
    expect(rel(prevDay.text, 'next')).toEqual([]);

    let now = issue.publish_at - 1;
    const moving = demoApp({ now: () => now, db }).app;
    await request(moving).get(`${base}/${DEMO_END_DATE}`).expect(404);
    await request(moving).get(`${base}/2026-01-19`).expect(200); // cached without 下一期
    now = issue.publish_at;
    await request(moving).get(`${base}/${DEMO_END_DATE}`).expect(200);
    const after = await request(moving).get(`${base}/2026-01-19`).expect(200);
    expect(rel(after.text, 'next')).toEqual([`${base}/${DEMO_END_DATE}`]); // the cache did not hide it
    expect(AFTER_DEMO).toBeGreaterThan(issue.publish_at);
  });
});

describe('media', () => {
  test('page images are served with their type and a year of immutable cache', async () => {
    const image = db.prepare('SELECT image_path FROM page LIMIT 1').pluck().get() as string;
    const res = await request(app).get(`/media/${image}`).expect(200);
    expect(res.headers['content-type']).toBe('image/jpeg');
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(res.headers.etag).toBe(`"${path.basename(image).slice(0, 32)}"`);
    await request(app).get(`/media/${image}`).set('If-None-Match', res.headers.etag).expect(304);
  });
});

describe('imported text is bidi-isolated', () => {
  /** A right-to-left override that would reverse everything after it on the line if it were not isolated. */
  const RLO = '\u202E';
  const dir = tempDir('epaper-bidi-');
  const file = path.join(dir, 'bidi.db');
  db.prepare('VACUUM INTO ?').run(file);
  const writable = new Database(file);
  const target = writable.prepare('SELECT a.id, a.issue_id, a.page_number, a.position, i.date FROM article a JOIN issue i ON i.id = a.issue_id WHERE i.publication_id = ? AND i.date = ? AND a.page_number = 1 AND a.position = 2').get(paper.id, '2026-01-18') as { id: number; issue_id: number; date: string };
  writable.prepare('UPDATE article SET title = ?, kicker = ?, byline = ?, body_json = ? WHERE id = ?').run(
    `${RLO}标题txt.exe`, `${RLO}引题`, `${RLO}作者`, JSON.stringify([{ type: 'paragraph', text: `${RLO}正文` }, { type: 'image', src: db.prepare('SELECT image_path FROM page LIMIT 1').pluck().get(), caption: `${RLO}图片说明` }]), target.id,
  );
  writable.prepare('UPDATE publication SET name = ? WHERE id = ?').run(`${RLO}日报`, paper.id);
  writable.prepare('UPDATE page SET name = ? WHERE issue_id = ? AND number = 1').run(`${RLO}要闻`, target.issue_id);
  writable.close();
  const ro = openReadOnlyDatabase(file);
  const bidiApp = demoApp({ db: ro }).app;
  afterAll(() => ro.close());

  /** Every U+202E the reader can see lies inside a <bdi> element or, in an attribute or the <title>, between U+2068 and U+2069. */
  function expectIsolated(html: string, url: string): number {
    const visible = html.replace(/<script\b[\s\S]*?<\/script>/g, '');
    let seen = 0;
    for (let i = visible.indexOf(RLO); i >= 0; i = visible.indexOf(RLO, i + 1)) {
      seen += 1;
      const before = visible.slice(0, i);
      const openBdi = before.split('<bdi>').length - before.split('</bdi>').length;
      const openIsolate = before.lastIndexOf('\u2068') > before.lastIndexOf('\u2069');
      if (openBdi <= 0 && !openIsolate) throw new Error(`${url}: U+202E not isolated: …${visible.slice(Math.max(0, i - 60), i + 20)}…`);
    }
    return seen;
  }

  test.each([
    ['article', `${base}/2026-01-18/01/2`, 7],
    ['its neighbour (title attribute and link text)', `${base}/2026-01-18/01/1`, 3],
    ['page (hotspot label, title list)', `${base}/2026-01-18/01`, 4],
    ['issue', `${base}/2026-01-18`, 3],
    ['newsstand', '/', 2],
    ['archive', `${base}/archive/2026/01`, 2],
    ['404 naming the paper', `${base}/1999-01-01`, 2],
    ['search (paper options, result lines)', `/search?q=${encodeURIComponent('公园')}`, 3],
  ])('%s', async (_name, url, atLeast) => {
    const res = await request(bidiApp).get(url);
    expect(res.text).toContain('<bdi>');
    expect(expectIsolated(res.text, url)).toBeGreaterThanOrEqual(atLeast);
  });

  test('the check finds an override left bare', () => {
    expect(() => expectIsolated(`<p>${RLO}x</p>`, 'x')).toThrow(/not isolated/);
    expect(() => expectIsolated(`<p><bdi>${RLO}x</bdi>${RLO}</p>`, 'x')).toThrow(/not isolated/);
    expect(expectIsolated(`<p title="\u2068${RLO}x\u2069"><bdi>${RLO}</bdi></p>`, 'x')).toBe(2);
  });
});
