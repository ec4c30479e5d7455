// Page segmentation quality and speed: npm run bench:segment [-- --issues N --pages N --seed S] [--no-doc]
import fs from 'node:fs';
import path from 'node:path';
import { runEnvironment } from '../src/bench/proc';
import { describePage, formatSegmentBench, runSegmentBench, worstPages, type AnalysePdf, type SegmentBenchResult } from '../src/bench/segment/bench';
import { DEFAULT_SEGMENT_CORPUS, ensureSegmentCorpus } from '../src/bench/segment/generate';
import { parseOptions, runCli, UsageError } from '../src/cli';
import { writeMarkedSection } from '../src/doc-section';
import { PROJECT_ROOT as REPO_ROOT } from '../src/paths';

const USAGE = `node dist/scripts/segment-bench.js [options]
  --issues N       issues to typeset (default ${DEFAULT_SEGMENT_CORPUS.issues})
  --pages N        pages per issue, at least 3 (default ${DEFAULT_SEGMENT_CORPUS.pagesPerIssue})
  --seed S         corpus seed (default ${DEFAULT_SEGMENT_CORPUS.seed})
  --corpus-only    typeset (or find) the corpus and stop
  --no-doc         do not rewrite the segmentation section of docs/performance.md`;

const DOC_MARKERS = { start: '<!-- segment-bench:start -->', end: '<!-- segment-bench:end -->' };
const CORPUS_ROOT = path.join(REPO_ROOT, 'bench', 'segment-corpus');

/** The importer's PDF analyser, compiled beside this script. */
function loadAnalyser(): AnalysePdf {
  const file = path.join(REPO_ROOT, 'dist', 'src', 'importer', 'pdf', 'analyse.js');
  if (!fs.existsSync(file)) throw new UsageError(`${path.relative(REPO_ROOT, file)} is missing: this build has no PDF analyser (src/importer/pdf/analyse.ts) to measure`);
  return (require(file) as { analysePdf: AnalysePdf }).analysePdf;
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

  const analyse = loadAnalyser();
  const result: SegmentBenchResult = { ...(await runSegmentBench(corpus, analyse, (line) => console.log(line))), scanned: null };
  for (const page of worstPages(result.pages, 12)) console.log(`${page.file}:\n  ${describePage(page).join('\n  ')}`);
  const section = formatSegmentBench(result, new Date().toISOString().slice(0, 10), runEnvironment(started));
  console.log(section);
  const out = path.join(REPO_ROOT, 'bench', 'results', `segment-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, JSON.stringify(result, null, 1));
  console.log(`results: ${path.relative(REPO_ROOT, out)}`);
  if (!flags.has('--no-doc')) writeMarkedSection(path.join(REPO_ROOT, 'docs', 'performance.md'), DOC_MARKERS, section, { ifMissing: 'append' });
}

if (require.main === module) runCli(main, USAGE);
