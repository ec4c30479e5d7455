import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { PDFDocument } from 'pdf-lib';
import sharp from 'sharp';
import request from 'supertest';
import { loadConfig } from '../src/config';
import { openReadOnlyDatabase, type Db } from '../src/db/connection';
import { analyseAlto } from '../src/importer/alto/analyse';
import { unpackTextBoxes } from '../src/importer/pdf/boxes';
import { createApp } from '../src/web/app';
import { tempDir } from './helpers/fixtures';

/**
 * Scanned pages with ALTO OCR: the two real Library of Congress pages in the
 * shared fixtures (PDF with the scan + ALTO v2), and a TIFF scan with an
 * ALTO v4 file made here. Imports go through the compiled import command.
 */

const ROOT = path.resolve(__dirname, '..');
const IMPORT_CLI = path.join(ROOT, 'dist', 'scripts', 'import.js');
/** The shared fixtures folder lies beside the checkout (or beside the folder holding a checkout's worktrees). */
const SCANS = [path.resolve(ROOT, '..', 'shared'), path.resolve(ROOT, '..', '..', 'shared')]
  .map((shared) => path.join(shared, 'fixtures', 'scanned-pages'))
  .find((dir) => fs.existsSync(dir)) ?? path.resolve(ROOT, '..', 'shared', 'fixtures', 'scanned-pages');
const PAGES = [
  { base: '1859022101-0007', date: '1859-02-21' },
  { base: '1920111501-0007', date: '1920-11-15' },
];

/** The IDs of the ALTO TextBlocks that hold at least one word. */
function textBlockIds(xml: string): string[] {
  return [...xml.matchAll(/<TextBlock\b[^>]*\bID="([^"]+)"[^>]*>([\s\S]*?)<\/TextBlock>/g)].filter((m) => /<String\b/.test(m[2]!)).map((m) => m[1]!);
}

async function pdfPageSize(file: string): Promise<{ widthPt: number; heightPt: number }> {
  const { width, height } = (await PDFDocument.load(fs.readFileSync(file))).getPage(0).getSize();
  return { widthPt: width, heightPt: height };
}

describe.each(PAGES)('the scanned page $base', ({ base }) => {
  test('every ALTO text block with words lands in exactly one article', async () => {
    const xml = fs.readFileSync(path.join(SCANS, `${base}.alto.xml`), 'utf8');
    const page = analyseAlto(xml, { kind: 'pdf', ...(await pdfPageSize(path.join(SCANS, `${base}.pdf`))) }, `${base}.alto.xml`);
    const landed = page.articleBlocks.flat();
    expect([...landed].sort()).toEqual(textBlockIds(xml).sort());
    expect(new Set(landed).size).toBe(landed.length);
    expect(page.articles.length).toBeGreaterThan(3);
    for (const a of page.articles) {
      expect(a.polygon.length).toBeGreaterThanOrEqual(4);
      expect(a.textBoxes.length).toBeGreaterThan(0);
    }
  });
});

function runImport(args: string[], dbDir: string) {
  return spawnSync(process.execPath, [IMPORT_CLI, ...args], {
    env: { ...process.env, DATABASE_PATH: path.join(dbDir, 'test.db'), MEDIA_DIR: path.join(dbDir, 'media') },
    encoding: 'utf8',
    timeout: 180_000,
  });
}

/** A folder holding links to a fixture's PDF and ALTO (the fixtures stay where they are) and the issue's metadata. */
function scanFolder(base: string, date: string): string {
  const dir = tempDir('scan-issue-');
  fs.symlinkSync(path.join(SCANS, `${base}.pdf`), path.join(dir, `${base}.pdf`));
  fs.symlinkSync(path.join(SCANS, `${base}.alto.xml`), path.join(dir, `${base}.alto.xml`));
  fs.writeFileSync(path.join(dir, 'issue.meta.json'), JSON.stringify({ publication: { slug: 'evening-star', name: 'Evening Star', language: 'en', timezone: 'America/New_York' }, date }));
  return dir;
}

describe('both scanned pages imported through ALTO', () => {
  let dbDir: string;
  let db: Db;

  beforeAll(() => {
    if (!fs.existsSync(IMPORT_CLI)) throw new Error(`${IMPORT_CLI} is missing: run \`npm run build\` first`);
    dbDir = tempDir('scan-db-');
    const run = runImport(PAGES.map((p) => scanFolder(p.base, p.date)), dbDir);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/imported 2 issues/);
    db = openReadOnlyDatabase(path.join(dbDir, 'test.db'));
  }, 300_000);
  afterAll(() => db?.close());

  const app = () => createApp({ db, config: { ...loadConfig({ BASE_URL: 'https://epaper.test' }), databasePath: path.join(dbDir, 'test.db'), mediaDir: path.join(dbDir, 'media') }, now: () => Date.now() }).app;

  test.each(PAGES)('$date: its articles are drawn on its page image, with their word boxes kept', async ({ base, date }) => {
    const page = db.prepare("SELECT p.id, p.image_width, p.image_height FROM page p JOIN issue i ON i.id = p.issue_id WHERE i.date = ?").get(date) as { id: number; image_width: number; image_height: number };
    expect(Math.max(page.image_width, page.image_height)).toBe(2400);
    const articles = db.prepare('SELECT a.id, a.title, a.hotspot_json, l.boxes FROM article a JOIN article_layout l ON l.article_id = a.id WHERE a.page_id = ? ORDER BY a.position').all(page.id) as { id: number; title: string; hotspot_json: string; boxes: Buffer }[];
    const xml = fs.readFileSync(path.join(SCANS, `${base}.alto.xml`), 'utf8');
    const words = (xml.match(/<String\b/g) ?? []).length;
    // Every OCR word with text is kept as a box on the page image.
    const boxes = articles.flatMap((a) => unpackTextBoxes(a.boxes));
    expect(boxes.length).toBeGreaterThan(words * 0.95);
    for (const b of boxes) expect(b.x + b.w <= page.image_width + 1 && b.y + b.h <= page.image_height + 1).toBe(true);

    const html = (await request(app()).get(`/evening-star/${date}/01`).expect(200)).text;
    const drawn = [...html.matchAll(/<a href="([^"]+)" data-region="[^"]*" aria-label="[^"]*"><title>[^<]*<\/title><polygon points="([^"]+)"\/><\/a>/g)];
    expect(drawn.map((m) => m[1])).toEqual(articles.map((_, i) => `/evening-star/${date}/01/${i + 1}`));
    for (const [i, m] of drawn.entries()) expect(m[2]).toBe((JSON.parse(articles[i]!.hotspot_json) as number[][]).map((p) => p.join(',')).join(' '));
  });

  test.each([
    { date: '1920-11-15', word: 'Wrangel' },
    { date: '1859-02-21', word: 'Congress' },
  ])('$date: its articles are found by the search ("$word")', async ({ date, word }) => {
    const withWord = db.prepare("SELECT a.page_number, a.position FROM article a JOIN issue i ON i.id = a.issue_id WHERE i.date = ? AND (a.body_json LIKE ? OR a.title LIKE ?)").all(date, `%${word}%`, `%${word}%`) as { page_number: number; position: number }[];
    expect(withWord.length).toBeGreaterThan(0);
    const res = await request(app()).get(`/search?q=${encodeURIComponent(word)}&from=${date}&to=${date}`).expect(200);
    for (const a of withWord) expect(res.text).toContain(`/evening-star/${date}/01/${a.position}`);
  });
});

test('a TIFF scan with an ALTO v4 file beside it becomes a page whose text blocks are its articles', async () => {
  const dir = tempDir('tiff-issue-');
  const [w, h] = [1200, 1800];
  await sharp({ create: { width: w, height: h, channels: 3, background: '#f4f1ea' } }).tiff().toFile(path.join(dir, '0001.tif'));
  const word = (id: string, text: string, x: number, y: number, size: number) =>
    `<String ID="${id}" CONTENT="${text}" HPOS="${x}" VPOS="${y}" WIDTH="${text.length * size * 0.6}" HEIGHT="${size}" STYLEREFS="${size > 40 ? 'big' : 'body'}"/>`;
  const block = (id: string, x: number, y: number, lines: [string, number][]) =>
    `<TextBlock ID="${id}">${lines.map(([t, size], i) => `<TextLine>${t.split(' ').map((wd, k) => word(`${id}-${i}-${k}`, wd, x + k * size * 4, y + i * size * 1.4, size)).join('')}</TextLine>`).join('')}</TextBlock>`;
  const body = (n: number): [string, number][] => Array.from({ length: n }, (_, i) => [`line ${i} of the harbour report`, 24]);
  fs.writeFileSync(
    path.join(dir, '0001.alto.xml'),
    `<?xml version="1.0" encoding="UTF-8"?><alto xmlns="http://www.loc.gov/standards/alto/ns-v4#"><Description><MeasurementUnit>pixel</MeasurementUnit></Description>` +
      `<Styles><TextStyle ID="big" FONTSIZE="30"/><TextStyle ID="body" FONTSIZE="10"/></Styles><Layout><Page WIDTH="${w}" HEIGHT="${h}"><PrintSpace>` +
      block('TB1', 60, 80, [['HARBOUR REOPENS', 60], ...body(10)]) +
      block('TB2', 640, 80, [['MARKET PRICES FALL', 60], ...body(8)]) +
      `</PrintSpace></Page></Layout></alto>`,
  );
  fs.writeFileSync(path.join(dir, 'issue.meta.json'), JSON.stringify({ publication: { slug: 'harbour-news', name: 'Harbour News' }, date: '1931-05-02' }));
  const dbDir = tempDir('tiff-db-');
  const run = runImport([dir], dbDir);
  expect(run.stderr).toBe('');
  expect(run.stdout).toMatch(/imported harbour-news 1931-05-02: 1 pages, 2 articles/);
  const db = openReadOnlyDatabase(path.join(dbDir, 'test.db'));
  try {
    const page = db.prepare('SELECT image_path, image_width, image_height FROM page').get() as { image_path: string; image_width: number; image_height: number };
    expect(page.image_path).toMatch(/\.jpg$/);
    expect(await sharp(path.join(dbDir, 'media', page.image_path)).metadata()).toMatchObject({ format: 'jpeg', width: w, height: h });
    const titles = db.prepare('SELECT title FROM article ORDER BY position').pluck().all();
    expect(titles).toEqual(['HARBOUR REOPENS', 'MARKET PRICES FALL']);
  } finally {
    db.close();
  }
}, 120_000);
