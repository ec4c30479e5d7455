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
