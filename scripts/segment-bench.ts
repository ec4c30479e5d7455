// Page segmentation quality and speed: npm run bench:segment [-- --issues N --pages N --seed S] [--no-doc]
import os from 'node:os';
import path from 'node:path';
import { runEnvironment } from '../src/bench/proc';
import { publishBenchResult } from '../src/bench/results-file';
import { describePage, formatSegmentBench, runSegmentBench, SEGMENT_BENCH_MARKERS, worstPages, type SegmentBenchResult } from '../src/bench/segment/bench';
import { importLikeRun, loadEngine, runScanned, stageCosts } from '../src/bench/segment/engine';
import { DEFAULT_SEGMENT_CORPUS, ensureSegmentCorpus } from '../src/bench/segment/generate';
import { parseOptions, runCli } from '../src/cli';
import { PROJECT_ROOT as REPO_ROOT } from '../src/paths';

const USAGE = `node dist/scripts/segment-bench.js [options]
  --issues N       issues to typeset (default ${DEFAULT_SEGMENT_CORPUS.issues})
  --pages N        pages per issue, at least 3 (default ${DEFAULT_SEGMENT_CORPUS.pagesPerIssue})
  --seed S         corpus seed (default ${DEFAULT_SEGMENT_CORPUS.seed})
  --corpus-only    typeset (or find) the corpus and stop
  --stages N       print what each stage of reading a page costs (CPU ms, over N pages, one thread) and stop
  --no-doc         do not rewrite the segmentation section of docs/performance.md`;

const CORPUS_ROOT = path.join(REPO_ROOT, 'bench', 'segment-corpus');

async function main(): Promise<void> {
  const { flags, number } = parseOptions(process.argv.slice(2), { values: ['--issues', '--pages', '--seed', '--stages'], flags: ['--no-doc', '--corpus-only'] });
  const options = {
    issues: number('--issues', DEFAULT_SEGMENT_CORPUS.issues, 1, 100),
    pagesPerIssue: number('--pages', DEFAULT_SEGMENT_CORPUS.pagesPerIssue, 3, 16),
    seed: number('--seed', DEFAULT_SEGMENT_CORPUS.seed, 0, 2 ** 32 - 1),
  };
  const started = Date.now();
  const corpus = await ensureSegmentCorpus(CORPUS_ROOT, options, (line) => console.log(line));
  console.log(`corpus: ${path.relative(REPO_ROOT, corpus.dir)}, ${corpus.truth.pages.length} pages (${corpus.generated ? `typeset in ${corpus.seconds.toFixed(0)} s` : 'cached'})`);
  if (flags.has('--corpus-only')) return;
  const stagePages = number('--stages', 0, 0, 1000);
  if (stagePages > 0) {
    const costs = await stageCosts(corpus.truth.pages.slice(0, stagePages).map((p) => path.join(corpus.dir, p.file)));
    const total = costs.reduce((s, c) => s + c.cpuMs, 0);
    for (const c of costs) console.log(`${c.cpuMs.toFixed(0).padStart(5)} ms ${((100 * c.cpuMs) / total).toFixed(0).padStart(3)} %  ${c.stage}`);
    console.log(`${total.toFixed(0).padStart(5)} ms        CPU a page over ${Math.min(stagePages, corpus.truth.pages.length)} pages; load average ${os.loadavg().map((x) => x.toFixed(1)).join(' / ')}`);
    return;
  }

  const engine = loadEngine();
  const run = await runSegmentBench(corpus, importLikeRun(engine), { workers: os.availableParallelism(), log: (line) => console.log(line) });
  const result: SegmentBenchResult = { ...run, scanned: await runScanned(engine, REPO_ROOT) };
  for (const page of worstPages(result.pages, 12)) console.log(`${page.file}:\n  ${describePage(page).join('\n  ')}`);
  const section = formatSegmentBench(result, new Date().toISOString().slice(0, 10), runEnvironment(started));
  publishBenchResult({ prefix: 'segment-', result, section, markers: SEGMENT_BENCH_MARKERS, writeDoc: !flags.has('--no-doc'), log: (line) => console.log(line) });
}

if (require.main === module) runCli(main, USAGE);
