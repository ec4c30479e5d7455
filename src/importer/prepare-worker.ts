// Worker thread of an import: prepares issue folders on request (prepare.ts).
import { parentPort, type TransferListItem } from 'node:worker_threads';
import { encodeTexts, prepareIssue, validationProblems, type PrepareReply, type PrepareRequest } from './prepare';
import { ImportValidationError } from './problems';

parentPort!.on('message', async (req: PrepareRequest) => {
  let reply: PrepareReply;
  const transfer: TransferListItem[] = [];
  try {
    if (req.validateOnly) reply = { id: req.id, problems: validationProblems(req.folder) };
    else {
      const { texts, ...rest } = await prepareIssue(req.folder, req.mediaDir);
      const encoded = encodeTexts(texts);
      transfer.push(encoded.bytes.buffer as ArrayBuffer);
      reply = { id: req.id, prepared: { ...rest, texts: encoded } };
    }
  } catch (err) {
    reply =
      err instanceof ImportValidationError
        ? { id: req.id, problems: err.problems }
        : { id: req.id, error: err instanceof Error ? (err.stack ?? err.message) : String(err) };
  }
  parentPort!.postMessage(reply, transfer);
});
