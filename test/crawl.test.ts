import { spawn } from 'node:child_process';
import path from 'node:path';

/**
 * The real-crawler check: the built server on a loopback port with a fresh
 * demo database, spidered by GNU wget from `/`, then every URL the sitemaps
 * list fetched, then the `.json` twin of each listed issue, page, article and
 * archive URL and each issue's IIIF manifest. See scripts/crawl-check.sh.
 */
test('wget finds no broken link from / and every sitemap URL answers 200', async () => {
  const script = path.join(__dirname, '..', 'scripts', 'crawl-check.sh');
  const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve, reject) => {
    const child = spawn('bash', [script], { cwd: path.join(__dirname, '..'), env: { ...process.env, KEEP_WORK: '0' }, timeout: 280_000 });
    let output = '';
    child.stdout.on('data', (c: Buffer) => { output += c.toString(); });
    child.stderr.on('data', (c: Buffer) => { output += c.toString(); });
    child.on('error', reject);
    child.on('close', (exitCode) => resolve({ code: exitCode, output }));
  });
  expect({ code, output }).toEqual({ code: 0, output: expect.stringContaining('crawl-check: ok') });
  expect(output).toMatch(/wget spidered \d+ URLs from \/ with no broken link/);
  expect(output).toMatch(/\d+ sitemaps, \d+ listed URLs, every one 200/);
  expect(output).toMatch(/[1-9]\d* \.json twins and IIIF manifests, every one 200 and JSON; none in the sitemaps/);
}, 300_000);
