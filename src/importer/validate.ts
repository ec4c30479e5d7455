import { transcode } from 'node:buffer';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { manifestSchema, type Manifest } from './manifest';
import { fieldPath, ImportValidationError, type ImportProblem } from './problems';
import { EXTENSIONS, sniffMedia, type MediaKind } from './sniff';
import { startOfDateInZone, type IssueDate } from '../domain/date';
import type { Block, Polygon } from '../domain/blocks';
import { TEXT_BOX_BYTES } from './pdf/boxes';
import type { StoredPublication } from '../domain/publication';

export const MANIFEST_NAME = 'issue.json';
export const MAX_MEDIA_BYTES = 50 * 1024 * 1024;
export const MAX_IMAGE_PIXELS_PER_SIDE = 30000;
const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

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
}

type Expect = { kinds: MediaKind[]; what: string };
const PAGE_IMAGE: Expect = { kinds: ['png', 'jpeg'], what: 'a PNG or JPEG page image' };
const PAGE_PDF: Expect = { kinds: ['pdf'], what: 'a PDF file' };
const PHOTO: Expect = { kinds: ['png', 'jpeg', 'gif', 'webp'], what: 'a PNG, JPEG, GIF or WebP image' };

export function storePathFor(hash: string, kind: MediaKind): string {
  return `${hash.slice(0, 2)}/${hash.slice(0, 32)}.${EXTENSIONS[kind]}`;
}

/** Reads and checks one issue folder completely; throws ImportValidationError listing every problem found. */
export function validateIssueFolder(folder: string): ValidatedIssue {
  return readIssueFolder(folder, true);
}

/**
 * Makes every check validateIssueFolder() makes, reading only the start of
 * each media file (magic bytes and pixel size) and hashing none: the first
 * pass of a multi-folder import, which only has to find the problems
 * (importIssues() reads each folder again when it writes it).
 */
export function checkIssueFolder(folder: string): void {
  readIssueFolder(folder, false);
}

/** `hash`: read each media file whole and name it by its content hash, else check it from its start (its store path is then its source path). */
function readIssueFolder(folder: string, hash: boolean): ValidatedIssue {
  const manifestFile = path.join(folder, MANIFEST_NAME);
  const problems: ImportProblem[] = [];
  const fail = (field: string, message: string): void => void problems.push({ file: manifestFile, field, message });

  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(manifestFile);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    fail('', e.code === 'ENOENT' ? `missing: an issue folder must contain ${MANIFEST_NAME}` : `cannot be read (${e.message})`);
    throw new ImportValidationError(problems);
  }
  const text = utf8Text(bytes);
  if (text === null) {
    // Decoded anyway, GBK text would be imported as replacement characters.
    fail('', 'not UTF-8 text: save it as UTF-8 (it may be in another encoding, such as GBK)');
    throw new ImportValidationError(problems);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text.startsWith('\ufeff') ? text.slice(1) : text); // editors may write a byte order mark
  } catch (err) {
    fail('', `not valid JSON (${(err as Error).message})`);
    throw new ImportValidationError(problems);
  }
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) fail(fieldPath(issue.path), expectation(issue.message));
    throw new ImportValidationError(problems);
  }
  const manifest = parsed.data;

  checkNumbering(manifest.pages.map((p) => p.number), 'pages', 'number', fail);
  manifest.pages.forEach((p, i) => checkNumbering(p.articles.map((a) => a.position), `pages[${i}].articles`, 'position', fail));

  const realFolder = fs.realpathSync.native(folder);
  const media = new Map<string, MediaFile>();
  // A photo used by several articles is read (and hashed) once.
  const loaded = new Map<string, MediaFile | string>();
  const loadMedia = (rel: string, field: string, expect: Expect): MediaFile | null => {
    const key = `${expect.what}\u0000${rel}`;
    let file = loaded.get(key);
    if (file === undefined) loaded.set(key, (file = loadMediaFile(realFolder, rel, expect, hash)));
    if (typeof file === 'string') {
      fail(field, file);
      return null;
    }
    media.set(file.storePath, file);
    return file;
  };

  const pages: ValidatedPage[] = [];
  manifest.pages.forEach((page, pi) => {
    const image = loadMedia(page.image, `pages[${pi}].image`, PAGE_IMAGE);
    const pdf = page.pdf ? loadMedia(page.pdf, `pages[${pi}].pdf`, PAGE_PDF) : null;
    const articles: ValidatedArticle[] = page.articles.map((a, ai) => {
      const field = `pages[${pi}].articles[${ai}]`;
      if (image?.width && image.height && a.hotspot) {
        a.hotspot.forEach(([x, y], k) => {
          if (x > image.width! || y > image.height!) {
            fail(`${field}.hotspot[${k}]`, `point (${x}, ${y}) lies outside the page image (${image.width}×${image.height})`);
          }
        });
      }
      if (a.textBoxes && Buffer.byteLength(a.textBoxes, 'base64') % TEXT_BOX_BYTES !== 0) {
        fail(`${field}.textBoxes`, `not a whole number of ${TEXT_BOX_BYTES}-byte text boxes`);
      }
      const body: Block[] = a.body.map((b, bi) => {
        if (b.type !== 'image') return { type: b.type, text: b.text };
        const photo = loadMedia(b.src, `${field}.body[${bi}].src`, PHOTO);
        return { type: 'image', src: photo?.storePath ?? '', caption: b.caption ?? undefined, width: photo?.width, height: photo?.height };
      });
      return {
        position: a.position,
        kicker: a.kicker || null,
        title: a.title,
        subtitle: a.subtitle || null,
        byline: a.byline || null,
        hotspot: (a.hotspot as Polygon | null | undefined) ?? null,
        body,
        confidence: a.confidence ?? null,
        textBoxes: a.textBoxes || null,
      };
    });
    if (image) pages.push({ number: page.number, name: page.name, image: image as ValidatedPage['image'], pdf, articles });
  });

  if (problems.length > 0) throw new ImportValidationError(problems);
  return toValidatedIssue(folder, manifest, pages, [...media.values()]);
}

function toValidatedIssue(folder: string, m: Manifest, pages: ValidatedPage[], media: MediaFile[]): ValidatedIssue {
  const timezone = m.publication.timezone ?? DEFAULT_TIME_ZONE;
  const date = m.date as IssueDate;
  return {
    folder,
    publication: {
      slug: m.publication.slug,
      name: m.publication.name,
      description: m.publication.description || null,
      language: m.publication.language ?? 'zh-CN',
      timezone,
    },
    date,
    number: m.number ?? null,
    publishAt: m.publishAt ? Date.parse(m.publishAt) : startOfDateInZone(date, timezone),
    pages: [...pages].sort((a, b) => a.number - b.number).map((p) => ({ ...p, articles: [...p.articles].sort((a, b) => a.position - b.position) })),
    media,
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

/** Page numbers and article positions must be 1..n with no gap and no repeat: URLs and prev/next rely on it. */
function checkNumbering(values: number[], arrayField: string, key: string, fail: (field: string, message: string) => void): void {
  const seen = new Map<number, number>();
  values.forEach((v, i) => {
    if (seen.has(v)) fail(`${arrayField}[${i}].${key}`, `duplicate ${key} ${v} (also at ${arrayField}[${seen.get(v)}])`);
    else seen.set(v, i);
  });
  if (seen.size === values.length) {
    values.forEach((v, i) => {
      if (v > values.length) fail(`${arrayField}[${i}].${key}`, `${key} ${v} leaves a gap: expected the ${key}s 1..${values.length}`);
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

/** zod messages read "Invalid input: expected string, received undefined"; keep them but say "expected". */
function expectation(message: string): string {
  return message.replace(/^Invalid input: /, '').replace(/^Too big: /, 'too big: ').replace(/^Too small: /, 'too small: ');
}
