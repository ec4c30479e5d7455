import fs from 'node:fs';
import path from 'node:path';
import type { RequestHandler } from 'express';
import type { IssueRow, PublicationRow } from '../../db/queries';
import { pageLabel } from '../../domain/page-number';
import { parseIssueDate } from '../../domain/date';
import type { AppContext } from '../context';
import { CACHE_CONTROL, strongEtag } from '../http-cache';
import { resolveIssue, resolvePaper } from '../params';
import type { PageHandler } from '../respond';
import { NotFound } from '../errors';
import { sendStoredFile } from '../send-file';
import { urls } from '../urls';
import {
  chromeModel, headModel, issueDateLabel, issueDateWithWeekday, issueJsonLd, pageTitle, paperCrumbs, absoluteUrl,
} from '../view-model';
import type { CachePolicy } from '../http-cache';

/** Past issues change only by correction; the latest one gets a short cache. */
export function issueCachePolicy(ctx: AppContext, paper: PublicationRow, issue: IssueRow): CachePolicy {
  const latest = ctx.queries.latestIssue(paper.id, ctx.now());
  return latest && latest.id === issue.id ? 'latest' : 'archive';
}

export function issueNavigation(ctx: AppContext, paper: PublicationRow, issue: IssueRow) {
  const now = ctx.now();
  const prev = ctx.queries.previousIssue(paper.id, issue.date, now);
  const next = ctx.queries.nextIssue(paper.id, issue.date, now);
  return {
    prev: prev ? { path: urls.issue(paper.slug, prev.date), label: issueDateLabel(prev.date), modified: prev.modified_at } : null,
    next: next ? { path: urls.issue(paper.slug, next.date), label: issueDateLabel(next.date), modified: next.modified_at } : null,
  };
}

export function searchThisIssue(paper: PublicationRow, issue: IssueRow) {
  return { paper: paper.slug, from: issue.date, to: issue.date };
}

/** `/{paper}/{date}`: every page as a thumbnail and the full title list (标题导航). */
export const issueView: PageHandler = (req, ctx) => {
  const paper = resolvePaper(req, ctx);
  const issue = resolveIssue(req, ctx, paper);
  const pages = ctx.queries.pagesOfIssue(issue.id);
  const articles = ctx.queries.articlesOfIssue(issue.id);
  const nav = issueNavigation(ctx, paper, issue);
  const path = urls.issue(paper.slug, issue.date);
  const dateLabel = issueDateLabel(issue.date);
  const pageModels = pages.map((p) => ({
    label: pageTitle(p),
    number: pageLabel(p.number),
    name: p.name,
    path: urls.page(paper.slug, issue.date, p.number),
    image: { src: urls.media(p.image_path), width: p.image_width, height: p.image_height },
    articles: articles
      .filter((a) => a.page_number === p.number)
      .map((a) => ({ title: a.title, kicker: a.kicker, path: urls.article(paper.slug, issue.date, a.page_number, a.position) })),
  }));
  const crumbs = paperCrumbs(paper, issue);
  // Set by the archive's go-to-date form when the date asked for has no issue.
  const requested = typeof req.query.requested === 'string' ? parseIssueDate(req.query.requested) : null;
  const requestedNotice = requested && requested > issue.date
    ? `${issueDateLabel(requested)}没有出版${paper.name},已为您打开此前最近的一期。` : null;
  return {
    view: 'issue',
    cache: issueCachePolicy(ctx, paper, issue),
    lastModified: Math.max(issue.modified_at, nav.prev?.modified ?? 0, nav.next?.modified ?? 0),
    model: {
      head: headModel(ctx, {
        title: `${paper.name} ${dateLabel}`,
        description: `${paper.name}${dateLabel}共${issue.page_count}版:${articles.slice(0, 8).map((a) => a.title).join(';')}`,
        path,
        crumbs,
        paper,
        ogImage: pages[0]?.image_path,
        jsonLd: [{
          '@context': 'https://schema.org', '@type': 'CollectionPage', name: `${paper.name} ${dateLabel}`, url: absoluteUrl(ctx, path),
          isPartOf: issueJsonLd(ctx, paper, issue),
          hasPart: pages.map((p) => ({ '@type': 'WebPage', name: pageTitle(p), url: absoluteUrl(ctx, urls.page(paper.slug, issue.date, p.number)) })),
        }],
      }),
      chrome: chromeModel(ctx, paper, issue),
      crumbs,
      paper: { name: paper.name, slug: paper.slug },
      issue: {
        date: issue.date,
        dateLabel: issueDateWithWeekday(issue.date),
        number: issue.number,
        pdfPath: issue.pdf_path ? urls.issuePdf(paper.slug, issue.date) : null,
        pdfSize: issue.pdf_size,
        articleCount: issue.article_count,
      },
      pages: pageModels,
      nav,
      searchScope: searchThisIssue(paper, issue),
      requestedNotice,
    },
  };
};

/** `/{paper}/{date}.pdf`: the whole issue as one PDF, streamed from the media store. */
export function issuePdf(ctx: AppContext): RequestHandler {
  return (req, res, next) => {
    const paper = resolvePaper(req, ctx);
    const raw = String((req.params as Record<string, string>).date ?? '').replace(/\.pdf$/, '');
    const issue = resolveIssue(req, ctx, paper, raw);
    if (!issue.pdf_path) throw new NotFound('本期没有整期 PDF', paper, issue);
    const file = path.join(ctx.config.mediaDir, issue.pdf_path);
    const stat = fs.statSync(file, { throwIfNoEntry: false });
    if (!stat?.isFile()) throw new NotFound('PDF 文件缺失', paper, issue);
    res.setHeader('Content-Disposition', `inline; filename="${paper.slug}-${issue.date}.pdf"`);
    res.setHeader('ETag', strongEtag(issue.pdf_path));
    sendStoredFile(req, res, next, file, stat.size, { 'Content-Type': 'application/pdf', 'Cache-Control': CACHE_CONTROL[issueCachePolicy(ctx, paper, issue)] });
  };
}
