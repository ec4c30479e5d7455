import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { openReadOnlyDatabase } from '../src/db/connection';
import { DEMO_CONTENT_FILE, DEMO_PDF_ROOT, type DemoContentArticle } from '../src/demo/build';
import { normaliseRunText } from '../src/importer/pdf/extract';
import { PROJECT_ROOT } from '../src/paths';
import { demoPaths } from './helpers/app';
import { DEMO_DAYS } from './helpers/demo-constants';

/**
 * The demo newspaper's content as it was typeset into the committed page PDFs:
 * a newspaper does not print the same headline twice, writes of the season it
 * is in, and its subtitles' figures are the story's. The database the global
 * setup built from those PDFs is checked to hold them.
 */

const db = openReadOnlyDatabase(demoPaths().file);
afterAll(() => db.close());

interface Row {
  slug: string;
  date: string;
  page: number;
  continuedFrom: number | null;
  continuedTo: number | null;
  title: string;
  subtitle: string | null;
  body: string;
}

/** The demo's content as typeset, written beside its PDFs by npm run demo:typeset. */
const printed = JSON.parse(fs.readFileSync(path.join(DEMO_PDF_ROOT, DEMO_CONTENT_FILE), 'utf8')) as DemoContentArticle[];
const rows: Row[] = printed.map((a) => ({ ...a, body: a.body.join('\n') }));

const where = (r: Row) => `${r.slug} ${r.date} 第${r.page}版 「${r.title}」`;

/** Words that say a season, and the months (1–12) a paper may print them in. Independent of the generator's own list. */
const SEASON_WORDS: Array<[RegExp, number[]]> = [
  [/春天|春日|入春|春暖花开|樱花盛开/, [2, 3, 4, 5]],
  [/夏天|夏日|夏夜|盛夏|暑假|酷暑|萤火虫/, [5, 6, 7, 8, 9]],
  [/秋天|秋日|入秋|秋雨|秋色|金秋|秋冬季|桂花的甜香/, [8, 9, 10, 11]],
  [/冬天|冬日|入冬|寒冬|腊月|腊八/, [11, 12, 1, 2]],
  [/枇杷/, [5, 6]],
];

test('the demo is the committed typeset issues, every page read into articles, the typeset titles found', () => {
  const issues = db.prepare('SELECT count(*) FROM issue').pluck().get() as number;
  const folders = fs.readdirSync(DEMO_PDF_ROOT, { withFileTypes: true }).filter((e) => e.isDirectory()).flatMap((e) => fs.readdirSync(path.join(DEMO_PDF_ROOT, e.name)));
  expect(issues).toBe(folders.length);
  expect(issues).toBe(DEMO_DAYS * 2);
  expect(new Set(rows.map((r) => `${r.slug}/${r.date}`)).size).toBe(issues);
  const empty = db.prepare('SELECT p.slug, i.date, pg.number FROM page pg JOIN issue i ON i.id = pg.issue_id JOIN publication p ON p.id = i.publication_id WHERE NOT EXISTS (SELECT 1 FROM article a WHERE a.page_id = pg.id)').all();
  expect(empty).toEqual([]);
  // The analyser's reading is measured by npm run bench:segment; here, most printed headlines must come through whole.
  const found = new Set(db.prepare('SELECT p.slug || \'|\' || a.title FROM article a JOIN issue i ON i.id = a.issue_id JOIN publication p ON p.id = i.publication_id').pluck().all() as string[]);
  const stories = rows.filter((r) => r.continuedFrom === null);
  const missed = stories.filter((r) => !found.has(`${r.slug}|${r.title}`));
  expect(missed.length / stories.length).toBeLessThan(0.15);
});

test('no title is printed twice in a paper (figures aside), except a story continued on another page of its issue', () => {
  const seen = new Map<string, Row>();
  const repeats: string[] = [];
  for (const r of rows) {
    const key = `${r.slug}|${r.title.replace(/[\d.]+/g, '#')}`;
    const first = seen.get(key);
    if (!first) seen.set(key, r);
    else if (r.continuedFrom === null || first.date !== r.date) repeats.push(`${where(first)} and ${where(r)}`);
  }
  expect(repeats).toEqual([]);
});

// The figures a subtitle promises are in the part of the story its page prints (its first
// paragraph): a story given more text than its region holds is shortened by whole paragraphs.
test('every figure of a subtitle is in its story as printed on its page', () => {
  const withSubtitle = rows.filter((r) => r.subtitle !== null && /\d/.test(r.subtitle));
  expect(withSubtitle.length).toBeGreaterThan(5);
  const wrong = withSubtitle.flatMap((r) => (r.subtitle!.match(/\d+(?:\.\d+)?/g) ?? []).filter((n) => !r.body.includes(n)).map((n) => `${where(r)}: ${n} of "${r.subtitle}"`));
  expect(wrong).toEqual([]);
});

/**
 * The text items (with font size in pt) of every page of every typeset issue PDF, read by
 * pdf.js in a child process (pdf.js is an ES module), keyed slug/date/page.
 */
function readPdfItems(): Map<string, Array<{ text: string; size: number }>> {
  const files = [...new Set(printed.map((a) => `${a.slug}/${a.date}`))].map((key) => ({ key, file: path.join(DEMO_PDF_ROOT, key, 'issue.pdf') }));
  const script = `
    import fs from 'node:fs';
    const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
    const out = {};
    for (const { key, file } of JSON.parse(process.argv[1])) {
      const doc = await pdfjs.getDocument({ data: new Uint8Array(fs.readFileSync(file)), isEvalSupported: false, verbosity: 0 }).promise;
      for (let n = 1; n <= doc.numPages; n++) {
        const content = await (await doc.getPage(n)).getTextContent();
        out[key + '/' + n] = content.items.filter((i) => 'str' in i).map((i) => ({ text: i.str, size: Math.hypot(i.transform[2], i.transform[3]) }));
      }
    }
    process.stdout.write(JSON.stringify(out));`;
  const json = execFileSync(process.execPath, ['--input-type=module', '-e', script, JSON.stringify(files)], { cwd: PROJECT_ROOT, maxBuffer: 256 * 1024 * 1024, encoding: 'utf8' });
  return new Map(Object.entries(JSON.parse(json) as Record<string, Array<{ text: string; size: number }>>));
}
let pdfPages: Map<string, Array<{ text: string; size: number }>>;
beforeAll(() => {
  pdfPages = readPdfItems();
});
const pdfItems = (slug: string, date: string, page: number): Array<{ text: string; size: number }> => {
  const items = pdfPages.get(`${slug}/${date}/${page}`);
  if (!items) throw new Error(`no page ${page} in ${slug}/${date}/issue.pdf`);
  return items;
};
/** A page's text as a reader sees it: radical code points of the fonts' ToUnicode maps folded as the importer folds them. */
const pageText = (slug: string, date: string, page: number): string => normaliseRunText(pdfItems(slug, date, page).map((i) => i.text).join('')).replace(/\s/g, '');

test('a front-page story of each paper goes on to another page (下转/上接 printed), where it is found again under its title', () => {
  const jumps = rows.filter((r) => r.continuedTo !== null);
  expect(new Set(jumps.map((r) => r.slug))).toEqual(new Set(printed.map((a) => a.slug)));
  // The importer joins the two parts into one article on the first page with a region on each (article_region).
  const regionsOf = db.prepare(`SELECT r.page_number FROM article a JOIN issue i ON i.id = a.issue_id JOIN publication p ON p.id = i.publication_id
    JOIN article_region r ON r.article_id = a.id WHERE p.slug = ? AND i.date = ? AND a.page_number = ? AND replace(a.title, ' ', '') = ? ORDER BY r.ord`).pluck();
  for (const r of jumps) {
    expect(r.page).toBe(1);
    const rest = rows.find((x) => x.slug === r.slug && x.date === r.date && x.continuedFrom === r.page);
    expect(rest).toBeDefined();
    expect(rest!.page).toBe(r.continuedTo);
    expect(rest!.title).toBe(r.title);
    expect(pageText(r.slug, r.date, r.page)).toContain(`（下转第${r.continuedTo}版）`);
    const there = pageText(r.slug, r.date, rest!.page);
    expect(there).toContain(`（上接第${r.page}版）`);
    expect(there).toContain(r.title.replace(/\s/g, ''));
    expect(regionsOf.all(r.slug, r.date, r.page, r.title.replace(/\s/g, ''))).toEqual([r.page, rest!.page]);
  }
});

test('every page carries its 版眉 (版次, 版名 and date), every front page its paper\'s 报头 in the largest type', () => {
  const pages = db.prepare('SELECT p.slug, p.name AS paper, i.date, pg.number, pg.name FROM page pg JOIN issue i ON i.id = pg.issue_id JOIN publication p ON p.id = i.publication_id').all() as Array<{ slug: string; paper: string; date: string; number: number; name: string }>;
  expect(pages.length).toBeGreaterThanOrEqual(DEMO_DAYS * 2 * 4);
  for (const pg of pages) {
    const nn = String(pg.number).padStart(2, '0');
    const items = pdfItems(pg.slug, pg.date, pg.number);
    const text = pageText(pg.slug, pg.date, pg.number);
    const [y, m, d] = pg.date.split('-').map(Number);
    // The page's name was read from its 版眉 (第NN版:版名) by the importer.
    expect(text).toContain(`第${nn}版:${pg.name}`);
    expect(pg.name).toMatch(/^[\u4e00-\u9fff]{2,6}$/);
    expect(text).toContain(`${y}年${m}月${d}日`);
    if (pg.number === 1) {
      const inked = items.filter((i) => i.text.trim() !== '');
      const top = Math.max(...inked.map((i) => i.size));
      expect(top).toBeGreaterThan(1.3 * Math.max(...inked.filter((i) => i.size < top).map((i) => i.size))); // well above any headline
      expect(normaliseRunText(inked.filter((i) => i.size === top).map((i) => i.text).join('')).replace(/\s/g, '')).toBe(pg.paper);
    }
  }
});

test('season words fit the month of the issue', () => {
  const wrong: string[] = [];
  for (const r of rows) {
    const month = Number(r.date.slice(5, 7));
    for (const [words, months] of SEASON_WORDS) {
      const hit = `${r.title}\n${r.body}`.match(words);
      if (hit && !months.includes(month)) wrong.push(`${where(r)}: "${hit[0]}" in month ${month}`);
    }
  }
  expect(wrong).toEqual([]);
});
