import fs from 'node:fs';
import path from 'node:path';
import { openWritableDatabase } from '../src/db/connection';
import { migrate, readMigrations, schemaVersion } from '../src/db/migrate';
import { upgradeDatabase, verifySchema } from '../src/db/upgrade';
import { DatabaseUnavailableError } from '../src/db/connection';
import { ExitCode } from '../src/faults';
import { docKey } from '../src/search/indexer';
import { createSearcher } from '../src/search/searcher';
import { tempDir } from './helpers/fixtures';

describe('migration runner', () => {
  test('a fresh database gets every migration, in order, and the schema version of the last', () => {
    const db = openWritableDatabase(path.join(tempDir(), 'fresh.db'));
    const all = readMigrations();
    expect(all.length).toBeGreaterThanOrEqual(1);
    expect(all.map((m) => m.version)).toEqual([...all.map((m) => m.version)].sort((a, b) => a - b));
    const applied = migrate(db);
    expect(applied).toEqual(all.map((m) => m.name));
    expect(schemaVersion(db)).toBe(all[all.length - 1].version);
    const tables = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table'").pluck().all();
    expect(tables).toEqual(expect.arrayContaining(['publication', 'issue', 'page', 'article', 'media', 'site_meta']));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(migrate(db)).toEqual([]); // idempotent
  });

  test('an older database gets only the pending migrations and keeps its data', () => {
    const dir = tempDir();
    const migDir = path.join(dir, 'migrations');
    fs.mkdirSync(migDir);
    fs.writeFileSync(path.join(migDir, '001_a.sql'), 'CREATE TABLE a (x INTEGER);');
    const db = openWritableDatabase(path.join(dir, 'old.db'));
    expect(migrate(db, readMigrations(migDir))).toEqual(['001_a.sql']);
    db.prepare('INSERT INTO a VALUES (42)').run();
    fs.writeFileSync(path.join(migDir, '002_b.sql'), 'ALTER TABLE a ADD COLUMN y TEXT; CREATE TABLE b (z TEXT);');
    fs.writeFileSync(path.join(migDir, 'notes.txt'), 'ignored: not a migration');
    expect(migrate(db, readMigrations(migDir))).toEqual(['002_b.sql']);
    expect(schemaVersion(db)).toBe(2);
    expect(db.prepare('SELECT x, y FROM a').get()).toEqual({ x: 42, y: null });
  });

  test('a failing migration is rolled back whole and the version stays', () => {
    const dir = tempDir();
    const migDir = path.join(dir, 'migrations');
    fs.mkdirSync(migDir);
    fs.writeFileSync(path.join(migDir, '001_a.sql'), 'CREATE TABLE a (x INTEGER);');
    fs.writeFileSync(path.join(migDir, '002_bad.sql'), 'CREATE TABLE c (x INTEGER); INSERT INTO nowhere VALUES (1);');
    const db = openWritableDatabase(path.join(dir, 'bad.db'));
    expect(() => migrate(db, readMigrations(migDir))).toThrow(/nowhere/);
    expect(schemaVersion(db)).toBe(1);
    expect(db.prepare("SELECT count(*) FROM sqlite_schema WHERE name = 'c'").pluck().get()).toBe(0);
  });

  test('two migrations with the same number are refused', () => {
    const db = openWritableDatabase(path.join(tempDir(), 'dup.db'));
    expect(() => migrate(db, [{ version: 1, name: '001_a.sql', sql: '' }, { version: 1, name: '001_b.sql', sql: '' }])).toThrow(/share version 1/);
  });

  test('migration 005 re-indexes text stored with zero-width characters, which the old index split', () => {
    const db = openWritableDatabase(path.join(tempDir(), 'v4.db'));
    migrate(db, readMigrations().filter((m) => m.version <= 4));
    db.exec(`
      INSERT INTO publication (id, slug, name) VALUES (1, 'old-paper', '旧报');
      INSERT INTO issue (id, publication_id, date, publish_at, modified_at, page_count, article_count) VALUES (1, 1, '2025-06-01', 0, 0, 1, 1);
      INSERT INTO page (id, issue_id, number, name, image_path, image_width, image_height) VALUES (1, 1, 1, '要闻', 'x.png', 1, 1);
      INSERT INTO article (issue_id, page_id, page_number, position, seq, title, body_json)
        VALUES (1, 1, 1, 1, 1, '杨‍浦新闻', '[{"type":"paragraph","text":"滨江​步道。"}]');
    `);
    // The index as the tokenizer before 005 made it: the zero-width characters separated the words.
    const key = docKey('2025-06-01', 1, 1);
    db.prepare('INSERT INTO article_fts (rowid, body, title) VALUES (?, ?, ?)').run(key, '滨江 江 步道 道', '杨 浦新 新闻 闻');
    db.prepare('INSERT INTO article_chars (rowid, chars) VALUES (?, ?)').run(key, '杨 浦 新 闻 滨 江 步 道');
    db.prepare('INSERT INTO article_titles (rowid, title) VALUES (?, ?)').run(key, '杨 浦新 新闻 闻');
    const titles = (q: string) => createSearcher(db).search({ q, page: 1, sort: 'relevance', now: Date.now() })!.results.map((r) => r.title);
    expect(titles('杨浦')).toEqual([]);
    expect(upgradeDatabase(db)).toEqual({ applied: ['005_search_zero_width.sql', ...readMigrations().filter((m) => m.version > 5).map((m) => m.name)], reindexed: 1 });
    expect(titles('杨浦')).toEqual(['杨‍浦新闻']);
    expect(titles('江步道')).toEqual(['杨‍浦新闻']);
  });

  test('migration 010 gives every article imported before it one region: its hotspot on its own page', () => {
    const db = openWritableDatabase(path.join(tempDir(), 'v9.db'));
    migrate(db, readMigrations().filter((m) => m.version <= 9));
    db.exec(`
      INSERT INTO publication (id, slug, name) VALUES (1, 'old-paper', '旧报');
      INSERT INTO issue (id, publication_id, date, publish_at, modified_at, page_count, article_count) VALUES (1, 1, '2025-06-01', 0, 0, 2, 2);
      INSERT INTO page (id, issue_id, number, name, image_path, image_width, image_height) VALUES (1, 1, 1, '要闻', 'x.png', 100, 100), (2, 1, 2, '城市', 'y.png', 100, 100);
      INSERT INTO article (id, issue_id, page_id, page_number, position, seq, title, body_json, hotspot_json) VALUES
        (7, 1, 1, 1, 1, 1, '有热区', '[]', '[[1,1],[50,1],[50,50]]'),
        (8, 1, 2, 2, 1, 2, '无热区', '[]', NULL);
    `);
    expect(upgradeDatabase(db).applied).toEqual(readMigrations().filter((m) => m.version > 9).map((m) => m.name));
    expect(db.prepare('SELECT article_id, ord, page_id, page_number, polygon_json FROM article_region ORDER BY article_id').all()).toEqual([
      { article_id: 7, ord: 1, page_id: 1, page_number: 1, polygon_json: '[[1,1],[50,1],[50,50]]' },
      { article_id: 8, ord: 1, page_id: 2, page_number: 2, polygon_json: null },
    ]);
    // Regions go with their article and page.
    db.prepare('DELETE FROM page WHERE issue_id = 1').run();
    expect(db.prepare('SELECT count(*) FROM article_region').pluck().get()).toBe(0);
  });

  test('upgrading a database from before the search tables re-indexes its articles once', () => {
    const db = openWritableDatabase(path.join(tempDir(), 'v2.db'));
    migrate(db, readMigrations().filter((m) => m.version <= 2));
    db.exec(`
      INSERT INTO publication (id, slug, name) VALUES (1, 'old-paper', '旧报');
      INSERT INTO issue (id, publication_id, date, publish_at, modified_at, page_count, article_count) VALUES (1, 1, '2025-06-01', 0, 0, 1, 1);
      INSERT INTO page (id, issue_id, number, name, image_path, image_width, image_height) VALUES (1, 1, 1, '要闻', 'x.png', 1, 1);
      INSERT INTO article (issue_id, page_id, page_number, position, seq, title, body_json)
        VALUES (1, 1, 1, 1, 1, '老城区雨污分流改造完工', '[{"type":"paragraph","text":"改造涉及20号片区。"}]');
    `);
    const first = upgradeDatabase(db);
    expect(first.applied).toEqual(readMigrations().filter((m) => m.version > 2).map((m) => m.name));
    expect(first.reindexed).toBe(1);
    const searcher = createSearcher(db);
    for (const q of ['雨污分流', '污', '20号', '片区']) {
      expect(searcher.search({ q, page: 1, sort: 'relevance', now: Date.now() })!.results.map((r) => r.title)).toEqual(['老城区雨污分流改造完工']);
    }
    expect(upgradeDatabase(db)).toEqual({ applied: [], reindexed: null });
  });

  test('a database newer than the migrations is refused, naming both versions, and left as it was', () => {
    const file = path.join(tempDir(), 'newer.db');
    const db = openWritableDatabase(file);
    migrate(db);
    const latest = readMigrations().at(-1)!.version;
    db.pragma(`user_version = ${latest + 1}`);
    const attempt = () => migrate(db);
    expect(attempt).toThrow(DatabaseUnavailableError);
    expect(attempt).toThrow(`database ${file} has schema version ${latest + 1}, newer than this code knows (version ${latest})`);
    expect(schemaVersion(db)).toBe(latest + 1);
    let thrown: unknown = null;
    try {
      upgradeDatabase(db);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toMatchObject({ exitCode: ExitCode.database });
  });

  test('verifySchema names a renamed column and a dropped table; extra tables and columns are allowed', () => {
    const file = path.join(tempDir(), 'changed.db');
    const db = openWritableDatabase(file);
    upgradeDatabase(db);
    db.exec('CREATE TABLE operator_notes (x TEXT); ALTER TABLE issue ADD COLUMN note TEXT;');
    expect(() => verifySchema(db)).not.toThrow();
    db.exec('ALTER TABLE page RENAME COLUMN name TO title; DROP TABLE site_meta;');
    expect(() => verifySchema(db)).toThrow(`database ${file} lacks column page.name, table site_meta of schema version ${schemaVersion(db)}: it was changed outside the migrations`);
  });
});
