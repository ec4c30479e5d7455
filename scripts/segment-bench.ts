// Page segmentation quality and speed: npm run bench:segment [-- --issues N --pages N --seed S] [--no-doc]
import fs from 'node:fs';
import path from 'node:path';
import { runEnvironment } from '../src/bench/proc';
import { scannedFixturesDir } from '../src/bench/segment/alto';
import { describePage, formatSegmentBench, runSegmentBench, scannedCoverage, SEGMENT_BENCH_MARKERS, worstPages, type AnalysedPageView, type AnalysePdf, type ScannedOutcome, type SegmentBenchResult } from '../src/bench/segment/bench';
import { DEFAULT_SEGMENT_CORPUS, ensureSegmentCorpus } from '../src/bench/segment/generate';
import { parseOptions, runCli, UsageError } from '../src/cli';
import { publishBenchResult } from '../src/bench/results-file';
import { PROJECT_ROOT as REPO_ROOT } from '../src/paths';

const USAGE = `node dist/scripts/segment-bench.js [options]
  --issues N       issues to typeset (default ${DEFAULT_SEGMENT_CORPUS.issues})
  --pages N        pages per issue, at least 3 (default ${DEFAULT_SEGMENT_CORPUS.pagesPerIssue})
  --seed S         corpus seed (default ${DEFAULT_SEGMENT_CORPUS.seed})
  --corpus-only    typeset (or find) the corpus and stop
  --no-doc         do not rewrite the segmentation section of docs/performance.md`;

const CORPUS_ROOT = path.join(REPO_ROOT, 'bench', 'segment-corpus');

/** What the bench uses of the importer's PDF engine (src/importer/pdf, src/importer/alto). */
interface PdfDoc {
  numPages: number;
  getPage(n: number): Promise<{ getViewport(o: { scale: number }): { width: number; height: number }; cleanup(): void }>;
  destroy(): Promise<void>;
}
interface Engine {
  openPdf(data: Uint8Array): Promise<PdfDoc>;
  analyseDocument(doc: PdfDoc): Promise<AnalysedPageView[]>;
  renderPage(doc: PdfDoc, page: unknown): Promise<{ jpeg: Buffer }>;
  analyseAlto(xml: string, target: { kind: 'pdf'; widthPt: number; heightPt: number }, file: string): AnalysedPageView;
}

/** The importer's engine, compiled beside this script; a clear message when this build has none. */
function loadEngine(): Engine {
  const dir = path.join(REPO_ROOT, 'dist', 'src', 'importer');
  const load = (rel: string) => {
    const file = path.join(dir, rel);
    if (!fs.existsSync(file)) throw new UsageError(`${path.relative(REPO_ROOT, file)} is missing: this build has no page analyser to measure`);
    return require(file) as Partial<Engine>;
  };
  return { ...load('pdf/engine.js'), ...load('pdf/analyse.js'), ...load('pdf/render.js'), ...load('alto/analyse.js') } as Engine;
}

/**
 * What importing a page PDF costs: open it, analyse its pages, render each page's master
 * (pdf.js on @napi-rs/canvas, JPEG by sharp). Rendering time is added up in `renderMs`.
 */
function importLikeAnalyser(engine: Engine, renderMs: { total: number }): AnalysePdf {
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
async function runScanned(engine: Engine): Promise<ScannedOutcome[]> {
  const dir = scannedFixturesDir(REPO_ROOT);
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

async function main(): Promise<void> {
  const { flags, number } = parseOptions(process.argv.slice(2), { values: ['--issues', '--pages', '--seed'], flags: ['--no-doc', '--corpus-only'] });
  const options = {
    issues: number('--issues', DEFAULT_SEGMENT_CORPUS.issues, 1, 100),
    pagesPerIssue: number('--pages', DEFAULT_SEGMENT_CORPUS.pagesPerIssue, 3, 16),
    seed: number('--seed', DEFAULT_SEGMENT_CORPUS.seed, 0, 2 ** 32 - 1),
  };
  const started = Date.now();
  const corpus = await ensureSegmentCorpus(CORPUS_ROOT, options, (line) => console.log(line));
  console.log(`corpus: ${path.relative(REPO_ROOT, corpus.dir)}, ${corpus.truth.pages.length} pages (${corpus.generated ? `typeset in ${corpus.seconds.toFixed(0)} s` : 'cached'})`);
  if (flags.has('--corpus-only')) return;

  const engine = loadEngine();
  const renderMs = { total: 0 };
  const run = await runSegmentBench(corpus, importLikeAnalyser(engine, renderMs), { log: (line) => console.log(line), afterWarmUp: () => (renderMs.total = 0) });
  const result: SegmentBenchResult = { ...run, timing: { ...run.timing, renderSeconds: renderMs.total / 1000 }, scanned: await runScanned(engine) };
  for (const page of worstPages(result.pages, 12)) console.log(`${page.file}:\n  ${describePage(page).join('\n  ')}`);
  const section = formatSegmentBench(result, new Date().toISOString().slice(0, 10), runEnvironment(started));
  publishBenchResult({ prefix: 'segment-', result, section, markers: SEGMENT_BENCH_MARKERS, writeDoc: !flags.has('--no-doc'), log: (line) => console.log(line) });
}

if (require.main === module) runCli(main, USAGE);
