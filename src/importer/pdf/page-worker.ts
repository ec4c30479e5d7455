// Worker thread of page-pool.ts: reads one page PDF at a time (analysis, page
// masters, one-page PDFs) with a pdf.js of its own.
import { parentPort } from 'node:worker_threads';
import { AltoError } from '../alto/analyse';
import { workerError } from '../prepare';
import { pdfPages } from './derive';
import { inflateSynchronously } from './engine';
import type { PageWorkerReply, PdfJob } from './page-pool';

inflateSynchronously(); // this thread only reads PDFs (engine.ts says why)

parentPort!.on('message', async (job: PdfJob & { id: number }) => {
  let reply: PageWorkerReply<Awaited<ReturnType<typeof pdfPages>>>;
  try {
    const pages = await pdfPages(job.file, job.alto);
    reply = { id: job.id, pages };
  } catch (err) {
    const kind = err instanceof Error ? err.constructor.name : 'Error';
    reply = { id: job.id, error: { ...workerError(err), kind, ...(err instanceof AltoError ? { altoFile: err.file, detail: err.detail } : {}) } };
  }
  parentPort!.postMessage(reply);
});
