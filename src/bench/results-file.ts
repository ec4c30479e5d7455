// Where bench results go: bench/results keeps the newest file of each bench (git keeps the history).
import fs from 'node:fs';
import path from 'node:path';
import { writeMarkedSection, type Markers } from '../doc-section';
import { PROJECT_ROOT } from '../paths';

export const RESULTS_DIR = path.join(PROJECT_ROOT, 'bench', 'results');
export const PERFORMANCE_DOC = path.join(PROJECT_ROOT, 'docs', 'performance.md');

const STAMP = '\\d{4}-\\d{2}-\\d{2}T\\d{2}-\\d{2}-\\d{2}-\\d{3}Z';

/**
 * Writes `result` as `<prefix><timestamp><suffix>.json` in `dir` and removes the
 * older files of the same bench (same prefix and suffix, a timestamp between).
 * Returns the file written.
 */
export function writeResultsFile(dir: string, bench: { prefix: string; suffix?: string }, at: Date, result: unknown): string {
  const suffix = bench.suffix ?? '';
  const name = `${bench.prefix}${at.toISOString().replace(/[:.]/g, '-')}${suffix}.json`;
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, name);
  fs.writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  const sameBench = new RegExp(`^${escapeRegExp(bench.prefix)}${STAMP}${escapeRegExp(suffix)}\\.json$`);
  for (const other of fs.readdirSync(dir)) {
    if (other !== name && sameBench.test(other)) fs.rmSync(path.join(dir, other));
  }
  return file;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** What a bench command does with its figures: prints its doc section, keeps the results JSON and, unless told not to, rewrites its section of docs/performance.md. */
export function publishBenchResult(opts: { prefix: string; result: unknown; section: string; markers: Markers; writeDoc: boolean; log: (line: string) => void }): void {
  opts.log(opts.section);
  const file = writeResultsFile(RESULTS_DIR, { prefix: opts.prefix }, new Date(), opts.result);
  opts.log(`results: ${path.relative(PROJECT_ROOT, file)}`);
  if (opts.writeDoc) writeMarkedSection(PERFORMANCE_DOC, opts.markers, opts.section, { ifMissing: 'append' });
}
