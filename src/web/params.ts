import type { Request } from 'express';
import { formatIssueDate, parseIssueDate, type IssueDate } from '../domain/date';
import { pageLabel, toPageNumber, type PageNumber } from '../domain/page-number';
import type { IssueRow, PublicationRow } from '../db/queries';
import type { AppContext } from './context';
import { HttpRedirect, NotFound } from './errors';
import { decodeSafe } from './routes';

/**
 * Parses URL segments into checked values. A recognisable variant of a
 * canonical segment (upper-case slug, 3 for 03, 2026-1-5) throws a 301 to the
 * canonical URL; anything else throws NotFound.
 */

function param(req: Request, name: string): string {
  const v = (req.params as Record<string, string | undefined>)[name];
  return typeof v === 'string' ? v : '';
}

/**
 * The request URL with one segment (by index, 0 = first) replaced, query
 * kept. On a `.json` route (docs/api.md) the last segment keeps its `.json`,
 * so a near-miss JSON URL redirects to the canonical JSON URL.
 */
function withSegment(req: Request, index: number, value: string): string {
  const segments = req.path.split('/').slice(1);
  const routePath: unknown = (req.route as { path?: unknown } | undefined)?.path;
  const jsonSuffix = typeof routePath === 'string' && routePath.endsWith('.json') && index === segments.length - 1;
  segments[index] = jsonSuffix ? `${value}.json` : value;
  const q = req.originalUrl.indexOf('?');
  return `/${segments.map((s) => encodeURIComponent(decodeSafe(s))).join('/')}${q >= 0 ? req.originalUrl.slice(q) : ''}`;
}

/** The paper named by the `paper` parameter, which is path segment `segmentIndex`; an upper-case slug redirects to the lower-case one. */
export function resolvePaper(req: Request, ctx: AppContext, segmentIndex = 0): PublicationRow {
  const slug = param(req, 'paper');
  const paper = ctx.queries.publicationBySlug(slug);
  if (paper) return paper;
  const lower = slug.toLowerCase();
  if (lower !== slug && ctx.queries.publicationBySlug(lower)) throw new HttpRedirect(withSegment(req, segmentIndex, lower));
  throw new NotFound('没有这份报纸');
}

/** Accepts YYYY-MM-DD; redirects 2026-1-5 and 20260105 to it. */
export function parseDateSegment(req: Request, raw: string, segmentIndex: number, paper: PublicationRow): IssueDate {
  const date = parseIssueDate(raw);
  if (date) return date;
  const loose = /^(\d{4})-?(\d{1,2})-?(\d{1,2})$/.exec(raw);
  if (loose) {
    const canonical = parseIssueDate(formatIssueDate(Number(loose[1]), Number(loose[2]), Number(loose[3])));
    if (canonical && (raw.includes('-') || raw.length === 8)) throw new HttpRedirect(withSegment(req, segmentIndex, canonical));
  }
  throw new NotFound('日期不存在', paper);
}

export function resolveIssue(req: Request, ctx: AppContext, paper: PublicationRow, rawDate = param(req, 'date')): IssueRow {
  const date = parseDateSegment(req, rawDate, 1, paper);
  const issue = ctx.queries.issueByDate(paper.id, date, ctx.now());
  if (issue) return issue;
  throw new NotFound(`${date} 没有出版${paper.name}`, paper, ctx.queries.issueOnOrBefore(paper.id, date, ctx.now()) ?? ctx.queries.firstIssue(paper.id, ctx.now()));
}

/** Two-digit page number (01..99); "3" or "003" redirect to "03". */
export function parsePageSegment(req: Request, paper: PublicationRow, issue: IssueRow): PageNumber {
  const raw = param(req, 'page');
  const n = /^\d{1,3}$/.test(raw) ? toPageNumber(Number(raw)) : null;
  if (n === null || n > issue.page_count) throw new NotFound(`本期没有第${raw}版`, paper, issue);
  if (raw !== pageLabel(n)) throw new HttpRedirect(withSegment(req, 2, pageLabel(n)));
  return n;
}

/** Article position on its page, without leading zeros ("01" redirects to "1"). */
export function parsePositionSegment(req: Request, paper: PublicationRow, issue: IssueRow): number {
  const raw = param(req, 'article');
  if (!/^\d{1,3}$/.test(raw) || Number(raw) < 1) throw new NotFound('没有这篇文章', paper, issue);
  const n = Number(raw);
  if (String(n) !== raw) throw new HttpRedirect(withSegment(req, 3, String(n)));
  return n;
}
