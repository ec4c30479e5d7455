import path from 'node:path';
import type { Request } from 'express';
import { pageLabel } from '../../domain/page-number';
import { parseIssueDate } from '../../domain/date';
import type { AppContext } from '../context';
import { page as pageAnswer, type FileAnswer } from '../delivery/answers';
import { strongEtag } from '../delivery/http-cache';
import { resolveIssue, resolvePaper } from '../params';
import { NotFound } from '../errors';
import { urls } from '../urls';
import {
  headModel, issueDateLabel, issueJsonLd, pageTitle, paperCrumbs, absoluteUrl,
} from '../view-model';
import { paperData } from './common';
import { issueCachePolicy, issueNavigation, loadChrome, onThisDay, pagePicture, regularFile, searchThisIssue } from './common';

/** A thumbnail's displayed width (static/site.css, .page-thumbs): two columns on phones, about 160 px from 600 px. */
const THUMBNAIL_SIZES = '(min-width: 600px) 160px, calc(50vw - 1.25rem)';

/** `/{paper}/{date}`: every page as a thumbnail and the full title list (标题导航). */
export function issueView(req: Request, ctx: AppContext) {
  const paper = resolvePaper(req, ctx);
  const issue = resolveIssue(req, ctx, paper);
  const pages = ctx.queries.pagesOfIssue(issue.id);
  const articles = ctx.queries.articlesOfIssue(issue.id);
  const nav = issueNavigation(ctx, paper, issue);
  const path = urls.issue(paper.slug, issue.date);
  const dateLabel = issueDateLabel(issue.date);
  const derived = ctx.queries.pageImagesOfIssue(issue.id);
  const pageModels = pages.map((p) => ({
    label: pageTitle(p),
    number: pageLabel(p.number),
    name: p.name,
    path: urls.page(paper.slug, issue.date, p.number),
    picture: pagePicture(p, derived.get(p.id), 'thumbnail', THUMBNAIL_SIZES),
    articles: articles
      .filter((a) => a.page_number === p.number)
      .map((a) => ({ title: a.title, kicker: a.kicker, path: urls.article(paper.slug, issue.date, a.page_number, a.position) })),
  }));
  const crumbs = paperCrumbs(paper, issue);
  // Set by the archive's go-to-date form when the date asked for has no issue.
  const requested = typeof req.query.requested === 'string' ? parseIssueDate(req.query.requested) : null;
  const requestedNotice = requested && requested > issue.date
    ? `${issueDateLabel(requested)}没有出版${paper.name},已为您打开此前最近的一期。` : null;
  return pageAnswer('issue', {
    head: headModel(ctx, {
      title: `${paper.name} ${dateLabel}`,
      description: `${paper.name}${dateLabel}共${issue.page_count}版:${articles.slice(0, 8).map((a) => a.title).join(';')}`,
      path,
      crumbs,
      paper,
      json: urls.json(path),
      manifest: urls.issueManifest(paper.slug, issue.date),
      ogImage: pages[0]?.image_path,
      jsonLd: [{
        '@context': 'https://schema.org', '@type': 'CollectionPage', name: `${paper.name} ${dateLabel}`, url: absoluteUrl(ctx, path),
        isPartOf: issueJsonLd(ctx, paper, issue),
        hasPart: pages.map((p) => ({ '@type': 'WebPage', name: pageTitle(p), url: absoluteUrl(ctx, urls.page(paper.slug, issue.date, p.number)) })),
      }],
    }),
    chrome: loadChrome(ctx, paper, issue),
    crumbs,
    paper: { name: paper.name, slug: paper.slug },
    onThisDay: onThisDay(ctx, paper, issue),
    issue: {
      date: issue.date,
      pdfPath: issue.pdf_path ? urls.issuePdf(paper.slug, issue.date) : null,
      pdfSize: issue.pdf_size,
      articleCount: issue.article_count,
      manifestPath: urls.issueManifest(paper.slug, issue.date),
    },
    pages: pageModels,
    nav,
    searchScope: searchThisIssue(paper, issue),
    requestedNotice,
  }, { cache: issueCachePolicy(ctx, paper, issue), lastModified: Math.max(issue.modified_at, nav.prev?.modified ?? 0, nav.next?.modified ?? 0) }, (m) => {
    const abs = (p: string) => absoluteUrl(ctx, p);
    const link = (n: { date: string; path: string } | null) => n && { date: n.date, url: abs(n.path), json: abs(urls.json(n.path)) };
    return {
      paper: paperData(ctx, paper),
      issue: {
        date: m.issue.date,
        label: dateLabel,
        number: issue.number,
        url: abs(path),
        json: abs(urls.json(path)),
        manifest: abs(m.issue.manifestPath),
        pdf: m.issue.pdfPath && abs(m.issue.pdfPath),
        pdfSize: m.issue.pdfSize,
        pageCount: issue.page_count,
        articleCount: m.issue.articleCount,
        previous: link(m.nav.prev),
        next: link(m.nav.next),
      },
      pages: pages.map((p, i) => ({
        number: p.number,
        label: m.pages[i]!.number,
        name: p.name,
        title: m.pages[i]!.label,
        url: abs(m.pages[i]!.path),
        json: abs(urls.json(m.pages[i]!.path)),
        image: { url: abs(urls.media(p.image_path)), width: p.image_width, height: p.image_height },
        articles: articles.filter((a) => a.page_number === p.number).map((a) => ({
          position: a.position,
          kicker: a.kicker,
          title: a.title,
          subtitle: a.subtitle,
          url: abs(urls.article(paper.slug, issue.date, a.page_number, a.position)),
          json: abs(urls.json(urls.article(paper.slug, issue.date, a.page_number, a.position))),
        })),
      })),
    };
  });
}

/** `/{paper}/{date}.pdf`: the whole issue as one PDF, streamed from the media store. */
export function issuePdf(req: Request, ctx: AppContext): FileAnswer {
  const paper = resolvePaper(req, ctx);
  const issue = resolveIssue(req, ctx, paper);
  if (!issue.pdf_path) throw new NotFound('本期没有整期 PDF', paper, issue);
  const file = path.join(ctx.config.mediaDir, issue.pdf_path);
  const stat = regularFile(file);
  if (!stat) throw new NotFound('PDF 文件缺失', paper, issue);
  return {
    type: 'file',
    file,
    size: stat.size,
    contentType: 'application/pdf',
    cache: issueCachePolicy(ctx, paper, issue),
    etag: strongEtag(issue.pdf_path),
    disposition: `inline; filename="${paper.slug}-${issue.date}.pdf"`,
  };
}
