import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { importIssues } from '../src/importer';
import { createApp } from '../src/web/app';
import { loadConfig } from '../src/config';
import { freshDatabase, importRefused, pdfBytes, pngBytes, sampleManifest, tempDir, writeIssueFolder } from './helpers/fixtures';

/**
 * A paper's logo in the masthead (issue #18, item 1): an optional
 * `publication.logo` file of the issue folder, stored in the media store
 * (migration 011); without one the name is set in type.
 */

const NOW = Date.parse('2026-03-20T12:00:00+08:00');

function withLogo(date: string, logo: string | undefined) {
  const m = sampleManifest({ date });
  if (logo) m.publication.logo = logo;
  return m;
}

test('the masthead shows the logo with the paper name as its alt, kept by a later issue without one; a paper without shows its name', async () => {
  const dir = tempDir('logo-');
  const { db, mediaDir, file } = freshDatabase(dir);
  const first = await writeIssueFolder(path.join(dir, 'a'), withLogo('2026-03-14', 'masthead.png'));
  fs.writeFileSync(path.join(first, 'masthead.png'), pngBytes(320, 64, 120));
  const second = await writeIssueFolder(path.join(dir, 'b'), withLogo('2026-03-15', undefined));
  const other = await writeIssueFolder(path.join(dir, 'c'), sampleManifest({ date: '2026-03-15', slug: 'plain-paper', name: '无标报' }));
  await importIssues([first, second, other], { db, mediaDir });
  const app = createApp({ db, config: { ...loadConfig({ BASE_URL: 'https://epaper.test' }), databasePath: file, mediaDir }, now: () => NOW }).app;

  for (const url of ['/test-daily/2026-03-14/01', '/test-daily/2026-03-15/01/1', '/test-daily/archive']) {
    const html = (await request(app).get(url).expect(200)).text;
    const m = /<a class="brand" href="\/test-daily"><img class="brand-logo" src="(\/media\/[0-9a-f]{2}\/[0-9a-f]{32}\.png)" width="320" height="64" alt="([^"]*)"><\/a>/.exec(html);
    expect(m).not.toBeNull();
    expect(m![2]!.replace(/[\u2066-\u2069]/g, '')).toBe('测试日报');
    const img = await request(app).get(m![1]!).expect(200);
    expect(img.headers['content-type']).toBe('image/png');
  }
  const plain = (await request(app).get('/plain-paper/2026-03-15/01').expect(200)).text;
  expect(plain).toContain('<a class="brand" href="/plain-paper"><bdi>无标报</bdi></a>');
  expect(plain).not.toContain('brand-logo');
  db.close();
});

test('a logo that is not an image, or is missing, is refused naming publication.logo, and nothing is written', async () => {
  const bytes = await pdfBytes('not a logo');
  const pdf = await importRefused(withLogo('2026-03-14', 'logo.pdf'), (folder) => fs.writeFileSync(path.join(folder, 'logo.pdf'), bytes));
  expect(pdf.error.problems.map((p) => p.field)).toEqual(['publication.logo']);
  const missing = await importRefused(withLogo('2026-03-14', 'nowhere.png'));
  expect(missing.error.problems.map((p) => p.field)).toEqual(['publication.logo']);
  expect(missing.error.problems[0]!.message).toMatch(/nowhere\.png/);
});
