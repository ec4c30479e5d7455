// `/{paper}/{date}/{NN}/clip/{x},{y},{w},{h}` (剪报): a rectangle of a page,
// as a share page with its preview card and citation, and as the cropped
// picture itself (`….jpg`), cut from the page's master image.

import path from 'node:path';
import type { Request } from 'express';
import sharp from 'sharp';
import { gbt7714 } from '../../domain/citation';
import { clampClip, clipOutputSize, formatClipRect, parseClipRect, parseLooseClipRect, type ClipRect } from '../../domain/clip';
import { dateInZone } from '../../domain/date';
import { boundingBox } from '../../domain/regions';
import type { Polygon } from '../../domain/blocks';
import type { IssueRow, PageRow, PublicationRow } from '../../db/queries';
import { logger } from '../../log';
import type { AppContext } from '../context';
import { page as pageAnswer, type DocumentAnswer, type PageAnswer } from '../delivery/answers';
import { BadRequest, HttpRedirect, NotFound } from '../errors';
import { parsePageSegment, resolveIssue, resolvePaper } from '../params';
import { urls } from '../urls';
import { absoluteUrl, headModel, isolated, issueDateLabel, pageTitle, paperCrumbs } from '../view-model';
import { issueCachePolicy, loadChrome, regularFile } from './common';

/** JPEG quality of a clip: a share card and a column of text, read on screen. */
const CLIP_JPEG_QUALITY = 82;

interface Clipped {
  paper: PublicationRow;
  issue: IssueRow;
  page: PageRow;
  rect: ClipRect;
  canonical: string;
}

/**
 * The page and the rectangle a clip URL names. A rectangle written loosely
 * (leading zeros) or reaching past the page redirects to the canonical one,
 * clamped to the page; one that is not four numbers is no clip (404); one
 * with nothing of the page in it, or less than 16 px a side, is a bad
 * request (400).
 */
function resolveClip(req: Request, ctx: AppContext, image: boolean): Clipped {
  const paper = resolvePaper(req, ctx);
  const issue = resolveIssue(req, ctx, paper);
  const number = parsePageSegment(req, paper, issue);
  const page = ctx.queries.pageOfIssue(issue.id, number)!;
  const raw = String((req.params as Record<string, unknown>).rect ?? '');
  const given = parseClipRect(raw) ?? parseLooseClipRect(raw);
  if (!given) throw new NotFound('剪报的区域应写作 x,y,宽,高(版面图像素)', paper, issue);
  const rect = clampClip(given, page.image_width, page.image_height);
  if (!rect) {
    throw new BadRequest(`剪报区域不在版面内或太小:版面图为 ${page.image_width}×${page.image_height} 像素,区域每边至少 16 像素`);
  }
  const canonical = formatClipRect(rect);
  if (canonical !== raw) {
    const to = image ? urls.clipImage(paper.slug, issue.date, number, canonical) : urls.clip(paper.slug, issue.date, number, canonical);
    throw new HttpRedirect(to);
  }
  return { paper, issue, page, rect, canonical };
}

/** `…/clip/{x},{y},{w},{h}.jpg`: the rectangle cut from the page's master, at most 1200 × 1600 px. */
export async function clipImage(req: Request, ctx: AppContext): Promise<DocumentAnswer> {
  // Read in one snapshot; the crop itself runs outside it (sharp works off the event loop's thread).
  const { page, rect } = ctx.db.transaction(() => resolveClip(req, ctx, true))();
  const master = path.join(ctx.config.mediaDir, page.image_path);
  if (!regularFile(master)) {
    logger.warn({ reqId: req.id, path: page.image_path }, 'page image missing');
    throw new NotFound('版面图像缺失');
  }
  const size = clipOutputSize(rect);
  const body = await sharp(master)
    .extract({ left: rect.x, top: rect.y, width: rect.w, height: rect.h })
    .resize(size.width, size.height, { fit: 'fill', kernel: 'lanczos3' })
    .flatten({ background: '#ffffff' })
    .jpeg({ quality: CLIP_JPEG_QUALITY, mozjpeg: false })
    .toBuffer();
  // The URL names the page and the rectangle; the page image behind it changes only with a corrected re-import.
  return { type: 'document', body, contentType: 'image/jpeg', cache: 'immutable', lastModified: null };
}

/** `…/clip/{x},{y},{w},{h}`: the clip with its preview card (og:image of the crop), its citation and the way back to the page. */
export function clipView(req: Request, ctx: AppContext): PageAnswer {
  const { paper, issue, page, rect, canonical } = resolveClip(req, ctx, false);
  const path = urls.clip(paper.slug, issue.date, page.number, canonical);
  const imagePath = urls.clipImage(paper.slug, issue.date, page.number, canonical);
  const pagePath = urls.page(paper.slug, issue.date, page.number);
  const dateLabel = issueDateLabel(issue.date);
  const label = pageTitle(page);
  const crumbs = [...paperCrumbs(paper, issue, page), { name: '剪报', path }];
  // The articles the clip shows (their outline's box overlaps the rectangle), to read them in full.
  const overlaps = (json: string | null): boolean => {
    if (!json) return false;
    const b = boundingBox(JSON.parse(json) as Polygon);
    return b.x < rect.x + rect.w && rect.x < b.x + b.w && b.y < rect.y + rect.h && rect.y < b.y + b.h;
  };
  const articles = [
    ...ctx.queries.articlesOfIssue(issue.id).filter((a) => a.page_number === page.number && overlaps(a.hotspot_json)),
    ...ctx.queries.continuationsOnPage(page.id).filter((a) => overlaps(a.region_json)),
  ].map((a) => ({ title: a.title, path: urls.article(paper.slug, issue.date, a.page_number, a.position) }));
  const size = clipOutputSize(rect);
  const accessed = dateInZone(ctx.now(), paper.timezone);
  const citation = gbt7714(
    { title: `${label}(剪报)`, byline: null, paperName: paper.name, language: paper.language, date: issue.date, pages: [page.number], issueNumber: issue.number, url: absoluteUrl(ctx, path), pdfUrl: null },
    accessed,
    isolated,
  );
  return pageAnswer('clip', {
    head: {
      ...headModel(ctx, {
        title: `剪报:${label} – ${paper.name} – ${dateLabel}`,
        description: `${paper.name}${dateLabel}${label}的剪报${articles.length ? `:${articles.map((a) => a.title).join(';')}` : ''}`,
        path,
        crumbs,
        paper,
        ogImagePath: imagePath,
      }),
      // Any rectangle of any page has a URL: shared clips are cards, not pages for a search index.
      robots: 'noindex, follow',
    },
    chrome: loadChrome(ctx, paper, issue),
    crumbs,
    title: `${paper.name} ${dateLabel} ${label} 剪报`,
    image: { src: imagePath, width: size.width, height: size.height, alt: `${paper.name} ${issue.date} ${label} 剪报` },
    rect,
    page: { label, path: pagePath },
    issue: { label: dateLabel, path: urls.issue(paper.slug, issue.date) },
    articles,
    cite: { gbt: citation, accessed },
    citeJs: ctx.assets.citeJs,
  }, { cache: issueCachePolicy(ctx, paper, issue), lastModified: issue.modified_at });
}
