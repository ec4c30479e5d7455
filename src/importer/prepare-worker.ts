// Worker thread of an import: prepares issue folders on request (prepare.ts)
// and checkpoints the database's WAL on a connection of its own, so that the
// writing thread neither copies pages nor waits for fsync.
import { parentPort, type TransferListItem } from 'node:worker_threads';
import { openWritableDatabase, type Db } from '../db/connection';
import { checkFolder, prepareIssue, workerError, type PrepareReply, type PrepareRequest, type WalCheckpoint, type WorkerClose } from './prepare';
import { ImportValidationError } from './problems';

const connections = new Map<string, Db>();

function checkpoint(databasePath: string): WalCheckpoint {
  let db = connections.get(databasePath);
  if (!db) connections.set(databasePath, (db = openWritableDatabase(databasePath)));
  const [row] = db.pragma('wal_checkpoint(PASSIVE)') as { busy: number; log: number; checkpointed: number }[];
  return { log: row!.log, checkpointed: row!.checkpointed };
}

parentPort!.on('message', async (req: PrepareRequest | WorkerClose) => {
  if (req.kind === 'close') {
    for (const db of connections.values()) db.close();
    parentPort!.close();
    return;
  }
  let reply: PrepareReply;
  const transfer: TransferListItem[] = [];
  try {
    if (req.kind === 'check') reply = { id: req.id, check: checkFolder(req.folder, req.stored) };
    else if (req.kind === 'checkpoint') reply = { id: req.id, checkpoint: checkpoint(req.databasePath) };
    else {
      const prepared = await prepareIssue(req.folder, req.mediaDir, req.images, req.stored);
      transfer.push(prepared.texts.bytes.buffer as ArrayBuffer);
      reply = { id: req.id, prepared };
    }
  } catch (err) {
    reply =
      err instanceof ImportValidationError
        ? { id: req.id, problems: err.problems }
        : { id: req.id, error: workerError(err) };
  }
  parentPort!.postMessage(reply, transfer);
});
