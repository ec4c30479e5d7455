import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { storedBlockSchema } from '../src/domain/blocks';
import { importIssues } from '../src/importer';
import { prepareIssue, validationProblems, type Preparer } from '../src/importer/prepare';
import { validateIssueFolder } from '../src/importer/validate';
import { PROJECT_ROOT } from '../src/paths';
import { articleIndexText } from '../src/search/indexer';
import { decodeIndexTexts } from '../src/search/tokenize';
import { freshDatabase, importRefused, sampleManifest, snapshot, tempDir, writeIssueFolder, type ManifestJson } from './helpers/fixtures';

async function importExpectingProblems(manifest: ManifestJson, prepare?: (folder: string) => void) {
  const { folder, error } = await importRefused(manifest, prepare);
  return { folder, message: error.message };
}

/** A JPEG of the given size whose frame header (SOF0) comes after `paddingSegments` full-size APP1 segments. */
function jpegWithFrameAfter(paddingSegments: number, width: number, height: number): Buffer {
  const app1 = Buffer.alloc(2 + 65535, 0);
  app1.writeUInt16BE(0xffe1, 0);
  app1.writeUInt16BE(65535, 2);
  const sof = Buffer.from([0xff, 0xc0, 0, 17, 8, height >> 8, height & 0xff, width >> 8, width & 0xff, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
  return Buffer.concat([Buffer.from([0xff, 0xd8]), ...Array.from({ length: paddingSegments }, () => app1), sof, Buffer.from([0xff, 0xd9])]);
}

describe('importer: happy path', () => {
  test('imports an issue with its pages, articles, media and merged PDF', async () => {
    const dir = tempDir();
    const folder = await writeIssueFolder(path.join(dir, 'issue'));
    const { db, mediaDir } = freshDatabase(dir);
    const summary = await importIssues([dir], { db, mediaDir });
    expect(summary).toEqual({ issues: 1, articles: 3 });

    const issue = db.prepare('SELECT * FROM issue').get() as any;
    expect(issue).toMatchObject({ date: '2026-01-05', number: 101, page_count: 2, article_count: 3 });
    // Default publish time: 00:00 Asia/Shanghai of the issue date.
    expect(new Date(issue.publish_at).toISOString()).toBe('2026-01-04T16:00:00.000Z');
    expect(issue.pdf_path).toMatch(/^[0-9a-f]{2}\/[0-9a-f]{32}\.pdf$/);
    expect(fs.readFileSync(path.join(mediaDir, issue.pdf_path)).subarray(0, 5).toString()).toBe('%PDF-');

    const pages = db.prepare('SELECT number, name, image_path, image_width, image_height, pdf_path FROM page ORDER BY number').all() as any[];
    expect(pages.map((p) => [p.number, p.name, p.image_width, p.image_height])).toEqual([[1, '要闻', 200, 280], [2, '民生', 200, 280]]);
    for (const p of pages) {
      expect(p.image_path).toMatch(/^[0-9a-f]{2}\/[0-9a-f]{32}\.png$/);
      expect(fs.readFileSync(path.join(mediaDir, p.image_path))).toEqual(fs.readFileSync(path.join(folder, `pages/0${p.number}.png`)));
    }

    const articles = db.prepare('SELECT page_number, position, seq, kicker, title, subtitle, byline, lead, body_json, hotspot_json, image_path, char_count FROM article ORDER BY seq').all() as any[];
    expect(articles.map((a) => [a.page_number, a.position, a.seq])).toEqual([[1, 1, 1], [1, 2, 2], [2, 1, 3]]);
    // Characters of the body: every text block and every caption.
    const readableChars = (body: { text?: string; caption?: string }[]) => body.reduce((n, b) => n + [...(b.text ?? b.caption ?? '')].length, 0);
    expect(articles.map((a) => a.char_count)).toEqual(sampleManifest().pages.flatMap((p: any) => p.articles.map((a: any) => readableChars(a.body))));
    expect(articles[0].char_count).toBe(37 + 6 + 28 + 7);
    expect(articles[0]).toMatchObject({ kicker: '引题示例', subtitle: '副题示例', byline: '本报记者 林晓' });
    expect(articles[0].lead).toBe('记者从区绿化部门获悉,滨江沿线今年将新增三处口袋公园,预计年底前全部开放。');
    expect(JSON.parse(articles[0].hotspot_json)).toEqual([[10, 10], [190, 10], [190, 120], [10, 120]]);
    // What is stored is what the domain's stored-block schema describes (the web and the search index read it as that type).
    for (const a of articles) expect(storedBlockSchema.array().parse(JSON.parse(a.body_json))).toEqual(JSON.parse(a.body_json));
    const body = JSON.parse(articles[0].body_json);
    expect(body[3]).toEqual({ type: 'image', src: articles[0].image_path, caption: '口袋公园效果图', width: 120, height: 80 });
    expect(articles[1]).toMatchObject({ kicker: null, subtitle: null, byline: null, hotspot_json: expect.any(String) });
    expect(articles[2].hotspot_json).toBeNull();
    expect(db.prepare("SELECT value FROM site_meta WHERE key = 'content_version'").pluck().get()).toBe('1');
  });

  test('--dry-run validates and writes nothing', async () => {
    const dir = tempDir();
    await writeIssueFolder(path.join(dir, 'issue'));
    const { db, mediaDir } = freshDatabase(dir);
    const before = snapshot(db);
    expect(await importIssues([dir], { db, mediaDir, dryRun: true })).toEqual({ issues: 1, articles: 3 });
    expect(snapshot(db)).toBe(before);
    expect(fs.existsSync(mediaDir)).toBe(false);
  });

  test('a tree of issue folders imports every issue; one bad folder stops all of them', async () => {
    const dir = tempDir();
    await writeIssueFolder(path.join(dir, 'a', '2026-01-05'), sampleManifest({ date: '2026-01-05' }));
    await writeIssueFolder(path.join(dir, 'a', '2026-01-06'), sampleManifest({ date: '2026-01-06' }));
    const bad = sampleManifest({ date: '2026-01-07' });
    bad.pages[0].name = '';
    await writeIssueFolder(path.join(dir, 'b', '2026-01-07'), bad);
    const { db, mediaDir } = freshDatabase(dir);
    await expect(importIssues([dir], { db, mediaDir })).rejects.toThrow(/2026-01-07.*pages\[0\]\.name/);
    expect(db.prepare('SELECT count(*) FROM issue').pluck().get()).toBe(0);
    fs.rmSync(path.join(dir, 'b'), { recursive: true });
    expect(await importIssues([dir], { db, mediaDir })).toEqual({ issues: 2, articles: 6 });
  });

  test('the compiled importer prepares issues in a worker thread: same result as inline, same messages', async () => {
    const dir = tempDir();
    for (const date of ['2026-01-05', '2026-01-06', '2026-01-07', '2026-01-08']) {
      await writeIssueFolder(path.join(dir, 'tree', date), sampleManifest({ date, titlePrefix: date.slice(8) }));
    }
    // The worker module itself (compiled: ts-jest runs the rest inline).
    const compiled = require(path.join(PROJECT_ROOT, 'dist/src/importer/prepare.js')) as { createPreparer(mediaDir: string): Preparer };
    const preparer = compiled.createPreparer(path.join(dir, 'worker-media'));
    try {
      expect(preparer.parallel).toBe(true);
      const folder = path.join(dir, 'tree', '2026-01-06');
      // The worker's issue, index text and staged media are those made inline: the same files, the same merged PDF.
      const prepared = await preparer.prepare(folder);
      const inline = await prepareIssue(folder, path.join(dir, 'inline-media'));
      expect(Buffer.from(prepared.texts.bytes).equals(Buffer.from(inline.texts.bytes))).toBe(true);
      expect({ ...prepared, texts: prepared.texts.ends }).toEqual({ ...inline, texts: inline.texts.ends });
      // The bytes are the index text of each article, in reading order.
      const articles = inline.issue.pages.flatMap((p) => p.articles);
      expect(decodeIndexTexts(prepared.texts)).toEqual(articles.map(articleIndexText));
      expect(prepared.pdf).toMatchObject({ storePath: expect.stringMatching(/\.pdf$/) });
      expect(fs.readdirSync(path.join(dir, 'worker-media'), { recursive: true }).sort()).toEqual(fs.readdirSync(path.join(dir, 'inline-media'), { recursive: true }).sort());
      expect(await preparer.check(folder)).toEqual({ problems: [], publication: inline.issue.publication });

      // The worker checkpoints a database's WAL on its own connection: every committed frame copied.
      const target = freshDatabase(path.join(dir, 'checkpointed'));
      target.db.pragma('wal_autocheckpoint = 0');
      target.db.prepare("INSERT INTO site_meta (key, value) VALUES ('probe', '1')").run();
      const result = await preparer.checkpoint!(target.file);
      expect(result.log).toBeGreaterThan(0);
      expect(result.checkpointed).toBe(result.log);
      target.db.close();
    } finally {
      await preparer.close();
    }

    const inline = freshDatabase(path.join(dir, 'inline'));
    expect(await importIssues([path.join(dir, 'tree')], { db: inline.db, mediaDir: inline.mediaDir, parallel: false })).toEqual({ issues: 4, articles: 12 });
    const cli = (dbDir: string) =>
      spawnSync(process.execPath, [path.join(PROJECT_ROOT, 'dist/scripts/import.js'), '--quiet', path.join(dir, 'tree')], {
        env: { ...process.env, DATABASE_PATH: path.join(dbDir, 'test.db'), MEDIA_DIR: path.join(dbDir, 'media') },
        encoding: 'utf8',
      });
    const run = cli(path.join(dir, 'worker'));
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/imported 4 issues, 12 articles/);
    const worker = freshDatabase(path.join(dir, 'worker'));
    expect(snapshot(worker.db).replace(/"modified_at":\d+/g, '')).toBe(snapshot(inline.db).replace(/"modified_at":\d+/g, ''));
    // The index the worker's UTF-8 bytes made is the one strings make, byte for byte.
    for (const t of ['article_fts', 'article_chars', 'article_titles']) {
      const rows = (db: typeof inline.db, table: string) => JSON.stringify(db.prepare(`SELECT * FROM ${table} ORDER BY id`).all());
      expect(rows(worker.db, `${t}_docsize`)).toBe(rows(inline.db, `${t}_docsize`));
      expect(rows(worker.db, `${t}_data`)).toBe(rows(inline.db, `${t}_data`));
    }

    // A bad folder at an odd position is validated by the worker: same message, nothing written.
    const bad = sampleManifest({ date: '2026-01-06' });
    bad.pages[0].name = '';
    fs.rmSync(path.join(dir, 'tree', '2026-01-06'), { recursive: true });
    await writeIssueFolder(path.join(dir, 'tree', '2026-01-06'), bad);
    const failed = cli(path.join(dir, 'failed'));
    expect(failed.status).not.toBe(0);
    expect(failed.stderr).toMatch(/2026-01-06.*pages\[0\]\.name/);
    const untouched = freshDatabase(path.join(dir, 'failed'));
    expect(untouched.db.prepare('SELECT count(*) FROM issue').pluck().get()).toBe(0);
  });

  test('re-importing an issue replaces it atomically, keeps its id and bumps its modified time', async () => {
    const dir = tempDir();
    const { db, mediaDir } = freshDatabase(dir);
    const folder = await writeIssueFolder(path.join(dir, 'v1'));
    await importIssues([folder], { db, mediaDir });
    const before = db.prepare('SELECT id, modified_at FROM issue').get() as { id: number; modified_at: number };

    const v2 = sampleManifest({ titlePrefix: '更正:' });
    v2.pages[1].articles.push({ position: 2, title: '新增的一篇', body: [{ type: 'paragraph', text: '更正版新增内容。' }] });
    const folder2 = await writeIssueFolder(path.join(dir, 'v2'), v2);
    const summary = await importIssues([folder2], { db, mediaDir });
    expect(summary.articles).toBe(4);

    const after = db.prepare('SELECT id, modified_at, article_count FROM issue').get() as any;
    expect(after.id).toBe(before.id);
    expect(after.modified_at).toBeGreaterThan(before.modified_at);
    expect(after.article_count).toBe(4);
    const titles = db.prepare('SELECT title FROM article ORDER BY seq').pluck().all() as string[];
    expect(titles).toHaveLength(4);
    expect(titles.every((t) => t.startsWith('更正:') || t === '新增的一篇')).toBe(true);
    expect(db.prepare('SELECT count(*) FROM page').pluck().get()).toBe(2);
    expect(db.prepare("SELECT value FROM site_meta WHERE key = 'content_version'").pluck().get()).toBe('2');
    expect(db.pragma('foreign_key_check')).toEqual([]);
  });
});

describe('importer: every validation rule names the file, the field and what was expected', () => {
  const base = () => sampleManifest();

  test('missing issue.json', async () => {
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, 'empty'));
    const { db, mediaDir } = freshDatabase(dir);
    await expect(importIssues([path.join(dir, 'empty')], { db, mediaDir })).rejects.toThrow(/empty: no issue\.json found/);
    await expect(importIssues([path.join(dir, 'nope')], { db, mediaDir })).rejects.toThrow(/nope: no such file or folder/);
  });

  test('invalid JSON', async () => {
    const { message } = await importExpectingProblems(base(), (f) => fs.writeFileSync(path.join(f, 'issue.json'), '{"date": '));
    expect(message).toMatch(/issue\.json: not valid JSON/);
  });

  test('a manifest in another encoding (GBK) is refused; a UTF-8 byte order mark is accepted', async () => {
    const gbk = (f: string) => {
      const json = JSON.stringify(base()).replace('测试日报', '@@');
      const [before, after] = json.split('@@');
      // 中文 in GBK: not UTF-8, which Buffer#toString would have turned into replacement characters.
      fs.writeFileSync(path.join(f, 'issue.json'), Buffer.concat([Buffer.from(before!), Buffer.from([0xd6, 0xd0, 0xce, 0xc4]), Buffer.from(after!)]));
    };
    const { message } = await importExpectingProblems(base(), gbk);
    expect(message).toMatch(/issue\.json: not UTF-8 text: save it as UTF-8 \(it may be in another encoding, such as GBK\)/);

    const dir = tempDir();
    const folder = await writeIssueFolder(path.join(dir, 'issue'));
    fs.writeFileSync(path.join(folder, 'issue.json'), '\ufeff' + JSON.stringify(base()));
    expect(validateIssueFolder(folder).publication.name).toBe('测试日报');
  });

  test('schema: a missing title, with its field path', async () => {
    const m = base();
    delete m.pages[0].articles[1].title;
    const { folder, message } = await importExpectingProblems(m);
    expect(message).toContain(`${path.join(folder, 'issue.json')}: pages[0].articles[1].title: expected string`);
  });

  test('schema: slug, date, number, block type', async () => {
    const m = base();
    m.publication.slug = 'Bad Slug';
    m.date = '2023-02-30';
    m.number = -3;
    m.pages[1].articles[0].body[0] = { type: 'html', text: '<b>x</b>' };
    const { message } = await importExpectingProblems(m);
    expect(message).toMatch(/publication\.slug: lowercase letters, digits and single hyphens/);
    expect(message).toMatch(/date: a real calendar date YYYY-MM-DD/);
    expect(message).toMatch(/number: too small/);
    expect(message).toMatch(/pages\[1\]\.articles\[0\]\.body\[0\]\.type/);
  });

  test('duplicate page numbers and gaps', async () => {
    const m = base();
    m.pages[1].number = 1;
    expect((await importExpectingProblems(m)).message).toMatch(/pages\[1\]\.number: duplicate number 1 \(also at pages\[0\]\)/);
    const g = base();
    g.pages[1].number = 3;
    expect((await importExpectingProblems(g)).message).toMatch(/pages\[1\]\.number: number 3 leaves a gap: expected the numbers 1\.\.2/);
  });

  test('duplicate article positions', async () => {
    const m = base();
    m.pages[0].articles[1].position = 1;
    expect((await importExpectingProblems(m)).message).toMatch(/pages\[0\]\.articles\[1\]\.position: duplicate position 1/);
  });

  test('a referenced file that does not exist', async () => {
    const m = base();
    const { message } = await importExpectingProblems(m, (f) => fs.rmSync(path.join(f, 'pages/02.png')));
    expect(message).toMatch(/pages\[1\]\.image: file "pages\/02\.png" not found in the issue folder; expected a PNG or JPEG page image/);
  });

  test('paths that leave the issue folder: "..", absolute, and a symbolic link', async () => {
    const m = base();
    m.pages[0].image = '../outside.png';
    m.pages[1].image = '/etc/passwd';
    expect((await importExpectingProblems(m)).message).toMatch(/pages\[0\]\.image: a relative path inside the issue folder[\s\S]*pages\[1\]\.image: a relative path/);
    const outside = path.join(tempDir(), 'secret.png');
    fs.writeFileSync(outside, 'x');
    const { message } = await importExpectingProblems(base(), (f) => {
      fs.rmSync(path.join(f, 'images/park.png'));
      fs.symlinkSync(outside, path.join(f, 'images/park.png'));
    });
    expect(message).toMatch(/pages\[0\]\.articles\[0\]\.body\[3\]\.src: "images\/park\.png" points outside the issue folder/);
  });

  test('fake images: wrong magic bytes, and a PDF where a page image belongs', async () => {
    const { message } = await importExpectingProblems(base(), (f) => {
      fs.writeFileSync(path.join(f, 'pages/01.png'), '<html>not an image</html>');
      fs.copyFileSync(path.join(f, 'pages/01.pdf'), path.join(f, 'pages/02.png'));
      fs.writeFileSync(path.join(f, 'pages/02.pdf'), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
    });
    expect(message).toMatch(/pages\[0\]\.image: "pages\/01\.png" is not a PNG or JPEG page image \(its content is not a recognised image or PDF\)/);
    expect(message).toMatch(/pages\[1\]\.image: "pages\/02\.png" is not a PNG or JPEG page image \(its content is PDF\)/);
    expect(message).toMatch(/pages\[1\]\.pdf: "pages\/02\.pdf" is not a PDF file/);
  });

  test('a photo used by two articles: one stored file for both; when bad, a problem for each use', async () => {
    const shared = () => {
      const m = base();
      m.pages[1].articles[0].body.push({ type: 'image', src: 'images/park.png', caption: '同一张图' });
      return m;
    };
    const dir = tempDir();
    const issue = validateIssueFolder(await writeIssueFolder(path.join(dir, 'issue'), shared()));
    const srcs = issue.pages.flatMap((p) => p.articles.flatMap((a) => a.body.flatMap((b) => (b.type === 'image' ? [b.src] : []))));
    expect(srcs).toHaveLength(2);
    expect(srcs[1]).toBe(srcs[0]);
    expect(issue.media.filter((m) => m.storePath === srcs[0])).toHaveLength(1);

    const { message } = await importExpectingProblems(shared(), (f) => fs.writeFileSync(path.join(f, 'images/park.png'), 'not a png'));
    expect(message).toMatch(/pages\[0\]\.articles\[0\]\.body\[3\]\.src: "images\/park\.png" is not a PNG, JPEG, GIF or WebP image/);
    expect(message).toMatch(/pages\[1\]\.articles\[0\]\.body\[1\]\.src: "images\/park\.png" is not a PNG, JPEG, GIF or WebP image/);
  });

  test('a hotspot point outside the page image', async () => {
    const m = base();
    m.pages[0].articles[0].hotspot[2] = [250, 120];
    expect((await importExpectingProblems(m)).message).toMatch(/pages\[0\]\.articles\[0\]\.hotspot\[2\]: point \(250, 120\) lies outside the page image \(200×280\)/);
  });

  test('a JPEG whose frame header lies past the first 64 KiB is measured in both passes; one without a frame header is refused', async () => {
    const dir = tempDir();
    const folder = await writeIssueFolder(path.join(dir, 'issue'));
    fs.writeFileSync(path.join(folder, 'pages/01.png'), jpegWithFrameAfter(2, 200, 280));
    expect(validationProblems(folder)).toEqual([]);
    expect(validateIssueFolder(folder).pages[0]!.image).toMatchObject({ kind: 'jpeg', width: 200, height: 280, storePath: expect.stringMatching(/\.jpg$/) });

    const { message } = await importExpectingProblems(base(), (f) => {
      fs.writeFileSync(path.join(f, 'pages/01.png'), jpegWithFrameAfter(2, 200, 280).subarray(0, 2 * 65537 + 2));
    });
    expect(message).toMatch(/pages\[0\]\.image: "pages\/01\.png" is not a PNG or JPEG page image \(its content is not a recognised image or PDF\)/);
  });

  test('an implausibly large image is refused', async () => {
    const { message } = await importExpectingProblems(base(), (f) => {
      const png = fs.readFileSync(path.join(f, 'pages/01.png'));
      png.writeUInt32BE(100000, 16); // IHDR width
      fs.writeFileSync(path.join(f, 'pages/01.png'), png);
    });
    expect(message).toMatch(/pages\[0\]\.image: "pages\/01\.png" has an implausible size 100000×280/);
  });
});
