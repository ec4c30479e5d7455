import fs from 'node:fs';
import { PDFDocument } from 'pdf-lib';

/** The whole issue as one PDF (整期下载), merged from the page PDFs in page order. */
export async function mergePagePdfs(files: string[]): Promise<Buffer> {
  const merged = await PDFDocument.create();
  for (const file of files) {
    const src = await PDFDocument.load(fs.readFileSync(file), { updateMetadata: false });
    const pages = await merged.copyPages(src, src.getPageIndices());
    for (const p of pages) merged.addPage(p);
  }
  // A fixed date keeps the merged file, and so its content-hash name, reproducible.
  merged.setCreationDate(new Date(0));
  merged.setModificationDate(new Date(0));
  merged.setProducer('epaper');
  return Buffer.from(await merged.save({ useObjectStreams: true }));
}
