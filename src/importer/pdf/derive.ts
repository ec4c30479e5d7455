import fs from 'node:fs';
import path from 'node:path';
import { PDFDocument } from 'pdf-lib';
import sharp, { type Metadata } from 'sharp';
import { z } from 'zod';
import { parseIssueDate } from '../../domain/date';
import { AltoError, analyseAlto, type AltoTarget } from '../alto/analyse';
import { manifestSchema, type Manifest, type ManifestArticle } from '../manifest';
import { fieldPath, ImportValidationError, type ImportProblem } from '../problems';
import { checkPageSize, PageSizeError } from './analyse';
import { packTextBoxes } from './boxes';
import { loadPdfjs, openPdf, PdfOpenError } from './engine';
import { extractPage, renderedOperatorList } from './extract';
import type { AnalysedArticle, AnalysedPage, Box } from './layout';
import { MASTER_JPEG_QUALITY, MASTER_LONG_SIDE_PX, renderPage } from './render';
import { segmentPage } from './segment';
import { readThreads } from './threads';
import { joinContinuedStories, type JumpHint, type JumpHints } from './jumps';
import { jumpFrom, jumpTo } from '../../domain/regions';
import { runPdfJobs } from './page-pool';

/** The optional file beside page PDFs for what a PDF cannot say (docs/import-format.md). */
export const META_NAME = 'issue.meta.json';
/** Articles below this confidence are listed in the import summary for review. */
export const LOW_CONFIDENCE = 0.6;

const PDF_FILE = /\.pdf$/i;
const IMAGE_FILE = /\.(jpe?g|png|tiff?)$/i;

export const metaSchema = z
  .object({
    publication: manifestSchema.shape.publication,
    date: manifestSchema.shape.date.optional(),
    number: manifestSchema.shape.number,
    publishAt: manifestSchema.shape.publishAt,
    /** Page names by page number ("3": "特刊两会"), where the 版眉 does not give them. */
    pageNames: z.record(z.string().regex(/^[1-9]\d?$/, 'a page number 1–99'), z.string().trim().min(1).max(50)).optional(),
  })
  .strict();
export type IssueMeta = z.infer<typeof metaSchema>;

/** A folder of page PDFs or scans (no issue.json, at least one PDF or page image). */
export function isPageSourceFolder(dir: string): boolean {
  const names = fs.readdirSync(dir);
  return !names.includes('issue.json') && names.some((n) => PDF_FILE.test(n) || IMAGE_FILE.test(n));
}

export interface LowConfidencePage {
  page: number;
  file: string;
  confidence: number;
}

export interface DerivedIssue {
  folder: string;
  manifest: Manifest;
  lowConfidence: LowConfidencePage[];
}

export interface SourcePage {
  file: string;
  analysed: AnalysedPage;
  jpeg: Buffer;
  width: number;
  height: number;
  pdf: Uint8Array | null;
}

/**
 * Derives an ordinary issue folder (issue.json, page images, page PDFs,
 * photos) in `out` from a folder of page PDFs or scans with ALTO, so that the
 * existing validation and transactional import take it from there. With
 * `overlays`, also draws the found articles on each page (overlays/NN.png)
 * for review. Throws ImportValidationError naming each bad file; `out` is
 * then left for the caller to remove.
 */
export async function deriveIssueFolder(dir: string, out: string, opts: { overlays?: boolean } = {}): Promise<DerivedIssue> {
  const problems: ImportProblem[] = [];
  const meta = readMeta(dir, problems);
  const names = fs.readdirSync(dir).sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  const pages: SourcePage[] = [];
  // The PDFs are read side by side (page-pool.ts); their pages are taken in file order below.
  const pdfNames = names.filter((n) => PDF_FILE.test(n));
  const pdfJobs = runPdfJobs(pdfNames.map((n) => ({ file: path.join(dir, n), alto: altoBeside(dir, n, names) })), (job) => pdfPages(job.file, job.alto), SourceError);
  for (const job of pdfJobs) job.catch(() => undefined); // each is awaited in turn below; none is left unhandled meanwhile
  for (const name of names) {
    const file = path.join(dir, name);
    try {
      if (PDF_FILE.test(name)) pages.push(...(await pdfJobs[pdfNames.indexOf(name)]!).map((p) => ({ ...p, jpeg: Buffer.from(p.jpeg.buffer, p.jpeg.byteOffset, p.jpeg.byteLength) })));
      else if (IMAGE_FILE.test(name)) pages.push(await imagePage(file, altoBeside(dir, name, names)));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') {
        problems.push({ file, field: '', message: `cannot be read (${code}): expected a readable file (a broken link?)` });
        continue;
      }
      if (!(err instanceof PdfOpenError || err instanceof PageSizeError || err instanceof AltoError || err instanceof SourceError)) throw err;
      if (err instanceof AltoError) problems.push({ file: err.file, field: '', message: err.detail });
      else problems.push({ file, field: '', message: err.message });
    }
  }
  for (const p of pages) {
    const bad = p.analysed.replacementChars + p.analysed.privateUseChars;
    if (bad > 0) {
      problems.push({
        file: p.file,
        field: '',
        message:
          `its text holds ${p.analysed.replacementChars} undecodable glyphs and ${p.analysed.privateUseChars} private-use code points ` +
          `among ${p.analysed.charCount} characters (a font without a Unicode map): expected text that decodes; ` +
          'export the PDF again with its fonts embedded with their ToUnicode maps',
      });
    }
  }
  if (pages.length > 99) problems.push({ file: dir, field: '', message: `${pages.length} pages; expected at most 99` });
  const date = meta?.date ?? dateFromHeader(pages) ?? dateFromName(dir);
  if (meta && !date && problems.length === 0) problems.push({ file: path.join(dir, META_NAME), field: 'date', message: 'missing, and no page header (版眉) or folder name gives it: expected YYYY-MM-DD' });
  if (problems.length > 0 || !meta || !date) throw new ImportValidationError(problems);

  fs.mkdirSync(path.join(out, 'pages'), { recursive: true });
  fs.mkdirSync(path.join(out, 'images'), { recursive: true });
  const lowConfidence: LowConfidencePage[] = [];
  const jumps: JumpHints = new Map();
  const manifest: Manifest = {
    format: 1,
    publication: meta.publication,
    date,
    number: meta.number ?? null,
    publishAt: meta.publishAt ?? null,
    pages: [],
  };
  for (const [i, p] of pages.entries()) {
    const number = i + 1;
    const nn = String(number).padStart(2, '0');
    fs.writeFileSync(path.join(out, 'pages', `${nn}.jpg`), p.jpeg);
    if (p.pdf) fs.writeFileSync(path.join(out, 'pages', `${nn}.pdf`), p.pdf);
    const toPx = p.width / p.analysed.widthPt;
    const articles: ManifestArticle[] = [];
    for (const [k, a] of p.analysed.articles.entries()) articles.push(await manifestArticle(a, k + 1, p, toPx, out, `${nn}-${k + 1}`));
    for (const [k, hint] of jumpHints(p.analysed)) jumps.set(articles[k]!, hint);
    manifest.pages.push({
      number,
      name: meta.pageNames?.[String(number)] ?? p.analysed.header.name ?? `第${nn}版`,
      image: `pages/${nn}.jpg`,
      pdf: p.pdf ? `pages/${nn}.pdf` : null,
      articles,
    });
    const low = Math.min(...p.analysed.articles.map((a) => a.confidence));
    if (p.analysed.articles.length > 0 && low < LOW_CONFIDENCE) lowConfidence.push({ page: number, file: p.file, confidence: low });
    if (opts.overlays) await writeOverlay(p, articles, path.join(out, 'overlays', `${nn}.png`));
  }
  // Parts of one story on two pages (下转第X版 … 上接第Y版) become one article with a continuation.
  joinContinuedStories(manifest.pages, jumps);
  fs.writeFileSync(path.join(out, 'issue.json'), JSON.stringify(manifest, null, 2) + '\n');
  return { folder: out, manifest, lowConfidence };
}

/** A jump line further than this from every article (PDF points) belongs to none. */
const JUMP_LINE_REACH_PT = 30;

/**
 * The jump lines the segmentation took out of a page's text, each given to
 * the article it was printed in (or nearest to): index of the article → the
 * page its story goes on to (下转) and comes from (上接).
 */
function jumpHints(page: AnalysedPage): Map<number, JumpHint> {
  const hints = new Map<number, JumpHint>();
  for (const line of page.jumpLines ?? []) {
    const cx = line.box.x + line.box.w / 2;
    const cy = line.box.y + line.box.h / 2;
    let best = -1;
    let bestDistance = JUMP_LINE_REACH_PT;
    page.articles.forEach((a, k) => {
      for (const b of a.boxes) {
        const d = Math.hypot(Math.max(b.x - cx, 0, cx - b.x - b.w), Math.max(b.y - cy, 0, cy - b.y - b.h));
        if (d <= bestDistance) {
          bestDistance = d;
          best = k;
        }
      }
    });
    if (best < 0) continue;
    const hint = hints.get(best) ?? {};
    const to = jumpTo(line.text);
    const from = jumpFrom(line.text);
    if (to) hint.to = to.page;
    else if (from) hint.from = from.page;
    hints.set(best, hint);
  }
  return hints;
}

/** A problem with one source file, in words that name what was expected. */
export class SourceError extends Error {}

function readMeta(dir: string, problems: ImportProblem[]): IssueMeta | null {
  const file = path.join(dir, META_NAME);
  if (!fs.existsSync(file)) {
    problems.push({ file, field: '', message: 'missing: a folder of page PDFs or scans needs it, with at least {"publication": {"slug": …, "name": …}}' });
    return null;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8').replace(/^\ufeff/, ''));
  } catch (err) {
    problems.push({ file, field: '', message: `not valid JSON (${(err as Error).message})` });
    return null;
  }
  const parsed = metaSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push({ file, field: fieldPath(issue.path), message: issue.message.replace(/^Invalid input: /, '') });
    return null;
  }
  return parsed.data;
}

/** BASE.alto.xml or BASE.xml beside BASE.pdf / BASE.tif. */
function altoBeside(dir: string, name: string, names: string[]): string | null {
  const base = name.replace(/\.[^.]+$/, '');
  const found = [`${base}.alto.xml`, `${base}.xml`].find((n) => names.includes(n));
  return found ? path.join(dir, found) : null;
}

/** The pages of one PDF: analysed, rendered, and each as a one-page PDF. */
export async function pdfPages(file: string, alto: string | null): Promise<SourcePage[]> {
  const data = new Uint8Array(fs.readFileSync(file));
  const doc = await openPdf(data);
  try {
    if (alto && doc.numPages !== 1) throw new SourceError(`has ${doc.numPages} pages and an ALTO file beside it; expected one page per ALTO file`);
    const pdfjs = await loadPdfjs();
    const split = doc.numPages > 1 ? await PDFDocument.load(data, { updateMetadata: false }) : null;
    const threads = alto ? null : await readThreads(data);
    const pages: SourcePage[] = [];
    for (let n = 1; n <= doc.numPages; n++) {
      const page = await doc.getPage(n);
      const where = doc.numPages > 1 ? `page ${n}` : 'page';
      const unit = page.getViewport({ scale: 1 });
      checkPageSize(unit.width, unit.height, n);
      // Rendered first: the text and images are read from what the render loaded and listed, and
      // segmented while sharp encodes the master.
      const rendered = await renderPage(doc, page, {
        meanwhile: async () => {
          if (alto) return analyseAlto(fs.readFileSync(alto, 'utf8'), { kind: 'pdf', widthPt: unit.width, heightPt: unit.height }, alto);
          const content = await extractPage(pdfjs, page, renderedOperatorList(page));
          content.threads = threads?.get(n);
          return segmentPage(content);
        },
      });
      const analysed = rendered.meanwhile!;
      page.cleanup();
      pages.push({ file: doc.numPages > 1 ? `${file} (${where})` : file, analysed, jpeg: rendered.jpeg, width: rendered.width, height: rendered.height, pdf: split ? await singlePage(split, n - 1) : data });
    }
    return pages;
  } finally {
    await doc.destroy();
  }
}

async function singlePage(doc: PDFDocument, index: number): Promise<Uint8Array> {
  const one = await PDFDocument.create();
  const [page] = await one.copyPages(doc, [index]);
  one.addPage(page!);
  return one.save();
}

/** A scanned page image: its words come from the ALTO beside it; TIFF and PNG become JPEG masters. */
async function imagePage(file: string, alto: string | null): Promise<SourcePage> {
  if (!alto) throw new SourceError(`a page image without a text layer: expected its ALTO XML beside it (${path.basename(file).replace(/\.[^.]+$/, '')}.alto.xml)`);
  let meta: Metadata;
  try {
    meta = await sharp(file).metadata();
  } catch {
    throw new SourceError('is not a readable JPEG, PNG or TIFF image');
  }
  const widthPx = meta.width ?? 0;
  const heightPx = meta.height ?? 0;
  const target: AltoTarget = { kind: 'image', widthPx, heightPx, ...(meta.density ? { dpi: meta.density } : {}) };
  const analysed = analyseAlto(fs.readFileSync(alto, 'utf8'), target, alto);
  checkPageSize(analysed.widthPt, analysed.heightPt, 1);
  const scale = Math.min(1, MASTER_LONG_SIDE_PX * 2 / Math.max(widthPx, heightPx));
  const { data, info } = await sharp(file)
    .resize(Math.round(widthPx * scale))
    .flatten({ background: '#ffffff' })
    .jpeg({ quality: MASTER_JPEG_QUALITY })
    .toBuffer({ resolveWithObject: true });
  return { file, analysed, jpeg: data, width: info.width, height: info.height, pdf: null };
}

/** A box in image pixels, cut to the image: OCR boxes may reach past the scan's edge. */
function clampToImage(b: Box, toPx: number, width: number, height: number): Box {
  const x = Math.min(width, Math.max(0, b.x * toPx));
  const y = Math.min(height, Math.max(0, b.y * toPx));
  return { x, y, w: Math.max(0, Math.min(width, (b.x + b.w) * toPx) - x), h: Math.max(0, Math.min(height, (b.y + b.h) * toPx) - y) };
}

function pixelPolygon(points: [number, number][], toPx: number, width: number, height: number): [number, number][] {
  return points.map(([x, y]) => [Math.min(width, Math.max(0, Math.round(x * toPx))), Math.min(height, Math.max(0, Math.round(y * toPx)))]);
}

const clip = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

async function manifestArticle(a: AnalysedArticle, position: number, p: SourcePage, toPx: number, out: string, id: string): Promise<ManifestArticle> {
  let photo = 0;
  const body: ManifestArticle['body'] = [];
  for (const b of a.body) {
    if (b.type !== 'image') {
      body.push({ type: b.type, text: clip(b.text, 20000) });
      continue;
    }
    const box = a.photos[photo++]!.box;
    const src = `images/${id}-${photo}.jpg`;
    await cropPhoto(p, box, toPx, path.join(out, src));
    body.push({ type: 'image', src, caption: b.caption ? clip(b.caption, 500) : null });
  }
  if (body.length === 0) body.push({ type: 'paragraph', text: a.title });
  const hotspot = a.polygon.length >= 3 ? pixelPolygon(a.polygon, toPx, p.width, p.height) : null;
  return {
    position,
    kicker: a.kicker ? clip(a.kicker, 200) : null,
    title: clip(a.title, 200),
    subtitle: a.subtitle ? clip(a.subtitle, 200) : null,
    byline: a.byline ? clip(a.byline, 200) : null,
    hotspot,
    body,
    confidence: a.confidence,
    textBoxes: packTextBoxes(a.textBoxes.map((t) => ({ ...t, ...clampToImage(t, toPx, p.width, p.height) }))).toString('base64'),
  };
}

async function cropPhoto(p: SourcePage, box: Box, toPx: number, target: string): Promise<void> {
  const left = Math.max(0, Math.floor(box.x * toPx));
  const top = Math.max(0, Math.floor(box.y * toPx));
  const width = Math.max(1, Math.min(p.width - left, Math.ceil(box.w * toPx)));
  const height = Math.max(1, Math.min(p.height - top, Math.ceil(box.h * toPx)));
  await sharp(p.jpeg).extract({ left, top, width, height }).jpeg({ quality: MASTER_JPEG_QUALITY }).toFile(target);
}

/** The page image with each article's hotspot outlined and numbered in reading order. */
async function writeOverlay(p: SourcePage, articles: ManifestArticle[], target: string): Promise<void> {
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const stroke = Math.max(2, Math.round(p.width / 600));
  const font = Math.round(p.width / 40);
  const shapes = articles
    .filter((a) => a.hotspot)
    .map((a) => {
      const pts = a.hotspot!;
      const [x, y] = pts[0]!;
      const colour = (a.confidence ?? 1) < LOW_CONFIDENCE ? '#d4380d' : '#1677ff';
      return (
        `<polygon points="${pts.map((q) => q.join(',')).join(' ')}" fill="${colour}" fill-opacity="0.12" stroke="${colour}" stroke-width="${stroke}"/>` +
        `<rect x="${x}" y="${y}" width="${font * 1.6}" height="${font * 1.3}" fill="${colour}"/>` +
        `<text x="${x + font * 0.8}" y="${y + font}" font-size="${font}" font-family="sans-serif" text-anchor="middle" fill="#fff">${a.position}</text>`
      );
    })
    .join('');
  const svg = Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${p.width}" height="${p.height}">${shapes}</svg>`);
  await sharp(p.jpeg).composite([{ input: svg }]).png().toFile(target);
}

/** The issue date from the first 版眉 that states one (e.g. 2026年3月5日). */
function dateFromHeader(pages: SourcePage[]): string | null {
  for (const p of pages) {
    const m = /(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日/.exec(p.analysed.header.dateText ?? '');
    if (m) {
      const iso = `${m[1]}-${m[2]!.padStart(2, '0')}-${m[3]!.padStart(2, '0')}`;
      if (parseIssueDate(iso)) return iso;
    }
  }
  return null;
}

function dateFromName(dir: string): string | null {
  const m = /(\d{4}-\d{2}-\d{2})/.exec(path.basename(path.resolve(dir)));
  return m && parseIssueDate(m[1]!) ? m[1]! : null;
}
