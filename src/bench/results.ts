// What a bench run measured: the results JSON's shape, written by run.ts and read by report.ts.
import type { CorpusInfo } from './corpus';
import type { LoadResult } from './load';
import type { ProfileSummary } from './profile';
import type { ClassName, UrlSetSizes } from './urls';

export type Target = 'cacheOn' | 'cacheOff' | 'static';
export const TARGETS: readonly Target[] = ['cacheOn', 'cacheOff', 'static'];

export interface RunFigures extends LoadResult {
  /**
   * CPU time the server process used per response, in µs (user + system, from /proc):
   * unlike req/s it hardly depends on what else the machine runs. 1e6 / this is what one
   * dedicated core could serve.
   */
  serverCpuUsPerRequest?: number | null;
  /** Render cache hit ratio during the run (cache-on server only), from /metrics. */
  cacheHitRatio?: number | null;
}

export interface TargetFigures {
  /** Medians over the repeated runs (errors and non-2xx: sums). */
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  non2xx: number;
  bytesPerResponse: number;
  /** Median server CPU µs per response (see RunFigures). */
  serverCpuUsPerRequest: number | null;
  cacheHitRatio: number | null;
  /** Server RSS after the class's runs, bytes. */
  rssBytes: number | null;
  /** requestsPerSecond / the static baseline's on the same URLs. */
  ratioToStatic: number | null;
  /** The static baseline's CPU per response / this server's (1 = as cheap as the baseline). */
  cpuRatioToStatic: number | null;
  runs: RunFigures[];
}

export interface ClassResult {
  name: ClassName;
  label: string;
  urls: number;
  /** Mean bytes of a captured page (identity / gzip). */
  pageBytes: { identity: number; gzip: number };
  cacheOn: TargetFigures;
  cacheOff: TargetFigures;
  static: TargetFigures;
}

export interface TargetCheck {
  id: string;
  target: string;
  measured: string;
  met: boolean;
}

export interface BenchResults {
  version: 1;
  smoke: boolean;
  startedAt: string;
  finishedAt: string;
  machine: { nproc: number; memoryBytes: number; cpuModel: string; platform: string; kernel: string };
  /** 1-minute load average when the run started and ended: other work on the machine skews the figures. */
  loadAverage: { start: number; end: number };
  node: string;
  autocannon: string;
  options: { articles: number; seed: number; duration: number; warmup: number; connections: number; repeat: number; classes: ClassName[]; setSizes: UrlSetSizes; nginxWorkers: number };
  corpus: Omit<CorpusInfo, 'dir' | 'databasePath' | 'mediaDir'> & { dir: string };
  staticServer: { kind: 'nginx' | 'node'; version: string; workers: number | null };
  headers: { app: Record<string, string>; static: Record<string, string> };
  coldStartMs: { cacheOn: number; cacheOff: number };
  /** CPU time (user + system) the server had used at its first 200. */
  coldStartCpuMs: { cacheOn: number | null; cacheOff: number | null };
  idleRssBytes: { cacheOn: number | null; cacheOff: number | null };
  rssAfterMixedBytes: { cacheOn: number | null; cacheOff: number | null };
  /** The same RSS split: anonymous (JS heap, SQLite page cache, render cache) and file-backed (code, the database's mmap). */
  rssAfterMixedBreakdown: { cacheOn: { anon: number | null; file: number | null; shmem: number | null }; cacheOff: { anon: number | null; file: number | null; shmem: number | null } };
  classes: ClassResult[];
  capture: { urls: number; non200: { url: string; status: number }[] };
  sitemap: null | { index: { status: number; ms: number }; month: string; url: string; urls: number; ms: number; bytes: number; gzipMs: number; gzipBytes: number; status: number };
  profiles: { label: string; summary: ProfileSummary }[];
  targets: TargetCheck[];
  errorsTotal: number;
}
