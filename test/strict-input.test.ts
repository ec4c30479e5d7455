import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { cleanText, forbiddenCharacters, removeZeroWidth } from '../src/domain/text-hygiene';
import { importIssues, ImportValidationError } from '../src/importer';
import { findJsonSyntaxError } from '../src/importer/json-syntax';
import { manifestSchema } from '../src/importer/manifest';
import { nearestKey } from '../src/importer/schema-issues';
import { MAX_PROBLEMS_PER_FOLDER, validateIssueFolder } from '../src/importer/validate';
import { createIssueWriter } from '../src/importer/write';
import { PROJECT_ROOT } from '../src/paths';
import { createSearcher } from '../src/search/searcher';
import { freshDatabase, importRefused, sampleManifest, snapshot, tempDir, writeIssueFolder, type ManifestJson } from './helpers/fixtures';

/**
 * Issue #15, items 1–3: a strict manifest (unknown keys are errors, every
 * problem in one run, JSON errors with line and column), a paper's identity
 * changed only on purpose, and text hygiene at the door.
 */

const IMPORT_CLI = path.join(PROJECT_ROOT, 'dist/scripts/import.js');

/** The problems a --dry-run of `manifest` (or the folder `prepare` made of it) reports, without the manifest's path that starts each line. */
async function problemsOf(manifest: ManifestJson, prepare?: (folder: string) => void): Promise<{ folder: string; lines: string[] }> {
  const { folder, error } = await importRefused(manifest, prepare, { dryRun: true });
  const manifestFile = path.join(folder, 'issue.json');
  const lines = error.message.split('\n');
  for (const line of lines) expect(line.startsWith(`${manifestFile}: `)).toBe(true);
  return { folder, lines: lines.map((l) => l.slice(manifestFile.length + 2)) };
}

function runImportCli(args: string[], dbDir: string) {
  return spawnSync(process.execPath, [IMPORT_CLI, ...args], {
    env: { ...process.env, DATABASE_PATH: path.join(dbDir, 'test.db'), MEDIA_DIR: path.join(dbDir, 'media') },
    encoding: 'utf8',
  });
}

describe('unknown keys are errors, with the nearest known key', () => {
  test('publishAT (a typo for publishAt) no longer passes --dry-run: the embargo would be lost', async () => {
    const m = sampleManifest();
    m.publishAT = '2026-01-05T06:00:00+08:00';
    expect((await problemsOf(m)).lines).toEqual(['publishAT: unknown field; did you mean publishAt?']);
  });

  test('subtitel and bylin are not dropped silently; unknown keys at every level are named by their own path', async () => {
    const m = sampleManifest();
    const a = m.pages[0].articles[1];
    a.subtitel = '副题';
    a.bylin = '记者';
    m.publication.timeZone = 'Asia/Shanghai';
    m.pages[1].imgae = 'pages/02.png';
    m.pages[0].articles[0].body[3].captoin = '说明';
    m.pages[0].articles[0].body[0].txt = '正文';
    m.editor = '张三';
    expect((await problemsOf(m)).lines.sort()).toEqual(
      [
        'editor: unknown field; the fields allowed here are format, publication, date, number, publishAt, pages',
        'pages[0].articles[0].body[0].txt: unknown field; did you mean text?',
        'pages[0].articles[0].body[3].captoin: unknown field; did you mean caption?',
        'pages[0].articles[1].bylin: unknown field; did you mean byline?',
        'pages[0].articles[1].subtitel: unknown field; did you mean subtitle?',
        'pages[1].imgae: unknown field; did you mean image?',
        'publication.timeZone: unknown field; did you mean timezone?',
      ].sort(),
    );
  });

  test('nearestKey: same letters in another case, a swap, a letter missing or extra; nothing when far', () => {
    const known = ['position', 'kicker', 'title', 'subtitle', 'byline', 'hotspot', 'body'];
    expect(nearestKey('Title', known)).toBe('title');
    expect(nearestKey('subtitel', known)).toBe('subtitle');
    expect(nearestKey('bylin', known)).toBe('byline');
    expect(nearestKey('hotspots', known)).toBe('hotspot');
    expect(nearestKey('author', known)).toBeNull();
    expect(nearestKey('x', known)).toBeNull();
  });
});

describe('one run reports every problem of a folder', () => {
  test('schema errors no longer hide the content checks: a missing title and a hotspot outside the image together', async () => {
    const m = sampleManifest();
    delete m.pages[0].articles[1].title;
    m.pages[0].articles[0].hotspot[2] = [250, 120];
    m.pages[1].number = 1;
    m.date = '2026-02-30';
    const { lines } = await problemsOf(m, (f) => fs.rmSync(path.join(f, 'images/park.png')));
    expect(lines).toEqual([
      'date: a real calendar date YYYY-MM-DD',
      'pages[0].articles[1].title: expected string, received undefined',
      'pages[1].number: duplicate number 1 (also at pages[0])',
      'pages[0].articles[0].hotspot[2]: point (250, 120) lies outside the page image (200×280)',
      'pages[0].articles[0].body[3].src: file "images/park.png" not found in the issue folder; expected a PNG, JPEG, GIF or WebP image',
    ]);
  });

  test(`at most ${MAX_PROBLEMS_PER_FOLDER} problems a folder, then how many more there are`, async () => {
    const m = sampleManifest();
    for (let i = 0; i < MAX_PROBLEMS_PER_FOLDER + 20; i++) m[`extra${i}`] = i;
    const { lines } = await problemsOf(m);
    expect(lines).toHaveLength(MAX_PROBLEMS_PER_FOLDER + 1);
    expect(lines[0]).toMatch(/^extra0: unknown field/);
    expect(lines[MAX_PROBLEMS_PER_FOLDER]).toBe('20 more problems not shown: fix these and validate again (--dry-run)');
  });

  test('a JSON syntax error gives line and column, not an offset', async () => {
    const cases: Array<[string, string]> = [
      ['{\n  "date": "2026-01-05",\n  "pages": [1,]\n}\n', 'line 3, column 15: expected a value (object, array, string, number, true, false or null), found "]"'],
      ['{\n  "date": "2026-01-05"\n  "pages": []\n}', `line 3, column 3: expected ',' or '}', found '"'`],
      ['{"date": ', 'line 1, column 10: expected a value (object, array, string, number, true, false or null), found the end of the file'],
      ['{\n  "title": "杨浦\t滨江"\n}', 'line 2, column 15: expected no raw control character inside a string (write it as an escape such as \\n or \\u0007), found control character U+0009'],
      ['{"a": 1} x', 'line 1, column 10: expected the end of the file after the top-level value, found "x"'],
      ["{'date': 1}", 'line 1, column 2: expected a double-quoted property name, found "\'"'],
    ];
    for (const [json, where] of cases) {
      const { lines } = await problemsOf(sampleManifest(), (f) => fs.writeFileSync(path.join(f, 'issue.json'), json));
      expect(lines).toEqual([`not valid JSON: ${where}`]);
    }
  });
});

test('the JSON locator: null for valid JSON; any nesting depth; positions in characters, not UTF-16 units', () => {
  expect(findJsonSyntaxError(JSON.stringify(sampleManifest(), null, 2))).toBeNull();
  expect(findJsonSyntaxError('[{"a": [1, 2.5e-3, true, null, "\\u0041\\n"]}, {}]')).toBeNull();
  expect(findJsonSyntaxError('['.repeat(200_000))).toEqual({ line: 1, column: 200_001, message: expect.stringMatching(/found the end of the file$/) });
  expect(findJsonSyntaxError('{"标题😀": tru}')).toMatchObject({ line: 1, column: 9 });
  expect(findJsonSyntaxError('"a\\x"')).toMatchObject({ column: 3, message: expect.stringMatching(/^expected a valid escape/) });
});

describe("a paper's identity changes only on purpose", () => {
  async function importedPaper() {
    const dir = tempDir('identity-');
    const { db, file, mediaDir } = freshDatabase(dir);
    await importIssues([await writeIssueFolder(path.join(dir, 'first'))], { db, mediaDir });
    return { dir, db, file, mediaDir };
  }
  const stored = (db: ReturnType<typeof freshDatabase>['db']) => db.prepare('SELECT slug, name, description, language, timezone FROM publication').all();

  test('a first import creates the paper, omitted fields at their defaults', async () => {
    const { db } = await importedPaper();
    expect(stored(db)).toEqual([{ slug: 'test-daily', name: '测试日报', description: '用于测试的报纸', language: 'zh-CN', timezone: 'Asia/Shanghai' }]);
  });

  test('an issue that renames its paper is refused, field by field, stored vs given; nothing is written', async () => {
    const { dir, db, mediaDir } = await importedPaper();
    const before = snapshot(db);
    const renamed = sampleManifest({ date: '2026-01-06', name: '测试晚报' });
    renamed.publication.timezone = 'Europe/Berlin';
    delete renamed.publication.description;
    const folder = await writeIssueFolder(path.join(dir, 'renamed'), renamed);
    const error = await importIssues([folder], { db, mediaDir }).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(ImportValidationError);
    const how = 'correct issue.json, or import with --update-publication to change the paper on purpose (docs/operations.md)';
    expect((error as Error).message.split('\n')).toEqual([
      `${folder}/issue.json: publication.name: differs from the stored paper test-daily: stored "测试日报", given "测试晚报"; ${how}`,
      `${folder}/issue.json: publication.description: differs from the stored paper test-daily: stored "用于测试的报纸", given (none); ${how}`,
      `${folder}/issue.json: publication.timezone: differs from the stored paper test-daily: stored "Asia/Shanghai", given "Europe/Berlin"; ${how}`,
    ]);
    expect(snapshot(db)).toBe(before);
    // --dry-run says the same.
    await expect(importIssues([folder], { db, mediaDir, dryRun: true })).rejects.toThrow(/publication\.name: differs from the stored paper/);

    // On purpose: the paper changes, for every issue.
    expect(await importIssues([folder], { db, mediaDir, updatePublication: true })).toEqual({ issues: 1, articles: 3 });
    expect(stored(db)).toEqual([{ slug: 'test-daily', name: '测试晚报', description: null, language: 'zh-CN', timezone: 'Europe/Berlin' }]);
    expect(db.prepare('SELECT count(*) FROM issue').pluck().get()).toBe(2);
  });

  test('in a multi-folder import one renaming issue stops every issue before anything is written', async () => {
    const { dir, db, mediaDir } = await importedPaper();
    const before = snapshot(db);
    await writeIssueFolder(path.join(dir, 'tree', '2026-01-06'), sampleManifest({ date: '2026-01-06' }));
    await writeIssueFolder(path.join(dir, 'tree', '2026-01-07'), sampleManifest({ date: '2026-01-07', name: '改名日报' }));
    await expect(importIssues([path.join(dir, 'tree')], { db, mediaDir, parallel: false })).rejects.toThrow(/2026-01-07\/issue\.json: publication\.name: differs/);
    expect(snapshot(db)).toBe(before);
  });

  test('two issues of a new paper that state it differently are refused together, even with --update-publication', async () => {
    const dir = tempDir('identity-new-');
    const { db, mediaDir } = freshDatabase(dir);
    const before = snapshot(db);
    const first = await writeIssueFolder(path.join(dir, 'tree', '2026-01-05'), sampleManifest({ date: '2026-01-05' }));
    const second = await writeIssueFolder(path.join(dir, 'tree', '2026-01-06'), sampleManifest({ date: '2026-01-06', name: '另一个名字' }));
    for (const updatePublication of [false, true]) {
      const error = await importIssues([path.join(dir, 'tree')], { db, mediaDir, updatePublication }).catch((err: unknown) => err);
      expect((error as Error).message).toBe(
        `${second}/issue.json: publication.name: differs from ${first}/issue.json in the same import: "测试日报" there, "另一个名字" here; one import states a paper one way`,
      );
      expect(snapshot(db)).toBe(before);
    }
  });

  test('the writer refuses a mismatch stored after validation (another import meanwhile)', async () => {
    const { dir, db } = await importedPaper();
    const issue = validateIssueFolder(await writeIssueFolder(path.join(dir, 'late'), sampleManifest({ date: '2026-01-08', name: '迟到日报' })));
    const before = snapshot(db);
    expect(() => createIssueWriter(db).write(issue, null)).toThrow(/publication\.name: differs from the stored paper test-daily: stored "测试日报", given "迟到日报"/);
    expect(snapshot(db)).toBe(before);
  });

  test('the compiled CLI refuses a renaming issue and takes it with --update-publication', async () => {
    const { dir, db } = await importedPaper();
    db.close();
    const folder = await writeIssueFolder(path.join(dir, 'renamed'), sampleManifest({ date: '2026-01-06', name: '测试晚报' }));
    const refused = runImportCli(['--quiet', folder], dir);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('publication.name: differs from the stored paper test-daily: stored "测试日报", given "测试晚报"; correct issue.json, or import with --update-publication');
    const accepted = runImportCli(['--quiet', '--update-publication', folder], dir);
    expect(accepted.stderr).toBe('');
    expect(accepted.status).toBe(0);
    const reopened = freshDatabase(dir).db;
    expect(reopened.prepare('SELECT name FROM publication').pluck().all()).toEqual(['测试晚报']);
    reopened.close();
  });
});

describe('text hygiene at the door', () => {
  test('character rules: which characters are refused, in which fields', () => {
    const codes = (s: string, shape: 'line' | 'multiline' = 'line') => forbiddenCharacters(s, shape).map((f) => [f.codePoint, f.position]);
    expect(codes('杨浦\u0000\u001f\u007f\u0080\u009f')).toEqual([[0, 3], [0x1f, 4], [0x7f, 5], [0x80, 6], [0x9f, 7]]);
    expect(codes('\ufdd0\ufdef\ufffe\uffff\u{1fffe}\u{10ffff}')).toEqual([[0xfdd0, 1], [0xfdef, 2], [0xfffe, 3], [0xffff, 4], [0x1fffe, 5], [0x10ffff, 6]]);
    expect(codes('\u202a\u202e\u2066\u2069')).toEqual([[0x202a, 1], [0x202e, 2], [0x2066, 3], [0x2069, 4]]);
    expect(codes('a\ud800b\udc00')).toEqual([[0xd800, 2], [0xdc00, 4]]);
    // A surrogate pair is one character; line breaks and tabs only in text blocks; marks of direction are allowed.
    expect(codes('😀\u{20000}\u200e\u200f\u061c')).toEqual([]);
    expect(codes('第一行\n第二行\t')).toEqual([[0x0a, 4], [0x09, 8]]);
    expect(codes('第一行\n第二行\t', 'multiline')).toEqual([]);
    expect(codes('\r', 'multiline')).toEqual([[0x0d, 1]]);
  });

  test('zero-width characters are removed, except the joiners emoji and joining scripts need', () => {
    expect(removeZeroWidth('杨\u200d浦')).toBe('杨浦');
    expect(removeZeroWidth('\ufeff零\u200b宽\u200c字\u2060符')).toBe('零宽字符');
    expect(removeZeroWidth('R\u200bC\u200dE\u200cP 20\u200b26')).toBe('RCEP 2026');
    expect(removeZeroWidth('👩\u200d💻 👍🏽\u200d \u2764\ufe0f\u200d🔥')).toBe('👩\u200d💻 👍🏽 \u2764\ufe0f\u200d🔥');
    expect(removeZeroWidth('می\u200cخواهم')).toBe('می\u200cخواهم'); // Persian half-space
    expect(removeZeroWidth('क्\u200dष')).toBe('क्\u200dष'); // Devanagari half form
    expect(removeZeroWidth('中\u200d👩')).toBe('中👩');
    expect(cleanText('cafe\u0301')).toBe('café'); // NFC
  });

  test('stored text is NFC without zero-width characters; line breaks kept in text blocks; paths are never rewritten', async () => {
    const dir = tempDir('hygiene-');
    const m = sampleManifest();
    const a = m.pages[0].articles[0];
    a.title = '杨\u200d浦滨江步道\u200b贯通';
    a.kicker = '\ufeffCafe\u0301 Ｗｅｅｋ';
    a.body[0].text = '第一行\n\t第二行\u2060。';
    a.body[3].src = 'images/cafe\u0301.png'; // an NFD file name, as macOS writes them
    m.pages[0].articles[1].title = '程序员👩\u200d💻节';
    const folder = await writeIssueFolder(path.join(dir, 'issue'), m);
    expect(fs.existsSync(path.join(folder, 'images/cafe\u0301.png'))).toBe(true);
    const { db, mediaDir } = freshDatabase(dir);
    await importIssues([folder], { db, mediaDir });
    const rows = db.prepare('SELECT kicker, title, body_json FROM article ORDER BY seq').all() as Array<{ kicker: string | null; title: string; body_json: string }>;
    expect(rows[0]!.title).toBe('杨浦滨江步道贯通');
    expect(rows[0]!.kicker).toBe('Café Ｗｅｅｋ'); // NFC, not NFKC: full-width letters are the editor's choice
    expect(JSON.parse(rows[0]!.body_json)[0].text).toBe('第一行\n\t第二行。');
    expect(rows[1]!.title).toBe('程序员👩\u200d💻节');
    // Found by search as typed without the invisible characters.
    const hits = createSearcher(db).search({ q: '杨浦', page: 1, sort: 'relevance', now: Date.now() })!;
    expect(hits.results.map((r) => r.title)).toEqual(['杨浦滨江步道贯通']);
  });

  test('generated text (any code point, lone surrogates included): refused naming the first forbidden one, or stored clean', () => {
    // The forbidden set written independently of the module, with Unicode properties.
    const FORBIDDEN = /[\p{Cc}\p{Noncharacter_Code_Point}\p{Cs}\u202a-\u202e\u2066-\u2069]/u;
    const titlePath = 'pages.0.articles.0.title';
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (s) => {
        const m = sampleManifest();
        m.pages[0].articles[0].title = `标题${s}`;
        const result = manifestSchema.safeParse(m);
        const bad = FORBIDDEN.exec(s);
        if (bad) {
          const issue = result.error?.issues.find((i) => i.path.join('.') === titlePath);
          const hex = bad[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
          expect(issue?.message).toMatch(new RegExp(`^U\\+${hex} at character ${[...s.slice(0, bad.index)].length + 3} is `));
        } else {
          expect(result.error?.issues ?? []).toEqual([]);
          const title = result.data!.pages[0]!.articles[0]!.title;
          expect(title).toBe(title.normalize('NFC'));
          expect(title).not.toMatch(/[\u200b\u2060\ufeff]/);
          expect(title.startsWith('标题')).toBe(true);
        }
      }),
      { numRuns: 3000, seed: 15 },
    );
  });

  test('a text that is only zero-width characters is empty, and a title must not be', async () => {
    const m = sampleManifest();
    m.pages[0].articles[0].title = '\u200b\u200d';
    expect((await problemsOf(m)).lines).toEqual(['pages[0].articles[0].title: too small: expected string to have >=1 characters']);
  });

  test('a line break in a one-line field is refused; fixed-format fields are checked too', async () => {
    const m = sampleManifest();
    m.pages[0].articles[0].title = '上半\n下半';
    m.publication.slug = 'test\u0000daily';
    expect((await problemsOf(m)).lines).toEqual([
      'publication.slug: U+0000 at character 5 is a control character; remove it',
      'publication.slug: lowercase letters, digits and single hyphens, e.g. jiangcheng-daily',
      'pages[0].articles[0].title: U+000A at character 3 is a tab or line break, not allowed in a one-line field; remove it',
    ]);
  });
});

describe('the compiled CLI: --dry-run names the field of every problem, all in one run', () => {
  const defects: Array<[string, (m: ManifestJson) => void, string]> = [
    ['typo', (m) => (m.publishAT = '2026-01-05T06:00:00+08:00'), 'publishAT: unknown field; did you mean publishAt?'],
    ['c0', (m) => (m.pages[0].articles[0].title = '标题\u0001'), 'pages[0].articles[0].title: U+0001 at character 3 is a control character'],
    ['surrogate', (m) => (m.pages[1].articles[0].body[0].text = '\udfff正文'), 'pages[1].articles[0].body[0].text: U+DFFF at character 1 is an unpaired surrogate'],
    ['bidi', (m) => (m.pages[0].articles[1].title = '\u202egpj.exe'), 'pages[0].articles[1].title: U+202E at character 1 is a bidi embedding, override or isolate control'],
  ];

  test.each(defects)('%s', async (name, breakIt, expected) => {
    const dir = tempDir(`cli-${name}-`);
    const m = sampleManifest();
    breakIt(m);
    const folder = await writeIssueFolder(path.join(dir, 'issue'), m);
    const run = runImportCli(['--dry-run', folder], dir);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`${path.join(folder, 'issue.json')}: ${expected}`);
  });

  test('a folder with all of them and a hotspot outside its image gets every problem at once', async () => {
    const dir = tempDir('cli-all-');
    const m = sampleManifest();
    for (const [, breakIt] of defects) breakIt(m);
    m.pages[0].articles[0].hotspot[1] = [201, 10];
    const folder = await writeIssueFolder(path.join(dir, 'issue'), m);
    const run = runImportCli(['--dry-run', folder], dir);
    expect(run.status).toBe(1);
    const lines = run.stderr.trim().split('\n');
    expect(lines[0]).toBe('import failed, nothing was written:');
    expect(lines.slice(1).map((l) => l.slice(path.join(folder, 'issue.json').length + 2).replace(/;.*/, ''))).toEqual([
      'pages[0].articles[0].title: U+0001 at character 3 is a control character',
      'pages[0].articles[1].title: U+202E at character 1 is a bidi embedding, override or isolate control, which can reorder what readers see',
      'pages[1].articles[0].body[0].text: U+DFFF at character 1 is an unpaired surrogate (not a character: the text is not valid Unicode)',
      'publishAT: unknown field',
      'pages[0].articles[0].hotspot[1]: point (201, 10) lies outside the page image (200×280)',
    ]);
  });
});
