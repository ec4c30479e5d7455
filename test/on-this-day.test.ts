import path from 'node:path';
import request from 'supertest';
import { importIssues } from '../src/importer';
import { createApp } from '../src/web/app';
import { loadConfig } from '../src/config';
import { freshDatabase, sampleManifest, tempDir, writeIssueFolder } from './helpers/fixtures';

/**
 * 历史上的今天 (issue #20, item 6): beside a paper's front page (where the
 * paper's home lands) and on the issue view, the front pages of the same
 * month and day in earlier years, linked; nothing when there is none.
 */

const dir = tempDir('on-this-day-');
const { db, mediaDir } = freshDatabase(dir);
// Same day in 2024 and 2025 before the 2026 issue; other days around it; another paper on the same day.
const issues = [
  { date: '2024-03-15' }, { date: '2025-03-15' }, { date: '2025-03-16' }, { date: '2026-03-14' }, { date: '2026-03-15' },
  { date: '2027-03-15', publishAt: '2027-03-15T06:00:00+08:00' },
  { date: '2025-03-15', slug: 'other-paper', name: '另一报' },
];
const NOW = Date.parse('2026-03-20T12:00:00+08:00');

beforeAll(async () => {
  const folders = [];
  for (const [i, o] of issues.entries()) folders.push(await writeIssueFolder(path.join(dir, `issue-${i}`), sampleManifest(o)));
  await importIssues(folders, { db, mediaDir });
}, 60_000);
afterAll(() => db.close());

const app = () => createApp({ db, config: { ...loadConfig({ BASE_URL: 'https://epaper.test' }), databasePath: path.join(dir, 'test.db'), mediaDir }, now: () => NOW }).app;

/** The links of the 历史上的今天 section, with their captions, or null when there is no section. */
function onThisDay(html: string): { href: string; caption: string; img: string }[] | null {
  const section = /<section class="on-this-day"[^>]*>([\s\S]*?)<\/section>/.exec(html)?.[1];
  if (section === undefined) return null;
  expect(section).toContain('<h2 id="on-this-day-h">历史上的今天</h2>');
  return [...section.matchAll(/<li><a href="([^"]+)">[\s\S]*?<img src="([^"]+)"[^>]*alt="[^"]*"><\/picture>\s*<span>([^<]*)<\/span><\/a><\/li>/g)]
    .map((m) => ({ href: m[1]!, img: m[2]!, caption: m[3]! }));
}

test("the paper's front page lists the front pages of the same day in earlier years, newest first", async () => {
  const res = await request(app()).get('/test-daily/2026-03-15/01').expect(200);
  const links = onThisDay(res.text);
  expect(links?.map((l) => [l.href, l.caption])).toEqual([
    ['/test-daily/2025-03-15/01', '2025年 · 1年前'],
    ['/test-daily/2024-03-15/01', '2024年 · 2年前'],
  ]);
  for (const l of links!) {
    expect(l.img).toMatch(/^\/media\//);
    await request(app()).get(l.href).expect(200); // each link opens that issue's front page
  }
});

test("the paper's home lands on that page", async () => {
  const res = await request(app()).get('/test-daily').expect(302);
  expect(res.headers.location).toBe('/test-daily/2026-03-15/01');
});

test('the issue view shows them too; an earlier year lists its own earlier years only', async () => {
  expect(onThisDay((await request(app()).get('/test-daily/2026-03-15').expect(200)).text)?.map((l) => l.href)).toEqual([
    '/test-daily/2025-03-15/01', '/test-daily/2024-03-15/01',
  ]);
  expect(onThisDay((await request(app()).get('/test-daily/2025-03-15/01').expect(200)).text)?.map((l) => l.href)).toEqual(['/test-daily/2024-03-15/01']);
});

test('no section when no earlier year has the day, nor on pages other than the front page', async () => {
  expect(onThisDay((await request(app()).get('/test-daily/2024-03-15/01').expect(200)).text)).toBeNull();
  expect(onThisDay((await request(app()).get('/test-daily/2026-03-14/01').expect(200)).text)).toBeNull();
  expect(onThisDay((await request(app()).get('/test-daily/2026-03-15/02').expect(200)).text)).toBeNull();
});
