import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { importIssues, ImportValidationError } from '../src/importer';
import { openReadOnlyDatabase } from '../src/db/connection';
import { MAX_MEDIA_BYTES } from '../src/importer/validate';
import { demoApp } from './helpers/app';
import { freshDatabase, sampleManifest, snapshot, tempDir, writeIssueFolder, type ManifestJson } from './helpers/fixtures';

/**
 * Imported content is data, never markup: an issue whose every text field
 * carries HTML, script-closing sequences, javascript: URLs and zero-width
 * characters renders as escaped text on every page type, in JSON-LD and in
 * XML (the zero-width characters removed at the door). Bidi overrides, control
 * characters, noncharacters and lone surrogates are refused. And a manifest
 * cannot reach files outside its folder or smuggle in an oversized or fake image.
 */

const IMG = '<img src=x onerror=alert(1)>';
const SCRIPT = '</script><script>alert(1)</script>';
const JS_URL = 'javascript:alert(1)';
const RTL = '\u202Egpj.exe';
const ZERO_WIDTH = '零\u200B宽\u200C字\u200D符\uFEFF';
/** ZERO_WIDTH as the importer stores it: zero-width characters between Chinese characters removed. */
const ZERO_WIDTH_STORED = '零宽字符';
const QUOTES = `"双引号" '单引号' & 和号 &amp; &lt;b&gt;`;
const EXTRA = '<!-- ]]> <%= process.env %> {{7*7}} ${7*7} <svg/onload=alert(1)> <a href="javascript:alert(1)">x</a>';
/** Every hostile piece, with a word the search can find (注入). */
const hostile = (label: string) => `注入${label} ${IMG} ${SCRIPT} ${JS_URL} ${ZERO_WIDTH} ${QUOTES} ${EXTRA}`;

/** ejs's escaping, to know what escaped text looks like. */
const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&#34;').replace(/'/g, '&#39;');

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const unescapeHtml = (s: string) =>
  s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (all, e: string) =>
    e[0] === '#' ? String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : Number(e.slice(1))) : NAMED[e] ?? all);

const SLUG = 'inject-daily';
const DATE = '2026-01-05';

function hostileManifest(): ManifestJson {
  const m = sampleManifest({ slug: SLUG, date: DATE });
  m.publication.name = `报 ${IMG}${SCRIPT}`.slice(0, 100);
  m.publication.description = hostile('报纸简介');
  m.pages[0].name = `要闻${IMG}`.slice(0, 50);
  m.pages[1].name = `"民'生"&`;
  const a = m.pages[0].articles[0];
  a.kicker = hostile('引题').slice(0, 200);
  a.title = hostile('标题').slice(0, 200);
  a.subtitle = hostile('副题').slice(0, 200);
  a.byline = hostile('作者').slice(0, 200);
  a.body = [
    { type: 'paragraph', text: hostile('正文') },
    { type: 'heading', text: hostile('小标题') },
    { type: 'list', text: hostile('列表') },
    { type: 'quote', text: hostile('引文') },
    { type: 'image', src: 'images/park.png', caption: hostile('图片说明') },
  ];
  m.pages[0].articles[1].title = `${JS_URL}`;
  m.pages[1].articles[0].title = `${SCRIPT}${ZERO_WIDTH}`;
  m.pages[1].articles[0].body = [{ type: 'paragraph', text: `注入 ${SCRIPT} ${ZERO_WIDTH}` }];
  return m;
}

const dir = tempDir('epaper-inject-');
const { db: writable, file, mediaDir } = freshDatabase(dir);
/** The manifest with its strings as the importer stores them: what the pages must show. */
let manifest: ManifestJson;
let given: ManifestJson;
let app: ReturnType<typeof demoApp>['app'];
let db: ReturnType<typeof openReadOnlyDatabase>;

beforeAll(async () => {
  given = hostileManifest();
  manifest = JSON.parse(JSON.stringify(given).replaceAll(ZERO_WIDTH, ZERO_WIDTH_STORED));
  const folder = await writeIssueFolder(path.join(dir, 'issue'), given);
  await importIssues([folder], { db: writable, mediaDir });
  writable.close();
  db = openReadOnlyDatabase(file);
  app = demoApp({ db, config: { databasePath: file, mediaDir } }).app;
});

afterAll(() => {
  db?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** What must never appear in any body: live markup from the content. */
function assertNoLiveMarkup(body: string, where: string): void {
  const context = (i: number) => `${where}: …${body.slice(Math.max(0, i - 80), i + 80)}…`;
  for (const bad of ['<img src=x', '</script><script>', '<script>alert', '<svg/onload', '<svg onload', '<a href="javascript:', '<!-- ]]>', '<%=']) {
    const i = body.indexOf(bad);
    if (i >= 0) throw new Error(`raw "${bad}" in ${context(i)}`);
  }
  if (/(?:href|src|action)\s*=\s*["']?\s*javascript:/i.test(body)) throw new Error(`javascript: URL in an attribute in ${where}`);
}

function assertOnlyOurTags(html: string, where: string): void {
  // Every script element is our JSON-LD or one of our own script files.
  for (const m of html.matchAll(/<script\b[^>]*>/gi)) {
    expect(`${where}: ${m[0]}`).toMatch(/: (<script type="application\/ld\+json">|<script src="\/static\/site\.js\?v=[0-9a-f]+" defer>|<script src="\/static\/prefs\.js\?v=[0-9a-f]+">|<script src="\/static\/(page|cite)\.js\?v=[0-9a-f]+" defer>)$/);
  }
  // No event-handler attribute on any element.
  for (const m of html.matchAll(/<[a-zA-Z][^>]*>/g)) {
    // Quoted attribute values are text (they hold escaped content); look at names only.
    const names = m[0].replace(/"[^"]*"|'[^']*'/g, '""');
    if (/\son[a-z]+\s*=/i.test(names)) throw new Error(`event handler attribute in ${where}: ${m[0]}`);
  }
}

function jsonLdBlocks(html: string): any[] {
  return [...html.matchAll(/<script type="application\/ld\+json">([\s\S]*?)<\/script>/g)].map((m) => JSON.parse(m[1]));
}

/** Every string value anywhere in a JSON value. */
function strings(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.flatMap(strings);
  if (v && typeof v === 'object') return Object.values(v).flatMap(strings);
  return [];
}

async function html(url: string, status = 200): Promise<string> {
  const res = await request(app).get(url);
  expect(`${res.status} ${url}`).toBe(`${status} ${url}`);
  assertNoLiveMarkup(res.text, url);
  if (/^text\/html/.test(res.headers['content-type'])) assertOnlyOurTags(res.text, url);
  return res.text;
}

describe('hostile text in an imported issue renders as text everywhere', () => {
  test('the checks themselves catch live markup (so a pass means something)', () => {
    expect(() => assertNoLiveMarkup(`<h1>${IMG}</h1>`, 'x')).toThrow(/raw "<img src=x"/);
    expect(() => assertNoLiveMarkup(`<script type="application/ld+json">{"a":"${SCRIPT}"}</script>`, 'x')).toThrow(/<\/script><script>/);
    expect(() => assertNoLiveMarkup('<a href="javascript:alert(1)">', 'x')).toThrow();
    expect(() => assertOnlyOurTags('<p onclick="x()">', 'x')).toThrow(/event handler/);
    expect(() => assertOnlyOurTags('<script>alert(1)</script>', 'x')).toThrow();
    expect(() => assertNoLiveMarkup(`<h1>${escapeHtml(IMG + SCRIPT)}</h1><p title="${escapeHtml(IMG)}">`, 'x')).not.toThrow();
    expect(() => assertOnlyOurTags(`<p title="${escapeHtml(' onclick=alert(1)')}">`, 'x')).not.toThrow();
  });

  test('the importer stored the strings unchanged but for the zero-width characters between words', () => {
    const row = db.prepare('SELECT kicker, title, subtitle, byline, body_json FROM article WHERE page_number = 1 AND position = 1').get() as any;
    const a = manifest.pages[0].articles[0];
    expect(row.title).toBe(a.title);
    expect(row.kicker).toBe(a.kicker);
    expect(row.subtitle).toBe(a.subtitle);
    expect(row.byline).toBe(a.byline);
    expect(JSON.parse(row.body_json)[0].text).toBe(a.body[0].text);
    expect(given.pages[0].articles[0].title).toContain(ZERO_WIDTH);
    expect(row.title).toContain(ZERO_WIDTH_STORED);
    expect(row.title).toContain(SCRIPT);
    expect(row.body_json).not.toMatch(/[\u200b-\u200d\u2060\ufeff]/);
  });

  test('article page: every field escaped, JSON-LD parses and holds the original strings', async () => {
    const a = manifest.pages[0].articles[0];
    const page = await html(`/${SLUG}/${DATE}/01/1`);
    expect(page).toContain(`<h1><bdi>${escapeHtml(a.title)}</bdi></h1>`);
    expect(page).toContain(`<p class="kicker"><bdi>${escapeHtml(a.kicker)}</bdi></p>`);
    expect(page).toContain(`<p class="subtitle"><bdi>${escapeHtml(a.subtitle)}</bdi></p>`);
    expect(page).toContain(`<p class="byline"><bdi>${escapeHtml(a.byline)}</bdi></p>`);
    expect(page).toContain(`<p><bdi>${escapeHtml(a.body[0].text)}</bdi></p>`);
    expect(page).toContain(`<h2><bdi>${escapeHtml(a.body[1].text)}</bdi></h2>`);
    expect(page).toContain(`<blockquote><p><bdi>${escapeHtml(a.body[3].text)}</bdi></p></blockquote>`);
    expect(page).toContain(`<figcaption><bdi>${escapeHtml(a.body[4].caption)}</bdi></figcaption>`);
    expect(page).toContain(`alt="${escapeHtml(a.body[4].caption)}"`);
    expect(page).toContain(`<title>${escapeHtml(a.title)}`);
    expect(page).toContain(ZERO_WIDTH_STORED); // the words, without the invisible characters that split them
    expect(page).not.toContain(ZERO_WIDTH);

    const blocks = jsonLdBlocks(page);
    expect(blocks.length).toBeGreaterThanOrEqual(2);
    const article = blocks.find((b) => b['@type'] === 'NewsArticle');
    expect(article.headline).toBe(a.title.slice(0, 110));
    expect(article.alternativeHeadline).toBe(a.subtitle);
    expect(article.author.name).toBe(a.byline);
    expect(article.publisher.name).toBe(manifest.publication.name);
    const crumbs = blocks.find((b) => b['@type'] === 'BreadcrumbList');
    expect(crumbs.itemListElement.map((i: any) => i.name)).toContain(a.title);
    expect(strings(blocks).join('\n')).toContain(SCRIPT); // the original, intact after parsing
  });

  test('the neighbours link titles in attributes and text, escaped', async () => {
    const page = await html(`/${SLUG}/${DATE}/01/2`);
    const prevTitle = manifest.pages[0].articles[0].title;
    expect(page).toContain(`title="${escapeHtml(prevTitle)}"`);
    expect(page).toContain(`<h1><bdi>${escapeHtml(JS_URL)}</bdi></h1>`);
    const last = await html(`/${SLUG}/${DATE}/02/1`);
    expect(last).toContain(`<h1><bdi>${escapeHtml(SCRIPT + ZERO_WIDTH_STORED)}</bdi></h1>`);
    expect(jsonLdBlocks(last).find((b) => b['@type'] === 'NewsArticle').headline).toBe(SCRIPT + ZERO_WIDTH_STORED);
  });

  test('issue page, both pages (hotspot labels), archive and home', async () => {
    const issue = await html(`/${SLUG}/${DATE}`);
    expect(issue).toContain(escapeHtml(manifest.pages[0].articles[0].title));
    expect(issue).toContain(escapeHtml(manifest.pages[0].name));
    expect(strings(jsonLdBlocks(issue)).join('\n')).toContain(manifest.publication.name);
    const page1 = await html(`/${SLUG}/${DATE}/01`);
    expect(page1).toContain(`aria-label="${escapeHtml(manifest.pages[0].articles[0].title)}`);
    expect(jsonLdBlocks(page1).length).toBeGreaterThan(0);
    await html(`/${SLUG}/${DATE}/02`);
    await html(`/${SLUG}/archive`);
    await html(`/${SLUG}/archive/2026/01`);
    const home = await html('/');
    expect(home).toContain(escapeHtml(manifest.publication.name));
    await html(`/${SLUG}/2026-01-04`, 404); // the error page names the paper too
  });

  test('search results: highlighted titles and snippets are escaped around the <mark>', async () => {
    for (const q of ['注入标题', '注入正文', '注入', 'alert', 'img', 'script', 'javascript', '单引号', '零宽', '<img src=x onerror=alert(1)>', '"双引号"']) {
      const page = await html(`/search?q=${encodeURIComponent(q)}`);
      if (/^注入/.test(q)) expect(page).toContain('<mark>');
    }
    const page = await html(`/search?q=${encodeURIComponent('注入标题')}`);
    // Inside its <bdi> and outside the <mark> elements, the title is exactly the escaped text.
    const m = /<h2><a href="[^"]*"><bdi>([\s\S]*?)<\/bdi><\/a><\/h2>/.exec(page);
    expect(m).not.toBeNull();
    const text = m![1].replace(/<\/?mark>/g, '');
    expect(text).not.toMatch(/[<>"']/);
    expect(unescapeHtml(text)).toBe(manifest.pages[0].articles[0].title);
  });

  test('feed and sitemaps: XML-escaped, no raw markup', async () => {
    const feed = await request(app).get(`/${SLUG}/feed.xml`);
    if (feed.status !== 404) {
      expect(feed.status).toBe(200);
      const xml = feed.text;
      assertNoLiveMarkup(xml, 'feed');
      expect(xml).toContain(`<title>${manifest.pages[0].articles[0].title.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;')}</title>`);
      expect(xml).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/);
    }
    for (const url of ['/sitemap.xml', '/news-sitemap.xml', `/sitemaps/${SLUG}/2026-01.xml`, '/robots.txt', '/opensearch.xml']) {
      const res = await request(app).get(url);
      if (res.status === 404) continue;
      expect(`${res.status} ${url}`).toBe(`200 ${url}`);
      assertNoLiveMarkup(res.text, url);
    }
  });
});

describe('manifests cannot reach outside their folder or bring in bad files', () => {
  /** Writes a valid folder, then the (hostile) manifest over its issue.json, and imports it expecting problems. */
  async function expectProblems(m: ManifestJson, prepare?: (folder: string) => void): Promise<string> {
    const d = tempDir('epaper-inject-bad-');
    const folder = await writeIssueFolder(path.join(d, 'issue'));
    fs.writeFileSync(path.join(folder, 'issue.json'), JSON.stringify(m));
    prepare?.(folder);
    const { db: wdb, mediaDir: md } = freshDatabase(d);
    const before = snapshot(wdb);
    let error: unknown;
    try {
      await importIssues([folder], { db: wdb, mediaDir: md });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ImportValidationError);
    expect(snapshot(wdb)).toBe(before);
    expect(fs.existsSync(md)).toBe(false);
    wdb.close();
    const message = (error as Error).message;
    // Every line names the manifest file, then the field.
    for (const line of message.split('\n')) expect(line.startsWith(path.join(folder, 'issue.json'))).toBe(true);
    fs.rmSync(d, { recursive: true, force: true });
    return message;
  }

  test('nested "..", backslashes, drive letters and a symlinked folder, for page images, PDFs and photos', async () => {
    const m = sampleManifest();
    m.pages[0].image = 'pages/../../outside.png';
    m.pages[0].pdf = 'pages\\..\\..\\outside.pdf';
    m.pages[1].image = 'C:/Windows/win.ini';
    m.pages[0].articles[0].body[3].src = 'images/./../../../etc/passwd';
    const message = await expectProblems(m);
    expect(message).toMatch(/pages\[0\]\.image: a relative path inside the issue folder/);
    expect(message).toMatch(/pages\[0\]\.pdf: a relative path inside the issue folder/);
    expect(message).toMatch(/pages\[1\]\.image: a relative path inside the issue folder/);
    expect(message).toMatch(/pages\[0\]\.articles\[0\]\.body\[3\]\.src: a relative path inside the issue folder/);

    // A folder inside the issue that is a symbolic link to somewhere else.
    const outside = tempDir('epaper-outside-');
    fs.writeFileSync(path.join(outside, '02.pdf'), '%PDF-1.4 secret');
    const linked = await expectProblems(sampleManifest(), (f) => {
      fs.copyFileSync(path.join(f, 'pages/02.png'), path.join(outside, '02.png'));
      fs.rmSync(path.join(f, 'images'), { recursive: true });
      fs.symlinkSync(outside, path.join(f, 'images'));
    });
    expect(linked).toMatch(/pages\[0\]\.articles\[0\]\.body\[3\]\.src: (file )?"images\/park\.png" (points outside the issue folder|not found)/);
    fs.rmSync(outside, { recursive: true, force: true });
  });

  test('a bidi control, a control character, a noncharacter or a lone surrogate in any text field is refused with field and code point', async () => {
    const m = sampleManifest();
    m.pages[0].articles[0].title = `报道${RTL}`;
    m.pages[0].articles[0].kicker = '引题\u0007';
    m.pages[0].name = '要闻\uFFFE';
    m.publication.description = '简介\u2066隔离\u2069';
    m.pages[0].articles[0].body[3].caption = '图\u0085说';
    m.pages[1].articles[0].body[0].text = '正文\ud800'; // JSON.stringify writes it as the escape "\ud800"
    const message = await expectProblems(m);
    expect(message).toContain('pages[0].articles[0].title: U+202E at character 3 is a bidi embedding, override or isolate control, which can reorder what readers see; remove it');
    expect(message).toContain('pages[0].articles[0].kicker: U+0007 at character 3 is a control character; remove it');
    expect(message).toContain('pages[0].name: U+FFFE at character 3 is a noncharacter; remove it');
    expect(message).toContain('publication.description: U+2066 at character 3 is a bidi embedding, override or isolate control, which can reorder what readers see; remove it (and 1 more in this field)');
    expect(message).toContain('pages[0].articles[0].body[3].caption: U+0085 at character 2 is a control character; remove it');
    expect(message).toContain('pages[1].articles[0].body[0].text: U+D800 at character 3 is an unpaired surrogate (not a character: the text is not valid Unicode); remove it');
    expect(message.split('\n')).toHaveLength(6);
  });

  test('a hotspot cannot be negative, fractional or point off the page', async () => {
    const m = sampleManifest();
    m.pages[0].articles[0].hotspot = [[-1, 0], [10.5, 10], [10, 1e9]];
    const message = await expectProblems(m);
    expect(message).toMatch(/pages\[0\]\.articles\[0\]\.hotspot\[0\]\[0\]/);
    expect(message).toMatch(/pages\[0\]\.articles\[0\]\.hotspot\[1\]\[0\]/);
  });

  test('an oversized file (sparse, just over MAX_MEDIA_BYTES) is refused by size, naming the field and file, without being read', async () => {
    const message = await expectProblems(sampleManifest(), (f) => {
      fs.truncateSync(path.join(f, 'images/park.png'), MAX_MEDIA_BYTES + 1);
      fs.truncateSync(path.join(f, 'pages/02.pdf'), MAX_MEDIA_BYTES + 1);
    });
    expect(message).toContain(`pages[0].articles[0].body[3].src: "images/park.png" is ${MAX_MEDIA_BYTES + 1} bytes, over the ${MAX_MEDIA_BYTES}-byte limit`);
    expect(message).toContain(`pages[1].pdf: "pages/02.pdf" is ${MAX_MEDIA_BYTES + 1} bytes, over the ${MAX_MEDIA_BYTES}-byte limit`);
  });

  test('an SVG or HTML file posing as a photo, and a truncated PNG header, are not images', async () => {
    const message = await expectProblems(sampleManifest(), (f) => {
      fs.writeFileSync(path.join(f, 'images/park.png'), '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>');
      fs.writeFileSync(path.join(f, 'pages/02.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]));
    });
    expect(message).toMatch(/pages\[0\]\.articles\[0\]\.body\[3\]\.src: "images\/park\.png" is not a PNG, JPEG, GIF or WebP image \(its content is not a recognised image or PDF\)/);
    expect(message).toMatch(/pages\[1\]\.image: "pages\/02\.png" is not a PNG or JPEG page image/);
  });
});
