import fs from 'node:fs';
import type { Db } from '../../db/connection';
import type { IssueRow, PageRow, PublicationRow } from '../../db/queries';
import type { PageDerivatives, Rendition, RenditionFormat, RenditionPurpose } from '../../domain/page-images';
import { createSitemapQueries, type SitemapQueries } from '../../db/sitemap-queries';
import type { AppContext } from '../context';
import type { CachePolicy } from '../delivery/http-cache';
import { urls } from '../urls';
import { absoluteUrl, chromeModel, issueDateLabel, type ChromeModel } from '../view-model';

/** Model pieces several page modules load from the database (page modules do not import each other). */

/** The header and footer every page shows, with the list of papers for the switcher; `query` refills the search box. */
export function loadChrome(ctx: AppContext, paper: PublicationRow | null, issue: IssueRow | null, query = ''): ChromeModel {
  return chromeModel(ctx.queries.publications(), paper, issue, ctx.now(), query);
}

/** Past issues change only by correction; the latest one gets a short cache. */
export function issueCachePolicy(ctx: AppContext, paper: PublicationRow, issue: IssueRow): CachePolicy {
  const latest = ctx.queries.latestIssue(paper.id, ctx.now());
  return latest && latest.id === issue.id ? 'latest' : 'archive';
}

/** 上一期 / 下一期 of an issue. */
export function issueNavigation(ctx: AppContext, paper: PublicationRow, issue: IssueRow) {
  const now = ctx.now();
  const prev = ctx.queries.previousIssue(paper.id, issue.date, now);
  const next = ctx.queries.nextIssue(paper.id, issue.date, now);
  return {
    prev: prev ? { date: prev.date, path: urls.issue(paper.slug, prev.date), label: issueDateLabel(prev.date), modified: prev.modified_at } : null,
    next: next ? { date: next.date, path: urls.issue(paper.slug, next.date), label: issueDateLabel(next.date), modified: next.modified_at } : null,
  };
}

/** A paper as every `.json` answer names it (docs/api.md). */
export function paperData(ctx: AppContext, paper: PublicationRow) {
  return {
    slug: paper.slug,
    name: paper.name,
    language: paper.language,
    url: absoluteUrl(ctx, urls.paper(paper.slug)),
    archive: absoluteUrl(ctx, urls.json(urls.archive(paper.slug))),
  };
}

/** The hidden fields of the 本期检索 form. */
export function searchThisIssue(paper: PublicationRow, issue: IssueRow) {
  return { paper: paper.slug, from: issue.date, to: issue.date };
}

const sitemapQueriesByDb = new WeakMap<Db, SitemapQueries>();

/** The named queries of sitemaps and feeds, prepared once per database connection. */
export function sitemapQueries(ctx: AppContext): SitemapQueries {
  let q = sitemapQueriesByDb.get(ctx.db);
  if (!q) {
    q = createSitemapQueries(ctx.db);
    sitemapQueriesByDb.set(ctx.db, q);
  }
  return q;
}

/** The file's stats when it is a regular file; null when it is missing or cannot be looked up (a name too long, a path through a file). */
export function regularFile(file: string): fs.Stats | null {
  try {
    const stat = fs.statSync(file);
    return stat.isFile() ? stat : null;
  } catch {
    return null;
  }
}

/**
 * A page image as `<picture>` (views/partials/picture.ejs): WebP and JPEG
 * `srcset`s of the import's renditions, and `src`, `width` and `height` that
 * come from the master so the layout never jumps. A page imported before
 * renditions existed (migration 007) has no sources and shows its master.
 */
export interface PictureModel {
  src: string;
  width: number;
  height: number;
  sources: { type: string; srcset: string }[];
  sizes: string;
}

const SOURCE_TYPES: Record<RenditionFormat, string> = { webp: 'image/webp', jpeg: 'image/jpeg' };

/** Renditions that may serve a picture: the page widths, or for a thumbnail its own rendition and the smallest page width (sharp on 2x screens). */
function candidates(renditions: readonly Rendition[], purpose: RenditionPurpose): Rendition[] {
  if (purpose === 'page') return renditions.filter((r) => r.purpose === 'page');
  const smallest = Math.min(...renditions.filter((r) => r.purpose === 'page').map((r) => r.width));
  return renditions.filter((r) => r.purpose === 'thumbnail' || r.width === smallest);
}

export function pagePicture(page: Pick<PageRow, 'image_path' | 'image_width' | 'image_height'>, derived: PageDerivatives | undefined, purpose: RenditionPurpose, sizes: string): PictureModel {
  const usable = candidates(derived?.renditions ?? [], purpose);
  const sources = (['webp', 'jpeg'] as const).flatMap((format) => {
    const set = usable.filter((r) => r.format === format).sort((a, b) => a.width - b.width);
    return set.length ? [{ type: SOURCE_TYPES[format], srcset: set.map((r) => `${urls.media(r.path)} ${r.width}w`).join(', ') }] : [];
  });
  // The <img> src is for browsers without srcset: the smallest JPEG, else the master.
  const fallback = usable.filter((r) => r.format === 'jpeg').sort((a, b) => a.width - b.width)[0];
  return { src: urls.media(fallback?.path ?? page.image_path), width: page.image_width, height: page.image_height, sources, sizes };
}

/** Front pages shown under 历史上的今天, newest first. */
const ON_THIS_DAY_LIMIT = 6;
/** Their thumbnails' displayed width (static/site.css, .on-this-day): three to a row on phones, 120 px beside the page. */
const ON_THIS_DAY_SIZES = '(min-width: 900px) 120px, calc(33vw - 1.5rem)';

/**
 * 历史上的今天: the front page (01版) of each issue the paper printed on the
 * same month and day in earlier years, linked; empty when there is none.
 */
export function onThisDay(ctx: AppContext, paper: PublicationRow, issue: IssueRow) {
  const year = Number(issue.date.slice(0, 4));
  return ctx.queries.sameDayFronts(paper.id, issue.date, ctx.now(), ON_THIS_DAY_LIMIT).map((f) => ({
    year: Number(f.date.slice(0, 4)),
    yearsAgo: year - Number(f.date.slice(0, 4)),
    label: issueDateLabel(f.date),
    path: urls.page(paper.slug, f.date, f.page_number),
    picture: pagePicture(f, ctx.queries.pageImages(f.page_id), 'thumbnail', ON_THIS_DAY_SIZES),
  }));
}
