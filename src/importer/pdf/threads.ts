import { PDFArray, PDFDict, PDFDocument, PDFName, PDFNumber, PDFRef } from 'pdf-lib';
import type { Box } from './layout';

/** Beads a thread may have before it is taken for a cycle the /N links never close. */
const MAX_BEADS = 10_000;

/**
 * The article threads of a PDF (the catalog's /Threads; PDF 32000-1 §12.4.3):
 * for each page (1-based), each thread's bead rectangles on it, in points
 * with the origin top-left. pdf.js does not expose threads, so pdf-lib reads
 * them; a PDF whose bytes name no /Threads (nor hide its objects in object
 * streams, where the name could sit compressed) is not parsed a second time.
 * A thread that cannot be followed is skipped: threads only help grouping.
 */
export async function readThreads(data: Uint8Array): Promise<Map<number, Box[][]>> {
  const byPage = new Map<number, Box[][]>();
  if (!mentions(data, '/Threads') && !mentions(data, '/ObjStm')) return byPage;
  let doc: PDFDocument;
  try {
    doc = await PDFDocument.load(data, { ignoreEncryption: true, updateMetadata: false, throwOnInvalidObject: false });
  } catch {
    return byPage; // pdf.js opened it or reports why; threads are optional
  }
  const threads = doc.catalog.lookupMaybe(PDFName.of('Threads'), PDFArray);
  if (!threads) return byPage;
  const pages = doc.getPages();
  const pageNumberOf = new Map<PDFRef, number>(pages.map((p, i) => [p.ref, i + 1]));
  for (let t = 0; t < threads.size(); t++) {
    const thread = threads.lookupMaybe(t, PDFDict);
    const first = thread?.get(PDFName.of('F'));
    if (!(first instanceof PDFRef)) continue;
    const onPage = new Map<number, Box[]>();
    const seen = new Set<PDFRef>();
    for (let ref: unknown = first; ref instanceof PDFRef && !seen.has(ref) && seen.size < MAX_BEADS; ) {
      seen.add(ref);
      const bead = doc.context.lookupMaybe(ref, PDFDict);
      if (!bead) break;
      const pageRef = bead.get(PDFName.of('P'));
      const rect = bead.lookupMaybe(PDFName.of('R'), PDFArray);
      const n = pageRef instanceof PDFRef ? pageNumberOf.get(pageRef) : undefined;
      if (n !== undefined && rect && rect.size() === 4) {
        const [x1, y1, x2, y2] = [0, 1, 2, 3].map((i) => rect.lookupMaybe(i, PDFNumber)?.asNumber() ?? NaN) as [number, number, number, number];
        const page = pages[n - 1]!;
        const { x: ox, y: oy, height } = page.getCropBox();
        if ([x1, y1, x2, y2].every(Number.isFinite)) {
          const box = { x: Math.min(x1, x2) - ox, y: oy + height - Math.max(y1, y2), w: Math.abs(x2 - x1), h: Math.abs(y2 - y1) };
          onPage.set(n, [...(onPage.get(n) ?? []), box]);
        }
      }
      ref = bead.get(PDFName.of('N'));
    }
    for (const [n, boxes] of onPage) byPage.set(n, [...(byPage.get(n) ?? []), boxes]);
  }
  return byPage;
}

/** Whether the bytes hold this ASCII string anywhere. */
function mentions(data: Uint8Array, text: string): boolean {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength).includes(text, 0, 'latin1');
}
