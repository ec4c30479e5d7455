// Worker thread of an import: prepares issue folders on request (prepare.ts).
import { parentPort } from 'node:worker_threads';
import { prepareIssue, validationProblems, type PrepareReply, type PrepareRequest } from './prepare';
import { ImportValidationError } from './problems';

parentPort!.on('message', (req: PrepareRequest) => {
  let reply: PrepareReply;
  try {
    if (req.validateOnly) reply = { id: req.id, problems: validationProblems(req.folder) };
    else reply = { id: req.id, prepared: prepareIssue(req.folder) };
  } catch (err) {
    reply =
      err instanceof ImportValidationError
        ? { id: req.id, problems: err.problems }
        : { id: req.id, error: err instanceof Error ? (err.stack ?? err.message) : String(err) };
  }
  parentPort!.postMessage(reply);
});
