// What a bench run measured: the results JSON's shape, written by run.ts and read by report.ts.
import type { CorpusInfo } from './corpus';
import type { LoadResult } from './load';
import type { ProfileSummary } from './profile';
import type { ClassName, UrlSetSizes } from './urls';

/** How the client asks: no compression, or gzip (what nginx's gzip_static serves too). */
export type Encoding = 'identity' | 'gzip';
export const ENCODINGS: readonly Encoding[] = ['identity', 'gzip'];
export const ENCODING_HEADERS: Record<Encoding, Record<string, string>> = {
  identity: { 'Accept-Encoding': 'identity' },
  gzip: { 'Accept-Encoding': 'gzip' },
};

/**
 * A figure counts as the server's own only when it is at most this share of the
 * generator's ceiling (wrk against nginx serving a 1 KB file, same connections,
 * same duration, on the same machine). Above it the load generator, which shares
 * the CPUs with the server, may be what stopped the count: flagged "generator-bound".
 */
export const GENERATOR_BOUND_FRACTION = 1 / 3;

/** One server under test: the static baseline, or the app with the render cache on or off, in 1 or more processes. */
export interface ServerSpec {
  /** 'static', or `app-on-<processes>` / `app-off-<processes>`. */
  id: string;
  label: string;
  kind: 'static' | 'app';
  cache: boolean | null;
  processes: number;
}

export interface RunFigures extends LoadResult {
  /**
   * CPU time the server's processes used per response, in µs (user + system, from /proc;
   * a cluster's primary and workers together): unlike req/s it hardly depends on what else
   * the machine runs. 1e6 / this is what one dedicated core could serve.
   */
  serverCpuUsPerRequest?: number | null;
  /** The same split: user space and kernel (the kernel's share is the sockets' work, much the same for every server). */
  serverUserUsPerRequest?: number | null;
  serverSystemUsPerRequest?: number | null;
  /** Render cache hit ratio during the run (one-process cache-on server only), from /metrics. */
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
  /** Medians of the user-space and kernel parts. */
  serverUserUsPerRequest: number | null;
  serverSystemUsPerRequest: number | null;
  cacheHitRatio: number | null;
  /** Server RSS after the class's runs, bytes (all processes of a cluster). */
  rssBytes: number | null;
  /** requestsPerSecond / the static baseline's on the same URLs and encoding. */
  ratioToStatic: number | null;
  /** The static baseline's CPU per response / this server's (1 = as cheap as the baseline). */
  cpuRatioToStatic: number | null;
  /** requestsPerSecond / the generator's ceiling. */
  ceilingFraction: number;
  /** ceilingFraction above GENERATOR_BOUND_FRACTION: the figure may be the generator's, not the server's. */
  generatorBound: boolean;
  runs: RunFigures[];
}

export interface ClassResult {
  name: ClassName;
  label: string;
  urls: number;
  /** Mean bytes of a captured page (identity / gzip). */
  pageBytes: { identity: number; gzip: number };
  /** Figures by encoding, then by server id. */
  figures: Record<Encoding, Record<string, TargetFigures>>;
}

/** wrk against nginx serving one 1 KB file with a given number of workers. */
export interface CeilingConfig {
  nginxWorkers: number;
  /** Median req/s over the runs. */
  requestsPerSecond: number;
  p99Ms: number;
  runs: LoadResult[];
}

export interface Ceiling {
  /**
   * The highest median over the configurations: on a machine with few CPUs, one nginx
   * worker may be the limit of its own configuration, while more workers take CPU from wrk.
   */
  requestsPerSecond: number;
  /** The configuration that reached it. */
  nginxWorkers: number;
  p99Ms: number;
  bodyBytes: number;
  /** Errors and non-2xx over every ceiling run. */
  errors: number;
  configs: CeilingConfig[];
}

export interface TargetCheck {
  id: string;
  target: string;
  measured: string;
  met: boolean;
}

export interface BenchResults {
  version: 2;
  smoke: boolean;
  startedAt: string;
  finishedAt: string;
  machine: { nproc: number; memoryBytes: number; cpuModel: string; platform: string; kernel: string };
  /** 1-minute load average when the run started and ended: other work on the machine skews the figures. */
  loadAverage: { start: number; end: number };
  node: string;
  /** pin: the CPU lists servers and wrk were bound to (--pin); absent or null when they shared all CPUs. */
  generator: { name: 'wrk'; version: string; threads: number; pin?: { servers: string; generator: string } | null };
  options: { articles: number; seed: number; duration: number; warmup: number; connections: number; repeat: number; classes: ClassName[]; setSizes: UrlSetSizes; nginxWorkers: number; processes: number[] };
  corpus: Omit<CorpusInfo, 'dir' | 'databasePath' | 'mediaDir'> & { dir: string };
  staticServer: { kind: 'nginx' | 'node'; version: string; workers: number | null };
  ceiling: Ceiling;
  servers: ServerSpec[];
  encodings: Encoding[];
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
