// Process and HTTP helpers for the benchmark: free ports, RSS from /proc, plain GETs.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import zlib from 'node:zlib';
export { freePort } from '../ports';

/** Resident set size in bytes of a process (VmRSS), or null when /proc is not there. */
export function rssOf(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  return procStatusField(pid, 'VmRSS');
}

/** RSS split into anonymous memory (heap, caches) and file-backed pages (code, the database's mmap). */
export function rssBreakdownOf(pid: number | undefined): { anon: number | null; file: number | null; shmem: number | null } {
  if (pid === undefined) return { anon: null, file: null, shmem: null };
  return { anon: procStatusField(pid, 'RssAnon'), file: procStatusField(pid, 'RssFile'), shmem: procStatusField(pid, 'RssShmem') };
}

let clockTicks: number | null = null;

/** CPU time (user + system) a process has used so far, in ms, from /proc/PID/stat; null without /proc. */
export function cpuTimeMs(pid: number | undefined): number | null {
  const split = cpuSplitMs(pid);
  return split === null ? null : split.user + split.system;
}

/** CPU time a process has used so far in user space and in the kernel, in ms; null without /proc. */
export function cpuSplitMs(pid: number | undefined): { user: number; system: number } | null {
  if (pid === undefined) return null;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start at field 3.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const tick = 1000 / clockTicksPerSecond();
    return { user: Number(fields[11]) * tick, system: Number(fields[12]) * tick };
  } catch {
    return null;
  }
}

/** A process's children, from /proc (empty without /proc or when it has none). */
export function childPids(pid: number): number[] {
  try {
    return fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** A process and its descendants (a cluster's primary and workers). */
export function processTree(pid: number | undefined): number[] {
  if (pid === undefined) return [];
  const all = [pid];
  for (let i = 0; i < all.length && all.length < 1000; i += 1) all.push(...childPids(all[i]!));
  return all;
}

/**
 * Binds a process, its descendants and all their threads to a CPU list
 * (taskset syntax, e.g. "1"): the bench's --pin keeps the servers off the
 * load generator's CPUs. Threads started later inherit it.
 */
export function pinTree(pid: number, cpus: string): void {
  for (const p of processTree(pid)) {
    const r = spawnSync('taskset', ['-a', '-p', '-c', cpus, String(p)], { encoding: 'utf8' });
    if (r.error || r.status !== 0) throw new Error(`taskset -a -p -c ${cpus} ${p} failed: ${r.error?.message ?? r.stderr}`);
  }
}

/** cpuSplitMs summed over a process and its descendants; null when the process itself is not readable. */
export function treeCpuSplitMs(pid: number | undefined): { user: number; system: number } | null {
  const own = cpuSplitMs(pid);
  if (own === null) return null;
  return processTree(pid).slice(1).reduce((n, p) => {
    const c = cpuSplitMs(p);
    return c ? { user: n.user + c.user, system: n.system + c.system } : n;
  }, own);
}

/** rssOf summed over a process and its descendants. */
export function treeRssOf(pid: number | undefined): number | null {
  const own = rssOf(pid);
  if (own === null) return null;
  return processTree(pid).slice(1).reduce((n, p) => n + (rssOf(p) ?? 0), own);
}

function clockTicksPerSecond(): number {
  if (clockTicks === null) {
    const r = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
    clockTicks = Number(r.stdout.trim()) || 100;
  }
  return clockTicks;
}

/**
 * CPU seconds the hypervisor has given to other guests while this machine's
 * CPUs wanted to run ("steal" in /proc/stat), summed over all CPUs since
 * boot; null without /proc. The difference over a run says how much of the
 * shared host it lost, one source of run-to-run noise here.
 */
export function stolenCpuSeconds(): number | null {
  try {
    const cpu = fs.readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/);
    const steal = Number(cpu[8]);
    return Number.isFinite(steal) ? steal / clockTicksPerSecond() : null;
  } catch {
    return null;
  }
}

/** Peak resident set size in bytes (VmHWM), or null. */
export function peakRssOf(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  return procStatusField(pid, 'VmHWM');
}

function procStatusField(pid: number, field: string): number | null {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(status);
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

export interface FetchResult {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** Bytes as sent on the wire (still compressed when content-encoding is set). */
  body: Buffer;
  ms: number;
}

/** One GET with a fresh connection and the given headers; resolves with the raw body bytes. */
export function get(port: number, path: string, headers: Record<string, string> = {}, timeoutMs = 30_000): Promise<FetchResult> {
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, headers: { connection: 'close', ...headers }, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), ms: Number(process.hrtime.bigint() - started) / 1e6 }));
      res.on('error', reject);
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`GET ${path} timed out after ${timeoutMs} ms`)));
    req.on('error', reject);
  });
}

/** The body decoded according to its content-encoding. */
export function decoded(r: FetchResult): Buffer {
  const enc = r.headers['content-encoding'];
  if (enc === 'gzip') return zlib.gunzipSync(r.body);
  if (enc === 'br') return zlib.brotliDecompressSync(r.body);
  if (enc === 'deflate') return zlib.inflateSync(r.body);
  return r.body;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** One line for a generated doc section: Node, CPUs, load at the end and how long the run took (since `startedMs`). */
export function runEnvironment(startedMs: number): string {
  const load = os.loadavg().map((n) => n.toFixed(1)).join(' / ');
  return `Node ${process.version}, ${os.cpus().length} CPUs, load average ${load} at the end; took ${((Date.now() - startedMs) / 1000).toFixed(0)} s.`;
}
