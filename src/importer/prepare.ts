// The work of an import besides writing rows: reading and validating an issue
// folder (manifest, magic bytes, content hashes), tokenizing its articles for
// the search index, staging its media, and checkpointing the WAL. An import
// runs it in a worker thread, so that on a machine with two cores the main
// thread only writes to SQLite while the next issues are being prepared
// (docs/performance.md, "Import").

import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { articleIndexSource } from '../search/indexer';
import { encodeIndexTexts, type EncodedIndexTexts } from '../search/tokenize';
import { putMediaFile } from './media-store';
import { mergePagePdfs } from './merge-pdf';
import { DEFAULT_PAGE_IMAGE_OPTIONS, derivePageImages, type PageImageOptions } from './page-images';
import type { PageDerivatives } from '../domain/page-images';
import { ImportValidationError, type ImportProblem } from './problems';
import type { StoredPublication } from '../domain/publication';
import type { StoredPublications } from './publication';
import { checkIssueFolder, storePathFor, validateIssueFolder, type ValidatedIssue } from './validate';
import type { IssuePdf } from './write';

export interface PreparedIssue {
  issue: ValidatedIssue;
  /** Search index text of every article, page by page in reading order. */
  texts: EncodedIndexTexts;
  /** The whole-issue PDF, when every page has one and the media were staged. */
  pdf: IssuePdf | null;
  /** Renditions and tiles of each page image, in page order, when the media were staged. */
  pageImages: PageDerivatives[] | null;
}

/**
 * Validates an issue folder (against the stored papers, unless null) and
 * computes its index text; with a media folder, also copies its media there,
 * merges the issue PDF and makes the page images' renditions and tiles (files
 * are content-addressed, so this may run ahead of the issue's transaction).
 */
export async function prepareIssue(
  folder: string,
  mediaDir: string | null,
  images: PageImageOptions = DEFAULT_PAGE_IMAGE_OPTIONS,
  stored: StoredPublications | null = null,
): Promise<PreparedIssue> {
  const issue = validateIssueFolder(folder, stored);
  const texts = encodeIndexTexts(issue.pages.flatMap((p) => p.articles.map(articleIndexSource)));
  if (mediaDir === null) return { issue, texts, pdf: null, pageImages: null };
  const pdf = await stageMedia(issue, mediaDir);
  return { issue, texts, pdf, pageImages: images.renditions ? await derivePageImages(issue, mediaDir, images) : null };
}

async function stageMedia(issue: ValidatedIssue, mediaDir: string): Promise<IssuePdf | null> {
  for (const m of issue.media) putMediaFile(mediaDir, m.storePath, m.sourcePath);
  if (!issue.pages.every((p) => p.pdf)) return null;
  const merged = await mergePagePdfs(issue.pages.map((p) => p.pdf!.sourcePath));
  const storePath = storePathFor(crypto.createHash('sha256').update(merged).digest('hex'), 'pdf');
  putMediaFile(mediaDir, storePath, merged);
  return { storePath, size: merged.length };
}

/** What the first pass of an import learns of a folder: its problems, or the paper it states when it has none. */
export interface FolderCheck {
  problems: ImportProblem[];
  publication: StoredPublication | null;
}

/** Checks one folder, reading only the start of media files; errors other than validation problems are thrown. */
export function checkFolder(folder: string, stored: StoredPublications | null = null): FolderCheck {
  try {
    return { problems: [], publication: checkIssueFolder(folder, stored) };
  } catch (err) {
    if (err instanceof ImportValidationError) return { problems: err.problems, publication: null };
    throw err;
  }
}

/** Problems of one folder, or [] when it is valid (checkFolder()). */
export function validationProblems(folder: string, stored: StoredPublications | null = null): ImportProblem[] {
  return checkFolder(folder, stored).problems;
}

export type PrepareTask =
  | { kind: 'check'; folder: string; stored: StoredPublications | null }
  | { kind: 'prepare'; folder: string; mediaDir: string | null; images: PageImageOptions; stored: StoredPublications | null }
  | { kind: 'checkpoint'; databasePath: string };
export type PrepareRequest = PrepareTask & { id: number };
/** Asks the worker to finish what it is doing, close its connections and exit. */
export type WorkerClose = { kind: 'close' };
/** How long close() waits for the worker to exit by itself before terminating it. */
const WORKER_CLOSE_TIMEOUT_MS = 10_000;
export type PrepareReply =
  | { id: number; prepared: PreparedIssue }
  | { id: number; problems: ImportProblem[] }
  | { id: number; check: FolderCheck }
  | { id: number; checkpoint: WalCheckpoint }
  | { id: number; error: WorkerError };

/**
 * An error crossing from the worker: its errno code, syscall and path travel
 * with it, so a full disk while staging media is reported as one, not as a
 * stack trace inside a message.
 */
export interface WorkerError {
  message: string;
  stack?: string;
  code?: string;
  syscall?: string;
  path?: string;
  dest?: string;
}

export function workerError(err: unknown): WorkerError {
  if (!(err instanceof Error)) return { message: String(err) };
  const { code, syscall, path: file, dest } = err as NodeJS.ErrnoException & { dest?: string };
  return { message: err.message, stack: err.stack, code, syscall, path: file, dest };
}

/** What `PRAGMA wal_checkpoint` reports: frames in the WAL and frames copied into the database. */
export interface WalCheckpoint {
  log: number;
  checkpointed: number;
}

export interface Preparer {
  /** The folder's validation problems, or the paper it states (checkFolder()). */
  check(folder: string): Promise<FolderCheck>;
  /** The validated issue, its index text and its staged media (prepareIssue()); rejects with ImportValidationError. */
  prepare(folder: string): Promise<PreparedIssue>;
  /**
   * Copies committed WAL frames into the database on another connection
   * (a PASSIVE checkpoint, with its fsyncs), off the writing thread; null
   * when the preparer has no thread of its own (the writer checkpoints).
   */
  checkpoint: ((databasePath: string) => Promise<WalCheckpoint>) | null;
  /** Whether the work runs off the calling thread. */
  readonly parallel: boolean;
  close(): Promise<void>;
}

/** The compiled worker; absent when running from TypeScript sources (ts-jest), where the work runs inline. */
const WORKER_FILE = path.join(__dirname, 'prepare-worker.js');

/**
 * Prepares issue folders, staging their media into mediaDir unless it is
 * null (a dry run), and checking each against the stored papers unless
 * `stored` is null.
 */
export function createPreparer(
  mediaDir: string | null,
  parallel = true,
  images: PageImageOptions = DEFAULT_PAGE_IMAGE_OPTIONS,
  stored: StoredPublications | null = null,
): Preparer {
  if (!parallel || !fs.existsSync(WORKER_FILE)) return inlinePreparer(mediaDir, images, stored);
  const worker = new Worker(WORKER_FILE);
  const pending = new Map<number, { resolve: (r: PrepareReply) => void; reject: (e: Error) => void }>();
  let nextId = 0;
  const failAll = (err: Error): void => {
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };
  worker.on('message', (reply: PrepareReply) => {
    const p = pending.get(reply.id);
    pending.delete(reply.id);
    p?.resolve(reply);
  });
  worker.on('error', failAll);
  let running = true;
  worker.on('exit', (code) => {
    running = false;
    failAll(new Error(`import worker exited with code ${code}`));
  });
  const ask = async (task: PrepareTask): Promise<PrepareReply> => {
    const reply = await new Promise<PrepareReply>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      worker.postMessage({ ...task, id } satisfies PrepareRequest);
    });
    if ('error' in reply) throw Object.assign(new Error(reply.error.message), reply.error);
    return reply;
  };
  return {
    parallel: true,
    async check(folder) {
      const r = await ask({ kind: 'check', folder, stored });
      if (!('check' in r)) throw new Error('import worker: unexpected reply to check');
      return r.check;
    },
    async prepare(folder) {
      const r = await ask({ kind: 'prepare', folder, mediaDir, images, stored });
      if ('problems' in r) throw new ImportValidationError(r.problems);
      if (!('prepared' in r)) throw new Error('import worker: unexpected reply to prepare');
      return r.prepared;
    },
    async checkpoint(databasePath) {
      const r = await ask({ kind: 'checkpoint', databasePath });
      if (!('checkpoint' in r)) throw new Error('import worker: unexpected reply to checkpoint');
      return r.checkpoint;
    },
    // Never terminate() a worker in the middle of a SQLite call: an error
    // thrown while its isolate is being torn down aborts the whole process
    // (seen when a checkpoint failed on a full disk as the import stopped).
    // The worker handles messages one at a time, so it reads this one only
    // after its current request.
    async close() {
      if (!running) return;
      const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
      worker.postMessage({ kind: 'close' } satisfies WorkerClose);
      const timer = setTimeout(() => void worker.terminate(), WORKER_CLOSE_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}

function inlinePreparer(mediaDir: string | null, images: PageImageOptions, stored: StoredPublications | null): Preparer {
  return {
    parallel: false,
    check: async (folder) => checkFolder(folder, stored),
    prepare: (folder) => prepareIssue(folder, mediaDir, images, stored),
    checkpoint: null,
    close: async () => undefined,
  };
}
