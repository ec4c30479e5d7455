import type { IssueRow, PublicationRow } from '../db/queries';

/** Thrown by routes; the error middleware turns it into the right response. */
export class HttpRedirect extends Error {
  constructor(readonly location: string, readonly status: 301 | 302 = 301) {
    super(`redirect to ${location}`);
  }
}

/** A 404 with what we know, so the page can offer the paper's archive and the nearest issue. */
export class NotFound extends Error {
  constructor(
    readonly reason: string,
    readonly paper?: PublicationRow,
    readonly nearestIssue?: IssueRow,
  ) {
    super(reason);
  }
}

export class BadRequest extends Error {}
