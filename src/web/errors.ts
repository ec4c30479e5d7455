import type { IssueRow, PublicationRow } from '../db/queries';

/**
 * A redirect target that stays on this site: a leading run of slashes and
 * backslashes becomes one slash, because browsers read both "//host" and
 * "/\host" as another host (GET /\evil.example/ must not send readers there).
 */
export function sameSitePath(location: string): string {
  return location.replace(/^[/\\]+/, '/');
}

/** Thrown by routes; the error middleware turns it into the right response. */
export class HttpRedirect extends Error {
  readonly location: string;
  constructor(location: string, readonly status: 301 | 302 = 301) {
    super(`redirect to ${location}`);
    this.location = sameSitePath(location);
  }
}

/** A Range the file cannot satisfy (RFC 9110 §15.5.17): answered 416 with the file's size. */
export class RangeNotSatisfiable extends Error {
  constructor(readonly size: number) {
    super('请求的字节范围超出了文件大小');
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
