import type { Block } from '../../domain/blocks';
import { isoInZone } from '../../domain/date';
import { NotFound } from '../errors';
import { parsePageSegment, parsePositionSegment, resolveIssue, resolvePaper } from '../params';
import type { Request } from 'express';
import type { AppContext } from '../context';
import { page as pageAnswer } from '../delivery/answers';
import { urls } from '../urls';
import {
  absoluteUrl, headModel, issueDateLabel, issueJsonLd, pageTitle, paperCrumbs, publisherJsonLd,
} from '../view-model';
import { issueCachePolicy, loadChrome } from './common';

/** `/{paper}/{date}/{NN}/{k}`: one article, with 上一篇 / 下一篇 in reading order across the whole issue. */
export function articleView(req: Request, ctx: AppContext) {
  const paper = resolvePaper(req, ctx);
  const issue = resolveIssue(req, ctx, paper);
  const pageNumber = parsePageSegment(req, paper, issue);
  const position = parsePositionSegment(req, paper, issue);
  const article = ctx.queries.articleAt(issue.id, pageNumber, position);
  if (!article) throw new NotFound(`本版没有第${position}篇文章`, paper, issue);
  const page = ctx.queries.pageOfIssue(issue.id, pageNumber)!;
  const { prev, next } = ctx.queries.articleNeighbours(issue.id, article.seq);
  const link = (a: { page_number: number; position: number; title: string }) => ({
    path: urls.article(paper.slug, issue.date, a.page_number, a.position),
    title: a.title,
  });
  const body = JSON.parse(article.body_json) as Block[];
  const path = urls.article(paper.slug, issue.date, pageNumber, position);
  const crumbs = [...paperCrumbs(paper, issue, page), { name: article.title, path }];
  const dateLabel = issueDateLabel(issue.date);
  const image = article.image_path ?? page.image_path;
  return pageAnswer('article', {
    head: headModel(ctx, {
      title: `${article.title} – ${paper.name} – ${dateLabel}`,
      description: article.lead || article.title,
      path,
      crumbs,
      paper,
      ogType: 'article',
      ogImage: image,
      jsonLd: [{
        '@context': 'https://schema.org',
        '@type': 'NewsArticle',
        headline: article.title.slice(0, 110),
        alternativeHeadline: article.subtitle ?? undefined,
        description: article.lead || undefined,
        datePublished: isoInZone(issue.publish_at, paper.timezone),
        dateModified: isoInZone(issue.modified_at, paper.timezone),
        author: article.byline ? { '@type': 'Person', name: article.byline } : { '@type': 'Organization', name: paper.name },
        publisher: publisherJsonLd(ctx, paper),
        image: [absoluteUrl(ctx, urls.media(image))],
        mainEntityOfPage: absoluteUrl(ctx, path),
        isPartOf: issueJsonLd(ctx, paper, issue),
        pageStart: String(pageNumber),
        inLanguage: paper.language,
      }],
    }),
    chrome: loadChrome(ctx, paper, issue),
    crumbs,
    paper: { name: paper.name, slug: paper.slug },
    issue: { date: dateLabel, path: urls.issue(paper.slug, issue.date) },
    page: { label: pageTitle(page), path: urls.page(paper.slug, issue.date, pageNumber) },
    article: {
      kicker: article.kicker,
      title: article.title,
      subtitle: article.subtitle,
      byline: article.byline,
      body: body.map((b) => (b.type === 'image' ? { ...b, src: urls.media(b.src) } : b)),
    },
    prev: prev ? link(prev) : null,
    next: next ? link(next) : null,
  }, { cache: issueCachePolicy(ctx, paper, issue), lastModified: issue.modified_at });
}
