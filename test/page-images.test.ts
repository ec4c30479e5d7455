import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import request from 'supertest';
import { loadConfig } from '../src/config';
import type { Db } from '../src/db/connection';
import { createPageImageQueries } from '../src/db/page-image-queries';
import { iiifInfoSchema, type PageDerivatives } from '../src/domain/page-images';
import { importIssues } from '../src/importer';
import { renditionWidths } from '../src/importer/renditions';
import { createApp } from '../src/web/app';
import { freshDatabase, sampleManifest, snapshot, tempDir, writeIssueFolder } from './helpers/fixtures';

const BASE_URL = 'https://epaper.example.cn/zh';
const W = 1000;
const H = 1400;

/** A page image with structure in it (bands of colour and dark "text" bars), so the encoders have something to do. */
async function pageJpeg(width: number, height: number, seed: number): Promise<Buffer> {
  const raw = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      const text = y % 24 < 14 && x % 180 < 160 && (x * 7 + y * seed) % 11 < 6;
      raw[i] = text ? 30 : 240 - ((y * 50) / height) | 0;
      raw[i + 1] = text ? 30 : 236 - ((x * 40) / width) | 0;
      raw[i + 2] = text ? 40 : (210 + seed * 5) & 0xff;
    }
  }
  return sharp(raw, { raw: { width, height, channels: 3 } }).jpeg({ quality: 92 }).toBuffer();
}

/** The sample issue with page 1 replaced by a JPEG of W × H (page 2 stays the fixtures' 200 × 280 PNG). */
async function issueFolder(dir: string, seed: number): Promise<string> {
  const manifest = sampleManifest();
  manifest.pages[0].image = 'pages/01.jpg';
  const folder = await writeIssueFolder(dir, manifest);
  fs.writeFileSync(path.join(folder, 'pages/01.jpg'), await pageJpeg(W, H, seed));
  return folder;
}

function pageIds(db: Db): number[] {
  return (db.prepare('SELECT id FROM page ORDER BY number').all() as { id: number }[]).map((r) => r.id);
}

function counts(db: Db): Record<string, number> {
  const n = (t: string) => (db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n;
  return { page_rendition: n('page_rendition'), tile_set: n('tile_set'), page_tiles: n('page_tiles') };
}

function app(db: Db, mediaDir: string) {
  return createApp({ db, config: { ...loadConfig({ BASE_URL }), mediaDir, cacheBytes: 0 } }).app;
}

/** The site path of a URL under BASE_URL. */
function sitePath(url: string): string {
  expect(url.startsWith(`${BASE_URL}/`)).toBe(true);
  return url.slice(BASE_URL.length);
}

/** An image answer's body (superagent buffers image/* types). */
function imageBody(res: request.Response): Buffer {
  expect(Buffer.isBuffer(res.body)).toBe(true);
  return res.body as Buffer;
}

async function imported() {
  const dir = tempDir('page-images-');
  const { db, mediaDir } = freshDatabase(dir);
  await importIssues([await issueFolder(path.join(dir, 'v1'), 1)], { db, mediaDir });
  return { dir, db, mediaDir, queries: createPageImageQueries(db) };
}

describe('page renditions made at import', () => {
  test('every page gets WebP and JPEG renditions at the planned widths, never upscaled, recorded with their size and format', async () => {
    const { db, mediaDir, queries } = await imported();
    const [p1, p2] = pageIds(db);

    const one = queries.pageImages(p1!);
    const widths = (purpose: string, format: string) => one.renditions.filter((r) => r.purpose === purpose && r.format === format).map((r) => r.width);
    expect(renditionWidths(W)).toEqual([480, 800, 1000]);
    for (const format of ['webp', 'jpeg']) {
      expect(widths('page', format)).toEqual([480, 800, 1000]);
      expect(widths('thumbnail', format)).toEqual([240]);
    }
    // A 200 px master: one page rendition and a thumbnail, both 200 px wide.
    const two = queries.pageImages(p2!);
    expect(two.renditions.map((r) => `${r.purpose} ${r.format} ${r.width}x${r.height}`).sort()).toEqual(
      ['page jpeg 200x280', 'page webp 200x280', 'thumbnail jpeg 200x280', 'thumbnail webp 200x280'],
    );

    for (const r of [...one.renditions, ...two.renditions]) {
      const file = path.join(mediaDir, r.path);
      const meta = await sharp(file).metadata();
      expect(meta.format).toBe(r.format);
      expect([meta.width, meta.height]).toEqual([r.width, r.height]);
      expect(fs.statSync(file).size).toBe(r.size);
      expect(r.path.endsWith(r.format === 'jpeg' ? '.jpg' : '.webp')).toBe(true);
    }
    // Heights keep the page's proportions.
    for (const r of one.renditions) expect(Math.abs(r.height - (r.width * H) / W)).toBeLessThanOrEqual(1);
    // WebP pays for itself at every width.
    for (const w of [480, 800, 1000]) {
      const size = (f: string) => one.renditions.find((r) => r.purpose === 'page' && r.format === f && r.width === w)!.size;
      expect(size('webp')).toBeLessThan(size('jpeg'));
    }
    // Each is also a media row of the store.
    const media = db.prepare('SELECT content_type, size, width, height FROM media WHERE path = ?');
    for (const r of one.renditions) {
      expect(media.get(r.path)).toEqual({ content_type: r.format === 'webp' ? 'image/webp' : 'image/jpeg', size: r.size, width: r.width, height: r.height });
    }
    // The issue's query says the same, page by page.
    const ofIssue = queries.pageImagesOfIssue((db.prepare('SELECT id FROM issue').get() as { id: number }).id);
    expect(ofIssue.get(p1!)).toEqual(one);
    expect(ofIssue.get(p2!)).toEqual(two);
    db.close();
  });

  test('renditions are served from /media with immutable caching', async () => {
    const { db, mediaDir, queries } = await imported();
    const r = queries.pageImages(pageIds(db)[0]!).renditions.find((x) => x.format === 'webp' && x.width === 480)!;
    const res = await request(app(db, mediaDir)).get(`/media/${r.path}`).expect(200);
    expect(res.headers['content-type']).toBe('image/webp');
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect((await sharp(imageBody(res)).metadata()).width).toBe(480);
    db.close();
  });
});

describe('the page and issue views serve them', () => {
  /** The srcset of the <source> of this type in a <picture>, as "path width" pairs. */
  const srcset = (html: string, type: string): string[] =>
    (new RegExp(`<source type="${type}" srcset="([^"]+)" sizes="[^"]+">`).exec(html)?.[1] ?? '').split(', ').filter(Boolean);

  test('the page view: WebP and JPEG srcsets of every page rendition, the master\'s size on <img>, 放大 to the master and its tiles', async () => {
    const { db, mediaDir, queries } = await imported();
    const site = request(app(db, mediaDir));
    const derived = queries.pageImages(pageIds(db)[0]!);
    const master = db.prepare('SELECT image_path FROM page ORDER BY number LIMIT 1').pluck().get() as string;
    const html = (await site.get('/test-daily/2026-01-05/01').expect(200)).text;
    for (const [format, type] of [['webp', 'image/webp'], ['jpeg', 'image/jpeg']] as const) {
      const expected = derived.renditions.filter((r) => r.purpose === 'page' && r.format === format).map((r) => `/media/${r.path} ${r.width}w`);
      expect(expected.map((e) => e.split(' ')[1])).toEqual(renditionWidths(W).map((w) => `${w}w`));
      expect(srcset(html, type)).toEqual(expected);
    }
    const img = /<img src="([^"]+)" width="(\d+)" height="(\d+)" fetchpriority="high"/.exec(html)!;
    expect(img[1]).toMatch(/\.jpg$/);
    expect([Number(img[2]), Number(img[3])]).toEqual([W, H]);
    expect(html).toContain(`<a class="zoom-link" href="/media/${master}" data-zoom="viewer">放大</a>`);
    const info = /data-zoom-info="([^"]+)"/.exec(html)![1]!;
    expect(info).toBe(`/iiif/${derived.tiles!.id}/info.json`);
    await site.get(info).expect(200);
    const viewer = /data-zoom-viewer="([^"]+)"/.exec(html)![1]!;
    const js = await site.get(viewer).expect(200);
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    const images = /data-zoom-images="([^"]+)"/.exec(html)![1]!;
    expect((await site.get(`${images}zoomin_rest.png`).expect(200)).headers['content-type']).toBe('image/png');
    // Only the build file and its images, only the installed version.
    await site.get(`${images}../openseadragon.js.map`).expect(404);
    await site.get(viewer.replace(/\/\d+\.\d+\.\d+\//, '/0.0.1/')).expect(404);
    db.close();
  });

  test('the issue view\'s thumbnails use the thumbnail rendition', async () => {
    const { db, mediaDir, queries } = await imported();
    const html = (await request(app(db, mediaDir)).get('/test-daily/2026-01-05').expect(200)).text;
    const thumb = queries.pageImages(pageIds(db)[0]!).renditions.find((r) => r.purpose === 'thumbnail' && r.format === 'webp')!;
    expect(thumb.width).toBe(240);
    expect(srcset(html, 'image/webp')[0]).toBe(`/media/${thumb.path} 240w`);
    db.close();
  });

  test('a page without renditions (imported before they existed) shows its master, at its size', async () => {
    const { db, mediaDir } = await imported();
    const [first] = pageIds(db);
    db.prepare('DELETE FROM page_rendition WHERE page_id = ?').run(first);
    const master = db.prepare('SELECT image_path FROM page WHERE id = ?').pluck().get(first) as string;
    const html = (await request(app(db, mediaDir)).get('/test-daily/2026-01-05/01').expect(200)).text;
    expect(html).toContain(`<picture><img src="/media/${master}" width="${W}" height="${H}" fetchpriority="high"`);
    db.close();
  });
});

describe('IIIF level-0 tiles made at import', () => {
  test('info.json is a valid Image API 3 level-0 description whose id is the absolute URL it is served from', async () => {
    const { db, mediaDir, queries } = await imported();
    const tiles = queries.pageImages(pageIds(db)[0]!).tiles!;
    expect(tiles).toMatchObject({ width: W, height: H, tileSize: 512 });
    expect(tiles.id).toMatch(/^[0-9a-f]{32}$/);

    const res = await request(app(db, mediaDir)).get(`/iiif/${tiles.id}/info.json`).expect(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.headers['cross-origin-resource-policy']).toBe('cross-origin');
    const info = iiifInfoSchema.parse(res.body);
    expect(info).toMatchObject({
      '@context': 'http://iiif.io/api/image/3/context.json',
      id: `${BASE_URL}/iiif/${tiles.id}`,
      type: 'ImageService3',
      protocol: 'http://iiif.io/api/image',
      profile: 'level0',
      width: W,
      height: H,
      tiles: [{ width: 512, scaleFactors: [1, 2, 4] }],
    });
    // Every size listed is a whole-image file a level-0 server can answer.
    expect(info.sizes.length).toBeGreaterThan(0);
    for (const s of info.sizes) {
      const img = await request(app(db, mediaDir)).get(`${sitePath(info.id)}/full/${s.width},${s.height}/0/default.jpg`).expect(200);
      expect(await sharp(imageBody(img)).metadata()).toMatchObject({ format: 'jpeg', width: s.width, height: s.height });
    }
    // A revalidation answers 304.
    await request(app(db, mediaDir)).get(`/iiif/${tiles.id}/info.json`).set('If-None-Match', res.headers.etag!).expect(304);
    // The tile set on disk: what the database says.
    const folder = path.join(mediaDir, 'iiif', tiles.id);
    const files = fs.readdirSync(folder, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
    expect(files.length).toBe(tiles.files);
    expect(files.reduce((n, e) => n + fs.statSync(path.join(e.parentPath, e.name)).size, 0)).toBe(tiles.bytes);
    // No scratch folder or libvips properties file is left in the store.
    expect(fs.readdirSync(path.join(mediaDir, 'iiif')).filter((f) => !/^[0-9a-f]{32}$/.test(f))).toEqual([]);
    db.close();
  });

  test('tile URLs built from info.json answer images of the expected size, cacheable and open to other origins', async () => {
    const { db, mediaDir, queries } = await imported();
    const tiles = queries.pageImages(pageIds(db)[0]!).tiles!;
    const site = app(db, mediaDir);
    const info = iiifInfoSchema.parse((await request(site).get(`/iiif/${tiles.id}/info.json`).expect(200)).body);
    const base = sitePath(info.id);
    const { width: tw, scaleFactors } = info.tiles[0]!;
    // The bottom-right tile at full resolution, and the top-left one at scale factor 2, as a IIIF viewer computes them.
    const cases = [
      { sf: 1, x: 512, y: 1024 },
      { sf: 2, x: 0, y: 0 },
    ];
    for (const { sf, x, y } of cases) {
      expect(scaleFactors).toContain(sf);
      const rw = Math.min(tw * sf, W - x);
      const rh = Math.min(tw * sf, H - y);
      const [sw, sh] = [Math.ceil(rw / sf), Math.ceil(rh / sf)];
      const res = await request(site).get(`${base}/${x},${y},${rw},${rh}/${sw},${sh}/0/default.jpg`).expect(200);
      expect(res.headers['content-type']).toBe('image/jpeg');
      expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(res.headers['access-control-allow-origin']).toBe('*');
      expect(res.headers['cross-origin-resource-policy']).toBe('cross-origin');
      expect(await sharp(imageBody(res)).metadata()).toMatchObject({ format: 'jpeg', width: sw, height: sh });
    }
    // Anything else under /iiif is a 404, never a path outside the tile set.
    for (const bad of [
      `${base}/0,0,512,512/512,512/90/default.jpg`,
      `${base}/0,0,512,512/512,512/0/default.png`,
      `${base}/0,0,1,1/1,1/0/default.jpg`,
      `/iiif/${'0'.repeat(32)}/info.json`,
      '/iiif/..%2f..%2fetc/info.json',
      `${base}/..%2f..%2f/512,512/0/default.jpg`,
    ]) {
      await request(site).get(bad).expect(404);
    }
    db.close();
  });
});

describe('re-imports and failures', () => {
  test('a re-import replaces the issue\'s renditions and tiles; the old files stay in the store', async () => {
    const { dir, db, mediaDir, queries } = await imported();
    const before = queries.pageImages(pageIds(db)[0]!);
    await importIssues([await issueFolder(path.join(dir, 'v2'), 2)], { db, mediaDir });
    const [p1, p2] = pageIds(db);
    const after = queries.pageImages(p1!);
    expect(after.tiles!.id).not.toBe(before.tiles!.id);
    const oldPaths = new Set(before.renditions.map((r) => r.path));
    expect(after.renditions.filter((r) => oldPaths.has(r.path))).toEqual([]);
    expect(after.renditions).toHaveLength(before.renditions.length);
    // Only the new issue's rows: 8 renditions of page 1, 4 of page 2; one tile set per page.
    expect(counts(db)).toEqual({ page_rendition: 12, tile_set: 3, page_tiles: 2 });
    expect(queries.pageImages(p2!).renditions).toHaveLength(4);
    // The new info.json is served; the old files are still there (immutable names: caches may hold them).
    await request(app(db, mediaDir)).get(`/iiif/${after.tiles!.id}/info.json`).expect(200);
    for (const r of before.renditions) expect(fs.existsSync(path.join(mediaDir, r.path))).toBe(true);
    db.close();
  });

  test('importing the same page image again finds its renditions and tiles in the store', async () => {
    const { dir, db, mediaDir, queries } = await imported();
    const before = queries.pageImages(pageIds(db)[0]!);
    const stamps = before.renditions.map((r) => fs.statSync(path.join(mediaDir, r.path)).mtimeMs);
    const folder = await issueFolder(path.join(dir, 'again'), 1);
    await importIssues([folder], { db, mediaDir });
    const after = queries.pageImages(pageIds(db)[0]!);
    expect(after).toEqual(before);
    expect(after.renditions.map((r) => fs.statSync(path.join(mediaDir, r.path)).mtimeMs)).toEqual(stamps);
    db.close();
  });

  test('an import that fails inside its transaction leaves none of its rows, and the previous issue keeps its images', async () => {
    const { dir, db, mediaDir, queries } = await imported();
    const p1 = pageIds(db)[0]!;
    const before: PageDerivatives = queries.pageImages(p1);
    const rowsBefore = counts(db);
    const dbBefore = snapshot(db);
    // A fault after the page's renditions are written, inside the issue's transaction.
    db.exec("CREATE TEMP TRIGGER fail_tiles BEFORE INSERT ON page_tiles BEGIN SELECT RAISE(ABORT, 'injected fault'); END");
    await expect(importIssues([await issueFolder(path.join(dir, 'v2'), 3)], { db, mediaDir })).rejects.toThrow(/injected fault/);
    db.exec('DROP TRIGGER fail_tiles');
    expect(counts(db)).toEqual(rowsBefore);
    expect(snapshot(db)).toBe(dbBefore);
    expect(queries.pageImages(p1)).toEqual(before);
    db.close();
  });

  test('an import without tiles records renditions and no tile set', async () => {
    const dir = tempDir('page-images-');
    const { db, mediaDir } = freshDatabase(dir);
    await importIssues([await issueFolder(path.join(dir, 'v1'), 1)], { db, mediaDir, pageImages: { tiles: false } });
    expect(counts(db)).toEqual({ page_rendition: 12, tile_set: 0, page_tiles: 0 });
    expect(fs.existsSync(path.join(mediaDir, 'iiif'))).toBe(false);
    db.close();
  });

  // Needs root to mount a small tmpfs for the media store (as test/faults.test.ts does).
  const asRoot = process.getuid?.() === 0 ? test : test.skip;
  asRoot('a full media volume while making tiles is reported as one, naming MEDIA_DIR, and leaves no rows and no half tile set', async () => {
    const dir = tempDir('page-images-full-');
    const folder = await issueFolder(path.join(dir, 'v1'), 1);
    // Everything but the tiles is already in the store, so only the tiles need room.
    const first = freshDatabase();
    await importIssues([folder], { db: first.db, mediaDir: first.mediaDir, pageImages: { tiles: false } });
    first.db.close();
    const volume = path.join(dir, 'volume');
    fs.mkdirSync(volume);
    expect(spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', volume]).status).toBe(0);
    try {
      const mediaDir = path.join(volume, 'media');
      fs.cpSync(first.mediaDir, mediaDir, { recursive: true });
      const { bavail, bsize } = fs.statfsSync(volume);
      fs.writeFileSync(path.join(volume, 'filler'), Buffer.alloc(Math.max(0, bavail * bsize - 16 * 1024)));
      const { db } = freshDatabase();
      const before = snapshot(db);
      await expect(importIssues([folder], { db, mediaDir })).rejects.toThrow(`the disk holding ${mediaDir} is full`);
      expect(snapshot(db)).toBe(before);
      expect(counts(db)).toEqual({ page_rendition: 0, tile_set: 0, page_tiles: 0 });
      expect(fs.readdirSync(path.join(mediaDir, 'iiif'))).toEqual([]);
      db.close();
    } finally {
      if (spawnSync('umount', [volume]).status !== 0) spawnSync('umount', ['-l', volume]);
    }
  });
});
