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

export function loadPdfjs(): Promise<PdfjsModule> {
  loaded ??= importEsm('pdfjs-dist/legacy/build/pdf.mjs') as Promise<PdfjsModule>;
  return loaded;
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

