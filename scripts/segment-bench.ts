// Page segmentation quality and speed: npm run bench:segment [-- --issues N --pages N --seed S] [--no-doc]
import os from 'node:os';
import path from 'node:path';
import { runEnvironment } from '../src/bench/proc';
import { publishBenchResult } from '../src/bench/results-file';
import { describePage, formatSegmentBench, runSegmentBench, SEGMENT_BENCH_MARKERS, worstPages, type SegmentBenchResult } from '../src/bench/segment/bench';
import { importLikeRun, loadEngine, runScanned } from '../src/bench/segment/engine';
import { DEFAULT_SEGMENT_CORPUS, ensureSegmentCorpus } from '../src/bench/segment/generate';
import { parseOptions, runCli } from '../src/cli';
import { PROJECT_ROOT as REPO_ROOT } from '../src/paths';

const USAGE = `node dist/scripts/segment-bench.js [options]
  --issues N       issues to typeset (default ${DEFAULT_SEGMENT_CORPUS.issues})
  --pages N        pages per issue, at least 3 (default ${DEFAULT_SEGMENT_CORPUS.pagesPerIssue})
  --seed S         corpus seed (default ${DEFAULT_SEGMENT_CORPUS.seed})
  --corpus-only    typeset (or find) the corpus and stop
  --no-doc         do not rewrite the segmentation section of docs/performance.md`;

const CORPUS_ROOT = path.join(REPO_ROOT, 'bench', 'segment-corpus');

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
  const run = await runSegmentBench(corpus, importLikeRun(engine), { workers: os.availableParallelism(), log: (line) => console.log(line) });
  const result: SegmentBenchResult = { ...run, scanned: await runScanned(engine, REPO_ROOT) };
  for (const page of worstPages(result.pages, 12)) console.log(`${page.file}:\n  ${describePage(page).join('\n  ')}`);
  const section = formatSegmentBench(result, new Date().toISOString().slice(0, 10), runEnvironment(started));
  publishBenchResult({ prefix: 'segment-', result, section, markers: SEGMENT_BENCH_MARKERS, writeDoc: !flags.has('--no-doc'), log: (line) => console.log(line) });
}

if (require.main === module) runCli(main, USAGE);
