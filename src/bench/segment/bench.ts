// The segmentation benchmark: runs a page analyser over the generated corpus, times it and scores
// it against the truth; formats the figures for docs/performance.md.
import os from 'node:os';
import path from 'node:path';
import { blockTexts, type Block } from '../../domain/blocks';
import { median } from '../proc';
import type { SegmentCorpus } from './generate';
import { altoBlocksInPoints, altoTextBlocks } from './alto';
import { blockCoverage, contentPoints, MIN_IOU, PHOTO_GRID_PT, scoreCorpus, scorePage, type BlockCoverage, type CorpusScore, type PageScore, type ScoredPage } from './score';
import type { Box, PageHeader, TruthPage } from './truth';

/** What the benchmark reads of an analysed page (src/importer/pdf/analyse.ts's AnalysedPage has more). */
export interface AnalysedPageView {
  widthPt: number;
  heightPt: number;
  header: PageHeader;
  articles: ReadonlyArray<{ title: string; body: readonly Block[]; boxes: readonly Box[] }>;
}

/** A timed reading of PDF files with `workers` threads: each file's pages, wall and CPU time, when each file was done. */
export interface TimedRun {
  pages: AnalysedPageView[][];
  wallMs: number;
  /** CPU time of the whole process, all threads. */
  cpuMs: number;
  /** Per file, when its result arrived, from the start of the run. */
  doneMs: number[];
}
export type RunPdfs = (files: string[], workers: number) => Promise<TimedRun>;

export const SEGMENT_BENCH_MARKERS = { start: '<!-- segment-bench:start -->', end: '<!-- segment-bench:end -->' };

export const SEGMENT_TARGETS = { recall: 0.95, precision: 0.95, headlineExact: 0.98, bodyCer: 0.005, pagesPerSecond: 2 } as const;

export function truthToScored(page: TruthPage): ScoredPage {
  return { header: page.header, articles: page.articles.map((a) => ({ title: a.title, body: blockTexts(a.body).join(''), boxes: a.boxes, content: contentPoints(a.ink) })) };
}

export function analysedToScored(page: AnalysedPageView): ScoredPage {
  return { header: page.header, articles: page.articles.map((a) => ({ title: a.title, body: blockTexts(a.body).join(''), boxes: a.boxes })) };
}

/** Where the OCR text blocks of a scanned page landed among the analysed page's articles. */
export function scannedCoverage(altoXml: string, page: AnalysedPageView): BlockCoverage {
  const blocks = altoBlocksInPoints(altoTextBlocks(altoXml), page.widthPt, page.heightPt);
  return blockCoverage(blocks, page.articles.map((a) => a.boxes));
}

export interface PageOutcome {
  file: string;
  ms: number;
  score: PageScore;
  /** Titles, for reading the failures: truth in reading order, then the prediction's. */
  truthTitles: string[];
  predictedTitles: string[];
}

export interface ScannedOutcome {
  file: string;
  articles: number;
  coverage: BlockCoverage;
  ms: number;
}

export interface SegmentBenchResult {
  corpus: {
    dir: string;
    version: number;
    seed: number;
    pages: number;
    adPages: number;
    articles: number;
    lShaped: number;
    continued: number;
    columns: [number, number];
    articlesPerPage: [number, number];
    generated: boolean;
    seconds: number;
  };
  timing: {
    pages: number;
    /** The whole corpus through the import's pool of page workers, one per core: the figure held against the target. */
    pool: { workers: number; wallSeconds: number; cpuSeconds: number; pagesPerSecond: number };
    /** The same through one worker, one page at a time: what a page costs. */
    single: { wallSeconds: number; cpuSeconds: number; pagesPerSecond: number; medianMs: number; maxMs: number };
    /** Load averages (1, 5, 15 min) when the timed runs began and ended: other work on the machine slows them. */
    loadBefore: number[];
    loadAfter: number[];
  };
  /** Articles matched by content IoU (the primary figures). */
  score: CorpusScore;
  /** The same predictions matched by IoU of the unions of boxes. */
  scoreByBoxes: CorpusScore;
  pages: PageOutcome[];
  scanned: ScannedOutcome[] | null;
}

function corpusSummary(c: SegmentCorpus): SegmentBenchResult['corpus'] {
  const pages = c.truth.pages;
  const news = pages.filter((p) => !p.ad);
  const articles = pages.flatMap((p) => p.articles);
  const span = (xs: number[]): [number, number] => [Math.min(...xs), Math.max(...xs)];
  return {
    dir: c.dir,
    version: c.truth.version,
    seed: c.truth.seed,
    pages: pages.length,
    adPages: pages.length - news.length,
    articles: articles.length,
    lShaped: articles.filter((a) => a.lShaped).length,
    continued: articles.filter((a) => a.continuedTo !== null).length,
    columns: span(news.map((p) => p.columns)),
    articlesPerPage: span(news.map((p) => p.articles.length)),
    generated: c.generated,
    seconds: c.seconds,
  };
}

/**
 * Reads every page of the corpus the way the import does, twice: through the pool of page
 * workers, one per core (`workers`), for the throughput held against the target; then through one
 * worker, one page at a time, for what a page costs. Scores the pool's reading against the truth
 * (and checks that both readings found the same articles).
 */
export async function runSegmentBench(
  corpus: SegmentCorpus,
  run: RunPdfs,
  opts: { workers: number; log?: (line: string) => void },
): Promise<Omit<SegmentBenchResult, 'scanned'>> {
  const log = opts.log ?? (() => undefined);
  const truths = corpus.truth.pages;
  const files = truths.map((t) => path.join(corpus.dir, t.file));
  const loadBefore = os.loadavg();
  log(`segment bench: ${files.length} pages through ${opts.workers} page workers`);
  const pool = await run(files, opts.workers);
  log(`segment bench: ${files.length} pages through one page worker`);
  const single = await run(files, 1);
  const loadAfter = os.loadavg();
  const pages: PageOutcome[] = [];
  const byBoxes: PageScore[] = [];
  const pageMs = single.doneMs.map((t, i) => t - (i === 0 ? 0 : single.doneMs[i - 1]!));
  truths.forEach((truth, i) => {
    const analysed = pool.pages[i]!;
    if (analysed.length !== 1) throw new Error(`${truth.file}: the analyser returned ${analysed.length} pages for a one-page PDF`);
    const predicted = analysedToScored(analysed[0]!);
    const again = analysedToScored(single.pages[i]![0]!);
    if (JSON.stringify(again.articles.map((a) => [a.title, a.body])) !== JSON.stringify(predicted.articles.map((a) => [a.title, a.body]))) {
      throw new Error(`${truth.file}: one worker and the pool read different articles`);
    }
    const expected = truthToScored(truth);
    byBoxes.push(scorePage(expected, predicted, { mode: 'boxes' }));
    pages.push({
      file: truth.file,
      ms: pageMs[i]!,
      score: scorePage(expected, predicted),
      truthTitles: truth.articles.map((a) => a.title),
      predictedTitles: predicted.articles.map((a) => a.title),
    });
  });
  // The first page of the single run also started the worker and loaded pdf.js: left out of the page times.
  const times = pageMs.slice(1);
  const n = truths.length;
  return {
    corpus: corpusSummary(corpus),
    timing: {
      pages: n,
      pool: { workers: opts.workers, wallSeconds: pool.wallMs / 1000, cpuSeconds: pool.cpuMs / 1000, pagesPerSecond: n / (pool.wallMs / 1000) },
      single: {
        wallSeconds: single.wallMs / 1000,
        cpuSeconds: single.cpuMs / 1000,
        pagesPerSecond: n / (single.wallMs / 1000),
        medianMs: median(times) ?? 0,
        maxMs: Math.max(0, ...times),
      },
      loadBefore,
      loadAfter,
    },
    score: scoreCorpus(pages.map((p) => p.score)),
    scoreByBoxes: scoreCorpus(byBoxes),
    pages,
  };
}

// ---------------------------------------------------------------------------------------------
// Report.

const pct = (x: number, digits = 1) => `${(x * 100).toFixed(digits)} %`;

/** Pages with the most missed and spurious articles first, then by body errors. */
export function worstPages(pages: readonly PageOutcome[], count: number): PageOutcome[] {
  const badness = (p: PageOutcome) => p.score.missed.length + p.score.spurious.length + p.score.matches.filter((m) => !m.titleExact).length * 0.5;
  return [...pages]
    .filter((p) => badness(p) > 0 || p.score.matches.some((m) => m.bodyEdits > 0))
    .sort((a, b) => badness(b) - badness(a) || b.score.matches.reduce((s, m) => s + m.bodyEdits, 0) - a.score.matches.reduce((s, m) => s + m.bodyEdits, 0))
    .slice(0, count);
}

/** One line per problem on a page, for the report and the console. */
export function describePage(p: PageOutcome): string[] {
  const lines: string[] = [];
  for (const m of p.score.missed) lines.push(`missed 「${p.truthTitles[m.truth]}」 (best IoU ${m.bestIoU.toFixed(2)})`);
  for (const s of p.score.spurious) lines.push(`spurious 「${p.predictedTitles[s]}」`);
  for (const m of p.score.matches) {
    if (!m.titleExact) lines.push(`title 「${p.truthTitles[m.truth]}」 read as 「${p.predictedTitles[m.predicted]}」`);
    if (m.bodyEdits > 0) lines.push(`body of 「${p.truthTitles[m.truth]}」: ${m.bodyEdits} edits in ${m.bodyChars} characters`);
  }
  if (p.score.orderInversions > 0) lines.push(`${p.score.orderInversions} of ${p.score.orderPairs} article pairs read out of order`);
  if (!p.score.headerExact) lines.push('page header (版次, 版名, date) not read exactly');
  return lines;
}

export function formatSegmentBench(r: SegmentBenchResult, date: string, machine: string): string {
  const s = r.score;
  const b = r.scoreByBoxes;
  const t = SEGMENT_TARGETS;
  const met = (ok: boolean) => (ok ? 'yes' : '**no**');
  const c = r.corpus;
  const worst = worstPages(r.pages, 8);
  const tm = r.timing;
  const load = (xs: number[]) => xs.map((x) => x.toFixed(1)).join(' / ');
  return [
    '## Segmentation (`npm run bench:segment`)',
    '',
    `Generated by \`scripts/segment-bench.ts\` on ${date} — do not edit by hand. ${machine}`,
    '',
    `- **Corpus:** ${c.pages} page PDFs (generator v${c.version}, seed ${c.seed}; ${c.adPages} ad pages), typeset by headless Chromium with the system's Noto CJK fonts from the demo's phrase banks: ${c.articles} articles, ${c.articlesPerPage[0]}–${c.articlesPerPage[1]} per news page on ${c.columns[0]}–${c.columns[1]} columns, ${c.lShaped} L-shaped, ${c.continued} continued on another page. ${c.generated ? `Typeset in ${c.seconds.toFixed(0)} s` : 'Reused from the cache'} (\`bench/segment-corpus/\`).`,
    `- **Timed:** the corpus read as \`npm run import\` reads a folder of page PDFs: each file by the import's \`pdfPages\` (open it with pdf.js, read the text layer, segment, render the 2,400 px master on @napi-rs/canvas and encode it as JPEG with sharp) in the import's pool of page workers (\`src/importer/pdf/page-pool.ts\`), from the first job posted to the last reply, starting the workers and loading pdf.js included. Through ${tm.pool.workers} workers (one per core): ${tm.pool.wallSeconds.toFixed(1)} s for ${tm.pages} pages, ${tm.pool.cpuSeconds.toFixed(1)} CPU s. Then through one worker, one page at a time: ${tm.single.wallSeconds.toFixed(1)} s (${tm.single.pagesPerSecond.toFixed(2)} pages/s), a page's median ${tm.single.medianMs.toFixed(0)} ms, slowest ${tm.single.maxMs.toFixed(0)} ms (the first, which started the worker, left out). Load average ${load(tm.loadBefore)} before, ${load(tm.loadAfter)} after (other work on these ${os.cpus().length} cores slows both).`,
    `- **Scored:** an article is found when a predicted article has IoU ≥ ${MIN_IOU} with the truth's, one-to-one. IoU by content: the truth's printed lines (a point per character pitch) and photos (a ${PHOTO_GRID_PT} pt grid) that the predicted region (union of its boxes) covers, over those of this article plus those of other articles it covers, so what counts is which text and photos go together, not the margin either side draws. IoU by boxes: of the two unions of rectangles, where the truth's are the layout's (headline block across the article's width, each column's frame to its last line) and a prediction drawn tight around glyphs loses the whitespace between them. Headlines and bodies are compared on articles matched by content, whitespace aside; body CER = edit distance / truth length, summed over them. Reading order: pairs of matched articles the analyser reads in the other order than the layout's (the page is cut into stories top band first, then left before right, recursively; an L comes before the stories it wraps).`,
    '',
    '| measure | measured | target | met |',
    '|---|---:|---:|---|',
    `| article recall at IoU ≥ ${MIN_IOU} by content | ${pct(s.recall)} (${s.matched} of ${s.truthArticles}) | ≥ ${pct(t.recall, 0)} | ${met(s.recall >= t.recall)} |`,
    `| article precision at IoU ≥ ${MIN_IOU} by content | ${pct(s.precision)} (${s.matched} of ${s.predictedArticles}) | ≥ ${pct(t.precision, 0)} | ${met(s.precision >= t.precision)} |`,
    `| article recall at IoU ≥ ${MIN_IOU} by boxes | ${pct(b.recall)} (${b.matched} of ${b.truthArticles}) | ≥ ${pct(t.recall, 0)} | ${met(b.recall >= t.recall)} |`,
    `| article precision at IoU ≥ ${MIN_IOU} by boxes | ${pct(b.precision)} (${b.matched} of ${b.predictedArticles}) | ≥ ${pct(t.precision, 0)} | ${met(b.precision >= t.precision)} |`,
    `| headline exact match | ${pct(s.headlineExact)} | ≥ ${pct(t.headlineExact, 0)} | ${met(s.headlineExact >= t.headlineExact)} |`,
    `| body character error rate | ${pct(s.bodyCer, 2)} | ≤ ${pct(t.bodyCer, 1)} | ${met(s.bodyCer <= t.bodyCer)} |`,
    `| pages per second, whole corpus through ${tm.pool.workers} page workers (wall clock) | ${tm.pool.pagesPerSecond.toFixed(2)} | ≥ ${t.pagesPerSecond} | ${met(tm.pool.pagesPerSecond >= t.pagesPerSecond)} |`,
    `| pages per second, one worker, one page at a time (median page ${tm.single.medianMs.toFixed(0)} ms) | ${tm.single.pagesPerSecond.toFixed(2)} | – | – |`,
    `| CPU a page through the pool, all threads (what load on the machine slows least) | ${((tm.pool.cpuSeconds / tm.pages) * 1000).toFixed(0)} ms: ${os.cpus().length} idle cores could not read more than ${(os.cpus().length / (tm.pool.cpuSeconds / tm.pages)).toFixed(1)} pages/s (a bound, not a measurement) | – | – |`,
    `| reading order | ${s.orderInversions} of ${s.orderPairs} pairs inverted; ${s.pagesWithOrderErrors} pages affected | – | – |`,
    `| page header (版次, 版名 and the date) exact | ${pct(s.headerExact)} of pages | – | – |`,
    ...(r.scanned
      ? [
          '',
          'Scanned pages (the two Library of Congress pages with ALTO): every OCR text block should land in exactly one article (the article covers ≥ half of the block).',
          '',
          '| page | articles | text blocks | in one | in none | in several | ms |',
          '|---|---:|---:|---:|---:|---:|---:|',
          ...r.scanned.map((p) => `| ${p.file} | ${p.articles} | ${p.coverage.blocks} | ${p.coverage.inOne} | ${p.coverage.inNone} | ${p.coverage.inSeveral} | ${p.ms.toFixed(0)} |`),
        ]
      : []),
    ...(worst.length > 0
      ? ['', `Worst pages (of ${r.pages.length}):`, '', ...worst.map((p) => `- \`${p.file}\`: ${describePage(p).slice(0, 6).join('; ')}`)]
      : []),
  ].join('\n');
}
