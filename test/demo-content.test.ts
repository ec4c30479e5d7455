import fs from 'node:fs';
import path from 'node:path';
import { openReadOnlyDatabase } from '../src/db/connection';
import { DEMO_CONTENT_FILE, DEMO_PDF_ROOT, type DemoContentArticle } from '../src/demo/build';
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
  continued: boolean;
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
  const stories = rows.filter((r) => !r.continued);
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
    else if (!r.continued || first.date !== r.date) repeats.push(`${where(first)} and ${where(r)}`);
  }
  expect(repeats).toEqual([]);
});

// Known defect, left open: on the tabloid (云溪晚报) some stories get more text than their region
// holds and are cut at its foot, with the first paragraph's statement of the subtitle's figures.
// test.failing passes while that is so and fails (to be turned back into test) once it is fixed.
test.failing('every figure of a subtitle is in its story', () => {
  const withSubtitle = rows.filter((r) => r.subtitle !== null && /\d/.test(r.subtitle));
  expect(withSubtitle.length).toBeGreaterThan(5);
  const wrong = withSubtitle.flatMap((r) => (r.subtitle!.match(/\d+(?:\.\d+)?/g) ?? []).filter((n) => !r.body.includes(n)).map((n) => `${where(r)}: ${n} of "${r.subtitle}"`));
  expect(wrong).toEqual([]);
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
