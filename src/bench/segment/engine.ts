// The importer's page engine as the segmentation benchmark drives it: import-like timing of page
// PDFs (open, analyse, render the master) and the ALTO analyser on the real scanned pages.
import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from '../../cli';
import { scannedFixturesDir } from './alto';
import { scannedCoverage, type AnalysedPageView, type AnalysePdf, type ScannedOutcome } from './bench';

/** What the bench uses of the importer's PDF engine (src/importer/pdf, src/importer/alto). */
interface PdfDoc {
  numPages: number;
  getPage(n: number): Promise<{ getViewport(o: { scale: number }): { width: number; height: number }; cleanup(): void }>;
  destroy(): Promise<void>;
}
export interface Engine {
  openPdf(data: Uint8Array): Promise<PdfDoc>;
  analyseDocument(doc: PdfDoc): Promise<AnalysedPageView[]>;
  renderPage(doc: PdfDoc, page: unknown): Promise<{ jpeg: Buffer }>;
  analyseAlto(xml: string, target: { kind: 'pdf'; widthPt: number; heightPt: number }, file: string): AnalysedPageView;
}

/**
 * The importer's engine, loaded at run time so that the benchmark builds and its tests run on a
 * checkout without it; a clear message when this build has none.
 */
export function loadEngine(): Engine {
  const dir = path.join(__dirname, '..', '..', 'importer');
  const load = (rel: string) => {
    const file = path.join(dir, rel);
    if (!fs.existsSync(file)) throw new UsageError(`${file} is missing: this build has no page analyser to measure`);
    return require(file) as Partial<Engine>;
  };
  return { ...load('pdf/engine.js'), ...load('pdf/analyse.js'), ...load('pdf/render.js'), ...load('alto/analyse.js') } as Engine;
}

/**
 * What importing a page PDF costs: open it, analyse its pages, render each page's master
 * (pdf.js on @napi-rs/canvas, JPEG by sharp). Rendering time is added up in `renderMs`.
 */
export function importLikeAnalyser(engine: Engine, renderMs: { total: number }): AnalysePdf {
  return async (data) => {
    const doc = await engine.openPdf(data);
    try {
      const pages = await engine.analyseDocument(doc);
      for (let n = 1; n <= doc.numPages; n += 1) {
        const t0 = process.hrtime.bigint();
        const page = await doc.getPage(n);
        await engine.renderPage(doc, page);
        page.cleanup();
        renderMs.total += Number(process.hrtime.bigint() - t0) / 1e6;
      }
      return pages;
    } finally {
      await doc.destroy();
    }
  };
}

/** The ALTO analyser on the two real scanned pages, laid over their PDFs. */
export async function runScanned(engine: Engine, projectRoot: string): Promise<ScannedOutcome[]> {
  const dir = scannedFixturesDir(projectRoot);
  if (!dir) throw new UsageError('shared/fixtures/scanned-pages not found beside the checkout');
  const out: ScannedOutcome[] = [];
  for (const name of fs.readdirSync(dir).filter((f) => f.endsWith('.alto.xml')).sort()) {
    const xml = fs.readFileSync(path.join(dir, name), 'utf8');
    const doc = await engine.openPdf(new Uint8Array(fs.readFileSync(path.join(dir, name.replace(/\.alto\.xml$/, '.pdf')))));
    try {
      const { width, height } = (await doc.getPage(1)).getViewport({ scale: 1 });
      const t0 = process.hrtime.bigint();
      const page = engine.analyseAlto(xml, { kind: 'pdf', widthPt: width, heightPt: height }, name);
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      out.push({ file: name, articles: page.articles.length, coverage: scannedCoverage(xml, page), ms });
    } finally {
      await doc.destroy();
    }
  }
  return out;
}
