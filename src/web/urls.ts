import { pageLabel } from '../domain/page-number';

/**
 * The public URL contract (links to these must never break). Every link the
 * site prints is built here, so the canonical form lives in one place;
 * templates receive this object as `urls`. The routes that answer these URLs
 * are in src/web/routes.ts.
 */
export const urls = {
  home: (): string => '/',
  paper: (slug: string): string => `/${slug}`,
  issue: (slug: string, date: string): string => `/${slug}/${date}`,
  issuePdf: (slug: string, date: string): string => `/${slug}/${date}.pdf`,
  page: (slug: string, date: string, page: number): string => `/${slug}/${date}/${pageLabel(page)}`,
  article: (slug: string, date: string, page: number, position: number): string => `/${slug}/${date}/${pageLabel(page)}/${position}`,
  /** A clip (剪报) of a page: the rectangle x,y,w,h in the page image's pixels (src/domain/clip.ts). */
  clip: (slug: string, date: string, page: number, rect: string): string => `/${slug}/${date}/${pageLabel(page)}/clip/${rect}`,
  clipImage: (slug: string, date: string, page: number, rect: string): string => `/${slug}/${date}/${pageLabel(page)}/clip/${rect}.jpg`,
  archive: (slug: string): string => `/${slug}/archive`,
  archiveYear: (slug: string, year: number): string => `/${slug}/archive/${year}`,
  archiveMonth: (slug: string, year: number, month: number): string => `/${slug}/archive/${year}/${String(month).padStart(2, '0')}`,
  feed: (slug: string): string => `/${slug}/feed.xml`,
  /** Part 1 of a month is `{YYYY-MM}.xml` (its URL never changes when the month grows), part k ≥ 2 `{YYYY-MM}-{k}.xml`. */
  monthSitemap: (slug: string, month: string, part: number): string => `/sitemaps/${slug}/${month}${part === 1 ? '' : `-${part}`}.xml`,
  sitemapIndex: (): string => '/sitemap.xml',
  newsSitemap: (): string => '/news-sitemap.xml',
  robots: (): string => '/robots.txt',
  opensearch: (): string => '/opensearch.xml',
  staticFile: (name: string): string => `/static/${name}`,
  icon: (): string => '/static/icon.svg',
  /** A file of the zoom viewer's build (src/web/vendor.ts); the version in the path makes it immutable. */
  openseadragon: (version: string, file: string): string => `/static/openseadragon/${version}/${file}`,
  media: (storePath: string): string => `/media/${storePath}`,
  /** A tile set's IIIF image service; its info.json is at `${iiif(id)}/info.json`. */
  iiif: (tileSetId: string): string => `/iiif/${tileSetId}`,
  /** An issue's IIIF Presentation 3 manifest (src/web/pages/manifest.ts). */
  issueManifest: (slug: string, date: string): string => `/${slug}/${date}/manifest.json`,
  /**
   * The `.json` twin of an issue, page, article, archive or search URL
   * (docs/api.md): `.json` after the path, before any query.
   */
  json: (htmlUrl: string): string => {
    const q = htmlUrl.indexOf('?');
    return q < 0 ? `${htmlUrl}.json` : `${htmlUrl.slice(0, q)}.json${htmlUrl.slice(q)}`;
  },
  search: (params: Record<string, string | number | undefined> = {}): string => {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
    const s = q.toString();
    return s ? `/search?${s}` : '/search';
  },
  /** A page or article URL that draws a search query's hits on the page image (src/web/search-hits.ts); the canonical URL stays the bare path. */
  withHits: (path: string, q: string | null | undefined): string => (q ? `${path}?hl=${encodeURIComponent(q)}` : path),
};
