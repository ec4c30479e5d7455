import type { Request } from 'express';
import type { SitemapIssueRow, SitemapMonthRow } from '../../db/sitemap-queries';
import { dateInZone, isoInZone } from '../../domain/date';
import type { AppContext, SitemapLimits } from '../context';
import type { DocumentAnswer, StreamAnswer, StreamWrite } from '../delivery/answers';
import { HttpRedirect, NotFound } from '../errors';
import { resolvePaper } from '../params';
import { MONTH_SITEMAP_FILE } from '../routes';
import { urls } from '../urls';
import { visibleModifiedAt, XML_DECLARATION, xmlEscape } from '../xml';
import { sitemapQueries } from './common';

/**
 * `/sitemap.xml` (index), `/sitemaps/{paper}/{YYYY-MM}[-{n}].xml` (one per
 * publication and month, split into parts when needed) and
 * `/news-sitemap.xml` (Google News, the last 48 hours).
 *
 * A month sitemap lists, in date order, each issue URL followed by its pages,
 * each page followed by its articles; pages carry their image (Google image
 * extension). It is streamed: issue by issue, rows come from SQLite through
 * `.iterate()` and go out as XML chunks, waiting for the socket to drain in
 * between, so no statement stays open across a wait and memory holds one
 * issue's entries at most.
 *
 * Splitting is deterministic and known without reading the month: the index
 * and the month agree on `urlsPerPart`, a bound computed from the limits and
 * the longest entry the URL scheme can produce. Part k holds the month's
 * entries [(k-1)·urlsPerPart, k·urlsPerPart); part 1 is `{YYYY-MM}.xml`
 * (so a month's URL never changes when it grows), part k ≥ 2 `{YYYY-MM}-{k}.xml`.
 */

/** Google News sitemaps hold at most 1,000 URLs. */
export const NEWS_SITEMAP_MAX_URLS = 1000;
export const NEWS_WINDOW_MS = 48 * 3600 * 1000;

/** Media store paths are `ab/<32 hex>.<ext>` (≤ 40 characters); the byte bound assumes at most this. */
const MAX_MEDIA_PATH_CHARS = 64;

const URLSET_OPEN = `${XML_DECLARATION}<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">\n`;
const URLSET_CLOSE = '</urlset>\n';
export const XML_CONTENT_TYPE = 'application/xml; charset=utf-8';

function urlEntry(loc: string, lastmod: string, image: string | null): string {
  const img = image === null ? '' : `<image:image><image:loc>${xmlEscape(image)}</image:loc></image:image>`;
  return `<url><loc>${xmlEscape(loc)}</loc><lastmod>${lastmod}</lastmod>${img}</url>\n`;
}

/** How many URLs one part may hold so that it stays within both limits whatever its entries are. */
export function urlsPerPart(baseUrl: string, slug: string, limits: SitemapLimits): number {
  const lastmod = '9999-12-31T23:59:59+14:00';
  const longestPage = urlEntry(`${baseUrl}${urls.page(slug, '9999-12-31', 99)}`, lastmod, `${baseUrl}${urls.media('x'.repeat(MAX_MEDIA_PATH_CHARS))}`);
  const longestArticle = urlEntry(`${baseUrl}${urls.article(slug, '9999-12-31', 99, 999)}`, lastmod, null);
  const entryBytes = Math.max(Buffer.byteLength(longestPage), Buffer.byteLength(longestArticle));
  const room = limits.maxBytes - Buffer.byteLength(URLSET_OPEN) - Buffer.byteLength(URLSET_CLOSE);
  return Math.max(1, Math.min(limits.maxUrls, Math.floor(room / entryBytes)));
}

export function partCount(month: SitemapMonthRow, perPart: number): number {
  return Math.max(1, Math.ceil(month.urls / perPart));
}

function monthPolicy(ctx: AppContext, timezone: string, month: string) {
  return month >= dateInZone(ctx.now(), timezone).slice(0, 7) ? 'latest' : 'archive';
}

/** `/sitemap.xml`: one <sitemap> per publication, month and part. */
export function sitemapIndex(_req: Request, ctx: AppContext): DocumentAnswer {
  const limits = ctx.sitemapLimits;
  const months = sitemapQueries(ctx).months(ctx.now());
  const perPart = new Map<string, number>();
  let lastModified = 0;
  const entries: string[] = [];
  for (const m of months) {
    const per = perPart.get(m.slug) ?? urlsPerPart(ctx.config.baseUrl, m.slug, limits);
    perPart.set(m.slug, per);
    lastModified = Math.max(lastModified, m.last_modified);
    const lastmod = isoInZone(m.last_modified, m.timezone);
    for (let part = 1; part <= partCount(m, per); part += 1) {
      entries.push(`<sitemap><loc>${xmlEscape(ctx.config.baseUrl + urls.monthSitemap(m.slug, m.month, part))}</loc><lastmod>${lastmod}</lastmod></sitemap>\n`);
    }
  }
  return {
    type: 'document',
    body: `${XML_DECLARATION}<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${entries.join('')}</sitemapindex>\n`,
    contentType: XML_CONTENT_TYPE,
    cache: 'latest',
    lastModified: lastModified || null,
  };
}

/** `/sitemaps/{paper}/{YYYY-MM}[-{n}].xml`: one month's issue, page and article URLs, streamed. */
export function monthSitemap(req: Request, ctx: AppContext): StreamAnswer {
  const paper = resolvePaper(req, ctx, 1);
  const file = String(req.params.file);
  const m = MONTH_SITEMAP_FILE.exec(file)!; // the route matches only such names
  const month = `${m[1]}-${m[2]}`;
  const part = m[3] === undefined ? 1 : Number(m[3]);
  if (part === 1 && m[3] !== undefined) throw new HttpRedirect(urls.monthSitemap(paper.slug, month, 1));
  const now = ctx.now();
  const q = sitemapQueries(ctx);
  // The validators and the list of issues come from the route's snapshot; pages and articles are then read issue by issue.
  const stats = q.month(paper.id, month, now);
  const issues = q.issuesOfMonth(paper.id, month, now);
  const perPart = urlsPerPart(ctx.config.baseUrl, paper.slug, ctx.sitemapLimits);
  if (!stats || part < 1 || part > partCount(stats, perPart) || (m[3] !== undefined && String(part) !== m[3])) {
    throw new NotFound(`没有这份站点地图:${req.path}`, paper);
  }
  const slice = { slug: paper.slug, timezone: paper.timezone, from: (part - 1) * perPart, to: part * perPart };
  return {
    type: 'stream',
    contentType: XML_CONTENT_TYPE,
    cache: monthPolicy(ctx, paper.timezone, month),
    lastModified: stats.last_modified,
    // Validators from what the month is made of, not from its bytes.
    version: [ctx.queries.contentVersion(), ctx.config.baseUrl, stats.issues, stats.urls, stats.last_modified, perPart, part].join('|'),
    write: (write, closed) => writeMonth(ctx, write, closed, issues, slice),
    end: URLSET_CLOSE,
  };
}

interface MonthSlice {
  slug: string;
  timezone: string;
  /** global entry indexes [from, to) of the month, in sitemap order */
  from: number;
  to: number;
}

async function writeMonth(ctx: AppContext, write: StreamWrite, closed: () => boolean, issues: SitemapIssueRow[], slice: MonthSlice): Promise<void> {
  const q = sitemapQueries(ctx);
  const base = ctx.config.baseUrl;
  await write(URLSET_OPEN);
  let cursor = 0; // global index of the current issue's own URL
  for (const issue of issues) {
    if (closed()) break;
    const size = 1 + issue.page_count + issue.article_count;
    const lo = Math.max(0, slice.from - cursor);
    const hi = Math.min(size, slice.to - cursor);
    cursor += size;
    if (hi <= 0) break;
    if (lo >= size) continue;
    const lastmod = isoInZone(visibleModifiedAt(issue), slice.timezone);
    let chunk = lo === 0 ? urlEntry(base + urls.issue(slice.slug, issue.date), lastmod, null) : '';
    const offset = Math.max(0, lo - 1);
    for (const e of q.issueEntries(issue.id, offset, hi - 1 - offset)) {
      chunk += e.kind === 1
        ? urlEntry(base + urls.page(slice.slug, issue.date, e.page), lastmod, e.image_path ? base + urls.media(e.image_path) : null)
        : urlEntry(base + urls.article(slice.slug, issue.date, e.page, e.position), lastmod, null);
    }
    await write(chunk);
  }
}

/** Google News wants zh-cn / zh-tw for Chinese and an ISO 639 code otherwise. */
export function newsLanguage(tag: string): string {
  const lower = tag.toLowerCase();
  if (lower === 'zh' || lower.startsWith('zh-')) return /^zh-(tw|hk|mo|hant)/.test(lower) ? 'zh-tw' : 'zh-cn';
  return lower.split('-')[0];
}

/** `/news-sitemap.xml`: articles of issues published in the last 48 hours (Google News sitemap). */
export function newsSitemap(_req: Request, ctx: AppContext): DocumentAnswer {
  const now = ctx.now();
  const base = ctx.config.baseUrl;
  const parts: string[] = [];
  for (const a of sitemapQueries(ctx).newsArticles(now - NEWS_WINDOW_MS, now, NEWS_SITEMAP_MAX_URLS)) {
    parts.push(
      `<url><loc>${xmlEscape(base + urls.article(a.slug, a.date, a.page_number, a.position))}</loc>`
      + '<news:news><news:publication>'
      + `<news:name>${xmlEscape(a.name)}</news:name><news:language>${xmlEscape(newsLanguage(a.language))}</news:language>`
      + '</news:publication>'
      + `<news:publication_date>${isoInZone(a.publish_at, a.timezone)}</news:publication_date>`
      + `<news:title>${xmlEscape(a.title)}</news:title>`
      + '</news:news></url>\n',
    );
  }
  return {
    type: 'document',
    body: `${XML_DECLARATION}<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">\n${parts.join('')}</urlset>\n`,
    contentType: XML_CONTENT_TYPE,
    cache: 'short',
    lastModified: null,
  };
}
