import type { Request } from 'express';
import { parseIssueDate } from '../../domain/date';
import { resultPager } from '../../search/pager';
import { highlightSegments } from '../../search/snippet';
import { isQueryTooLong, MAX_QUERY_LENGTH, parseSearchQuery } from '../../search/tokenize';
import { BadRequest } from '../errors';
import type { AppContext } from '../context';
import { page as pageAnswer } from '../delivery/answers';
import { loadChrome } from './common';
import { urls } from '../urls';
import { absoluteUrl, headModel, issueDateLabel, pageTitle } from '../view-model';

const MAX_RESULT_PAGE = 50;

/** A query parameter given at most once; `?q=a&q=b` is a bad request, not an array to trip over. */
function single(req: Request, name: string): string | undefined {
  const v = (req.query as Record<string, unknown>)[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new BadRequest(`参数 ${name} 只能出现一次`);
  return v;
}

function optionalDate(req: Request, name: string): string | undefined {
  const v = single(req, name)?.trim();
  if (!v) return undefined;
  if (!parseIssueDate(v)) throw new BadRequest(`参数 ${name} 应为有效日期 YYYY-MM-DD`);
  return v;
}

/** `/search?q=…&paper=…&from=…&to=…&page=…&sort=date`: never indexed, never an error for any text typed. */
export function searchPage(req: Request, ctx: AppContext) {
  const q = (single(req, 'q') ?? '').trim();
  if (isQueryTooLong(q)) throw new BadRequest(`检索词太长,请不要超过 ${MAX_QUERY_LENGTH} 个字`);
  const paperSlug = single(req, 'paper')?.trim() || undefined;
  const paper = paperSlug ? ctx.queries.publicationBySlug(paperSlug) : undefined;
  if (paperSlug && !paper) throw new BadRequest('没有这份报纸');
  const from = optionalDate(req, 'from');
  const to = optionalDate(req, 'to');
  const rawPage = single(req, 'page') ?? '1';
  if (!/^\d{1,3}$/.test(rawPage) || Number(rawPage) < 1 || Number(rawPage) > MAX_RESULT_PAGE) {
    throw new BadRequest(`页码应为 1 到 ${MAX_RESULT_PAGE} 之间的整数`);
  }
  const sortParam = single(req, 'sort');
  if (sortParam !== undefined && sortParam !== 'date' && sortParam !== 'relevance') throw new BadRequest('排序方式应为 relevance 或 date');
  const sort = sortParam === 'date' ? 'date' : 'relevance';
  const page = Number(rawPage);
  const parsed = q ? parseSearchQuery(q) : null;
  const response = parsed ? ctx.searcher.search({ q, paper: paperSlug, from, to, page, sort, now: ctx.now() }) : null;
  const terms = parsed?.terms ?? [];
  const scope = { q, paper: paperSlug, from, to, sort: sort === 'date' ? 'date' : undefined };
  const pager = resultPager(page, Math.min(response?.pageCount ?? 0, MAX_RESULT_PAGE));
  const fragment = terms.length > 0 ? `#:~:text=${encodeURIComponent(terms[0])}` : '';
  const scopeLabel = [paper?.name, from && to && from === to ? issueDateLabel(parseIssueDate(from)!) : [from, to].filter(Boolean).join(' 至 ')]
    .filter(Boolean)
    .join(' · ');
  return pageAnswer('search', {
    head: headModel(ctx, {
      title: q ? `检索:${q} – 数字报刊平台` : '检索 – 数字报刊平台', description: '在全部报纸中检索文章。', path: null, robots: 'noindex',
      json: urls.json(urls.search({ ...scope, page: page === 1 ? undefined : page })),
    }),
    chrome: loadChrome(ctx, paper ?? null, null, q),
    crumbs: [{ name: '首页', path: urls.home() }, { name: '检索', path: urls.search() }],
    q,
    form: { paper: paperSlug ?? '', from: from ?? '', to: to ?? '', sort },
    papers: ctx.queries.publications().map((p) => ({ slug: p.slug, name: p.name })),
    scopeLabel,
    searched: q !== '',
    searchable: parsed !== null,
    total: response?.total ?? 0,
    totalAtLeast: response?.atLeast === true,
    page,
    results: (response?.results ?? []).map((r) => ({
      // ?hl= draws the query's hits on the page image (the article's thumbnail, the page view).
      path: urls.withHits(urls.article(r.paperSlug, r.date, r.pageNumber, r.position), q) + fragment,
      pagePath: urls.withHits(urls.page(r.paperSlug, r.date, r.pageNumber), q),
      title: highlightSegments({ text: r.title, highlights: r.titleHighlights }),
      snippet: highlightSegments(r.snippet),
      paperName: r.paperName,
      date: issueDateLabel(parseIssueDate(r.date)!),
      pageLabel: pageTitle({ number: r.pageNumber, name: r.pageName }),
    })),
    pager: {
      previous: pager.previous === null ? null : urls.search({ ...scope, page: pager.previous }),
      next: pager.next === null ? null : urls.search({ ...scope, page: pager.next }),
      items: pager.items.map((item) =>
        'gap' in item ? { gap: true } : { n: item.page, path: urls.search({ ...scope, page: item.page }), current: item.page === page },
      ),
    },
    sortLinks: {
      relevance: urls.search({ ...scope, sort: undefined }),
      date: urls.search({ ...scope, sort: 'date' }),
    },
    archiveLinks: ctx.queries.publications().map((p) => ({ name: p.name, path: urls.archive(p.slug) })),
  }, { cache: 'short', lastModified: null }, (m) => {
    const searchJson = (p: number | null) => (p === null ? null : absoluteUrl(ctx, urls.json(urls.search({ ...scope, page: p === 1 ? undefined : p }))));
    return {
      query: { q, paper: paperSlug ?? null, from: from ?? null, to: to ?? null, sort, page },
      searchable: m.searchable,
      total: m.total,
      totalAtLeast: m.totalAtLeast,
      pageCount: Math.min(response?.pageCount ?? 0, MAX_RESULT_PAGE),
      results: (response?.results ?? []).map((r, i) => {
        const path = urls.article(r.paperSlug, r.date, r.pageNumber, r.position);
        return {
          paper: { slug: r.paperSlug, name: r.paperName },
          date: r.date,
          page: r.pageNumber,
          pageName: r.pageName,
          position: r.position,
          title: r.title,
          snippet: r.snippet.text,
          titleSegments: m.results[i]!.title,
          snippetSegments: m.results[i]!.snippet,
          url: absoluteUrl(ctx, path),
          json: absoluteUrl(ctx, urls.json(path)),
        };
      }),
      previous: searchJson(pager.previous),
      next: searchJson(pager.next),
    };
  });
}
