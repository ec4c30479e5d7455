import type { Request } from 'express';
import type { AppContext } from '../context';
import { page } from '../delivery/answers';
import type { KnownError } from '../delivery/handlers';
import { NotFound } from '../errors';
import { urls } from '../urls';
import { absoluteUrl, headModel } from '../view-model';
import { loadChrome } from './common';

const TITLES: Record<number, string> = { 404: '页面不存在 (404)', 400: '请求无效 (400)' };

/** The error page: what went wrong and, for a paper's URL, its archive and the issue nearest to the one asked for. */
export function errorPage(req: Request, ctx: AppContext, status: number, err: KnownError | null) {
  const nf = err instanceof NotFound ? err : null;
  const paper = nf?.paper ?? null;
  const nearest = nf?.nearestIssue;
  return page('error', {
    head: headModel(ctx, { title: TITLES[status] ?? '出错了', description: '', path: null, robots: 'noindex' }),
    chrome: loadChrome(ctx, paper, null),
    crumbs: [],
    status,
    message: err?.message ?? '服务器暂时无法处理这个请求,请稍后再试。',
    requested: req.path,
    archivePath: paper ? urls.archive(paper.slug) : null,
    paperName: paper?.name ?? null,
    nearest: paper && nearest ? { path: urls.issue(paper.slug, nearest.date), date: nearest.date } : null,
    papers: ctx.queries.publications().map((p) => ({ name: p.name, path: urls.paper(p.slug) })),
  }, {
    status,
    // A 416 is about this request's Range, not the resource: no cache may keep it.
    cache: status >= 500 || status === 416 ? 'none' : 'short',
    lastModified: null,
  }, (m) => ({
    error: {
      status: m.status,
      message: m.message,
      nearestIssue: m.nearest ? { date: m.nearest.date, url: absoluteUrl(ctx, urls.json(m.nearest.path)) } : null,
    },
  }));
}
