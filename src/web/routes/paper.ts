import type { RequestHandler } from 'express';
import type { AppContext } from '../context';
import { CACHE_CONTROL } from '../http-cache';
import { resolvePaper } from '../params';
import { NotFound } from '../errors';
import { urls } from '../urls';

/** `/{paper}`: 302 to the latest published issue's front page; short cache, it moves daily. */
export function latestIssueRedirect(ctx: AppContext): RequestHandler {
  return (req, res) => {
    const paper = resolvePaper(req, ctx);
    const issue = ctx.queries.latestIssue(paper.id, ctx.now());
    if (!issue) throw new NotFound(`${paper.name}还没有出版`, paper);
    res.setHeader('Cache-Control', CACHE_CONTROL.short);
    res.redirect(302, urls.page(paper.slug, issue.date, 1));
  };
}
