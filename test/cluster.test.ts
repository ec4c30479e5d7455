import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { PROJECT_ROOT } from '../src/paths';
import { freePort } from '../src/ports';
import { workerCount } from '../src/cluster';
import { databaseWithSampleIssue } from './helpers/fixtures';

/**
 * `node dist/src/cluster.js`: WEB_CONCURRENCY server processes against one
 * SQLite file, on a free port of 127.0.0.1. Real processes and real HTTP:
 * both workers answer, a killed worker is replaced, SIGTERM to the primary
 * leaves no process behind, and a crash loop stops the cluster.
 */
const CLUSTER = path.join(PROJECT_ROOT, 'dist/src/cluster.js');

const children = new Set<ChildProcess>();
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

let database: { dir: string; file: string; mediaDir: string };
beforeAll(async () => {
  if (!fs.existsSync(CLUSTER)) throw new Error('dist/src/cluster.js is missing: run "npm run build" before this suite');
  database = await databaseWithSampleIssue('epaper-cluster-');
});
afterAll(() => fs.rmSync(database.dir, { recursive: true, force: true }));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function alive(pid: number): boolean {
  return fs.existsSync(`/proc/${pid}`) && !/^State:\s+Z/m.test(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
}

/** The primary's child processes, from /proc. */
function childPids(pid: number): number[] {
  try {
    return fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number).sort();
  } catch {
    return [];
  }
}

/** One GET on a fresh connection: status and the answering worker's PID. */
function ask(port: number, url: string): Promise<{ status: number; worker: number }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: url, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, worker: Number(res.headers['x-worker-pid']) }));
    });
    req.setTimeout(10_000, () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

async function waitFor<T>(what: string, fn: () => T | undefined | false, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

interface Cluster {
  proc: ChildProcess;
  port: number;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

async function startCluster(workers: string, fixedPort?: number): Promise<Cluster> {
  const port = fixedPort ?? (await freePort());
  const proc = spawn(process.execPath, [CLUSTER], {
    env: { ...process.env, NODE_ENV: 'production', LOG_LEVEL: 'info', HOST: '127.0.0.1', PORT: String(port), DEMO_ON_EMPTY: '0', DATABASE_PATH: database.file, MEDIA_DIR: database.mediaDir, WEB_CONCURRENCY: workers },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(proc);
  let out = '';
  proc.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  proc.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  return { proc, port, output: () => out, exited };
}

describe('WEB_CONCURRENCY', () => {
  it('defaults to the CPUs, accepts 1-64 and refuses anything else', () => {
    expect(workerCount(undefined, 4)).toBe(4);
    expect(workerCount('', 2)).toBe(2);
    expect(workerCount('3', 2)).toBe(3);
    for (const bad of ['0', '-1', '1.5', 'two', '65']) expect(() => workerCount(bad, 2)).toThrow(/WEB_CONCURRENCY/);
  });

  it('a bad value stops the cluster before it forks, with the reason', async () => {
    const c = await startCluster('zero');
    const { code } = await c.exited;
    expect(code).toBe(1);
    expect(c.output()).toMatch(/WEB_CONCURRENCY must be an integer/);
  });
});

describe('a cluster whose workers cannot start', () => {
  it('a port already taken: the workers say why and exit, the primary gives up with exit 1, no process left', async () => {
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as net.AddressInfo).port;
    try {
      const c = await startCluster('2', port);
      const primary = c.proc.pid!;
      const seen = new Set<number>();
      let done = false;
      void c.exited.then(() => (done = true));
      while (!done) {
        for (const p of childPids(primary)) seen.add(p);
        await sleep(20);
      }
      const { code } = await c.exited;
      expect(code).toBe(1);
      expect(c.output()).toMatch(new RegExp(`port ${port} on 127.0.0.1 is already in use`));
      expect(c.output()).toMatch(/"code":1,.*worker died; started a replacement/);
      expect(c.output()).toMatch(/too many restarts/);
      for (const pid of [primary, ...seen]) expect(alive(pid)).toBe(false);
    } finally {
      taken.close();
    }
  }, 60_000);
});

describe('node dist/src/cluster.js with 2 workers', () => {
  it('both workers answer; a killed worker is replaced; SIGTERM stops every process', async () => {
    const c = await startCluster('2');
    const primary = c.proc.pid!;
    await waitFor('the cluster to listen', () => c.output().includes('epaper cluster listening'));
    const workers = childPids(primary);
    expect(workers).toHaveLength(2);

    // The primary hands new connections to the workers in turn: both must show up.
    const seen = new Set<number>();
    for (let i = 0; i < 20; i += 1) {
      const r = await ask(c.port, i % 2 ? '/healthz' : '/robots.txt');
      expect(r.status).toBe(200);
      seen.add(r.worker);
    }
    expect([...seen].sort()).toEqual(workers);
    // A page read from the shared database, from either worker.
    const page = await ask(c.port, '/');
    expect(page.status).toBe(200);

    // A worker that dies is replaced and the replacement answers.
    process.kill(workers[0]!, 'SIGKILL');
    const replaced = await waitFor('a replacement worker', () => {
      const now = childPids(primary);
      return now.length === 2 && !now.includes(workers[0]!) ? now : undefined;
    });
    const replacement = replaced.find((p) => p !== workers[1])!;
    // Until it listens, the other worker takes every connection; no request fails meanwhile.
    const after = new Set<number>();
    const deadline = Date.now() + 15_000;
    while (!after.has(replacement) && Date.now() < deadline) {
      const r = await ask(c.port, '/healthz');
      expect(r.status).toBe(200);
      after.add(r.worker);
      await sleep(20);
    }
    expect(after.has(replacement)).toBe(true);

    c.proc.kill('SIGTERM');
    const { code, signal } = await c.exited;
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    for (const pid of [primary, ...replaced]) expect(alive(pid)).toBe(false);
    expect(c.output()).toMatch(/cluster shutting down/);
  }, 60_000);

  it('a worker dying again and again stops the cluster (bounded restarts), exit 1, no process left', async () => {
    const c = await startCluster('2');
    const primary = c.proc.pid!;
    await waitFor('the cluster to listen', () => c.output().includes('epaper cluster listening'));
    const killed = new Set<number>();
    let exited: { code: number | null; signal: NodeJS.Signals | null } | null = null;
    void c.exited.then((e) => (exited = e));
    // Kill whatever worker is there, one at a time, until the primary gives up (5 restarts allowed).
    for (let i = 0; i < 12 && exited === null; i += 1) {
      const victim = await waitFor('a worker to kill', () => (exited ? -1 : childPids(primary).find((p) => !killed.has(p))));
      if (victim === -1) break;
      killed.add(victim);
      try {
        process.kill(victim, 'SIGKILL');
      } catch {
        // already gone
      }
      await sleep(100);
    }
    const { code } = await c.exited;
    expect(code).toBe(1);
    expect(killed.size).toBeGreaterThanOrEqual(6);
    expect(killed.size).toBeLessThanOrEqual(7);
    expect(c.output()).toMatch(/too many restarts/);
    for (const pid of [primary, ...killed]) expect(alive(pid)).toBe(false);
  }, 60_000);
});
