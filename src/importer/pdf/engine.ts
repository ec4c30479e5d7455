import path from 'node:path';
import type * as Pdfjs from 'pdfjs-dist/legacy/build/pdf.mjs';

/**
 * Mozilla's pdf.js (legacy build, for Node) loaded once. pdf.js is an ES
 * module and this project compiles to CommonJS, where TypeScript would turn
 * `import()` into `require()`: the Function keeps a real dynamic import.
 */
export type PdfjsModule = typeof Pdfjs;
export type PdfDocument = Pdfjs.PDFDocumentProxy;
export type PdfPage = Pdfjs.PDFPageProxy;

const importEsm = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<unknown>;
let loaded: Promise<PdfjsModule> | null = null;

/**
 * pdf.js with its worker side loaded up front (in Node it runs in the calling
 * thread, where it finds it as globalThis.pdfjsWorker), so that both bundles
 * are in before keepNativeBuiltIns() looks at what they changed.
 */
export function loadPdfjs(): Promise<PdfjsModule> {
  loaded ??= (async () => {
    const natives = snapshotBuiltIns();
    const pdfjs = (await importEsm('pdfjs-dist/legacy/build/pdf.mjs')) as PdfjsModule;
    (globalThis as { pdfjsWorker?: unknown }).pdfjsWorker = await importEsm('pdfjs-dist/legacy/build/pdf.worker.mjs');
    keepNativeBuiltIns(natives);
    return pdfjs;
  })();
  return loaded;
}

/** Built-in objects whose methods pdf.js's legacy bundles (core-js) may patch. */
const BUILT_INS: Array<[string, object]> = [
  ['Array', Array],
  ['Array.prototype', Array.prototype],
  ['Object', Object],
  ['Function.prototype', Function.prototype],
  ['JSON', JSON],
  ['Promise', Promise],
  ['Promise.prototype', Promise.prototype],
  ['String.prototype', String.prototype],
  ['Map.prototype', Map.prototype],
  ['Set.prototype', Set.prototype],
  ['Math', Math],
  ['Uint8Array', Uint8Array],
  ['TypedArray.prototype', Object.getPrototypeOf(Uint8Array.prototype) as object],
  ['ArrayBuffer.prototype', ArrayBuffer.prototype],
  ['RegExp.prototype', RegExp.prototype],
];
type Snapshot = Array<[object, PropertyKey, PropertyDescriptor]>;

function snapshotBuiltIns(): Snapshot {
  return BUILT_INS.flatMap(([, o]) => Reflect.ownKeys(o).map((k): [object, PropertyKey, PropertyDescriptor] => [o, k, Object.getOwnPropertyDescriptor(o, k)!]));
}

/**
 * Puts back the native methods that pdf.js's legacy build replaced. It bundles
 * core-js, which adds what Node 20 lacks (Promise.withResolvers,
 * Map.prototype.getOrInsertComputed, Uint8Array.prototype.toBase64: kept) but
 * also replaces methods Node has, for the sake of spec corners pdf.js does not
 * use (JSON.rawJSON, array-likes longer than 2^32): Array.prototype.push
 * became 3–4 times slower, JSON.stringify 5 times, for the whole thread
 * (the profile of a page's text layer showed 15 % in core-js's push alone).
 */
function keepNativeBuiltIns(before: Snapshot): void {
  for (const [o, key, d] of before) {
    const now = Object.getOwnPropertyDescriptor(o, key);
    if (typeof d.value === 'function' && now?.value !== d.value && d.configurable) Object.defineProperty(o, key, d);
  }
}

const PACKAGE_DIR = path.dirname(require.resolve('pdfjs-dist/package.json'));

/** Why a PDF could not be opened, in words for the editor who exported it. */
export class PdfOpenError extends Error {}

/**
 * Opens a PDF with the CJK CMaps and standard font data shipped in the
 * package: Chinese fonts without a ToUnicode map decode through the CMaps.
 */
export async function openPdf(data: Uint8Array): Promise<PdfDocument> {
  const pdfjs = await loadPdfjs();
  const task = pdfjs.getDocument({
    data: new Uint8Array(data), // pdf.js transfers (detaches) the buffer it is given
    cMapUrl: path.join(PACKAGE_DIR, 'cmaps') + path.sep,
    cMapPacked: true,
    standardFontDataUrl: path.join(PACKAGE_DIR, 'standard_fonts') + path.sep,
    verbosity: 0,
    isEvalSupported: false,
  });
  let doc: PdfDocument;
  try {
    doc = await task.promise;
  } catch (err) {
    const name = (err as Error).name;
    if (name === 'PasswordException') throw new PdfOpenError('is encrypted (password-protected): export it without a password');
    if (name === 'InvalidPDFException') throw new PdfOpenError('is not a readable PDF (corrupt or truncated): export it again');
    throw new PdfOpenError(`cannot be read as a PDF (${(err as Error).message}): export it again`);
  }
  if (doc.numPages < 1) {
    await doc.destroy();
    throw new PdfOpenError('has no pages: expected at least one page');
  }
  return doc;
}


/**
 * Makes pdf.js inflate Flate streams with its own synchronous decoder in the
 * calling thread. pdf.js 5 sends every Flate stream through the web
 * DecompressionStream when the global exists; in Node that is zlib on the
 * libuv pool behind web-stream adapters, a round trip per stream, and
 * Chromium's pages hold hundreds of small streams (a Type3 font per few
 * glyphs, a procedure per glyph, loaded one after another): reading the text
 * layer took 400 ms of a page's 700, mostly waiting. Without the global,
 * pdf.js takes its fallback for a missing or failing API, the same bytes.
 * Removes the global: call it only in a thread that does nothing but read
 * PDFs (page-worker.ts), never in the server's.
 */
export function inflateSynchronously(): void {
  delete (globalThis as { DecompressionStream?: unknown }).DecompressionStream;
}
