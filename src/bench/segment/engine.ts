// The importer's page engine as the segmentation benchmark drives it: page PDFs read as the
// import reads them (its pool of page workers), and the ALTO analyser on the real scanned pages.
import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from '../../cli';
import { scannedFixturesDir } from './alto';
import { scannedCoverage, type AnalysedPageView, type RunPdfs, type ScannedOutcome } from './bench';

/** What the bench uses of the importer's PDF engine (src/importer/pdf, src/importer/alto). */
interface PdfDoc {
  numPages: number;
  getPage(n: number): Promise<{ getViewport(o: { scale: number }): { width: number; height: number }; cleanup(): void }>;
  destroy(): Promise<void>;
}
interface PdfJob {
  file: string;
  alto: string | null;
}
export interface Engine {
  openPdf(data: Uint8Array): Promise<PdfDoc>;
  /** The import's reading of one PDF file: analysis, 2,400 px master (JPEG by sharp), one-page PDFs. */
  pdfPages(file: string, alto: string | null): Promise<Array<{ analysed: AnalysedPageView; jpeg: Uint8Array }>>;
  /** The import's pool of page workers (src/importer/pdf/page-pool.ts). */
  runPdfJobs<T>(jobs: PdfJob[], inline: (job: PdfJob) => Promise<T>, sourceError: new (message: string) => Error, opts?: { workers?: number }): Promise<T>[];
  SourceError: new (message: string) => Error;
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
  return { ...load('pdf/engine.js'), ...load('pdf/derive.js'), ...load('pdf/page-pool.js'), ...load('alto/analyse.js') } as Engine;
}

/**
 * The page PDFs read as `npm run import` reads a folder of them: each file by
 * the import's pdfPages (open, analyse, render the master, encode it) in the
 * import's pool of worker threads, `workers` of them. Timed from the first job
 * posted to the last reply, so starting the workers and loading pdf.js in
 * each is included; `doneMs` is when each file's reply arrived (with one
 * worker, the differences are the page times).
 */
export function importLikeRun(engine: Engine): RunPdfs {
  return async (files, workers) => {
    const cpu0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    const sinceStart = () => Number(process.hrtime.bigint() - t0) / 1e6;
    const doneMs: number[] = [];
    const jobs = engine.runPdfJobs(
      files.map((file) => ({ file, alto: null })),
      (job) => engine.pdfPages(job.file, job.alto),
      engine.SourceError,
      { workers },
    );
    const pages = await Promise.all(
      jobs.map(async (job, i) => {
        const read = await job;
        doneMs[i] = sinceStart();
        return read.map((p) => p.analysed);
      }),
    );
    const cpu = process.cpuUsage(cpu0);
    return { pages, wallMs: sinceStart(), cpuMs: (cpu.user + cpu.system) / 1000, doneMs };
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

/** What a page's stages cost, CPU ms a page (all threads of the process). */
export type StageCosts = Array<{ stage: string; cpuMs: number }>;

/**
 * Where a page's time goes (`--stages N`): the first `files`, one at a time in this thread set up as
 * a page worker is (pdf.js inflating synchronously), after two untimed pages, each stage's CPU time
 * (sharp's threads included). The text layer is read before the render here, so loading the
 * page's fonts counts under it; the import renders first, and the fonts count there.
 */
export async function stageCosts(files: string[]): Promise<StageCosts> {
  const dir = path.join(__dirname, '..', '..', 'importer', 'pdf');
  /* eslint-disable @typescript-eslint/no-require-imports */
  const engine = require(path.join(dir, 'engine.js')) as typeof import('../../importer/pdf/engine');
  const extract = require(path.join(dir, 'extract.js')) as typeof import('../../importer/pdf/extract');
  const { segmentPage } = require(path.join(dir, 'segment.js')) as typeof import('../../importer/pdf/segment');
  const { MASTER_LONG_SIDE_PX, MASTER_JPEG_QUALITY, MASTER_OPTIMISE_CODING } = require(path.join(dir, 'render.js')) as typeof import('../../importer/pdf/render');
  const sharp = require('sharp') as typeof import('sharp').default;
  /* eslint-enable @typescript-eslint/no-require-imports */
  engine.inflateSynchronously();
  const pdfjs = await engine.loadPdfjs();
  const totals = new Map<string, number>();
  const cpu = () => {
    const c = process.cpuUsage();
    return (c.user + c.system) / 1000;
  };
  const warm = 2;
  for (const [i, file] of [...files.slice(0, warm), ...files].entries()) {
    let mark = cpu();
    const step = (stage: string) => {
      const now = cpu();
      if (i >= warm) totals.set(stage, (totals.get(stage) ?? 0) + now - mark);
      mark = now;
    };
    const doc = await engine.openPdf(new Uint8Array(fs.readFileSync(file)));
    const page = await doc.getPage(1);
    step('open the PDF');
    const content = await extract.extractPage(pdfjs, page, null);
    step("text layer and images (pdf.js: content stream, the page's fonts, getTextContent, operator list)");
    segmentPage(content);
    step('segmentation');
    const unit = page.getViewport({ scale: 1 });
    const viewport = page.getViewport({ scale: MASTER_LONG_SIDE_PX / Math.max(unit.width, unit.height) });
    const [width, height] = [Math.round(viewport.width), Math.round(viewport.height)];
    const factory = doc.canvasFactory as unknown as { create(w: number, h: number): { canvas: { data(): Buffer }; context: { fillStyle: string; fillRect(...a: number[]): void } }; destroy(e: unknown): void };
    const made = factory.create(width, height);
    made.context.fillStyle = '#ffffff';
    made.context.fillRect(0, 0, width, height);
    await page.render({ canvas: made.canvas as never, canvasContext: made.context as never, viewport }).promise;
    step('render: pdf.js drawing on @napi-rs/canvas (Skia records)');
    const pixels = made.canvas.data();
    step('render: Skia rasterising (on reading the pixels)');
    await sharp(pixels, { raw: { width, height, channels: 4 } }).removeAlpha().jpeg({ quality: MASTER_JPEG_QUALITY, chromaSubsampling: '4:2:0', optimiseCoding: MASTER_OPTIMISE_CODING }).toBuffer();
    step('master JPEG by sharp (2,400 px)');
    factory.destroy(made);
    page.cleanup();
    await doc.destroy();
    step('close');
  }
  return [...totals].map(([stage, ms]) => ({ stage, cpuMs: ms / files.length }));
}
