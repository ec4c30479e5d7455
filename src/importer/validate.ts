import { transcode } from 'node:buffer';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { findJsonSyntaxError } from './json-syntax';
import { articleSchema, manifestSchema, MAX_ARTICLES_PER_PAGE, MAX_BLOCKS_PER_ARTICLE, MAX_PAGES, type Manifest } from './manifest';
import { ImportValidationError, type ImportProblem } from './problems';
import { publicationMismatches, type StoredPublications } from './publication';
import { schemaProblems } from './schema-issues';
import { EXTENSIONS, sniffMedia, type MediaKind } from './sniff';
import { DEFAULT_TIME_ZONE, startOfDateInZone, type IssueDate } from '../domain/date';
import { polygonSchema, type Block, type Polygon } from '../domain/blocks';
import { relativePath } from '../domain/fields';
import { MAX_CONTINUATIONS } from '../domain/regions';
import { TEXT_BOX_BYTES } from './pdf/boxes';
import type { StoredPublication } from '../domain/publication';

export const MANIFEST_NAME = 'issue.json';
export const MAX_MEDIA_BYTES = 50 * 1024 * 1024;
export const MAX_IMAGE_PIXELS_PER_SIDE = 30000;
const DEFAULT_LANGUAGE = 'zh-CN';

/** A media file checked by its magic bytes, with its content-hash name in the media store. */
export interface MediaFile {
  sourcePath: string;
  storePath: string;
  kind: MediaKind;
  contentType: string;
  size: number;
  width?: number;
  height?: number;
}

export interface ValidatedArticle {
  position: number;
  kicker: string | null;
  title: string;
  subtitle: string | null;
  byline: string | null;
  hotspot: Polygon | null;
  body: Block[];
  confidence: number | null;
  /** Packed text boxes, base64 (src/importer/pdf/boxes.ts). */
  textBoxes: string | null;
  /** Parts printed on other pages (转版), in reading order. */
  continuations: { page: number; hotspot: Polygon | null }[];
}

export interface ValidatedPage {
  number: number;
  name: string;
  image: MediaFile & { width: number; height: number };
  pdf: MediaFile | null;
  articles: ValidatedArticle[];
}

export interface ValidatedIssue {
  folder: string;
  publication: StoredPublication;
  date: IssueDate;
  number: number | null;
  publishAt: number;
  pages: ValidatedPage[];
  media: MediaFile[];
  /** The paper's logo (publication.logo), one of `media`; null when the manifest gives none. */
  logo: (MediaFile & { width: number; height: number }) | null;
}

type Expect = { kinds: MediaKind[]; what: string };
const PAGE_IMAGE: Expect = { kinds: ['png', 'jpeg'], what: 'a PNG or JPEG page image' };
const PAGE_PDF: Expect = { kinds: ['pdf'], what: 'a PDF file' };
const PHOTO: Expect = { kinds: ['png', 'jpeg', 'gif', 'webp'], what: 'a PNG, JPEG, GIF or WebP image' };
const LOGO: Expect = { kinds: ['png', 'jpeg', 'webp'], what: 'a PNG, JPEG or WebP logo image' };

export function storePathFor(hash: string, kind: MediaKind): string {
  return `${hash.slice(0, 2)}/${hash.slice(0, 32)}.${EXTENSIONS[kind]}`;
}

/** Reads and checks one issue folder completely; throws ImportValidationError listing every problem found. */
export function validateIssueFolder(folder: string, stored: StoredPublications | null = null): ValidatedIssue {
  return readIssueFolder(folder, true, stored);
}

/**
 * Makes every check validateIssueFolder() makes, reading only the start of
 * each media file (magic bytes and pixel size) and hashing none: the first
 * pass of a multi-folder import, which only has to find the problems
 * (importIssues() reads each folder again when it writes it). Returns the
 * paper the issue states.
 */
export function checkIssueFolder(folder: string, stored: StoredPublications | null = null): StoredPublication {
  return readIssueFolder(folder, false, stored).publication;
}

/**
 * Problems reported for one folder at most: enough to fix a whole manifest
 * in one round, not so many that a wrong file buries the terminal.
 */
export const MAX_PROBLEMS_PER_FOLDER = 100;

/**
 * `hash`: read each media file whole and name it by its content hash, else
 * check it from its start (its store path is then its source path).
 * `stored`: the papers in the database, to refuse an issue that would change
 * its paper's identity (null: the import may change it).
 */
function readIssueFolder(folder: string, hash: boolean, stored: StoredPublications | null): ValidatedIssue {
  const manifestFile = path.join(folder, MANIFEST_NAME);
  const problems: ImportProblem[] = [];
  const fail = (field: string, message: string): void => void problems.push({ file: manifestFile, field, message });
  const raw = readManifestJson(manifestFile, fail);
  if (raw === undefined) throw new ImportValidationError(problems);

  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) for (const p of schemaProblems(manifestSchema, raw, parsed.error.issues)) fail(p.field, p.message);
  // The content checks run on whatever parts are well-formed, schema errors or
  // not, so one run reports every problem of the folder.
  const media = checkContent(raw, fs.realpathSync.native(folder), hash, fail);
  if (parsed.success && stored) {
    const given = publicationOf(parsed.data);
    for (const m of publicationMismatches(stored[given.slug], given)) fail(m.field, m.message);
  }

  if (problems.length > MAX_PROBLEMS_PER_FOLDER) {
    const hidden = problems.length - MAX_PROBLEMS_PER_FOLDER;
    problems.length = MAX_PROBLEMS_PER_FOLDER;
    fail('', `${hidden} more problems not shown: fix these and validate again (--dry-run)`);
  }
  if (problems.length > 0 || !parsed.success) throw new ImportValidationError(problems);
  return toValidatedIssue(folder, parsed.data, media);
}

/** The manifest's JSON value, or undefined after reporting why it has none. */
function readManifestJson(manifestFile: string, fail: (field: string, message: string) => void): unknown {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(manifestFile);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    fail('', e.code === 'ENOENT' ? `missing: an issue folder must contain ${MANIFEST_NAME}` : `cannot be read (${e.message})`);
    return undefined;
  }
  const decoded = utf8Text(bytes);
  if (decoded === null) {
    // Decoded anyway, GBK text would be imported as replacement characters.
    fail('', 'not UTF-8 text: save it as UTF-8 (it may be in another encoding, such as GBK)');
    return undefined;
  }
  const json = decoded.startsWith('\ufeff') ? decoded.slice(1) : decoded; // editors may write a byte order mark
  try {
    return JSON.parse(json) as unknown;
  } catch (err) {
    const at = findJsonSyntaxError(json);
    fail('', at ? `not valid JSON: line ${at.line}, column ${at.column}: ${at.message}` : `not valid JSON (${(err as Error).message})`);
    return undefined;
  }
}

/** Loaded media files, by what they were loaded as and their path in the manifest. */
type LoadedMedia = Map<string, MediaFile | string>;
const mediaKey = (expect: Expect, rel: string): string => `${expect.what}\u0000${rel}`;

/**
 * The checks the schema cannot make, on the raw manifest: numbering, media
 * files, hotspots inside their page image, text boxes of whole records. A part the schema refuses
 * (a path that is not a relative path, a hotspot of wrong shape, elements
 * past an array's bound) is skipped here, having been reported already.
 */
function checkContent(raw: unknown, realFolder: string, hash: boolean, fail: (field: string, message: string) => void): LoadedMedia {
  // A photo used by several articles is read (and hashed) once.
  const loaded: LoadedMedia = new Map();
  const loadMedia = (rel: unknown, field: string, expect: Expect): MediaFile | null => {
    if (!relativePath.safeParse(rel).success) return null;
    const key = mediaKey(expect, rel as string);
    let file = loaded.get(key);
    if (file === undefined) loaded.set(key, (file = loadMediaFile(realFolder, rel as string, expect, hash)));
    if (typeof file === 'string') {
      fail(field, file);
      return null;
    }
    return file;
  };

  loadMedia(valueAt(valueAt(raw, 'publication'), 'logo'), 'publication.logo', LOGO);
  const pages = arrayAt(raw, 'pages', MAX_PAGES);
  checkNumbering(pages.map((p) => valueAt(p, 'number')), 'pages', 'number', fail);
  // Page images by page number, for the hotspots of continuations on other pages (checked after every page is loaded).
  const imageOfPage = new Map<unknown, MediaFile | null>();
  const continuations: { field: string; own: unknown; value: unknown }[] = [];
  pages.forEach((page, pi) => {
    const image = loadMedia(valueAt(page, 'image'), `pages[${pi}].image`, PAGE_IMAGE);
    imageOfPage.set(valueAt(page, 'number'), image);
    loadMedia(valueAt(page, 'pdf'), `pages[${pi}].pdf`, PAGE_PDF);
    const articles = arrayAt(page, 'articles', MAX_ARTICLES_PER_PAGE);
    checkNumbering(articles.map((a) => valueAt(a, 'position')), `pages[${pi}].articles`, 'position', fail);
    articles.forEach((a, ai) => {
      const field = `pages[${pi}].articles[${ai}]`;
      const hotspot = polygonSchema.safeParse(valueAt(a, 'hotspot'));
      if (image?.width && image.height && hotspot.success) {
        hotspot.data.forEach(([x, y], k) => {
          if (x > image.width! || y > image.height!) {
            fail(`${field}.hotspot[${k}]`, `point (${x}, ${y}) lies outside the page image (${image.width}×${image.height})`);
          }
        });
      }
      continuations.push({ field, own: valueAt(page, 'number'), value: valueAt(a, 'continuations') });
      const textBoxes = articleSchema.shape.textBoxes.safeParse(valueAt(a, 'textBoxes'));
      if (textBoxes.success && textBoxes.data && Buffer.byteLength(textBoxes.data, 'base64') % TEXT_BOX_BYTES !== 0) {
        fail(`${field}.textBoxes`, `not a whole number of ${TEXT_BOX_BYTES}-byte text boxes`);
      }
      arrayAt(a, 'body', MAX_BLOCKS_PER_ARTICLE).forEach((b, bi) => {
        if (valueAt(b, 'type') === 'image') loadMedia(valueAt(b, 'src'), `${field}.body[${bi}].src`, PHOTO);
      });
    });
  });
  for (const c of continuations) checkContinuations(c.field, c.own, c.value, imageOfPage, fail);
  return loaded;
}

/**
 * A continuation (转版) names another page of this issue, each page once,
 * and its hotspot lies inside that page's image. Parts the schema refused
 * were reported already.
 */
function checkContinuations(field: string, ownPage: unknown, value: unknown, imageOfPage: Map<unknown, MediaFile | null>, fail: (field: string, message: string) => void): void {
  if (!Array.isArray(value)) return;
  const seen = new Set<unknown>();
  value.slice(0, MAX_CONTINUATIONS).forEach((c, ci) => {
    const at = `${field}.continuations[${ci}]`;
    const page = valueAt(c, 'page');
    if (!Number.isInteger(page)) return;
    if (page === ownPage) fail(`${at}.page`, `${page} is the article's own page; expected another page the story continues on`);
    else if (!imageOfPage.has(page)) fail(`${at}.page`, `${page} is not a page of this issue; expected one of ${[...imageOfPage.keys()].join(', ')}`);
    else if (seen.has(page)) fail(`${at}.page`, `page ${page} is named twice; expected each page once, with one hotspot`);
    seen.add(page);
    const image = imageOfPage.get(page);
    const hotspot = polygonSchema.safeParse(valueAt(c, 'hotspot'));
    if (image?.width && image.height && hotspot.success) {
      hotspot.data.forEach(([x, y], k) => {
        if (x > image.width! || y > image.height!) fail(`${at}.hotspot[${k}]`, `point (${x}, ${y}) lies outside the image of page ${page} (${image.width}×${image.height})`);
      });
    }
  });
}

function valueAt(v: unknown, key: string): unknown {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>)[key] : undefined;
}

/** The first `max` elements of an array field (an oversized array was reported by the schema), or none. */
function arrayAt(v: unknown, key: string, max: number): unknown[] {
  const a = valueAt(v, key);
  return Array.isArray(a) ? a.slice(0, max) : [];
}

/** The issue from a manifest that passed every check: each media file it names is in `loaded`. */
function toValidatedIssue(folder: string, m: Manifest, loaded: LoadedMedia): ValidatedIssue {
  const media = new Map<string, MediaFile>();
  const use = (rel: string, expect: Expect): MediaFile => {
    const file = loaded.get(mediaKey(expect, rel));
    if (file === undefined || typeof file === 'string') throw new Error(`validate: ${rel} was not loaded as ${expect.what}`);
    media.set(file.storePath, file);
    return file;
  };
  const pages: ValidatedPage[] = m.pages.map((page) => ({
    number: page.number,
    name: page.name,
    image: use(page.image, PAGE_IMAGE) as ValidatedPage['image'],
    pdf: page.pdf ? use(page.pdf, PAGE_PDF) : null,
    articles: page.articles
      .map((a) => ({
        position: a.position,
        kicker: a.kicker || null,
        title: a.title,
        subtitle: a.subtitle || null,
        byline: a.byline || null,
        hotspot: (a.hotspot as Polygon | null | undefined) ?? null,
        body: a.body.map((b): Block => {
          if (b.type !== 'image') return { type: b.type, text: b.text };
          const photo = use(b.src, PHOTO);
          return { type: 'image', src: photo.storePath, caption: b.caption ?? undefined, width: photo.width, height: photo.height };
        }),
        confidence: a.confidence ?? null,
        textBoxes: a.textBoxes || null,
        continuations: (a.continuations ?? []).map((c) => ({ page: c.page, hotspot: (c.hotspot as Polygon | null | undefined) ?? null })),
      }))
      .sort((a, b) => a.position - b.position),
  }));
  const publication = publicationOf(m);
  const logo = m.publication.logo ? (use(m.publication.logo, LOGO) as ValidatedIssue['logo']) : null;
  const date = m.date as IssueDate;
  return {
    folder,
    publication,
    date,
    number: m.number ?? null,
    publishAt: m.publishAt ? Date.parse(m.publishAt) : startOfDateInZone(date, publication.timezone),
    pages: pages.sort((a, b) => a.number - b.number),
    media: [...media.values()],
    logo,
  };
}

/** The paper as the manifest states it, omitted fields at their defaults. */
function publicationOf(m: Manifest): StoredPublication {
  return {
    slug: m.publication.slug,
    name: m.publication.name,
    description: m.publication.description || null,
    language: m.publication.language ?? DEFAULT_LANGUAGE,
    timezone: m.publication.timezone ?? DEFAULT_TIME_ZONE,
    firstIssueDate: m.publication.firstIssueDate ?? null,
    publisher: m.publication.publisher || null,
    copyright: m.publication.copyright || null,
    contact: m.publication.contact || null,
  };
}

/**
 * The bytes as text when they are valid UTF-8, else null. ICU's transcoder
 * refuses invalid bytes where Buffer#toString would put U+FFFD, and decodes
 * CJK text ~4x faster (0.4 vs 1.9 ms for a 300 KB manifest).
 */
function utf8Text(bytes: Buffer): string | null {
  try {
    return transcode(bytes, 'utf8', 'utf16le').toString('utf16le');
  } catch {
    return null;
  }
}

/**
 * Page numbers and article positions must be 1..n with no gap and no repeat:
 * URLs and prev/next rely on it. Values that are not integers were reported by the schema.
 */
function checkNumbering(values: unknown[], arrayField: string, key: string, fail: (field: string, message: string) => void): void {
  const seen = new Map<number, number>();
  values.forEach((v, i) => {
    if (!Number.isInteger(v)) return;
    if (seen.has(v as number)) fail(`${arrayField}[${i}].${key}`, `duplicate ${key} ${v} (also at ${arrayField}[${seen.get(v as number)}])`);
    else seen.set(v as number, i);
  });
  if (seen.size === values.length) {
    values.forEach((v, i) => {
      if ((v as number) > values.length) fail(`${arrayField}[${i}].${key}`, `${key} ${v} leaves a gap: expected the ${key}s 1..${values.length}`);
    });
  }
}

/** Bytes read to sniff a file's type and size; a JPEG whose frame header lies further in is read whole. */
const SNIFF_BYTES = 64 * 1024;

/** Loads a referenced file, or returns what is wrong with it (readIssueFolder() says what `hash` does). */
function loadMediaFile(realFolder: string, rel: string, expect: Expect, hash: boolean): MediaFile | string {
  const target = path.resolve(realFolder, rel);
  let real: string;
  try {
    real = fs.realpathSync.native(target);
  } catch {
    return `file "${rel}" not found in the issue folder; expected ${expect.what}`;
  }
  if (real !== realFolder && !real.startsWith(realFolder + path.sep)) return `"${rel}" points outside the issue folder`;
  const stat = fs.statSync(real);
  if (!stat.isFile()) return `"${rel}" is not a file; expected ${expect.what}`;
  if (stat.size > MAX_MEDIA_BYTES) return `"${rel}" is ${stat.size} bytes, over the ${MAX_MEDIA_BYTES}-byte limit`;
  let buf = hash || stat.size <= SNIFF_BYTES ? fs.readFileSync(real) : readHead(real, SNIFF_BYTES);
  let sniffed = sniffMedia(buf);
  if (!sniffed && buf.length < stat.size) {
    buf = fs.readFileSync(real);
    sniffed = sniffMedia(buf);
  }
  if (!sniffed || !expect.kinds.includes(sniffed.kind)) {
    return `"${rel}" is not ${expect.what} (its content is ${sniffed ? sniffed.kind.toUpperCase() : 'not a recognised image or PDF'})`;
  }
  if (sniffed.width !== undefined && sniffed.height !== undefined) {
    const { width, height } = sniffed;
    if (width < 1 || height < 1 || width > MAX_IMAGE_PIXELS_PER_SIDE || height > MAX_IMAGE_PIXELS_PER_SIDE) {
      return `"${rel}" has an implausible size ${width}×${height}; expected 1 to ${MAX_IMAGE_PIXELS_PER_SIDE} pixels a side`;
    }
  }
  return {
    sourcePath: real,
    storePath: hash ? storePathFor(crypto.createHash('sha256').update(buf).digest('hex'), sniffed.kind) : real,
    kind: sniffed.kind,
    contentType: sniffed.contentType,
    size: stat.size,
    width: sniffed.width,
    height: sniffed.height,
  };
}

function readHead(file: string, bytes: number): Buffer {
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(bytes);
    return buf.subarray(0, fs.readSync(fd, buf, 0, bytes, 0));
  } finally {
    fs.closeSync(fd);
  }
}
