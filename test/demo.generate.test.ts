import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { tempDir } from './helpers/fixtures';
import path from 'node:path';
import { inflateSync } from 'node:zlib';
import { generateCorpus } from '../src/demo/corpus';
import { DEMO_PUBLICATIONS, generateDemoIssues } from '../src/demo/generate';
import { manifestSchema, type Manifest } from '../src/importer/manifest';
import { validationProblems } from '../src/importer/prepare';
import { layoutPage, MAX_ARTICLES_PER_PAGE, type Rect } from '../src/demo/layout';
import { BLOCK_FRAME, PAGE_BACKGROUND } from '../src/demo/page-image';
import { renderPhoto } from '../src/demo/photo';
import { Canvas, crc32, decodeRgbPng, encodePng, readPngSize, type Rgb } from '../src/demo/png';
import { createRng } from '../src/demo/random';
import { PROJECT_ROOT } from '../src/paths';
import { allTopics, generateArticleText, PARAGRAPH_MAX_CHARS, PARAGRAPH_MIN_CHARS, TITLE_MAX_CHARS, TITLE_MIN_CHARS } from '../src/demo/text';

const tempDirs: string[] = [];
function makeTempDir(): string {
  const dir = tempDir('epaper-demo-test-');
  tempDirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** A generated issue.json, parsed by the importer's schema (so it must be one the importer accepts). */
function readManifest(folder: string): Manifest {
  return manifestSchema.parse(JSON.parse(fs.readFileSync(path.join(folder, 'issue.json'), 'utf8')));
}

/** Splits a PNG into its chunks, checking each CRC on the way. */
function pngChunks(png: Buffer): Array<{ type: string; data: Buffer }> {
  const chunks: Array<{ type: string; data: Buffer }> = [];
  for (let offset = 8; offset < png.length; ) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('ascii', offset + 4, offset + 8);
    expect(png.readUInt32BE(offset + 8 + length)).toBe(crc32(png, offset + 4, offset + 8 + length));
    chunks.push({ type, data: png.subarray(offset + 8, offset + 8 + length) });
    offset += 12 + length;
  }
  return chunks;
}

describe('PNG encoder', () => {
  test('writes a valid PNG that inflates to the raw scanlines', () => {
    const canvas = new Canvas(37, 21, [10, 20, 30]);
    canvas.fillRect(5, 4, 10, 6, [200, 100, 50]);
    canvas.hline(0, 37, 20, [1, 2, 3]);
    const png = canvas.toPng();

    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(readPngSize(png)).toEqual({ width: 37, height: 21 });
    const chunks = pngChunks(png);
    expect(chunks.map((c) => c.type)).toEqual(['IHDR', 'IDAT', 'IEND']);
    expect([...(chunks[0] as { data: Buffer }).data.subarray(8)]).toEqual([8, 2, 0, 0, 0]);
    const raw = inflateSync((chunks[1] as { data: Buffer }).data);
    expect(raw.length).toBe((37 * 3 + 1) * 21);
    // Filter type 0 on every scanline.
    for (let y = 0; y < 21; y++) expect(raw[y * (37 * 3 + 1)]).toBe(0);
    expect(png.readUInt32BE(png.length - 4)).toBe(0xae426082); // the well-known IEND CRC

    const decoded = decodeRgbPng(png);
    expect(Buffer.from(decoded.rgb).equals(Buffer.from(canvas.data))).toBe(true);
    expect(canvas.getPixel(6, 5)).toEqual([200, 100, 50]);
    expect(canvas.getPixel(4, 5)).toEqual([10, 20, 30]);
  });

  test('rejects pixel buffers of the wrong size', () => {
    expect(() => encodePng(2, 2, new Uint8Array(11))).toThrow();
  });

  test('photos are valid PNGs, deterministic per seed and different across seeds', () => {
    const a = renderPhoto(1);
    expect(readPngSize(a)).toEqual({ width: 480, height: 320 });
    expect(renderPhoto(1).equals(a)).toBe(true);
    expect(renderPhoto(2).equals(a)).toBe(false);
  });
});

describe('page layout', () => {
  test('blocks are inside the page, below the header and never overlap or touch', () => {
    const rng = createRng(99);
    const problems: string[] = [];
    for (let i = 0; i < 300; i++) {
      const articles = rng.int(1, MAX_ARTICLES_PER_PAGE);
      const layout = layoutPage({ width: 800, height: 1120, articles, masthead: i % 3 === 0 }, rng);
      if (layout.blocks.length !== articles) problems.push(`layout ${i}: ${layout.blocks.length} blocks for ${articles} articles`);
      layout.blocks.forEach((b: Rect, j) => {
        const inside = b.x0 > 0 && b.y0 > layout.header.y1 && b.x1 < 800 && b.y1 < 1120;
        if (!inside || b.x1 - b.x0 < 60 || b.y1 - b.y0 < 60) problems.push(`layout ${i} block ${j}: ${JSON.stringify(b)}`);
        for (const other of layout.blocks.slice(j + 1)) {
          // At least a one-pixel gap in x or y, so the outside of one block is never another block.
          const apart = b.x1 < other.x0 || other.x1 < b.x0 || b.y1 < other.y0 || other.y1 < b.y0;
          if (!apart) problems.push(`layout ${i}: ${JSON.stringify(b)} touches ${JSON.stringify(other)}`);
        }
      });
    }
    expect(problems).toEqual([]);
  });
});

describe('article text', () => {
  test('is deterministic for a seed', () => {
    const a = generateArticleText(createRng(42), { date: '2026-11-20' });
    const b = generateArticleText(createRng(42), { date: '2026-11-20' });
    expect(b).toEqual(a);
    expect(generateArticleText(createRng(43), { date: '2026-11-20' })).not.toEqual(a);
  });

  test('respects the length rules for titles, paragraphs and lists', () => {
    const rng = createRng(7);
    const problems: string[] = [];
    let mixedScript = 0;
    for (let i = 0; i < 1500; i++) {
      const long = i % 2 === 0;
      const article = generateArticleText(rng, { date: '2026-03-01', topics: allTopics(), ...(long ? { chars: [800, 1300] as const } : {}) });
      const check = (ok: boolean, what: string): void => {
        if (!ok) problems.push(`${article.topic} "${article.title}": ${what}`);
      };
      check(article.title.length >= TITLE_MIN_CHARS && article.title.length <= TITLE_MAX_CHARS, 'title length');
      check((article.kicker ?? '').length <= 200 && (article.subtitle ?? '').length <= 200, 'kicker/subtitle length');
      check(article.caption.length > 0, 'caption');
      if (long) {
        const chars = article.body.reduce((n, b) => n + b.text.length, 0);
        check(chars >= 800 && chars <= 1600, `body of ${chars} characters`);
      } else {
        check(article.body.length >= 3 && article.body.length <= 12, `${article.body.length} blocks`);
      }
      check(article.body[0]?.type === 'paragraph', 'starts with a paragraph');
      for (const block of article.body) {
        check(!/[{}]/.test(block.text), `unfilled slot in "${block.text}"`);
        if (block.type === 'paragraph') {
          check(block.text.length >= PARAGRAPH_MIN_CHARS && block.text.length <= PARAGRAPH_MAX_CHARS, `paragraph of ${block.text.length}`);
        }
        if (block.type === 'list') check(/^[◆●]/.test(block.text), `list line "${block.text}"`);
      }
      const all = [article.title, ...article.body.map((b) => b.text)].join('');
      if (/[\u4e00-\u9fff][A-Za-z0-9]+|[A-Za-z0-9]+[\u4e00-\u9fff]/.test(all)) mixedScript++;
    }
    expect(problems.slice(0, 10)).toEqual([]);
    expect(mixedScript).toBeGreaterThan(1000);
  });
});

describe('demo issues', () => {
  let outDir: string;
  let folders: string[];

  beforeAll(async () => {
    outDir = makeTempDir();
    folders = await generateDemoIssues(outDir, { days: 3, endDate: '2026-11-20', seed: 11 });
  });

  test('writes one folder per publication per date', () => {
    expect(folders).toHaveLength(3 * DEMO_PUBLICATIONS.length);
    for (const pub of DEMO_PUBLICATIONS) {
      for (const date of ['2026-11-18', '2026-11-19', '2026-11-20']) {
        expect(folders).toContain(path.join(outDir, pub.slug, date));
      }
    }
  });

  test('issue.json follows the import format', () => {
    let pdfs = 0;
    let pagesTotal = 0;
    let photos = 0;
    let articlesTotal = 0;
    let withKicker = 0;
    let withByline = 0;
    const numbers = new Map<string, number[]>();

    for (const folder of folders) {
      expect(validationProblems(folder)).toEqual([]); // the strict importer accepts it
      const manifest = readManifest(folder);
      expect(manifest.format).toBe(1);
      expect(manifest.publication.slug).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(manifest.publication.name.length).toBeGreaterThan(0);
      expect(manifest.publication.timezone).toBe('Asia/Shanghai');
      expect(manifest.date).toBe(path.basename(folder));
      expect(manifest.publishAt).toBe(`${manifest.date}T06:00:00+08:00`);
      expect(Number.isInteger(manifest.number)).toBe(true);
      numbers.set(manifest.publication.slug, [...(numbers.get(manifest.publication.slug) ?? []), manifest.number as number]);

      expect(manifest.pages.length).toBeGreaterThanOrEqual(4);
      expect(manifest.pages.length).toBeLessThanOrEqual(8);
      expect(manifest.pages.map((p) => p.number)).toEqual(manifest.pages.map((_, i) => i + 1));
      expect(manifest.pages[0]?.name).toBe('要闻');
      expect(new Set(manifest.pages.map((p) => p.name)).size).toBe(manifest.pages.length);

      for (const page of manifest.pages) {
        pagesTotal++;
        const image = fs.readFileSync(path.join(folder, page.image));
        expect(readPngSize(image)).toEqual({ width: 800, height: 1120 });
        if (page.pdf) {
          pdfs++;
          expect(fs.readFileSync(path.join(folder, page.pdf)).subarray(0, 5).toString('ascii')).toBe('%PDF-');
        }
        expect(page.articles.length).toBeGreaterThanOrEqual(3);
        expect(page.articles.length).toBeLessThanOrEqual(8);
        expect(page.articles.map((a) => a.position)).toEqual(page.articles.map((_, i) => i + 1));
        for (const article of page.articles) {
          articlesTotal++;
          if (article.kicker) withKicker++;
          if (article.byline) withByline++;
          expect(article.title.length).toBeGreaterThanOrEqual(8);
          expect(article.title.length).toBeLessThanOrEqual(24);
          expect(article.hotspot).toHaveLength(4);
          for (const [x, y] of article.hotspot ?? []) {
            expect(Number.isInteger(x) && Number.isInteger(y)).toBe(true);
            expect(x >= 0 && x <= 800 && y >= 0 && y <= 1120).toBe(true);
          }
          expect(article.body.length).toBeGreaterThanOrEqual(3);
          expect(article.body.length).toBeLessThanOrEqual(12);
          expect(article.body[0]?.type).toBe('paragraph');
          for (const block of article.body) {
            if (block.type !== 'image') continue;
            photos++;
            expect(block.src).toMatch(/^images\/[\w-]+\.png$/);
            expect(readPngSize(fs.readFileSync(path.join(folder, block.src))).width).toBeGreaterThan(0);
            expect((block.caption ?? '').length).toBeGreaterThan(0);
          }
        }
      }
    }

    for (const list of numbers.values()) expect(list).toEqual(list.map((_, i) => (list[0] as number) + i));
    expect(pdfs).toBeGreaterThan(0);
    expect(pdfs).toBeLessThan(pagesTotal);
    expect(photos).toBeGreaterThan(articlesTotal * 0.15);
    expect(photos).toBeLessThan(articlesTotal * 0.6);
    expect(withKicker).toBeGreaterThan(0);
    expect(withKicker).toBeLessThan(articlesTotal);
    expect(withByline).toBeLessThan(articlesTotal);
  });

  test('every hotspot is exactly a drawn block on the page image', () => {
    const problems: string[] = [];
    for (const folder of folders) {
      for (const page of readManifest(folder).pages) {
        const { width, rgb } = decodeRgbPng(fs.readFileSync(path.join(folder, page.image)));
        const is = (x: number, y: number, color: Rgb): boolean => {
          const i = (y * width + x) * 3;
          return rgb[i] === color[0] && rgb[i + 1] === color[1] && rgb[i + 2] === color[2];
        };
        const where = `${path.relative(outDir, folder)}/${page.image}`;
        for (const article of page.articles) {
          const [[x0, y0], , [x1, y1]] = article.hotspot as [[number, number], [number, number], [number, number], [number, number]];
          for (let y = y0; y < y1; y++) {
            for (let x = x0; x < x1; x++) if (is(x, y, PAGE_BACKGROUND)) problems.push(`${where}: background at (${x}, ${y}) inside a hotspot`);
          }
          // The frame is the outermost ring of the block; the pixels just outside it are background.
          const edges: Array<[number, number, 'frame' | 'outside']> = [];
          for (let x = x0; x < x1; x++) edges.push([x, y0, 'frame'], [x, y1 - 1, 'frame'], [x, y0 - 1, 'outside'], [x, y1, 'outside']);
          for (let y = y0; y < y1; y++) edges.push([x0, y, 'frame'], [x1 - 1, y, 'frame'], [x0 - 1, y, 'outside'], [x1, y, 'outside']);
          for (const [x, y, kind] of edges) {
            if (kind === 'frame' && !is(x, y, BLOCK_FRAME)) problems.push(`${where}: (${x}, ${y}) should be the block frame`);
            if (kind === 'outside' && (is(x, y, BLOCK_FRAME) || !is(x, y, PAGE_BACKGROUND))) problems.push(`${where}: (${x}, ${y}) should be background`);
          }
        }
      }
    }
    expect(problems.slice(0, 10)).toEqual([]);
  });

  test('is byte-for-byte deterministic for a seed', async () => {
    const again = makeTempDir();
    const foldersAgain = await generateDemoIssues(again, { days: 1, endDate: '2026-11-20', seed: 11 });
    for (const folder of foldersAgain) {
      const original = path.join(outDir, path.relative(again, folder));
      const files = (dir: string): string[] =>
        fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => fs.statSync(path.join(dir, f)).isFile()).sort();
      expect(files(folder)).toEqual(files(original));
      for (const file of files(folder)) {
        expect(fs.readFileSync(path.join(folder, file)).equals(fs.readFileSync(path.join(original, file)))).toBe(true);
      }
    }
  });

  test('rejects an invalid end date', async () => {
    await expect(generateDemoIssues(makeTempDir(), { endDate: '2026-02-30' })).rejects.toThrow(/calendar date/);
  });
});

describe('benchmark corpus', () => {
  test('writes exactly N articles spread over issue folders', async () => {
    const outDir = makeTempDir();
    const result = await generateCorpus(outDir, { articles: 250, seed: 3, publications: 2, startDate: '2020-02-27' });
    expect(result.articles).toBe(250);

    const issueFolders = fs
      .readdirSync(outDir)
      .flatMap((slug) => fs.readdirSync(path.join(outDir, slug)).map((date) => path.join(outDir, slug, date)));
    expect(issueFolders).toHaveLength(result.folders);
    expect(fs.readdirSync(outDir).sort()).toEqual(['jiangcheng-daily', 'yunxi-evening']); // template folder removed

    let articles = 0;
    for (const folder of issueFolders) {
      // The strict importer accepts it: no unknown key, no refused character.
      expect(validationProblems(folder)).toEqual([]);
      const manifest = readManifest(folder);
      for (const page of manifest.pages) {
        expect(page.pdf).toBeUndefined();
        expect(readPngSize(fs.readFileSync(path.join(folder, page.image)))).toEqual({ width: 800, height: 1120 });
        articles += page.articles.length;
        for (const article of page.articles) {
          for (const block of article.body) if (block.type === 'image') expect(fs.existsSync(path.join(folder, block.src))).toBe(true);
        }
      }
    }
    expect(articles).toBe(250);
    expect(fs.readdirSync(path.join(outDir, 'jiangcheng-daily')).sort()).toEqual(['2020-02-27', '2020-02-28']);
  });

  test('rejects a non-positive article count', async () => {
    await expect(generateCorpus(makeTempDir(), { articles: 0 })).rejects.toThrow(/positive integer/);
  });

  test('npm run gen (the compiled script) writes the corpus it reports, and answers bad arguments with the usage and exit code 2', () => {
    const outDir = path.join(makeTempDir(), 'corpus');
    const gen = (...args: string[]) => spawnSync(process.execPath, [path.join(PROJECT_ROOT, 'dist/scripts/gen.js'), ...args], { encoding: 'utf8' });
    const ok = gen('--articles', '120', `--out=${outDir}`, '--seed', '2', '--start', '2020-02-28', '--quiet');
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/^corpus: 2 issue folders, 120 articles in [\d.]+ s/);
    expect(fs.readdirSync(path.join(outDir, 'jiangcheng-daily')).sort()).toEqual(['2020-02-28', '2020-02-29']);

    const refusals: [string[], RegExp][] = [
      [['--out', outDir], /^error: --articles is required\n/],
      [['--articles', '0', '--out', outDir], /^error: --articles must be an integer 1–100000000, got "0"\n/],
      [['--articles', '5', '--out', outDir, '--start', '2021-02-29'], /^error: --start must be a real date YYYY-MM-DD, got "2021-02-29"\n/],
      [['--articles', '5', '--out', outDir, '--pages', '3'], /^error: unknown argument "--pages"\n/],
    ];
    for (const [args, message] of refusals) {
      const r = gen(...args);
      expect({ args, status: r.status, stdout: r.stdout }).toEqual({ args, status: 2, stdout: '' });
      expect(r.stderr).toMatch(message);
      expect(r.stderr).toContain('usage: node dist/scripts/gen.js --articles N --out DIR');
    }
  });
});
