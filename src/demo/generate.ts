// Built-in demo newspaper: writes issue folders in the import format (docs/import-format.md).
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { concatTransformationMatrix, drawObject, PDFDocument, popGraphicsState, pushGraphicsState } from 'pdf-lib';
import type { ManifestBlock, Point } from '../domain/blocks';
import { addDays, dateInZone, daysBetween, toIssueDate, type IssueDate } from '../domain/date';
import type { PublicationInput } from '../domain/publication';
import type { ManifestArticleInput, ManifestInput, ManifestPageInput } from '../importer/manifest';
import { DEFAULT_PAGE_HEIGHT, DEFAULT_PAGE_WIDTH, layoutPage, rectToHotspot } from './layout';
import { pageImageKey, renderPageImage, type PageImageSpec } from './page-image';
import { renderPhoto } from './photo';
import { isRgb8Png, pngImageData, readPngSize } from './png';
import { createRng, deriveSeed, type Rng } from './random';
import { generateArticleText, PAGE_NAMES, topicsForPage, type ArticleText } from './text';

export interface DemoPublication extends Pick<PublicationInput, 'slug' | 'name' | 'publisher' | 'copyright' | 'contact'> {
  description: string;
  /** Date of issue No. 1; issue numbers (总第N期) count days from it. */
  firstIssueDate?: string;
}

export const DEMO_PUBLICATIONS: DemoPublication[] = [
  {
    slug: 'jiangcheng-daily',
    name: '江城日报',
    description: '江城市综合性日报，立足滨江、服务全城（演示用虚构报纸）',
    firstIssueDate: '1956-10-01',
    publisher: '中共江城市委',
    copyright: '江城日报社版权所有，未经书面授权不得转载',
    contact: '江城市滨江大道88号 邮编430010 新闻热线 027-8888 6000',
  },
  {
    slug: 'yunxi-evening',
    name: '云溪晚报',
    description: '滨江区云溪街道社区晚报，讲述街坊邻里的身边事（演示用虚构报纸）',
    firstIssueDate: '1988-05-01',
    publisher: '江城日报社',
    copyright: '云溪晚报版权所有，转载请注明出处',
    contact: '江城市滨江区云溪路16号 新闻热线 027-8666 1200',
  },
];

export interface DemoOptions {
  /** Number of consecutive dates (default 14). */
  days?: number;
  /** Last date, YYYY-MM-DD (default: today in Asia/Shanghai). */
  endDate?: string;
  seed?: number;
  publications?: DemoPublication[];
}

export const DEMO_TIMEZONE = 'Asia/Shanghai';
const DEFAULT_DAYS = 14;
const DEFAULT_SEED = 20261120;
const PHOTO_POOL_SIZE = 24;
/** PDF points per image pixel: 96 dpi images on 72 dpi PDF pages. */
const PDF_POINTS_PER_PIXEL = 0.75;

export function issueManifestHeader(publication: DemoPublication, date: IssueDate): Omit<ManifestInput, 'pages'> {
  const number = issueNumber(publication, date);
  return {
    format: 1,
    publication: {
      slug: publication.slug,
      name: publication.name,
      description: publication.description,
      language: 'zh-CN',
      timezone: DEMO_TIMEZONE,
      ...(publication.firstIssueDate ? { firstIssueDate: publication.firstIssueDate } : {}),
      ...(publication.publisher ? { publisher: publication.publisher } : {}),
      ...(publication.copyright ? { copyright: publication.copyright } : {}),
      ...(publication.contact ? { contact: publication.contact } : {}),
    },
    date,
    ...(number !== undefined ? { number } : {}),
    publishAt: `${date}T06:00:00+08:00`,
  };
}

/** Daily papers: issue N appears N-1 days after the first issue. Undefined before the first issue. */
export function issueNumber(publication: DemoPublication, date: IssueDate): number | undefined {
  if (!publication.firstIssueDate) return undefined;
  const number = daysBetween(toIssueDate(publication.firstIssueDate), date) + 1;
  return number >= 1 ? number : undefined;
}

export function articleManifest(position: number, text: ArticleText, hotspot: Point[], body: ManifestBlock[]): ManifestArticleInput {
  return {
    position,
    ...(text.kicker !== undefined ? { kicker: text.kicker } : {}),
    title: text.title,
    ...(text.subtitle !== undefined ? { subtitle: text.subtitle } : {}),
    ...(text.byline !== undefined ? { byline: text.byline } : {}),
    hotspot,
    body,
  };
}

/** Puts the photo after the first paragraph, where papers usually place it. */
export function bodyWithPhoto(text: ArticleText, photoSrc: string | undefined): ManifestBlock[] {
  const body: ManifestBlock[] = [...text.body];
  if (photoSrc !== undefined) body.splice(1, 0, { type: 'image', src: photoSrc, caption: text.caption });
  return body;
}

// ---------------------------------------------------------------------------------------------
// Rendering with caches: identical layouts share one PNG, and one PDF.

class MediaCache {
  private readonly pageImages = new Map<string, Buffer>();
  private readonly pagePdfs = new Map<string, Promise<Uint8Array>>();
  private readonly photos = new Map<number, Buffer>();

  constructor(private readonly seed: number) {}

  pageImage(spec: PageImageSpec): { key: string; png: Buffer } {
    const key = pageImageKey(spec);
    let png = this.pageImages.get(key);
    if (!png) {
      png = renderPageImage(spec);
      this.pageImages.set(key, png);
    }
    return { key, png };
  }

  pagePdf(key: string, png: Buffer): Promise<Uint8Array> {
    let pdf = this.pagePdfs.get(key);
    if (!pdf) {
      pdf = pdfWithImage(png);
      this.pagePdfs.set(key, pdf);
    }
    return pdf;
  }

  photo(index: number): Buffer {
    let png = this.photos.get(index);
    if (!png) {
      png = renderPhoto(deriveSeed(this.seed, 'photo', index));
      this.photos.set(index, png);
    }
    return png;
  }
}

/**
 * A one-page PDF showing the page image at 72/96 scale. The PNG's zlib stream goes into the PDF
 * as is (FlateDecode with the PNG predictor), which is many times faster than pdf-lib's
 * embedPng, which decodes and recompresses the pixels.
 */
export async function pdfWithImage(png: Buffer): Promise<Uint8Array> {
  if (!isRgb8Png(png)) throw new Error('pdfWithImage expects an 8-bit RGB non-interlaced PNG');
  const { width: widthPx, height: heightPx } = readPngSize(png);
  // No automatic metadata: it would stamp the current time and break byte-for-byte determinism.
  const doc = await PDFDocument.create({ updateMetadata: false });
  const imageRef = doc.context.register(
    doc.context.stream(pngImageData(png), {
      Type: 'XObject',
      Subtype: 'Image',
      Width: widthPx,
      Height: heightPx,
      ColorSpace: 'DeviceRGB',
      BitsPerComponent: 8,
      Filter: 'FlateDecode',
      DecodeParms: { Predictor: 15, Colors: 3, BitsPerComponent: 8, Columns: widthPx },
    }),
  );
  const width = widthPx * PDF_POINTS_PER_PIXEL;
  const height = heightPx * PDF_POINTS_PER_PIXEL;
  const page = doc.addPage([width, height]);
  const imageName = page.node.newXObject('Image', imageRef);
  page.pushOperators(pushGraphicsState(), concatTransformationMatrix(width, 0, 0, height, 0, 0), drawObject(imageName), popGraphicsState());
  return doc.save();
}

// ---------------------------------------------------------------------------------------------
// The demo.

export async function generateDemoIssues(outDir: string, opts: DemoOptions = {}): Promise<string[]> {
  const days = opts.days ?? DEFAULT_DAYS;
  if (!Number.isInteger(days) || days < 1) throw new Error(`days must be a positive integer, got ${days}`);
  const endDate = toIssueDate(opts.endDate ?? dateInZone(Date.now(), DEMO_TIMEZONE));
  const seed = opts.seed ?? DEFAULT_SEED;
  const publications = opts.publications ?? DEMO_PUBLICATIONS;
  const cache = new MediaCache(seed);

  const folders: string[] = [];
  for (let offset = days - 1; offset >= 0; offset--) {
    const date = addDays(endDate, -offset);
    for (const publication of publications) {
      const folder = path.join(outDir, publication.slug, date);
      // Seeded per paper and date, so an issue's content does not depend on the requested range.
      await writeDemoIssue(folder, publication, date, createRng(deriveSeed(seed, publication.slug, date)), cache);
      folders.push(folder);
    }
  }
  return folders;
}

async function writeDemoIssue(folder: string, publication: DemoPublication, date: IssueDate, rng: Rng, cache: MediaCache): Promise<void> {
  await fsp.mkdir(path.join(folder, 'pages'), { recursive: true });
  await fsp.mkdir(path.join(folder, 'images'), { recursive: true });
  const writes: Array<Promise<void>> = [];
  const write = (rel: string, data: Uint8Array | Promise<Uint8Array>): void => {
    writes.push(Promise.resolve(data).then((bytes) => fsp.writeFile(path.join(folder, rel), bytes)));
  };

  const pageCount = rng.int(4, 8);
  const pageNames = [PAGE_NAMES[0], ...rng.sample(PAGE_NAMES.slice(1), pageCount - 1)];
  const pages: ManifestPageInput[] = [];
  const photosWritten = new Set<number>();
  // Like real papers: some issues come with a PDF of every page (and so a whole-issue PDF), some with a few, some with none.
  const pdfChance = rng.pick([1, 1, 0.5, 0]);

  pageNames.forEach((name, index) => {
    const pageNumber = index + 1;
    const label = String(pageNumber).padStart(2, '0');
    const layout = layoutPage({ width: DEFAULT_PAGE_WIDTH, height: DEFAULT_PAGE_HEIGHT, articles: rng.int(3, 8), masthead: pageNumber === 1 }, rng);
    const photoBlocks = layout.blocks.map((_, i) => rng.chance(i === 0 ? 0.6 : 0.28));

    const articles = layout.blocks.map((rect, i) => {
      // The photo is one of the body's 3–12 blocks.
      const text = generateArticleText(rng, { date, topics: topicsForPage(name), blocks: photoBlocks[i] ? [2, 11] : [3, 12] });
      let photoSrc: string | undefined;
      if (photoBlocks[i]) {
        const photoIndex = rng.int(0, PHOTO_POOL_SIZE - 1);
        photoSrc = `images/photo-${String(photoIndex).padStart(2, '0')}.png`;
        // Articles sharing a pool photo share the file, like a paper reusing a picture.
        if (!photosWritten.has(photoIndex)) {
          photosWritten.add(photoIndex);
          write(photoSrc, cache.photo(photoIndex));
        }
      }
      return articleManifest(i + 1, text, rectToHotspot(rect), bodyWithPhoto(text, photoSrc));
    });

    const { key, png } = cache.pageImage({ layout, pageNumber, photoBlocks });
    const page: ManifestPageInput = { number: pageNumber, name, image: `pages/${label}.png`, articles };
    write(page.image, png);
    if (pdfChance === 1 || rng.chance(pdfChance)) {
      page.pdf = `pages/${label}.pdf`;
      write(page.pdf, cache.pagePdf(key, png));
    }
    pages.push(page);
  });

  const manifest: ManifestInput = { ...issueManifestHeader(publication, date), pages };
  write('issue.json', Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8'));
  await Promise.all(writes);
}
