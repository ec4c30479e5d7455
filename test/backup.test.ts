import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import Database from 'better-sqlite3';
import { backupDatabase } from '../src/db/backup';
import { importIssues } from '../src/importer';
import { putMediaFile } from '../src/importer/media-store';
import { validateIssueFolder } from '../src/importer/validate';
import { createIssueWriter } from '../src/importer/write';
import { openWritableDatabase } from '../src/db/connection';
import { PROJECT_ROOT } from '../src/paths';
import { SERVER, startServerProcess, type ServerProcess } from './helpers/server-process';
import { databaseWithSampleIssue, freshDatabase, sampleManifest, tempDir, writeIssueFolder, type ManifestJson } from './helpers/fixtures';

/**
 * Online backup (src/db/backup.ts, run by scripts/backup.ts): a copy taken while imports write and the
 * server reads is intact and consistent (every issue complete, one version per
 * issue), and restoring it by the documented procedure (docs/operations.md)
 * gives a server that serves the same pages byte for byte.
 *
 * Uses the compiled server, importer and backup script (dist/): run `npm run build` first.
 */

const IMPORTER = path.join(PROJECT_ROOT, 'dist/scripts/import.js');
const BACKUP = path.join(PROJECT_ROOT, 'dist/scripts/backup.js');
const VERSIONS = ['甲版', '乙版'] as const;
const DATES = ['2026-01-05', '2026-01-06', '2026-01-07', '2026-01-08'];
const SLUG = sampleManifest().publication.slug;
const BASE_URL = 'https://epaper.test';

/** Every server this file starts, stopped at the end whatever happened. */
const children = new Set<ChildProcess>();
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

beforeAll(() => {
  for (const f of [SERVER, IMPORTER, BACKUP]) {
    if (!fs.existsSync(f)) throw new Error(`${path.relative(PROJECT_ROOT, f)} is missing: run "npm run build" before this suite`);
  }
});

function issueManifest(date: string, prefix: string): ManifestJson {
  const m = sampleManifest({ date, titlePrefix: prefix });
  const paragraph = `${prefix}全区今年将推进老旧小区改造、加装电梯和社区养老服务等民生实事项目。`.repeat(6);
  for (const page of m.pages) {
    page.name = `${prefix}${page.name}`;
    page.articles = Array.from({ length: 30 }, (_, i) => ({
      position: i + 1,
      title: `${prefix}${date}第${page.number}版第${i + 1}篇`,
      body: Array.from({ length: 6 }, () => ({ type: 'paragraph', text: paragraph })),
    }));
  }
  return m;
}

/** Writes both versions of every issue; returns folder[date][version]. */
async function writeFolders(dir: string): Promise<Record<string, Record<string, string>>> {
  const out: Record<string, Record<string, string>> = {};
  for (const date of DATES) {
    out[date] = {};
    for (const v of VERSIONS) out[date][v] = await writeIssueFolder(path.join(dir, `${date}-${v}`), issueManifest(date, v));
  }
  return out;
}

/** Every issue complete and in one version; returns date → version. */
function checkConsistent(file: string): Record<string, string> {
  const db = new Database(file, { readonly: true });
  try {
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(db.pragma('foreign_key_check')).toEqual([]);
    const issues = db.prepare('SELECT id, date, page_count, article_count FROM issue ORDER BY date').all() as { id: number; date: string; page_count: number; article_count: number }[];
    expect(issues.map((i) => i.date)).toEqual(DATES);
    const versions: Record<string, string> = {};
    for (const issue of issues) {
      const pages = db.prepare('SELECT name FROM page WHERE issue_id = ?').pluck().all(issue.id) as string[];
      const titles = db.prepare('SELECT title FROM article WHERE issue_id = ?').pluck().all(issue.id) as string[];
      expect({ date: issue.date, pages: pages.length, articles: titles.length }).toEqual({ date: issue.date, pages: issue.page_count, articles: issue.article_count });
      expect(issue.article_count).toBe(60);
      const seen = new Set([...pages, ...titles].map((t) => t.slice(0, 2)));
      expect([issue.date, seen.size]).toEqual([issue.date, 1]);
      versions[issue.date] = [...seen][0];
    }
    // The search index holds exactly the articles there are (it is written in the same transaction).
    expect(db.prepare('SELECT count(*) FROM article_fts').pluck().get()).toBe(db.prepare('SELECT count(*) FROM article').pluck().get());
    return versions;
  } finally {
    db.close();
  }
}

function run(script: string, args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [script, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}


function get(port: number, url: string): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: url, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.setTimeout(20_000, () => req.destroy(new Error(`timeout ${url}`)));
    req.on('error', reject);
  });
}

/** The server on a database, as the operator runs it. */
function startServer(dbFile: string, mediaDir: string): Promise<ServerProcess> {
  return startServerProcess({ DATABASE_PATH: dbFile, MEDIA_DIR: mediaDir, BASE_URL }, children);
}

const pad = (n: number) => String(n).padStart(2, '0');
const pageUrls = [
  '/', `/${SLUG}/archive`, `/${SLUG}/archive/2026/01`, `/${SLUG}/feed.xml`, '/sitemap.xml',
  ...DATES.flatMap((d) => [`/${SLUG}/${d}`, `/${SLUG}/${d}/01`, `/${SLUG}/${d}/02`, `/${SLUG}/${d}/01/1`, `/${SLUG}/${d}/01/30`, `/${SLUG}/${d}/${pad(2)}/15`]),
];

describe('npm run backup -- FILE', () => {
  test('prints size and duration; refuses to overwrite without --force; one-line errors, non-zero exit', async () => {
    const { dir, file } = await databaseWithSampleIssue('epaper-backup-cli-');
    const target = path.join(dir, 'copy.db');
    const env = { DATABASE_PATH: file };

    const first = await run(BACKUP, [target], env);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(new RegExp(`written to ${target.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: [\\d.]+ (B|KiB|MiB|GiB) \\(\\d+ pages\\) in \\d+\\.\\d\\d s`));
    expect(fs.existsSync(`${target}-wal`)).toBe(false); // one self-contained file
    checkCopy(target);

    const again = await run(BACKUP, [target], env);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toBe(`error: ${target} already exists: refusing to overwrite it (use --force, or choose another name)\n`);

    fs.writeFileSync(target, 'an old file in the way');
    const forced = await run(BACKUP, ['--force', target], env);
    expect(forced.code).toBe(0);
    checkCopy(target);

    const cases: [string[], Record<string, string>, RegExp][] = [
      [[path.join(dir, 'x.db')], { DATABASE_PATH: path.join(dir, 'missing.db') }, /^error: database .*missing\.db does not exist \(set DATABASE_PATH\)\n$/],
      [[path.join(dir, 'no', 'such', 'folder', 'x.db')], env, /^error: folder .* does not exist: create it first\n$/],
      [[file], env, /^error: the backup file must not be the database itself\n$/],
      [[], env, /^error: no backup file given\nusage: /],
      [['--bogus', 'x.db'], env, /^error: unknown option --bogus\nusage: /],
    ];
    fs.writeFileSync(path.join(dir, 'junk.db'), 'not a database at all, just text');
    cases.push([[path.join(dir, 'y.db')], { DATABASE_PATH: path.join(dir, 'junk.db') }, /^error: database .*junk\.db cannot be read \(file is not a database\)\n$/]);
    for (const [args, e, expected] of cases) {
      const r = await run(BACKUP, args, e);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(expected);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    expect(fs.existsSync(path.join(dir, 'x.db')) || fs.existsSync(path.join(dir, 'y.db'))).toBe(false);
    expect(fs.readdirSync(dir).filter((f) => f.includes('.partial'))).toEqual([]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  function checkCopy(file: string): void {
    const copy = new Database(file, { readonly: true });
    expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(copy.pragma('journal_mode', { simple: true })).toBe('delete');
    expect(copy.prepare('SELECT count(*) FROM article').pluck().get()).toBe(3);
    copy.close();
  }
});

describe('a consistent online copy', () => {
  test('a commit in the middle of the backup restarts it: the copy is consistent and holds the committed state', async () => {
    const dir = tempDir('epaper-backup-restart-');
    const { db, file, mediaDir } = freshDatabase(dir);
    const folders = await writeFolders(dir);
    await importIssues(DATES.map((d) => folders[d][VERSIONS[0]]), { db, mediaDir });
    db.close();
    const next = validateIssueFolder(folders[DATES[2]][VERSIONS[1]]);
    for (const m of next.media) putMediaFile(mediaDir, m.storePath, m.sourcePath);
    const writer = openWritableDatabase(file);
    const write = createIssueWriter(writer);

    let steps = 0;
    const result = await backupDatabase(file, path.join(dir, 'copy.db'), {
      stepPages: 4,
      onProgress: () => {
        steps += 1;
        if (steps === 3) write.write(next, null); // another connection commits between two steps
      },
    });
    writer.close();
    expect(steps).toBeGreaterThan(3);
    expect(result.restarts).toBeGreaterThanOrEqual(1);
    expect(checkConsistent(result.file)).toEqual({ [DATES[0]]: VERSIONS[0], [DATES[1]]: VERSIONS[0], [DATES[2]]: VERSIONS[1], [DATES[3]]: VERSIONS[0] });
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('while imports run in another process and the server reads; the restored copy serves the same pages byte for byte', async () => {
    const dir = tempDir('epaper-backup-online-');
    const { db, file, mediaDir } = freshDatabase(dir);
    const folders = await writeFolders(dir);
    await importIssues(DATES.map((d) => folders[d][VERSIONS[0]]), { db, mediaDir });
    db.close();
    const server = await startServer(file, mediaDir);

    let running = true;
    let imports = 0;
    const importErrors: string[] = [];
    const importLoop = (async () => {
      for (let i = 0; running; i += 1) {
        const date = DATES[i % DATES.length];
        const r = await run(IMPORTER, ['--quiet', folders[date][VERSIONS[(Math.floor(i / DATES.length) + 1) % 2]]], { DATABASE_PATH: file, MEDIA_DIR: mediaDir });
        if (r.code !== 0) importErrors.push(r.stderr);
        else imports += 1;
      }
    })();
    let reads = 0;
    const readErrors: string[] = [];
    const readLoop = (async () => {
      for (let i = 0; running; i += 1) {
        const url = pageUrls[i % pageUrls.length];
        const res = await get(server.port, url);
        reads += 1;
        if (res.status !== 200) readErrors.push(`${res.status} ${url}`);
      }
    })();

    const backups: { file: string; versions: Record<string, string>; importsBefore: number }[] = [];
    try {
      // Let the importer get going, then take backups while it keeps writing.
      const deadline = Date.now() + 30_000;
      while (imports < 2) {
        if (importErrors.length > 0) throw new Error(`import failed: ${importErrors[0]}`);
        if (Date.now() > deadline) throw new Error('the import loop made no progress in 30 s');
        await new Promise((r) => setTimeout(r, 50));
      }
      for (let k = 0; k < 3; k += 1) {
        const target = path.join(dir, `backup-${k}.db`);
        const importsBefore = imports;
        const r = await run(BACKUP, [target], { DATABASE_PATH: file });
        expect(r.stderr).toBe('');
        expect(r.code).toBe(0);
        backups.push({ file: target, versions: checkConsistent(target), importsBefore });
        await new Promise((r2) => setTimeout(r2, 300));
      }
      // One more in-process with small steps, so that commits land in the middle of it.
      const small = await backupDatabase(file, path.join(dir, 'backup-small.db'), { stepPages: 2 });
      backups.push({ file: small.file, versions: checkConsistent(small.file), importsBefore: imports });
    } finally {
      running = false;
      await Promise.all([importLoop, readLoop]);
      if (backups.length < 4) await server.stop();
    }
    expect(importErrors).toEqual([]);
    expect(readErrors).toEqual([]);
    expect(imports).toBeGreaterThan(backups[0].importsBefore); // the imports really ran alongside
    expect(reads).toBeGreaterThan(20);
    expect((await server.stop()).code).toBe(0);

    // What the backup holds, served straight from a pristine copy of it.
    const chosen = backups[backups.length - 2];
    const pristine = path.join(dir, 'pristine', 'epaper.db');
    fs.mkdirSync(path.dirname(pristine));
    fs.copyFileSync(chosen.file, pristine);
    const reference = await startServer(pristine, mediaDir);
    const expected = new Map<string, Buffer>();
    try {
      for (const url of pageUrls) {
        const res = await get(reference.port, url);
        expect(`${res.status} ${url}`).toBe(`200 ${url}`);
        expected.set(url, res.body);
      }
    } finally {
      expect((await reference.stop()).code).toBe(0);
    }
    // Each issue page shows the version the copy holds.
    for (const date of DATES) expect(expected.get(`/${SLUG}/${date}`)!.toString()).toContain(`${chosen.versions[date]}${date}第1版第1篇`);

    // The documented restore: stop the server, replace the file, remove the stale -wal/-shm, start.
    expect(fs.existsSync(`${file}-wal`) || fs.existsSync(`${file}-shm`)).toBe(true); // left by the live database
    fs.copyFileSync(chosen.file, file);
    fs.rmSync(`${file}-wal`, { force: true });
    fs.rmSync(`${file}-shm`, { force: true });
    const restored = await startServer(file, mediaDir);
    try {
      for (const url of pageUrls) {
        const res = await get(restored.port, url);
        expect(`${res.status} ${url}`).toBe(`200 ${url}`);
        expect(res.body.equals(expected.get(url)!)).toBe(true);
      }
    } finally {
      expect((await restored.stop()).code).toBe(0);
    }
    expect(checkConsistent(file)).toEqual(chosen.versions);
    fs.rmSync(dir, { recursive: true, force: true });
  }, 90_000);
});
