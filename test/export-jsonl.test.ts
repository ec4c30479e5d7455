import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import request from 'supertest';
import { exportArticlesJsonl } from '../src/export/jsonl';
import { demoApp, testConfig } from './helpers/app';
import { AFTER_DEMO, DEMO_END_DATE } from './helpers/demo-constants';
import { tempDir } from './helpers/fixtures';

/**
 * The bulk export (docs/api.md, "Bulk data"): one JSON line per published
 * article, streamed with backpressure, each line the data its article page's
 * `.json` twin gives.
 */

const { app, db, config } = demoApp();

async function exportToString(now = () => AFTER_DEMO): Promise<{ text: string; articles: number }> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const { articles } = await exportArticlesJsonl({ db, config, out, now });
  out.end();
  return { text: Buffer.concat(chunks).toString('utf8'), articles };
}

/* eslint-disable @typescript-eslint/no-explicit-any */
type Json = any;

test('one line per published article, each one JSON that round-trips byte for byte', async () => {
  const { text, articles } = await exportToString();
  const count = db.prepare('SELECT count(*) FROM article a JOIN issue i ON i.id = a.issue_id WHERE i.publish_at <= ?').pluck().get(AFTER_DEMO) as number;
  expect(count).toBeGreaterThan(100);
  expect(text.endsWith('\n')).toBe(true);
  const lines = text.slice(0, -1).split('\n');
  expect(lines).toHaveLength(count);
  expect(articles).toBe(count);
  for (const line of lines) expect(JSON.stringify(JSON.parse(line))).toBe(line);
  // Every article once, by its canonical URL.
  expect(new Set(lines.map((l) => (JSON.parse(l) as Json).url)).size).toBe(count);
});

test('a line carries what the article\'s own .json says: paper, date, page, region, titles, byline, text, URL', async () => {
  const { text } = await exportToString();
  const lines = text.trim().split('\n').map((l) => JSON.parse(l) as Json);
  // A sample across the file: the first, one in the middle, the last.
  for (const line of [lines[0], lines[Math.floor(lines.length / 2)], lines[lines.length - 1]]) {
    const path = new URL(line.url as string).pathname;
    const data = JSON.parse((await request(app).get(`${path}.json`).expect(200)).text) as Json;
    expect(line).toEqual({
      paper: data.paper.slug,
      paperName: data.paper.name,
      language: data.paper.language,
      date: data.issue.date,
      issueNumber: expect.any(Number),
      page: data.page.number,
      pageLabel: data.page.label,
      pageName: data.page.name,
      position: data.article.position,
      kicker: data.article.kicker,
      title: data.article.title,
      subtitle: data.article.subtitle,
      byline: data.article.byline,
      region: data.article.regions[0].polygon,
      regions: data.article.regions.map((r: Json) => ({ page: r.page, polygon: r.polygon })),
      pageImage: expect.objectContaining({ url: expect.stringMatching(/^https:\/\/epaper\.test\/media\//) }),
      text: data.article.text,
      url: data.article.url,
      json: data.article.json,
    });
    // The region is in the master's pixels: inside the page image the line names.
    for (const [x, y] of line.region as [number, number][]) {
      expect(x).toBeLessThanOrEqual(line.pageImage.width);
      expect(y).toBeLessThanOrEqual(line.pageImage.height);
    }
  }
  expect(lines[0].date <= lines[lines.length - 1].date || lines[0].paper !== lines[lines.length - 1].paper).toBe(true);
});

test('embargoed issues are left out', async () => {
  const before = Date.parse(`${DEMO_END_DATE}T00:00:00+08:00`);
  const { text } = await exportToString(() => before);
  const lines = text.trim().split('\n').map((l) => JSON.parse(l) as Json);
  expect(lines.length).toBe(db.prepare('SELECT count(*) FROM article a JOIN issue i ON i.id = a.issue_id WHERE i.publish_at <= ?').pluck().get(before));
  expect(lines.some((l) => l.date === DEMO_END_DATE)).toBe(false);
});

test('it streams: it waits for a slow reader instead of buffering the archive', async () => {
  let maxBuffered = 0;
  let bytes = 0;
  let waits = 0;
  // A reader that takes each chunk a tick later and holds at most 4 KiB before asking the writer to wait.
  const slow = new Writable({
    highWaterMark: 4096,
    write(chunk: Buffer, _enc, done) {
      bytes += chunk.length;
      setImmediate(done);
    },
  });
  const write = slow.write.bind(slow);
  slow.write = ((chunk: Buffer | string, ...rest: unknown[]) => {
    const ok = (write as (...a: unknown[]) => boolean)(chunk, ...rest);
    maxBuffered = Math.max(maxBuffered, slow.writableLength);
    if (!ok) waits += 1;
    return ok;
  }) as typeof slow.write;
  const { bytes: written } = await exportArticlesJsonl({ db, config, out: slow, now: () => AFTER_DEMO });
  await new Promise<void>((resolve) => slow.end(resolve));
  expect(bytes).toBe(written);
  // The archive is many times the reader's buffer (the typeset demo: about 400 KB).
  expect(written).toBeGreaterThan(50 * 4096);
  expect(waits).toBeGreaterThan(10);
  // Never more than the buffer plus the one line that filled it.
  const longestLine = Math.max(...(await exportToString()).text.split('\n').map((l) => Buffer.byteLength(l) + 1));
  expect(maxBuffered).toBeLessThanOrEqual(4096 + longestLine);
});

describe('npm run export -- --jsonl', () => {
  const script = path.join(__dirname, '..', 'dist', 'scripts', 'export.js');
  const run = (args: string[]) => spawnSync(process.execPath, [script, ...args], {
    env: { ...process.env, DATABASE_PATH: testConfig().databasePath, MEDIA_DIR: testConfig().mediaDir, BASE_URL: 'https://mirror.test', LOG_LEVEL: 'warn' },
    encoding: 'utf8',
    timeout: 60_000,
    maxBuffer: 256 * 1024 * 1024,
  });
  const built = fs.existsSync(script) && fs.statSync(script).mtimeMs >= fs.statSync(path.join(__dirname, '..', 'src', 'export', 'jsonl.ts')).mtimeMs;

  test('writes the file (renamed into place at the end) and says how many articles; refuses to overwrite without --force', () => {
    if (!built) throw new Error('dist/scripts/export.js is missing or older than src/export/jsonl.ts: run `npm run build` first');
    const dir = tempDir('epaper-jsonl-');
    const file = path.join(dir, 'articles.jsonl');
    const first = run(['--jsonl', file]);
    expect(first.stderr).toMatch(/^exported (\d+) articles \([\d.]+ MiB\) to .*articles\.jsonl in [\d.]+ s$/m);
    expect(first.status).toBe(0);
    const lines = fs.readFileSync(file, 'utf8').trim().split('\n');
    expect(String(lines.length)).toBe(/exported (\d+) articles/.exec(first.stderr)![1]);
    expect((JSON.parse(lines[0]!) as Json).url).toMatch(/^https:\/\/mirror\.test\//);
    expect(fs.readdirSync(dir)).toEqual(['articles.jsonl']);
    const again = run(['--jsonl', file]);
    expect(again.status).not.toBe(0);
    expect(again.stderr).toContain('--force');
    expect(run(['--jsonl', file, '--force']).status).toBe(0);
    const stdout = run(['--jsonl', '-']);
    expect(stdout.status).toBe(0);
    expect(stdout.stdout.trim().split('\n')).toHaveLength(lines.length);
    expect(run(['--jsonl']).status).not.toBe(0);
    expect(run(['--jsonl', file, 'somedir']).status).not.toBe(0);
  });
});
