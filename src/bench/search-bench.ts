// The search bench (npm run bench:search; scripts/search-bench.ts parses its arguments): latency of a fixed query list and the index size.
import path from 'node:path';
import Database from 'better-sqlite3';
import { blockTexts, type Block } from '../domain/blocks';
import { PROJECT_ROOT } from '../paths';
import { titleText } from '../search/indexer';
import { createSearcher, DEFAULT_COUNT_CAP } from '../search/searcher';
import { tableSizes } from './corpus';

/** The search section of docs/performance.md. */
export const SEARCH_BENCH_MARKERS = { start: '<!-- search-bench:start -->', end: '<!-- search-bench:end -->' };

/**
 * The fixed query list: 50 queries of 1 to 6 characters, words and names of
 * the generated newspaper's vocabulary (src/demo/text.ts), plus common single
 * characters, mixed Chinese/digits and two-term queries. Fixed, so runs on
 * different days and machines compare.
 */
export const SEARCH_BENCH_QUERIES: readonly string[] = [
  // 1 character
  '江', '区', '社', '学', '园', '路', '站', '新',
  // 2 characters
  '社区', '滨江', '云溪', '望湖', '学校', '公园', '地铁', '医院', '养老', '居民',
  // 3 characters
  '滨江区', '云溪路', '望湖路', '区图书', '北塘路', '科创园', '体育中', '文化馆', '图书馆',
  // 4 characters
  '云溪街道', '滨江大道', '望湖公园', '枫林社区', '金桥新村', '江城南站', '江城美术', '桃源小学',
  // 5 characters
  '云溪路小学', '北塘非遗展', '望湖数字港', '江城智芯科', '滨江科创园', '滨江区文化',
  // 6 characters
  '滨江实验小学', '云溪湿地公园', '江城第三中学', '滨江体育中心', '卫生服务中心',
  // mixed and two terms
  '20号线', '12号线', '社区 养老', '学校 公园',
];

export interface QueryTiming {
  q: string;
  chars: number;
  total: number;
  wallMs: number[];
  cpuMs: number[];
}

export interface SearchBenchResult {
  database: string;
  articles: number;
  repeat: number;
  queries: QueryTiming[];
  sizes: { ftsBytes: number | null; articleTableBytes: number | null; indexedTextBytes: number };
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export function summarize(values: readonly number[]): { median: number; p95: number } {
  const sorted = [...values].sort((a, b) => a - b);
  return { median: percentile(sorted, 50), p95: percentile(sorted, 95) };
}

/** Characters a query has, spaces excluded (what "1 to 6 characters" counts). */
export function queryChars(q: string): number {
  return [...q.replace(/\s+/g, '')].length;
}

/** UTF-8 bytes of exactly the text the indexer indexes: kicker/title/subtitle and body blocks. */
function indexedTextBytes(db: Database.Database): number {
  let bytes = 0;
  const rows = db.prepare('SELECT kicker, title, subtitle, body_json FROM article').iterate() as IterableIterator<{ kicker: string | null; title: string; subtitle: string | null; body_json: string }>;
  for (const r of rows) {
    bytes += Buffer.byteLength(titleText(r), 'utf8') + Buffer.byteLength(blockTexts(JSON.parse(r.body_json) as Block[]).join('\n'), 'utf8');
  }
  return bytes;
}

/** Runs every query `repeat` times (after one warm-up run) on a read-only connection, searcher cache off. */
export function runSearchBench(file: string, repeat: number, queries: readonly string[] = SEARCH_BENCH_QUERIES): SearchBenchResult {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    db.pragma('cache_size = -32000'); // as the server's read connection
    const searcher = createSearcher(db, { cacheEntries: 0 });
    const now = Date.now();
    const articles = (db.prepare('SELECT count(*) AS n FROM article').get() as { n: number }).n;
    const timings: QueryTiming[] = [];
    for (const q of queries) {
      const params = { q, page: 1, sort: 'relevance' as const, now };
      const first = searcher.search(params);
      if (!first) throw new Error(`search bench: query ${JSON.stringify(q)} has nothing searchable`);
      const t: QueryTiming = { q, chars: queryChars(q), total: first.total, wallMs: [], cpuMs: [] };
      for (let i = 0; i < repeat; i += 1) {
        const cpu0 = process.cpuUsage();
        const wall0 = process.hrtime.bigint();
        searcher.search(params);
        t.wallMs.push(Number(process.hrtime.bigint() - wall0) / 1e6);
        const cpu = process.cpuUsage(cpu0);
        t.cpuMs.push((cpu.user + cpu.system) / 1000);
      }
      timings.push(t);
    }
    return { database: file, articles, repeat, queries: timings, sizes: { ...tableSizes(db), indexedTextBytes: indexedTextBytes(db) } };
  } finally {
    db.close();
  }
}

const ms = (n: number) => (n < 10 ? n.toFixed(1) : n.toFixed(0));
const gb = (n: number | null) => (n === null ? 'n/a' : `${(n / 1e9).toFixed(2)} GB`);

export function formatSearchBench(r: SearchBenchResult, date: string, machine: string): string {
  const rows: string[] = [];
  const classes: [string, (t: QueryTiming) => boolean][] = [
    ...[1, 2, 3, 4, 5, 6].map((n): [string, (t: QueryTiming) => boolean] => [`${n} character${n > 1 ? 's' : ''}`, (t) => t.chars === n && !t.q.includes(' ')]),
    ['two terms', (t) => t.q.includes(' ')],
    ['all of 2+ characters', (t) => t.chars >= 2],
    [`all ${r.queries.length}`, () => true],
  ];
  for (const [name, pick] of classes) {
    const ts = r.queries.filter(pick);
    if (ts.length === 0) continue;
    const wall = summarize(ts.flatMap((t) => t.wallMs));
    const cpu = summarize(ts.flatMap((t) => t.cpuMs));
    const matches = summarize(ts.map((t) => t.total));
    rows.push(`| ${name} | ${ts.length} | ${matches.median.toLocaleString('en-US')} | ${ms(wall.median)} / ${ms(wall.p95)} | ${ms(cpu.median)} / ${ms(cpu.p95)} |`);
  }
  const ratio = r.sizes.ftsBytes !== null ? r.sizes.ftsBytes / r.sizes.indexedTextBytes : null;
  const twoPlus = summarize(r.queries.filter((t) => t.chars >= 2).flatMap((t) => t.wallMs));
  return [
    '## Search latency and index size (`npm run bench:search`)',
    '',
    `Generated by \`scripts/search-bench.ts\` on ${date} — do not edit by hand. ${machine}`,
    '',
    `- **Database:** \`${path.relative(PROJECT_ROOT, r.database) || r.database}\`, ${r.articles.toLocaleString('en-US')} articles.`,
    `- **Queries:** the fixed list of ${r.queries.length} in \`src/bench/search-bench.ts\` (1–6 characters, names and words of the generated paper, mixed digits, two-term ANDs), first results page by relevance, the searcher's own cache off; each query once to warm up, then ${r.repeat} timed runs in one process on a read-only connection (\`cache_size\` as the server's).`,
    '',
    `| queries | n | matches (median; counting stops at ${DEFAULT_COUNT_CAP.toLocaleString('en-US')}) | wall ms median / p95 | CPU ms median / p95 |`,
    '|---|---:|---:|---:|---:|',
    ...rows,
    '',
    `- **Index size:** FTS index ${gb(r.sizes.ftsBytes)}, article table ${gb(r.sizes.articleTableBytes)}, the text it indexes (UTF-8 of titles and bodies as indexed) ${gb(r.sizes.indexedTextBytes)}: index = **${ratio === null ? 'n/a' : `${ratio.toFixed(2)}×`}** the text.`,
    '',
    '| target | measured | met |',
    '|---|---|---|',
    `| p95 ≤ 50 ms for queries of 2+ characters | ${ms(twoPlus.p95)} ms (wall) | ${twoPlus.p95 <= 50 ? 'yes' : '**no**'} |`,
    `| index ≤ 1.5× the text it indexes | ${ratio === null ? 'n/a' : `${ratio.toFixed(2)}×`} | ${ratio !== null && ratio <= 1.5 ? 'yes' : '**no**'} |`,
  ].join('\n');
}
