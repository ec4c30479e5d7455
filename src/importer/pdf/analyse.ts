import { loadPdfjs, openPdf, type PdfDocument } from './engine';
import { extractPage } from './extract';
import type { AnalysedPage } from './layout';
import { segmentPage } from './segment';
import { readThreads } from './threads';

export type { AnalysedArticle, AnalysedPage, Box, TextBox } from './layout';
export { articleText } from './layout';

/** Pages larger than this (points, a side) are refused: 1,200 mm, a little over A0's long side. */
export const MAX_PAGE_SIDE_PT = (1200 / 25.4) * 72;
/** And smaller than this: 50 mm. */
export const MIN_PAGE_SIDE_PT = (50 / 25.4) * 72;

/** Why a page cannot be imported: the message names what was expected. */
export class PageSizeError extends Error {}

/** Refuses a page whose size no newspaper has, e.g. a 3-metre page from a wrong unit in the layout system. */
export function checkPageSize(widthPt: number, heightPt: number, pageNumber: number): void {
  const mm = (pt: number): number => Math.round((pt / 72) * 25.4);
  for (const side of [widthPt, heightPt]) {
    if (side > MAX_PAGE_SIDE_PT || side < MIN_PAGE_SIDE_PT) {
      throw new PageSizeError(
        `page ${pageNumber} is ${mm(widthPt)}×${mm(heightPt)} mm; expected 50 to 1200 mm a side (check the export's page size and unit)`,
      );
    }
  }
}

/**
 * Analyses every page of a PDF: its text layer, photos and 版眉, segmented
 * into articles in reading order. `file` names the PDF in error messages.
 * Throws PdfOpenError (encrypted, corrupt, no pages) or PageSizeError.
 */
export async function analysePdf(data: Uint8Array, opts: { file?: string } = {}): Promise<AnalysedPage[]> {
  let doc: PdfDocument | null = null;
  try {
    doc = await openPdf(data);
    return await analyseDocument(doc);
  } catch (err) {
    if (opts.file && err instanceof Error) err.message = `${opts.file}: ${err.message}`;
    throw err;
  } finally {
    await doc?.destroy();
  }
}

export async function analyseDocument(doc: PdfDocument): Promise<AnalysedPage[]> {
  const pdfjs = await loadPdfjs();
  const threads = await readThreads(await doc.getData());
  const pages: AnalysedPage[] = [];
  for (let n = 1; n <= doc.numPages; n++) {
    const page = await doc.getPage(n);
    const content = await extractPage(pdfjs, page);
    content.threads = threads.get(n);
    checkPageSize(content.widthPt, content.heightPt, n);
    pages.push(segmentPage(content));
    page.cleanup();
  }
  return pages;
}
