import type { Request } from 'express';
import type { AppContext } from '../context';
import type { RedirectAnswer } from '../delivery/answers';
import { NotFound } from '../errors';
import { resolvePaper } from '../params';
import { urls } from '../urls';

/** `/{paper}`: 302 to the latest published issue's front page; short cache, it moves daily. */
export function latestIssueRedirect(req: Request, ctx: AppContext): RedirectAnswer {
  const paper = resolvePaper(req, ctx);
  const issue = ctx.queries.latestIssue(paper.id, ctx.now());
  if (!issue) throw new NotFound(`${paper.name}还没有出版`, paper);
  return { type: 'redirect', location: urls.page(paper.slug, issue.date, 1), status: 302, cache: 'short' };
}
