import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import sharp from 'sharp';
import request from 'supertest';
import { loadConfig } from '../src/config';
import { openReadOnlyDatabase, openWritableDatabase, type Db } from '../src/db/connection';
import { upgradeDatabase } from '../src/db/upgrade';
import type { Block } from '../src/domain/blocks';
import { unpackTextBoxes } from '../src/importer/pdf/boxes';
import { normaliseRunText } from '../src/importer/pdf/extract';
import { articleText } from '../src/importer/pdf/layout';
import { createApp } from '../src/web/app';
import { launchBrowser } from './e2e/helpers';
import { pngBytes, snapshot, tempDir } from './helpers/fixtures';
import { PAGE_H_PX, PAGE_W_PX, typesetPage, withThreads, type MeasuredBoxes, type TestPage } from './helpers/page-pdf';

/**
 * Page PDFs typeset by Chromium with known article boxes go through the real
 * import command (the compiled CLI: pdf.js is an ES module, which jest's
 * CommonJS sandbox cannot load) into a real SQLite file, and the site built
 * on that file is asked where each article's region on the page leads.
 */

const ROOT = path.resolve(__dirname, '..');
const IMPORT_CLI = path.join(ROOT, 'dist', 'scripts', 'import.js');
const SLUG = 'pdf-daily';
const DATE = '2026-03-05';

const say = (seed: string, n: number): string => {
  const phrases = ['推进城市更新', '完善公共服务', '居民反映良好', '项目进展顺利', '相关部门表示', '下一步将继续', '加强统筹协调', '确保按期完成'];
  let out = '';
  for (let i = 0; out.length < n; i++) out += `${seed}${phrases[i % phrases.length]}，`;
  return `${out.slice(0, n - 1)}。`;
};

const NEWS: TestPage = {
  header: '第01版:要闻　　2026年3月5日 星期四',
  articles: [
    {
      id: 'a1', left: 40, top: 60, width: 460, columns: 3,
      kicker: '聚焦全市两会', title: '政府工作报告提出十项民生实事', subtitle: '新增学位一万个 改造老旧小区一百个',
      byline: '本报记者 林晓 通讯员 王敏', paragraphs: [say('全市', 220), say('报告', 200), say('代表', 160)],
    },
    {
      id: 'a2', left: 520, top: 60, width: 240, columns: 1,
      title: '江滨公园春季花展开幕', photo: { height: 120, caption: '游客在江滨公园赏花。本报记者 陈阳 摄' }, paragraphs: [say('花展', 150), say('游客', 90)],
    },
    {
      id: 'a3', left: 40, top: 480, width: 720, columns: 3,
      kicker: '一线调查', title: '老街改造留住城市记忆', paragraphs: [say('老街', 200), say('居民', 180)],
      continuation: { left: 40, top: 690, width: 230, paragraphs: [say('改造后', 260)] },
    },
    { id: 'a4', left: 290, top: 690, width: 470, columns: 2, title: '地铁六号线开通运营', paragraphs: [say('地铁', 250), say('乘客', 150)] },
    {
      id: 'a5', left: 40, top: 960, width: 720, columns: 4, title: '今年春耕备耕工作全面展开',
      paragraphs: [say('春耕', 120), '【种子化肥供应充足】', say('农资', 90), '●全市储备化肥五万吨', '●落实种粮补贴两亿元'],
    },
  ],
};

const AD: TestPage = {
  header: '第02版:广告　　2026年3月5日 星期四',
  articles: [],
  extraHtml: '<div style="position:absolute;left:100px;top:300px;font-size:48px">春季家居博览会</div><div style="position:absolute;left:100px;top:380px;font-size:14px">会展中心 三月八日至十日</div>',
};

/**
 * A story whose second part is set in the next column under another story:
 * by the layout rules alone that part continues the column it sits in; the
 * PDF's article thread says where it belongs.
 */
const THREADED: TestPage = {
  header: '第03版:城市　　2026年3月5日 星期四',
  articles: [
    {
      id: 't1', left: 40, top: 60, width: 460, columns: 2, title: '滨江新区控制性规划发布', paragraphs: [say('规划', 260), say('新区', 200)],
      continuation: { left: 520, top: 640, width: 240, paragraphs: [say('续篇', 180)] },
    },
    { id: 't2', left: 520, top: 60, width: 240, columns: 1, title: '社区食堂开门迎客', paragraphs: [say('食堂', 240), say('老人', 160)] },
  ],
};

/** A 副刊 page: a large headline at the top that is no 报头, and 栏目 labels at body size over the heads. */
const ESSAYS: TestPage = {
  header: '第05版:副刊　　2026年3月5日 星期四',
  articles: [
    {
      id: 'e1', left: 40, top: 60, width: 720, columns: 3, label: '滨江笔会', title: '外婆家的老桂花树', titleSize: 34,
      byline: '文/唐佳怡', paragraphs: [say('桂花', 300), say('外婆', 260), say('小院', 200)],
    },
    { id: 'e2', left: 40, top: 560, width: 350, columns: 2, label: '城市记忆', title: '江边的早市与小馄饨', byline: '文/冯慧敏', paragraphs: [say('早市', 260), say('馄饨', 160)] },
    { id: 'e3', left: 410, top: 560, width: 350, columns: 2, label: '滨江笔会', title: '地铁上读书的年轻人', byline: '文/胡敏', paragraphs: [say('读书', 260), say('车厢', 160)] },
  ],
};

/**
 * A story continued on the next page (转版): its first part ends with a jump
 * line 下转第二版 (a paragraph of its own), and on page 2 the repeated
 * headline heads the rest with 上接第1版 under it (a line the segmentation
 * takes out of the text: it is found by its place). Chinese numerals one
 * way, digits the other.
 */
const JUMP_FRONT: TestPage = {
  header: '第01版:要闻　　2026年3月5日 星期四',
  articles: [
    { id: 'j1', left: 40, top: 60, width: 720, columns: 3, title: '老城区雨污分流改造全面启动', byline: '本报记者 周宁', paragraphs: [say('管网', 260), say('片区', 220), '（下转第二版）'] },
    { id: 'j2', left: 40, top: 560, width: 720, columns: 3, title: '全民健身中心年底建成', paragraphs: [say('健身', 240), say('场馆', 200)] },
  ],
};
const JUMP_BACK: TestPage = {
  header: '第02版:城市　　2026年3月5日 星期四',
  articles: [
    { id: 'k1', left: 40, top: 60, width: 720, columns: 3, title: '社区养老服务站挂牌', paragraphs: [say('养老', 260), say('服务', 200)] },
    { id: 'k2', left: 40, top: 560, width: 720, columns: 3, title: '老城区雨污分流改造全面启动', byline: '（上接第1版）', paragraphs: [say('施工', 240), say('居民', 180)] },
  ],
};

interface Typeset {
  jump: { front: { pdf: Buffer; boxes: MeasuredBoxes }; back: { pdf: Buffer; boxes: MeasuredBoxes } };
  essays: Buffer;
  threaded: { pdf: Buffer; boxes: MeasuredBoxes };
  news: Buffer;
  ad: Buffer;
  boxes: MeasuredBoxes;
  garbled: Buffer;
}

let typeset: Typeset;

beforeAll(async () => {
  const browser = await launchBrowser();
  try {
    const news = await typesetPage(browser, NEWS);
    const ad = await typesetPage(browser, AD);
    const garbled = await typesetPage(browser, {
      header: '第01版:要闻',
      articles: [{ id: 'g', left: 40, top: 60, width: 400, columns: 1, title: '字体缺少编码的文章', paragraphs: [`正文\ue000\ue001\ue002${say('测试', 60)}`] }],
    });
    typeset = {
      news: news.pdf, ad: ad.pdf, boxes: news.boxes, garbled: garbled.pdf, threaded: await typesetPage(browser, THREADED), essays: (await typesetPage(browser, ESSAYS)).pdf,
      jump: { front: await typesetPage(browser, JUMP_FRONT), back: await typesetPage(browser, JUMP_BACK) },
    };
  } finally {
    await browser.close();
  }
  if (!fs.existsSync(IMPORT_CLI)) throw new Error(`${IMPORT_CLI} is missing: run \`npm run build\` first`);
}, 120_000);

function pageFolder(files: Record<string, Buffer | string>, meta: object | null = { publication: { slug: SLUG, name: '江城日报' }, number: 88 }): string {
  const dir = tempDir('pdf-issue-');
  if (meta) fs.writeFileSync(path.join(dir, 'issue.meta.json'), JSON.stringify(meta));
  for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), content);
  return dir;
}

function runImport(args: string[], dbDir: string) {
  return spawnSync(process.execPath, [IMPORT_CLI, ...args], {
    env: { ...process.env, DATABASE_PATH: path.join(dbDir, 'test.db'), MEDIA_DIR: path.join(dbDir, 'media') },
    encoding: 'utf8',
    timeout: 120_000,
  });
}

interface ArticleRow {
  id: number;
  page_number: number;
  position: number;
  kicker: string | null;
  title: string;
  subtitle: string | null;
  byline: string | null;
  body_json: string;
  hotspot_json: string | null;
}

const articlesOf = (db: Db): ArticleRow[] => db.prepare('SELECT * FROM article ORDER BY seq').all() as ArticleRow[];

/** Whether (x, y) lies inside the polygon (ray casting). */
function inside(points: [number, number][], x: number, y: number): boolean {
  let hit = false;
  for (let i = 0, j = points.length - 1; i < points.length; j = i++) {
    const [xi, yi] = points[i]!;
    const [xj, yj] = points[j]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) hit = !hit;
  }
  return hit;
}

describe('a folder of page PDFs', () => {
  let dbDir: string;
  let db: Db;

  beforeAll(() => {
    dbDir = tempDir('pdf-db-');
    const run = runImport([pageFolder({ '01.pdf': typeset.news, '02.pdf': typeset.ad })], dbDir);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`imported ${SLUG} ${DATE}: 2 pages, 5 articles`));
    db = openReadOnlyDatabase(path.join(dbDir, 'test.db'));
  }, 180_000);
  afterAll(() => db?.close());

  test('becomes an issue with its pages named from their 版眉 and a master image of 2,400 px', () => {
    const issue = db.prepare('SELECT date, number, page_count, article_count, pdf_path FROM issue').get() as Record<string, unknown>;
    expect(issue).toMatchObject({ date: DATE, number: 88, page_count: 2, article_count: 5 });
    expect(issue['pdf_path']).toMatch(/\.pdf$/);
    const pages = db.prepare('SELECT number, name, image_width, image_height, pdf_path FROM page ORDER BY number').all() as Record<string, unknown>[];
    expect(pages.map((p) => p['name'])).toEqual(['要闻', '广告']);
    expect(pages[0]).toMatchObject({ image_height: 2400, image_width: Math.round((2400 * PAGE_W_PX) / PAGE_H_PX) });
    expect(pages.every((p) => typeof p['pdf_path'] === 'string')).toBe(true);
  });

  test('finds each article with its kicker, title, subtitle and byline, in reading order; the ad page has none', () => {
    const rows = articlesOf(db);
    expect(rows.map((a) => [a.page_number, a.position, a.title])).toEqual(NEWS.articles.map((a, i) => [1, i + 1, a.title]));
    expect(rows[0]).toMatchObject({ kicker: '聚焦全市两会', subtitle: '新增学位一万个 改造老旧小区一百个', byline: '本报记者 林晓 通讯员 王敏' });
    expect(rows[2]).toMatchObject({ kicker: '一线调查', subtitle: null, byline: null });
  });

  test('keeps paragraphs whole across columns, an L-shaped story in one piece, sub-heads, ● lines and photos with captions', () => {
    const rows = articlesOf(db);
    const body = (i: number): Block[] => JSON.parse(rows[i]!.body_json) as Block[];
    const texts = (i: number): string[] => body(i).map((b) => (b.type === 'image' ? `[image:${b.caption}]` : `${b.type}:${b.text}`));
    expect(texts(0)).toEqual(NEWS.articles[0]!.paragraphs.map((p) => `paragraph:${p}`));
    expect(texts(1)).toEqual(['[image:游客在江滨公园赏花。本报记者 陈阳 摄]', ...NEWS.articles[1]!.paragraphs.map((p) => `paragraph:${p}`)]);
    const photo = body(1)[0]!;
    expect(photo.type === 'image' && fs.existsSync(path.join(dbDir, 'media', photo.src))).toBe(true);
    // The L-shaped story: its leg below its first column is read after its three columns.
    expect(texts(2)).toEqual([...NEWS.articles[2]!.paragraphs, ...NEWS.articles[2]!.continuation!.paragraphs].map((p) => `paragraph:${p}`));
    expect(texts(4)).toEqual([
      `paragraph:${NEWS.articles[4]!.paragraphs[0]}`,
      'heading:【种子化肥供应充足】',
      `paragraph:${NEWS.articles[4]!.paragraphs[2]}`,
      'list:●全市储备化肥五万吨',
      'list:●落实种粮补贴两亿元',
    ]);
  });

  test('keeps every article\'s confidence and the boxes of its text on the page image', () => {
    const layouts = db.prepare('SELECT a.kicker, a.title, a.subtitle, a.byline, a.body_json, l.confidence, l.boxes FROM article a JOIN article_layout l ON l.article_id = a.id ORDER BY a.seq').all() as {
      kicker: string | null; title: string; subtitle: string | null; byline: string | null; body_json: string; confidence: number; boxes: Buffer;
    }[];
    expect(layouts).toHaveLength(5);
    for (const l of layouts) {
      expect(l.confidence).toBeGreaterThanOrEqual(0.9);
      const text = articleText({ ...l, body: JSON.parse(l.body_json) as Block[] });
      const boxes = unpackTextBoxes(l.boxes);
      expect(boxes.length).toBeGreaterThan(5);
      for (const b of boxes) {
        expect(b.x + b.w).toBeLessThanOrEqual(1715);
        expect(b.y + b.h).toBeLessThanOrEqual(2400);
        expect(text.slice(b.offset, b.offset + b.length)).not.toMatch(/\n|^$/);
      }
      // The title's boxes spell the title, left to right.
      const start = l.kicker ? l.kicker.length + 1 : 0;
      const titleBoxes = boxes.filter((b) => b.offset >= start && b.offset < start + l.title.length);
      expect(titleBoxes.map((b) => text.slice(b.offset, b.offset + b.length)).join('')).toBe(l.title);
    }
  });

  test('a point inside each article\'s region on the page leads to that article', async () => {
    const config = { ...loadConfig({ BASE_URL: 'https://epaper.test' }), databasePath: path.join(dbDir, 'test.db'), mediaDir: path.join(dbDir, 'media') };
    const { app } = createApp({ db, config, now: () => Date.now() });
    const page = await request(app).get(`/${SLUG}/${DATE}/01`).expect(200);
    const width = Number(/viewBox="0 0 (\d+) (\d+)"/.exec(page.text)![1]);
    const links = [...page.text.matchAll(/<a href="([^"]+)" data-region="[^"]*" aria-label="[^"]*"><title>[^<]*<\/title><polygon points="([^"]+)"\/><\/a>/g)].map((m) => ({
      href: m[1]!,
      points: m[2]!.split(' ').map((p) => p.split(',').map(Number) as [number, number]),
    }));
    expect(links).toHaveLength(5);
    const toPx = width / PAGE_W_PX;
    const reached: string[] = [];
    const expected: string[] = [];
    for (const a of NEWS.articles) {
      for (const region of typeset.boxes[a.id]!) {
        // The centre and points a fifth of the way in from each corner of every region the browser measured.
        const probes = [[0.5, 0.5], [0.2, 0.2], [0.8, 0.2], [0.2, 0.8], [0.8, 0.8]].map(([fx, fy]) => [(region.x + fx! * region.w) * toPx, (region.y + fy! * region.h) * toPx]);
        for (const [x, y] of probes) {
          // The topmost hotspot under the point is the last one drawn; the article page it opens names its title.
          const hit = links.filter((l) => inside(l.points, x!, y!)).at(-1);
          // The title is the h1's text (bidi-isolated in a <bdi>, as every imported text is).
          const title = hit ? /<h1[^>]*>([\s\S]*?)<\/h1>/.exec((await request(app).get(hit.href).expect(200)).text)?.[1]?.replace(/<[^>]+>/g, '').trim() : 'no hotspot';
          reached.push(`${a.id} at (${Math.round(x!)}, ${Math.round(y!)}): ${title}`);
          expected.push(`${a.id} at (${Math.round(x!)}, ${Math.round(y!)}): ${a.title}`);
        }
      }
    }
    expect(reached).toEqual(expected);
  });
});

test('one PDF for the whole issue gives one page per PDF page, each with its own page PDF', async () => {
  const whole = await PDFDocument.create();
  for (const part of [typeset.news, typeset.ad]) {
    const src = await PDFDocument.load(part);
    for (const p of await whole.copyPages(src, src.getPageIndices())) whole.addPage(p);
  }
  const dbDir = tempDir('pdf-db-');
  const run = runImport([pageFolder({ 'issue.pdf': Buffer.from(await whole.save()) })], dbDir);
  expect(run.stderr).toBe('');
  const db = openReadOnlyDatabase(path.join(dbDir, 'test.db'));
  try {
    const pages = db.prepare('SELECT number, name, pdf_path FROM page ORDER BY number').all() as { name: string; pdf_path: string }[];
    expect(pages.map((p) => p.name)).toEqual(['要闻', '广告']);
    for (const p of pages) expect((await PDFDocument.load(fs.readFileSync(path.join(dbDir, 'media', p.pdf_path)))).getPageCount()).toBe(1);
    expect(articlesOf(db).map((a) => a.title)).toEqual(NEWS.articles.map((a) => a.title));
  } finally {
    db.close();
  }
}, 120_000);

test('--review writes the derived issue.json with confidences and a numbered overlay per page, and imports nothing', async () => {
  const dbDir = tempDir('pdf-db-');
  const out = path.join(tempDir('pdf-review-'), 'review');
  const run = runImport(['--review', out, pageFolder({ '01.pdf': typeset.news, '02.pdf': typeset.ad })], dbDir);
  expect(run.stderr).toBe('');
  expect(run.stdout).toMatch(/review written to .*: 2 pages, 5 articles/);
  const manifest = JSON.parse(fs.readFileSync(path.join(out, 'issue.json'), 'utf8'));
  expect(manifest.pages[0].articles.map((a: { title: string }) => a.title)).toEqual(NEWS.articles.map((a) => a.title));
  for (const a of manifest.pages[0].articles) expect(a.confidence).toBeGreaterThanOrEqual(0.9);
  const overlay = await sharp(path.join(out, 'overlays', '01.png')).metadata();
  const master = await sharp(path.join(out, manifest.pages[0].image)).metadata();
  expect([overlay.format, overlay.width, overlay.height]).toEqual(['png', master.width, master.height]);
  // The overlay differs from the page where the articles are drawn.
  const [a, b] = await Promise.all([sharp(path.join(out, 'overlays', '01.png')).removeAlpha().raw().toBuffer(), sharp(path.join(out, manifest.pages[0].image)).raw().toBuffer()]);
  expect(a.equals(b)).toBe(false);
  expect(fs.existsSync(path.join(dbDir, 'test.db'))).toBe(false);
  // The editor imports the reviewed folder through the ordinary path.
  const imported = runImport([out], dbDir);
  expect(imported.stdout).toMatch(/imported pdf-daily 2026-03-05: 2 pages, 5 articles/);
}, 120_000);

/** An encrypted PDF as a layout system exports it with a password: a Standard security handler whose check fails for the empty password. */
async function encryptedPdf(): Promise<Buffer> {
  const doc = await PDFDocument.create();
  doc.addPage([400, 600]).drawText('secret', { font: await doc.embedFont(StandardFonts.Helvetica) });
  const hex32 = 'A'.repeat(64);
  const text = Buffer.from(await doc.save({ useObjectStreams: false })).toString('latin1');
  // pdf-lib writes no /Encrypt: add it to the trailer by hand, with an /ID.
  return Buffer.from(
    text.replace(/trailer\s*<</, `trailer\n<<\n/Encrypt << /Filter /Standard /V 1 /R 2 /O <${hex32}> /U <${hex32}> /P -4 >>\n/ID [<${'0'.repeat(32)}> <${'0'.repeat(32)}>]\n`),
    'latin1',
  );
}

async function pdfOfSize(widthPt: number, heightPt: number, pages = 1): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let i = 0; i < pages; i++) doc.addPage([widthPt, heightPt]).drawText('page', { x: 20, y: heightPt - 40, size: 12, font });
  return Buffer.from(await doc.save());
}

describe('bad input gets one clear message naming the file, and nothing is written', () => {
  let dbDir: string;
  let before: string;

  beforeAll(() => {
    dbDir = tempDir('pdf-db-');
    const db = openWritableDatabase(path.join(dbDir, 'test.db'));
    upgradeDatabase(db);
    db.close();
    expect(runImport([pageFolder({ '01.pdf': typeset.ad })], dbDir).status).toBe(0);
    const ro = openReadOnlyDatabase(path.join(dbDir, 'test.db'));
    before = snapshot(ro);
    ro.close();
  }, 120_000);

  const DEFAULT_META = { publication: { slug: SLUG, name: '江城日报' } };
  const cases: [string, () => Promise<Record<string, Buffer | string>>, RegExp, object | null][] = [
    ['an encrypted PDF', async () => ({ '01.pdf': typeset.news, '02.pdf': await encryptedPdf() }), /02\.pdf: is encrypted \(password-protected\): export it without a password/, DEFAULT_META],
    ['a corrupt PDF', async () => ({ '01.pdf': Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(2000, 7)]) }), /01\.pdf: is not a readable PDF/, DEFAULT_META],
    ['a truncated PDF', async () => ({ '01.pdf': typeset.news.subarray(0, 3000) }), /01\.pdf: (is not a readable PDF|cannot be read)/, DEFAULT_META],
    ['a PDF with no pages', async () => ({ '01.pdf': Buffer.from(await (await PDFDocument.create()).save({ addDefaultPage: false })) }), /01\.pdf: has no pages: expected at least one page/, DEFAULT_META],
    ['a 3-metre page', async () => ({ '01.pdf': await pdfOfSize((3000 / 25.4) * 72, (2000 / 25.4) * 72) }), /01\.pdf: page 1 is 3000×2000 mm; expected 50 to 1200 mm a side/, DEFAULT_META],
    ['text that does not decode', async () => ({ '01.pdf': typeset.garbled }), /01\.pdf: its text holds 3 undecodable glyphs and 0 private-use code points/, DEFAULT_META],
    ['a page image without text layer or ALTO', async () => ({ '01.png': pngBytes(600, 800) }), /01\.png: a page image without a text layer: expected its ALTO XML beside it \(01\.alto\.xml\)/, DEFAULT_META],
    [
      'an ALTO file whose page size disagrees with its image',
      async () => ({
        '01.png': pngBytes(600, 800),
        '01.alto.xml': '<alto xmlns="http://www.loc.gov/standards/alto/ns-v4#"><Description><MeasurementUnit>pixel</MeasurementUnit></Description><Layout><Page WIDTH="1000" HEIGHT="1000"><PrintSpace><TextBlock ID="b1"><TextLine><String CONTENT="x" HPOS="1" VPOS="1" WIDTH="5" HEIGHT="5"/></TextLine></TextBlock></PrintSpace></Page></Layout></alto>',
      }),
      /01\.alto\.xml: its page is 1000×1000 pixel, which does not fit the 600×800 px image; expected the ALTO of this image/,
      DEFAULT_META,
    ],
    ['no issue.meta.json', async () => ({ '01.pdf': typeset.news }), /issue\.meta\.json: missing: a folder of page PDFs or scans needs it/, null],
    ['a bad field in issue.meta.json', async () => ({ '01.pdf': typeset.news }), /issue\.meta\.json: publication\.slug: lowercase letters, digits and single hyphens/, { publication: { slug: 'Bad Slug', name: '报' } }],
    ['an unknown field in issue.meta.json', async () => ({ '01.pdf': typeset.news }), /issue\.meta\.json: Unrecognized key: "pages"/, { publication: { slug: 'ok', name: '报' }, pages: [] }],
  ];

  test.each(cases)('%s', async (_name, files, message, meta) => {
    const dir = pageFolder(await files(), meta);
    const run = runImport([dir], dbDir);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^import failed, nothing was written:\n/);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
    const db = openReadOnlyDatabase(path.join(dbDir, 'test.db'));
    try {
      expect(snapshot(db)).toBe(before);
    } finally {
      db.close();
    }
  }, 60_000);
});

test('radicals a Chinese font shares with ideographs read as those ideographs; full-width punctuation stays', () => {
  // Chromium's ToUnicode names 户 by the Kangxi radical ⼾, which NFKC would turn into the traditional 戶.
  expect(normaliseRunText('入⼾走访：⽉⻔⾭')).toBe('入户走访：月门青');
});

test('a PDF article thread joins the parts of a story the layout rules would give to the story above them', async () => {
  const { pdf, boxes } = typeset.threaded;
  const bodies = async (page: Buffer): Promise<Record<string, string>> => {
    const dbDir = tempDir('pdf-db-');
    const run = runImport([pageFolder({ '03.pdf': page })], dbDir);
    expect(run.stderr).toBe('');
    const db = openReadOnlyDatabase(path.join(dbDir, 'test.db'));
    try {
      return Object.fromEntries(articlesOf(db).map((a) => [a.title, (JSON.parse(a.body_json) as Block[]).map((b) => ('text' in b ? b.text : '')).join('')]));
    } finally {
      db.close();
    }
  };
  const [head, leg] = boxes['t1']!;
  // Without threads the second part sits under 社区食堂开门迎客 and is read as its next column.
  const plain = await bodies(pdf);
  expect(Object.keys(plain)).toEqual(['滨江新区控制性规划发布', '社区食堂开门迎客']);
  expect(plain['社区食堂开门迎客']).toContain('续篇');
  const threaded = await bodies(await withThreads(pdf, [[head!, leg!], [boxes['t2']![0]!]]));
  expect(Object.keys(threaded)).toEqual(['滨江新区控制性规划发布', '社区食堂开门迎客']);
  expect(threaded['滨江新区控制性规划发布']).toContain('续篇');
  expect(threaded['社区食堂开门迎客']).not.toContain('续篇');
}, 120_000);

test('a 副刊 page: its large top headline is a story, not a 报头, and the 栏目 label over each head is its kicker', () => {
  const dbDir = tempDir('pdf-db-');
  const run = runImport([pageFolder({ '05.pdf': typeset.essays })], dbDir);
  expect(run.stderr).toBe('');
  const db = openReadOnlyDatabase(path.join(dbDir, 'test.db'));
  try {
    expect(articlesOf(db).map((a) => [a.kicker, a.title, a.byline])).toEqual(ESSAYS.articles.map((a) => [a.label, a.title, a.byline]));
  } finally {
    db.close();
  }
}, 120_000);

test('a story continued on another page (下转第二版 … 上接第1版) imports as one article with a region on each page', async () => {
  const dbDir = tempDir('pdf-db-');
  const run = runImport([pageFolder({ '01.pdf': typeset.jump.front.pdf, '02.pdf': typeset.jump.back.pdf })], dbDir);
  expect(run.stderr).toBe('');
  expect(run.stdout).toMatch(new RegExp(`imported ${SLUG} ${DATE}: 2 pages, 3 articles`));
  const db = openReadOnlyDatabase(path.join(dbDir, 'test.db'));
  try {
    const rows = articlesOf(db);
    expect(rows.map((a) => [a.page_number, a.position, a.title])).toEqual([
      [1, 1, '老城区雨污分流改造全面启动'], [1, 2, '全民健身中心年底建成'], [2, 1, '社区养老服务站挂牌'],
    ]);
    // Part one, then part two, without the jump lines.
    const texts = (JSON.parse(rows[0]!.body_json) as Block[]).map((b) => ('text' in b ? b.text : ''));
    expect(texts).toEqual([...JUMP_FRONT.articles[0]!.paragraphs.slice(0, 2), ...JUMP_BACK.articles[1]!.paragraphs]);
    expect(rows[0]!.byline).toBe('本报记者 周宁');
    const regions = db.prepare('SELECT ord, page_number, polygon_json FROM article_region WHERE article_id = ? ORDER BY ord').all(rows[0]!.id) as { ord: number; page_number: number; polygon_json: string }[];
    expect(regions.map((r) => [r.ord, r.page_number])).toEqual([[1, 1], [2, 2]]);

    // Each part's outline covers where the browser set it, and on both pages it opens the one article.
    const config = { ...loadConfig({ BASE_URL: 'https://epaper.test' }), databasePath: path.join(dbDir, 'test.db'), mediaDir: path.join(dbDir, 'media') };
    const { app } = createApp({ db, config, now: () => Date.now() });
    for (const [pageNo, typed, id] of [[1, typeset.jump.front, 'j1'], [2, typeset.jump.back, 'k2']] as const) {
      const html = (await request(app).get(`/${SLUG}/${DATE}/0${pageNo}`).expect(200)).text;
      const width = Number(/viewBox="0 0 (\d+) (\d+)"/.exec(html)![1]);
      const links = [...html.matchAll(/<a href="([^"]+)" data-region="[^"]*" aria-label="[^"]*"><title>[^<]*<\/title><polygon points="([^"]+)"\/><\/a>/g)].map((m) => ({
        href: m[1]!,
        points: m[2]!.split(' ').map((p) => p.split(',').map(Number) as [number, number]),
      }));
      const box = typed.boxes[id]![0]!;
      const toPx = width / PAGE_W_PX;
      for (const [fx, fy] of [[0.5, 0.5], [0.2, 0.2], [0.8, 0.8]]) {
        const hit = links.filter((l) => inside(l.points, (box.x + fx! * box.w) * toPx, (box.y + fy! * box.h) * toPx)).at(-1);
        expect([pageNo, fx, hit?.href]).toEqual([pageNo, fx, `/${SLUG}/${DATE}/01/1`]);
      }
    }
    const article = (await request(app).get(`/${SLUG}/${DATE}/01/1`).expect(200)).text;
    expect(article).toContain(`本文刊于<a href="/${SLUG}/${DATE}/01" title="要闻" aria-current="true">第01版</a>、<a href="/${SLUG}/${DATE}/02" title="城市">第02版</a>`);
    const page2 = (await request(app).get(`/${SLUG}/${DATE}/02`).expect(200)).text;
    expect(page2).toMatch(/<bdi>老城区雨污分流改造全面启动<\/bdi> <span class="continued">\(上接第01版\)<\/span>/);
  } finally {
    db.close();
  }
}, 180_000);
