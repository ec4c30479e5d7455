import fs from 'node:fs';
import path from 'node:path';
import { openWritableDatabase } from '../src/db/connection';
import { migrate, readMigrations, schemaVersion } from '../src/db/migrate';
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
});
