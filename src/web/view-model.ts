import { chineseDate, chineseDateWithWeekday, dateInZone, DEFAULT_TIME_ZONE, isoInZone, weekdayName } from '../domain/date';
import type { Polygon } from '../domain/blocks';
import { pageLabel } from '../domain/page-number';
import type { IssueRow, PageRow, PublicationRow, RegionRow } from '../db/queries';
import type { AppContext } from './context';
import { urls } from './urls';

/** Pieces of view models shared by several page types. */

/** Right-to-left letters and the explicit bidi controls: text holding any of them can reorder what is around it. */
const BIDI_SENSITIVE = /[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFE\u200E\u200F\u202A-\u202E\u2066-\u2069\u{10800}-\u{10FFF}\u{1E800}-\u{1EFFF}]/u;

/**
 * Imported text for places markup cannot isolate (attribute values, the
 * document title): wrapped in FIRST STRONG ISOLATE … POP DIRECTIONAL
 * ISOLATE when it could reorder its surroundings (a U+202E in a title
 * must not spoof what follows it); other text is returned as it is.
 * In element content the templates use <bdi> instead.
 */
export function isolated(text: string): string {
  return BIDI_SENSITIVE.test(text) ? `\u2068${text}\u2069` : text;
}

export interface Crumb {
  name: string;
  path: string;
}

export interface HeadModel {
  title: string;
  description: string;
  canonicalPath: string | null;
  canonical: string | null;
  robots?: string;
  ogType: 'website' | 'article';
  ogImage: string | null;
  /** summary_large_image for a page or article picture; the logo fallback is a small card. */
  twitterCard: 'summary' | 'summary_large_image';
  jsonLd: string[];
  feed: string | null;
  /** Other forms of this page (its `.json` twin, an issue's IIIF manifest), as `<link rel="alternate">`. */
  alternates: { type: string; href: string }[];
  /** Further <meta name> tags: an article's citation_* tags (Highwire Press, read by Google Scholar and Zotero). */
  meta: { name: string; content: string }[];
}

/** The media type of a IIIF Presentation 3 manifest, as the specification names it. */
export const IIIF_MANIFEST_TYPE = 'application/ld+json;profile="http://iiif.io/api/presentation/3/context.json"';

export function absoluteUrl(ctx: AppContext, path: string): string {
  return `${ctx.config.baseUrl}${path}`;
}

/** JSON for a <script type="application/ld+json"> block: "<" escaped so the data can never close the element. */
export function jsonLdScript(data: unknown): string {
  return JSON.stringify(data).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

export function breadcrumbJsonLd(ctx: AppContext, crumbs: Crumb[]): string {
  return jsonLdScript({
    '@context': 'https://schema.org',
    '@type': 'BreadcrumbList',
    itemListElement: crumbs.map((c, i) => ({ '@type': 'ListItem', position: i + 1, name: c.name, item: absoluteUrl(ctx, c.path) })),
  });
}

export function headModel(
  ctx: AppContext,
  h: {
    title: string; description: string; path: string | null; crumbs?: Crumb[]; ogType?: 'website' | 'article';
    /** The page's `.json` twin (docs/api.md); an issue also names its IIIF manifest. */
    json?: string; manifest?: string;
    /** A media store path; `ogImagePath` instead names a site path (a clip of the page). */
    ogImage?: string | null; ogImagePath?: string | null;
    jsonLd?: unknown[]; robots?: string; paper?: PublicationRow; meta?: { name: string; content: string }[];
  },
): HeadModel {
  const jsonLd = (h.jsonLd ?? []).map(jsonLdScript);
  if (h.crumbs && h.crumbs.length > 0) jsonLd.push(breadcrumbJsonLd(ctx, h.crumbs));
  return {
    title: h.title,
    description: h.description.length > 160 ? `${h.description.slice(0, 159)}…` : h.description,
    canonicalPath: h.path,
    canonical: h.path === null ? null : absoluteUrl(ctx, h.path),
    robots: h.robots,
    ogType: h.ogType ?? 'website',
    // Pages without a picture of their own (newsstand, archive) share the site logo.
    ogImage: absoluteUrl(ctx, h.ogImagePath ?? (h.ogImage ? urls.media(h.ogImage) : ctx.assets.logo)),
    twitterCard: h.ogImagePath || h.ogImage ? 'summary_large_image' : 'summary',
    jsonLd,
    feed: h.paper ? urls.feed(h.paper.slug) : null,
    alternates: [
      ...(h.json ? [{ type: 'application/json', href: h.json }] : []),
      ...(h.manifest ? [{ type: IIIF_MANIFEST_TYPE, href: h.manifest }] : []),
    ],
    meta: h.meta ?? [],
  };
}

export function paperCrumbs(paper: PublicationRow, issue?: IssueRow, page?: PageRow): Crumb[] {
  const crumbs: Crumb[] = [{ name: '首页', path: urls.home() }, { name: paper.name, path: urls.paper(paper.slug) }];
  if (issue) crumbs.push({ name: issueDateLabel(issue.date), path: urls.issue(paper.slug, issue.date) });
  if (issue && page) crumbs.push({ name: pageTitle(page), path: urls.page(paper.slug, issue.date, page.number) });
  return crumbs;
}

/** 2026年01月05日: the domain's one date format. */
export const issueDateLabel = chineseDate;
/** 2026年01月05日 星期一 */
export const issueDateWithWeekday = chineseDateWithWeekday;

/** 第03版:要闻 — the label readers know from print. */
export function pageTitle(page: { number: number; name: string }): string {
  return `第${pageLabel(page.number)}版:${page.name}`;
}

export function issueNumberLabel(issue: IssueRow): string | null {
  return issue.number ? `总第${issue.number}期` : null;
}

/**
 * The header and footer every page shows. The masthead (报头) carries the
 * paper's name and, on an issue's pages, the issue's date, 总第N期 and its
 * number of 版; elsewhere it carries today's date, rendered here so that no
 * script is needed. The footer carries the paper's own 主办, 版权 and 联系.
 */
export function chromeModel(publications: PublicationRow[], paper: PublicationRow | null, issue: IssueRow | null, now: number, query = '') {
  const shown = issue ? issue.date : dateInZone(now, DEFAULT_TIME_ZONE);
  return {
    paper: paper && {
      name: paper.name,
      path: urls.paper(paper.slug),
      /** The masthead logo, when the paper's data gives one; else the name is set in type. */
      logo: paper.logo_path && paper.logo_width && paper.logo_height ? { src: urls.media(paper.logo_path), width: paper.logo_width, height: paper.logo_height } : null,
    },
    publications: publications.map((p) => ({ name: p.name, path: urls.paper(p.slug), current: paper?.id === p.id })),
    /** The issue's date, or today's in the site's time zone (rendered pages are cached per day: freshness.ts). */
    date: chineseDate(shown),
    weekday: weekdayName(shown),
    /** The masthead's date links the issue on its pages (they show no separate crumb trail). */
    issuePath: issue && paper ? urls.issue(paper.slug, issue.date) : null,
    issueNumber: issue ? issueNumberLabel(issue) : null,
    pageCount: issue ? `共${issue.page_count}版` : null,
    archivePath: paper ? urls.archive(paper.slug) : null,
    /** The search box's text: the query on the search page, so it is not lost. */
    query,
    footer: paper
      ? { name: paper.name, publisher: paper.publisher, copyright: paper.copyright, contact: paper.contact }
      : null,
  };
}
export type ChromeModel = ReturnType<typeof chromeModel>;

export function publisherJsonLd(ctx: AppContext, paper: PublicationRow) {
  return {
    '@type': 'NewsMediaOrganization',
    name: paper.name,
    url: absoluteUrl(ctx, urls.paper(paper.slug)),
    logo: { '@type': 'ImageObject', url: absoluteUrl(ctx, ctx.assets.logo) },
  };
}

export function issueJsonLd(ctx: AppContext, paper: PublicationRow, issue: IssueRow) {
  return {
    '@type': 'PublicationIssue',
    '@id': absoluteUrl(ctx, urls.issue(paper.slug, issue.date)),
    issueNumber: issue.number ?? undefined,
    datePublished: isoInZone(issue.publish_at, paper.timezone),
    isPartOf: { '@type': 'Periodical', name: paper.name, url: absoluteUrl(ctx, urls.paper(paper.slug)) },
  };
}

/** Where an article was printed: a page and the article's outline on that page's image (null: no hotspot). */
export interface ArticleRegion {
  pageNumber: number;
  polygon: Polygon | null;
}

/**
 * Every region of an article, in reading order. The one place the manifest's
 * ranges, the JSON and the bulk export read an article's hotspot from: an
 * article printed across pages (转版) adds its other regions here.
 */
export function articleRegions(
  article: { page_number: number; hotspot_json: string | null },
  /** The article's rows of article_region (migration 010), in order; none for a database read before it. */
  parts: readonly RegionRow[] = [],
): ArticleRegion[] {
  if (parts.length > 0) {
    return parts.map((r) => ({ pageNumber: r.page_number, polygon: r.polygon_json ? (JSON.parse(r.polygon_json) as Polygon) : null }));
  }
  return [{ pageNumber: article.page_number, polygon: article.hotspot_json ? (JSON.parse(article.hotspot_json) as Polygon) : null }];
}

/** SVG "points" attribute of a stored hotspot polygon, in page image pixels (the SVG viewBox over the page image). */
export function hotspotPoints(json: string | null): string | null {
  if (!json) return null;
  return (JSON.parse(json) as Polygon).map(([x, y]) => `${x},${y}`).join(' ');
}
