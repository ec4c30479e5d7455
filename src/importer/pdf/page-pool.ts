// Page PDFs of an issue analysed and rendered side by side: a pool of worker
// threads (as many as the machine has cores), each with its own pdf.js, takes
// the PDF files one at a time (a single PDF too: see runPdfJobs); the
// results come back in file order, so the issue folder derived from them, its
// validation and its one transaction are the same as when the files are read
// one after another.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { AltoError } from '../alto/analyse';
import type { WorkerError } from '../prepare';
import { PageSizeError } from './analyse';
import { PdfOpenError } from './engine';

export interface PdfJob {
  file: string;
  alto: string | null;
}

/** An error thrown in a worker, with the class the caller tells apart. */
export type PageWorkerError = WorkerError & { kind: string; altoFile?: string; detail?: string };

export type PageWorkerReply<T> = { id: number; pages: T } | { id: number; error: PageWorkerError };

/** The compiled worker; absent when running from TypeScript sources (ts-jest), where the files are read inline. */
const WORKER_FILE = path.join(__dirname, 'page-worker.js');

/** An error from a worker as the class it was thrown as: the caller reports these per file. */
export function rebuildError(e: PageWorkerError, sourceError: new (message: string) => Error): Error {
  if (e.kind === 'AltoError') return new AltoError(e.altoFile!, e.detail!);
  if (e.kind === 'PdfOpenError') return new PdfOpenError(e.message);
  if (e.kind === 'PageSizeError') return new PageSizeError(e.message);
  if (e.kind === 'SourceError') return new sourceError(e.message);
  return Object.assign(new Error(e.message), { code: e.code, syscall: e.syscall, path: e.path, stack: e.stack });
}

/**
 * Runs each job in a pool of worker threads, `workers` of them (default: one
 * per core, at most one per job): even a single PDF is read in a worker,
 * where pdf.js inflates synchronously (engine.ts, inflateSynchronously), which
 * halves a page's time. Without the compiled worker (ts-jest runs the
 * sources), `inline` runs the jobs one after another in the calling thread.
 * Returns one promise per job, in job order; the pool ends when all settle.
 */
export function runPdfJobs<T>(
  jobs: PdfJob[],
  inline: (job: PdfJob) => Promise<T>,
  sourceError: new (message: string) => Error,
  opts: { workers?: number } = {},
): Promise<T>[] {
  const size = Math.min(jobs.length, Math.max(1, opts.workers ?? os.availableParallelism()));
  if (size < 1 || !fs.existsSync(WORKER_FILE)) {
    // One after another: each starts when the previous has settled.
    let chain: Promise<unknown> = Promise.resolve();
    return jobs.map((job) => {
      const run = chain.then(() => inline(job));
      chain = run.catch(() => undefined);
      return run;
    });
  }
  const settlers = jobs.map(() => {
    let resolve!: (v: T) => void;
    let reject!: (e: Error) => void;
    const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
    return { promise, resolve, reject };
  });
  let next = 0;
  for (let w = 0; w < size; w++) {
    const worker = new Worker(WORKER_FILE);
    /** The job this worker is on, or -1. */
    let current = -1;
    const feed = (): void => {
      if (next >= jobs.length) {
        current = -1;
        void worker.terminate();
        return;
      }
      current = next++;
      worker.postMessage({ id: current, ...jobs[current]! });
    };
    worker.on('message', (reply: PageWorkerReply<T>) => {
      const s = settlers[reply.id]!;
      if ('error' in reply) s.reject(rebuildError(reply.error, sourceError));
      else s.resolve(reply.pages);
      feed();
    });
    // A worker that dies takes its job with it; the other workers go on.
    const fail = (err: Error): void => {
      if (current >= 0) settlers[current]!.reject(err);
      current = -1;
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`page worker exited with code ${code}`)));
    feed();
  }
  return settlers.map((s) => s.promise);
}
