// Several server processes on one machine against the one SQLite file: `node dist/src/cluster.js`.
// The primary applies migrations (and builds the demo on an empty database) once, then forks
// WEB_CONCURRENCY workers that each run the ordinary server (src/server.ts) and share the
// listening port through node:cluster (the primary accepts and hands connections out in turn).
// SIGTERM or SIGINT to the primary stops every worker gracefully, then the primary; a worker
// that dies is replaced, at most MAX_RESTARTS times within RESTART_WINDOW_MS, after which the
// primary stops everything and exits 1 (a crash loop is an outage to see, not to hide).
import cluster, { type Worker } from 'node:cluster';
import os from 'node:os';
import { ConfigError, loadConfig } from './config';
import { runCli } from './cli';
import { logger } from './log';
import { prepareDatabase, startServer } from './server';

export const MAX_WORKERS = 64;
export const MAX_RESTARTS = 5;
export const RESTART_WINDOW_MS = 60_000;
/** How long the primary waits for its workers' graceful stop (theirs takes at most 9 s) before SIGKILL. */
const STOP_TIMEOUT_MS = 12_000;
/** Header each response of a worker carries: which process answered (for tests and load balancing checks). */
export const WORKER_PID_HEADER = 'X-Worker-Pid';

/** WEB_CONCURRENCY: worker processes, default one per CPU the process may use. */
export function workerCount(value: string | undefined, cpus: number = os.availableParallelism()): number {
  if (value === undefined || value.trim() === '') return Math.max(1, Math.min(cpus, MAX_WORKERS));
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > MAX_WORKERS) throw new ConfigError(`WEB_CONCURRENCY must be an integer 1-${MAX_WORKERS}, got "${value}"`);
  return n;
}

async function runPrimary(): Promise<void> {
  const config = loadConfig();
  const workers = workerCount(process.env.WEB_CONCURRENCY);
  // Once, before any worker opens the database: migrations and the demo are writes.
  await prepareDatabase(config);

  let stopping = false;
  const restarts: number[] = [];
  // Workers whose server is listening; the cluster is announced once all of them are.
  const listening = new Map<number, number | undefined>();
  let announced = false;
  const fork = (): Worker => {
    const worker = cluster.fork();
    worker.once('listening', () => {
      listening.set(worker.id, worker.process.pid);
      if (!announced && listening.size === workers) {
        announced = true;
        logger.info({ workers: [...listening.values()], url: `http://${config.host}:${config.port}` }, 'epaper cluster listening');
      }
    });
    return worker;
  };

  const stopAll = (exitCode: number, reason: string) => {
    if (stopping) return;
    stopping = true;
    const alive = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined && !w.isDead());
    logger.info({ reason, workers: alive.map((w) => w.process.pid) }, 'cluster shutting down');
    const finish = () => process.exit(exitCode);
    if (alive.length === 0) {
      finish();
      return;
    }
    let left = alive.length;
    for (const w of alive) {
      w.once('exit', () => {
        left -= 1;
        if (left === 0) finish();
      });
      // The worker's own graceful stop: drain, close the listener, close the database.
      w.process.kill('SIGTERM');
    }
    setTimeout(() => {
      for (const w of alive) if (!w.isDead()) w.process.kill('SIGKILL');
      setTimeout(finish, 1_000).unref();
    }, STOP_TIMEOUT_MS).unref();
  };

  cluster.on('exit', (worker, code, signal) => {
    listening.delete(worker.id);
    if (stopping) return;
    const now = Date.now();
    while (restarts.length > 0 && now - restarts[0]! > RESTART_WINDOW_MS) restarts.shift();
    if (restarts.length >= MAX_RESTARTS) {
      logger.fatal({ worker: worker.process.pid, code, signal, restarts: restarts.length, windowMs: RESTART_WINDOW_MS }, 'worker died again: too many restarts, stopping the cluster');
      stopAll(1, 'crash loop');
      return;
    }
    restarts.push(now);
    const replacement = fork();
    logger.error({ worker: worker.process.pid, code, signal, replacement: replacement.process.pid }, 'worker died; started a replacement');
  });

  process.on('SIGTERM', () => stopAll(0, 'SIGTERM'));
  process.on('SIGINT', () => stopAll(0, 'SIGINT'));
  for (let i = 0; i < workers; i += 1) fork();
}

async function runWorker(): Promise<void> {
  let server;
  try {
    server = await startServer(loadConfig());
  } catch (err) {
    // The channel to the primary would keep this process alive: exit once runCli (a
    // microtask away) has printed the reason, so that the primary sees a failed worker.
    setImmediate(() => process.exit(1));
    throw err;
  }
  // Before the app's own listener, so that the header is set before any answer is written.
  server.prependListener('request', (_req, res) => {
    res.setHeader(WORKER_PID_HEADER, String(process.pid));
  });
}

if (require.main === module) {
  runCli(cluster.isPrimary ? runPrimary : runWorker);
}
