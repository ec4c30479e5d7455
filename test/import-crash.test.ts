import { spawn } from 'node:child_process';
import path from 'node:path';
import Database from 'better-sqlite3';
import { importIssues } from '../src/importer';
import { freshDatabase, sampleManifest, tempDir, writeIssueFolder, type ManifestJson } from './helpers/fixtures';
import { PROJECT_ROOT } from '../src/paths';

/** A big issue so that its write transaction takes long enough to be killed in the middle. */
function bigManifest(prefix: string): ManifestJson {
  const m = sampleManifest({ titlePrefix: prefix });
  const paragraph = `${prefix}区里召开推进会,部署老旧小区改造、加装电梯和社区养老服务等重点工作。`.repeat(12);
  for (const page of m.pages) {
    page.articles = Array.from({ length: 50 }, (_, i) => ({
      position: i + 1,
      title: `${prefix}第${page.number}版第${i + 1}篇`,
      body: Array.from({ length: 40 }, () => ({ type: 'paragraph', text: paragraph })),
    }));
  }
  return m;
}

function runImport(folder: string, dbFile: string, mediaDir: string, killAfterMs: number): Promise<{ killed: boolean; code: number | null }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(PROJECT_ROOT, 'dist/scripts/import.js'), '--quiet', folder], {
      env: { ...process.env, DATABASE_PATH: dbFile, MEDIA_DIR: mediaDir },
      stdio: 'ignore',
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ killed: signal === 'SIGKILL', code });
    });
  });
}

describe('a crash in the middle of an import', () => {
  test('SIGKILL at random moments leaves the old issue or the new one, never a mix, and an intact file', async () => {
    const dir = tempDir();
    const { db, file, mediaDir } = freshDatabase(dir);
    const v1 = await writeIssueFolder(path.join(dir, 'v1'), bigManifest('旧版'));
    const v2 = await writeIssueFolder(path.join(dir, 'v2'), bigManifest('新版'));
    await importIssues([v1], { db, mediaDir });
    db.close();

    // How long a full import takes here, so the kills spread over all of it.
    const t0 = Date.now();
    const full = await runImport(v1, file, mediaDir, 60_000);
    expect(full).toEqual({ killed: false, code: 0 });
    const fullMs = Date.now() - t0;

    const outcomes = new Set<string>();
    for (let i = 0; i < 8; i += 1) {
      const { killed } = await runImport(i % 2 ? v1 : v2, file, mediaDir, Math.round(((i + 1) / 8) * fullMs * 1.1));
      const check = new Database(file);
      expect(check.pragma('integrity_check', { simple: true })).toBe('ok');
      const titles = check.prepare('SELECT title FROM article').pluck().all() as string[];
      const counts = check.prepare('SELECT (SELECT count(*) FROM issue) AS issues, (SELECT count(*) FROM page) AS pages').get();
      check.close();
      expect(counts).toEqual({ issues: 1, pages: 2 });
      expect(titles).toHaveLength(100);
      const versions = new Set(titles.map((t) => t.slice(0, 2)));
      expect(versions.size).toBe(1); // all old or all new
      outcomes.add(`${killed ? 'killed' : 'finished'}`);
    }
    expect(outcomes.has('killed')).toBe(true);
  });
});
