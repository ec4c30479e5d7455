// The servers under test: the app (one Node process, cache on or off) and the static-file baseline
// (nginx from the distribution when installed, else a minimal Node static server).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from '../paths';
import { childPids, cpuTimeMs, freePort, get, rssBreakdownOf, sleep, treeRssOf } from './proc';

export interface RunningServer {
  name: string;
  port: number;
  pid: number | undefined;
  stop(): Promise<void>;
}

function waitExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(t);
      resolve(true);
    });
  });
}

async function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill(signal);
  if (!(await waitExit(child, 15_000))) {
    child.kill('SIGKILL');
    await waitExit(child, 5_000);
  }
}

export interface AppServerOptions {
  serverScript: string;
  databasePath: string;
  mediaDir: string;
  /** CACHE_SIZE: undefined keeps the default. */
  cacheSize?: string;
  /** First URL polled for the cold-start time. */
  probePath: string;
  /** Directory for a V8 CPU profile (node --cpu-prof), written when the server exits. */
  cpuProfileDir?: string;
  /** More than 1: the cluster entry (dist/src/cluster.js) with WEB_CONCURRENCY workers. */
  processes?: number;
  log: (line: string) => void;
}

export interface AppServer extends RunningServer {
  /** Spawn to the first 200 on probePath, in ms. */
  coldStartMs: number;
  /** CPU time the server process had used by then (ms): less dependent on other load than the wall time. */
  coldStartCpuMs: number | null;
  processes: number;
  /** RSS of the server's processes together (a cluster's primary and workers). */
  rss(): number | null;
  rssBreakdown(): { anon: number | null; file: number | null; shmem: number | null };
}

export interface CompiledServerOptions {
  databasePath: string;
  mediaDir: string;
  /** More environment for the server; undefined removes a variable this process has. */
  env?: Record<string, string | undefined>;
  /** Options for node before the script, e.g. --cpu-prof. */
  nodeArgs?: string[];
  /** Default: the compiled server of this checkout. */
  serverScript?: string;
  /** Polled until it answers 200 (default /healthz). */
  probePath?: string;
  /** Between polls (default 50 ms; the bench polls every 5 ms to time the cold start). */
  pollMs?: number;
  timeoutMs?: number;
  /** 'ignore' sends the server's stdout (its request log) to /dev/null instead of keeping its tail. */
  stdout?: 'keep' | 'ignore';
}

export interface CompiledServer {
  child: ChildProcess;
  pid: number;
  port: number;
  /** http://127.0.0.1:<port>, also the server's BASE_URL. */
  origin: string;
  /** The last 20,000 characters the server wrote. */
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
  /** Spawn to the first 200 on the probe path, in ms. */
  firstAnswerMs: number;
  /** CPU time the server process had used by then (ms), when /proc tells. */
  firstAnswerCpuMs: number | null;
}

const OUTPUT_KEPT_CHARS = 20_000;

/**
 * The compiled server as a child process on a free port of 127.0.0.1 (production
 * mode, LOG_LEVEL warn, no demo, BASE_URL its origin, unless `env` says otherwise),
 * resolved once the probe path answers 200. Killed by its PID when it answers
 * anything else or nothing in time.
 */
export async function startCompiledServer(opts: CompiledServerOptions): Promise<CompiledServer> {
  const script = opts.serverScript ?? path.join(PROJECT_ROOT, 'dist', 'src', 'server.js');
  if (!fs.existsSync(script)) throw new Error(`${script} is missing: run \`npm run build\` first`);
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'production',
    DEMO_ON_EMPTY: '0',
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    PORT: String(port),
    BASE_URL: origin,
    DATABASE_PATH: opts.databasePath,
    MEDIA_DIR: opts.mediaDir,
  };
  for (const [name, value] of Object.entries(opts.env ?? {})) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), script], {
    cwd: PROJECT_ROOT,
    env,
    stdio: ['ignore', opts.stdout === 'ignore' ? 'ignore' : 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (c: Buffer) => {
    output = (output + c.toString('utf8')).slice(-OUTPUT_KEPT_CHARS);
  };
  child.stdout?.on('data', keep);
  child.stderr!.on('data', keep);
  let exit: { code: number | null; signal: NodeJS.Signals | null; at: number } | null = null;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.on('exit', (code, signal) => resolve((exit = { code, signal, at: Date.now() }))));

  const probePath = opts.probePath ?? '/healthz';
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exit !== null) {
      const { code, signal } = exit;
      throw new Error(`the server exited (${code ?? signal}) before it answered:\n${output}`);
    }
    let status = 0;
    try {
      status = (await get(port, probePath, {}, 10_000)).status;
    } catch {
      // not listening yet
    }
    if (status === 200) {
      const firstAnswerMs = Number(process.hrtime.bigint() - started) / 1e6;
      return { child, pid: child.pid!, port, origin, output: () => output, exited, firstAnswerMs, firstAnswerCpuMs: cpuTimeMs(child.pid) };
    }
    if (status !== 0) {
      child.kill('SIGKILL');
      throw new Error(`the server answered ${status} on ${probePath}:\n${output}`);
    }
    await sleep(opts.pollMs ?? 50);
  }
  child.kill('SIGKILL');
  throw new Error(`the server did not answer ${probePath} within ${Math.round(timeoutMs / 1000)} s:\n${output}`);
}

/** Starts the app for the bench and measures the time to its first 200. */
export async function startApp(name: string, opts: AppServerOptions): Promise<AppServer> {
  let server: CompiledServer;
  try {
    const processes = opts.processes ?? 1;
    server = await startCompiledServer({
      serverScript: processes > 1 ? path.join(path.dirname(opts.serverScript), 'cluster.js') : opts.serverScript,
      databasePath: opts.databasePath,
      mediaDir: opts.mediaDir,
      env: { CACHE_SIZE: opts.cacheSize, WEB_CONCURRENCY: processes > 1 ? String(processes) : undefined },
      nodeArgs: opts.cpuProfileDir ? ['--cpu-prof', '--cpu-prof-dir', opts.cpuProfileDir] : [],
      probePath: opts.probePath,
      pollMs: 5,
    });
  } catch (err) {
    throw new Error(`${name}: ${(err as Error).message}`);
  }
  const { child, port, pid, firstAnswerMs, firstAnswerCpuMs } = server;
  const processes = opts.processes ?? 1;
  if (processes > 1) {
    // The first 200 may come from the first worker up: wait until every worker has answered
    // (each response names its worker; the primary hands new connections out in turn).
    const answered = new Set<string>();
    const deadline = Date.now() + 30_000;
    while (answered.size < processes) {
      if (Date.now() > deadline) {
        child.kill('SIGTERM');
        throw new Error(`${name}: ${answered.size} of ${processes} workers answered within 30 s:\n${server.output()}`);
      }
      const r = await get(port, '/healthz').catch(() => null);
      const worker = r?.headers['x-worker-pid'];
      if (r?.status === 200 && typeof worker === 'string') answered.add(worker);
      else await sleep(20);
    }
  }
  opts.log(`${name}: pid ${pid}${processes > 1 ? ` (workers ${childPids(pid).join(', ')})` : ''}, port ${port}, first 200 after ${firstAnswerMs.toFixed(0)} ms (${firstAnswerCpuMs ?? '–'} ms CPU)`);
  return {
    name,
    port,
    pid,
    processes,
    coldStartMs: firstAnswerMs,
    coldStartCpuMs: firstAnswerCpuMs,
    rss: () => treeRssOf(pid),
    rssBreakdown: () => rssBreakdownOf(pid),
    // SIGINT: the server's graceful stop; V8 writes the CPU profile on exit.
    stop: () => stopChild(child, 'SIGINT'),
  };
}

/** One captured response: the bytes the app sent, identity and gzip. */
export interface StaticFile {
  url: string;
  identity: Buffer;
  gzip: Buffer | null;
  contentType: string;
}

/** Where nginx finds a URL: path + "/_" + raw query + ".html" (a URL can be both a page and a folder: /p/2026-01-05 and /p/2026-01-05/01). */
export function staticFilePath(root: string, url: string): string {
  const q = url.indexOf('?');
  const pathname = q >= 0 ? url.slice(0, q) : url;
  const query = q >= 0 ? url.slice(q + 1) : '';
  return path.join(root, pathname, `_${query}.html`);
}

export function hasNginx(): string | null {
  const r = spawnSync('sh', ['-c', 'command -v nginx'], { encoding: 'utf8' });
  const found = r.status === 0 ? r.stdout.trim() : '';
  return found || null;
}

export interface StaticServerOptions {
  files: StaticFile[];
  /** 'auto' picks nginx when installed. */
  kind: 'auto' | 'nginx' | 'node';
  nginxWorkers: number;
  log: (line: string) => void;
}

export interface StaticServer extends RunningServer {
  kind: 'nginx' | 'node';
  version: string;
  root: string;
}

/** Writes the captured bytes into a temp dir and serves them. */
export async function startStatic(opts: StaticServerOptions): Promise<StaticServer> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'epaper-bench-static-'));
  const docroot = path.join(root, 'www');
  for (const f of opts.files) {
    const file = staticFilePath(docroot, f.url);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, f.identity);
    if (f.gzip) fs.writeFileSync(`${file}.gz`, f.gzip);
  }
  // Readable by nginx workers whatever user they run as.
  spawnSync('chmod', ['-R', 'a+rX', root]);
  const nginx = opts.kind === 'node' ? null : hasNginx();
  if (opts.kind === 'nginx' && !nginx) throw new Error('nginx requested but not installed');
  const port = await freePort();
  if (nginx) {
    try {
      return await startNginx(nginx, root, docroot, port, opts);
    } catch (err) {
      if (opts.kind === 'nginx') throw err;
      // 'auto': an nginx that cannot run here (permissions, sandbox) falls back to the Node server.
      opts.log(`static baseline: nginx failed to start (${(err as Error).message.split('\n')[0]}); using the Node static server`);
      return startNodeStatic(root, await freePort(), opts);
    }
  }
  return startNodeStatic(root, port, opts);
}

async function startNginx(bin: string, root: string, docroot: string, port: number, opts: StaticServerOptions): Promise<StaticServer> {
  const version = (spawnSync(bin, ['-v'], { encoding: 'utf8' }).stderr || '').trim().replace(/^nginx version:\s*/, '');
  const runningAsRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const conf = path.join(root, 'nginx.conf');
  fs.writeFileSync(conf, `
${runningAsRoot ? 'user root;' : ''}
worker_processes ${opts.nginxWorkers};
daemon off;
master_process on;
pid ${root}/nginx.pid;
error_log ${root}/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  tcp_nodelay on;
  keepalive_requests 100000;
  keepalive_timeout 65;
  gzip_static on;
  default_type text/html;
  charset utf-8;
  client_body_temp_path ${root}/tmp-body;
  proxy_temp_path ${root}/tmp-proxy;
  fastcgi_temp_path ${root}/tmp-fastcgi;
  uwsgi_temp_path ${root}/tmp-uwsgi;
  scgi_temp_path ${root}/tmp-scgi;
  types { text/html html; }
  server {
    listen 127.0.0.1:${port};
    root ${docroot};
    location / { try_files "$uri/_$args.html" =404; }
  }
}
`);
  const child = spawn(bin, ['-c', conf, '-p', root, '-e', `${root}/error.log`], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stderr!.on('data', (c: Buffer) => {
    output = (output + c.toString('utf8')).slice(-10_000);
  });
  const deadline = Date.now() + 10_000;
  let ready = false;
  const probe = opts.files[0]?.url ?? '/';
  try {
    while (Date.now() < deadline && !ready) {
      if (child.exitCode !== null) throw new Error(`nginx exited with ${child.exitCode}: ${output}${safeRead(`${root}/error.log`)}`);
      try {
        const r = await get(port, probe, {}, 5_000);
        ready = r.status === 200;
        if (!ready) throw new Error(`nginx answered ${r.status} for ${probe}: ${safeRead(`${root}/error.log`)}`);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ECONNREFUSED') throw err;
        await sleep(20);
      }
    }
    if (!ready) throw new Error(`nginx did not answer on port ${port}: ${output}`);
  } catch (err) {
    await stopChild(child, 'SIGKILL');
    throw err;
  }
  opts.log(`static baseline: nginx ${version}, ${opts.nginxWorkers} worker(s), port ${port}`);
  return {
    name: 'static',
    kind: 'nginx',
    version,
    root,
    port,
    // The worker does the serving; the master only supervises.
    pid: workerPid(child.pid),
    stop: async () => {
      await stopChild(child, 'SIGQUIT');
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}

function workerPid(master: number | undefined): number | undefined {
  if (master === undefined) return undefined;
  return childPids(master)[0] ?? master;
}

function safeRead(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8').slice(-2000);
  } catch {
    return '';
  }
}

/** The minimal static server, run in its own process so it never shares an event loop with the load generator. */
const NODE_STATIC_SOURCE = `
const fs = require('node:fs');
const http = require('node:http');
const [manifestFile, port] = process.argv.slice(1);
const byUrl = new Map();
for (const f of JSON.parse(fs.readFileSync(manifestFile, 'utf8'))) {
  byUrl.set(f.url, { identity: fs.readFileSync(f.file), gzip: f.gzip ? fs.readFileSync(f.file + '.gz') : null, contentType: f.contentType });
}
const server = http.createServer((req, res) => {
  const f = byUrl.get(req.url || '');
  if (!f) { res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\\n'); return; }
  const gzip = f.gzip !== null && /\\bgzip\\b/.test(String(req.headers['accept-encoding'] || ''));
  const body = gzip ? f.gzip : f.identity;
  const headers = { 'content-type': f.contentType, 'content-length': body.length };
  if (gzip) headers['content-encoding'] = 'gzip';
  if (f.gzip) headers.vary = 'Accept-Encoding';
  res.writeHead(200, headers).end(body);
});
server.keepAliveTimeout = 65000;
server.listen(Number(port), '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
`;

/** A minimal Node static server (fs.readFile once into memory + http), in a child process. */
async function startNodeStatic(root: string, port: number, opts: StaticServerOptions): Promise<StaticServer> {
  const manifest = path.join(root, 'manifest.json');
  fs.writeFileSync(manifest, JSON.stringify(opts.files.map((f) => ({
    url: f.url, file: staticFilePath(path.join(root, 'www'), f.url), gzip: f.gzip !== null, contentType: f.contentType,
  }))));
  const child = spawn(process.execPath, ['-e', NODE_STATIC_SOURCE, manifest, String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stderr!.on('data', (c: Buffer) => {
    output = (output + c.toString('utf8')).slice(-10_000);
  });
  const probe = opts.files[0]?.url ?? '/';
  const deadline = Date.now() + 10_000;
  let ready = false;
  while (Date.now() < deadline && !ready) {
    if (child.exitCode !== null) throw new Error(`node static server exited with ${child.exitCode}: ${output}`);
    try {
      ready = (await get(port, probe, {}, 5_000)).status === 200;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ECONNREFUSED') throw err;
      await sleep(20);
    }
  }
  if (!ready) throw new Error(`node static server did not answer on port ${port}: ${output}`);
  opts.log(`static baseline: minimal Node static server (nginx not used), port ${port}`);
  return {
    name: 'static',
    kind: 'node',
    version: `node ${process.version}`,
    root,
    port,
    pid: child.pid,
    stop: async () => {
      await stopChild(child, 'SIGTERM');
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}
