/**
 * The site's one route table. Express's routes (src/web/app.ts), the route
 * families of the request metrics (src/web/metrics.ts) and the kinds of URL
 * the static export writes (src/export) are all read from it; a page module
 * answers each route by name (src/web/pages/index.ts). Order matters: the
 * first route whose path and parameter shapes match answers.
 */

/** Metric label values: fixed, so the number of series stays bounded whatever clients request. */
export const ROUTE_FAMILIES = [
  'newsstand', 'paper', 'issue', 'pdf', 'page', 'article', 'archive', 'search',
  'media', 'iiif', 'static', 'sitemap', 'feed', 'ops', 'other',
] as const;
export type RouteFamily = (typeof ROUTE_FAMILIES)[number];

/** What an exported file is; the export's summary counts files by kind. */
export const EXPORT_KINDS = [
  'newsstand', 'paper', 'issue', 'pdf', 'page', 'article', 'archive',
  'feed', 'sitemap', 'robots', 'opensearch', 'static', 'media',
  /** The open data: `.json` twins and IIIF manifests (docs/api.md). */
  'data',
] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];

/** A month sitemap's file name: `2026-01.xml` or part k ≥ 2 `2026-01-k.xml`. */
export const MONTH_SITEMAP_FILE = /^(\d{4})-(0[1-9]|1[0-2])(?:-(\d{1,6}))?\.xml$/;

export interface RouteDef {
  readonly name: string;
  /** Express path syntax, limited to literals, `:name` (one segment, optionally followed by a literal such as `.pdf`) and a final `*name`. */
  readonly path: string;
  readonly family: RouteFamily;
  /** null: not part of the static export (search, operations). */
  readonly exportKind: ExportKind | null;
  /** Shapes a parameter must have for this route to match; otherwise the next route is tried. */
  readonly params?: Readonly<Record<string, RegExp>>;
  /** Answers are kept in the render cache under their URL until an import or an embargo end. */
  readonly renderCache: boolean;
  /** The answer is read in one database snapshot; false for operations routes, which must answer when the database cannot be read. */
  readonly snapshot: boolean;
  /**
   * `json`: the `.json` twin of an HTML route (docs/api.md). The same page
   * module answers it; delivery writes the answer's data as JSON instead of
   * rendering its template, and errors on it are JSON too.
   */
  readonly format?: 'json';
}

export const ROUTES = [
  { name: 'health', path: '/healthz', family: 'ops', exportKind: null, renderCache: false, snapshot: false },
  { name: 'metrics', path: '/metrics', family: 'ops', exportKind: null, renderCache: false, snapshot: false },
  // The zoom viewer's files from its npm package (src/web/vendor.ts); before `static`, which would take the path.
  // Not exported: only the zoom viewer loads them, and its tiles are not exported either.
  { name: 'openseadragon', path: '/static/openseadragon/:version/*file', family: 'static', exportKind: null, params: { version: /^\d{1,3}\.\d{1,3}\.\d{1,3}$/ }, renderCache: true, snapshot: false },
  { name: 'static', path: '/static/*file', family: 'static', exportKind: 'static', renderCache: true, snapshot: false },
  { name: 'media', path: '/media/:dir/:file', family: 'media', exportKind: 'media', renderCache: false, snapshot: false },
  // Zoom tiles are not in the static export yet: no page links to them.
  { name: 'iiifInfo', path: '/iiif/:id/info.json', family: 'iiif', exportKind: null, renderCache: false, snapshot: false },
  { name: 'iiifTile', path: '/iiif/:id/:region/:size/:rotation/:file', family: 'iiif', exportKind: null, renderCache: false, snapshot: false },
  { name: 'newsstand', path: '/', family: 'newsstand', exportKind: 'newsstand', renderCache: true, snapshot: true },
  { name: 'searchJson', path: '/search.json', family: 'search', exportKind: null, renderCache: true, snapshot: true, format: 'json' },
  { name: 'search', path: '/search', family: 'search', exportKind: null, renderCache: true, snapshot: true },
  { name: 'robots', path: '/robots.txt', family: 'other', exportKind: 'robots', renderCache: true, snapshot: true },
  { name: 'opensearch', path: '/opensearch.xml', family: 'other', exportKind: 'opensearch', renderCache: true, snapshot: true },
  { name: 'sitemapIndex', path: '/sitemap.xml', family: 'sitemap', exportKind: 'sitemap', renderCache: true, snapshot: true },
  // Not kept: its articles leave it as the clock moves, with no import to clear the cache.
  { name: 'newsSitemap', path: '/news-sitemap.xml', family: 'sitemap', exportKind: 'sitemap', renderCache: false, snapshot: true },
  // Streamed: the validators and the issue list come from one snapshot, pages and articles are read issue by issue.
  { name: 'monthSitemap', path: '/sitemaps/:paper/:file', family: 'sitemap', exportKind: 'sitemap', params: { file: MONTH_SITEMAP_FILE }, renderCache: false, snapshot: true },
  { name: 'paper', path: '/:paper', family: 'paper', exportKind: 'paper', renderCache: false, snapshot: true },
  // The `.json` twins (docs/api.md) come before the routes whose parameters would take their last segment.
  { name: 'archiveJson', path: '/:paper/archive.json', family: 'archive', exportKind: 'data', renderCache: true, snapshot: true, format: 'json' },
  { name: 'archiveYearJson', path: '/:paper/archive/:year.json', family: 'archive', exportKind: 'data', renderCache: true, snapshot: true, format: 'json' },
  { name: 'archiveMonthJson', path: '/:paper/archive/:year/:month.json', family: 'archive', exportKind: 'data', renderCache: true, snapshot: true, format: 'json' },
  { name: 'archive', path: '/:paper/archive', family: 'archive', exportKind: 'archive', renderCache: true, snapshot: true },
  { name: 'archiveYear', path: '/:paper/archive/:year', family: 'archive', exportKind: 'archive', renderCache: true, snapshot: true },
  { name: 'archiveMonth', path: '/:paper/archive/:year/:month', family: 'archive', exportKind: 'archive', renderCache: true, snapshot: true },
  { name: 'feed', path: '/:paper/feed.xml', family: 'feed', exportKind: 'feed', renderCache: true, snapshot: true },
  { name: 'issuePdf', path: '/:paper/:date.pdf', family: 'pdf', exportKind: 'pdf', renderCache: false, snapshot: true },
  { name: 'issueJson', path: '/:paper/:date.json', family: 'issue', exportKind: 'data', renderCache: true, snapshot: true, format: 'json' },
  // IIIF Presentation 3 manifest of an issue (src/web/pages/manifest.ts); before `pageJson`, whose :page would take `manifest`.
  { name: 'iiifManifest', path: '/:paper/:date/manifest.json', family: 'iiif', exportKind: 'data', renderCache: true, snapshot: true },
  { name: 'pageJson', path: '/:paper/:date/:page.json', family: 'page', exportKind: 'data', renderCache: true, snapshot: true, format: 'json' },
  { name: 'articleJson', path: '/:paper/:date/:page/:article.json', family: 'article', exportKind: 'data', renderCache: true, snapshot: true, format: 'json' },
  { name: 'issue', path: '/:paper/:date', family: 'issue', exportKind: 'issue', renderCache: true, snapshot: true },
  { name: 'page', path: '/:paper/:date/:page', family: 'page', exportKind: 'page', renderCache: true, snapshot: true },
  { name: 'article', path: '/:paper/:date/:page/:article', family: 'article', exportKind: 'article', renderCache: true, snapshot: true },
  // Clips (剪报) of a page: any rectangle has a URL, so only the articles' share pictures (their
  // og:image) are exported, as media. The picture is cut asynchronously (sharp), reading the page in
  // its own snapshot; both answers are kept like rendered pages.
  { name: 'clipImage', path: '/:paper/:date/:page/clip/:rect.jpg', family: 'page', exportKind: 'media', renderCache: true, snapshot: false },
  { name: 'clip', path: '/:paper/:date/:page/clip/:rect', family: 'page', exportKind: null, renderCache: true, snapshot: true },
] as const satisfies readonly RouteDef[];

export type RouteName = (typeof ROUTES)[number]['name'];

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The path as a regular expression with the same reading as Express's: case-insensitive, an optional trailing slash. */
function pathPattern(path: string): { regexp: RegExp; names: string[] } {
  const names: string[] = [];
  const source = path.split('/').slice(1).map((segment) => {
    const wildcard = /^\*(\w+)$/.exec(segment);
    if (wildcard) {
      names.push(wildcard[1]);
      return '(.+)';
    }
    const param = /^:(\w+)(.*)$/.exec(segment);
    if (!param) return escapeRegExp(segment);
    names.push(param[1]);
    return `([^/]+?)${escapeRegExp(param[2])}`;
  });
  return { regexp: new RegExp(`^/${source.join('/')}/?$`, 'i'), names };
}

const COMPILED = ROUTES.map((route) => ({ route: route as RouteDef, ...pathPattern(route.path) }));

/** A percent-decoded path segment, or the segment as it is when it is not valid percent-encoding. */
export function decodeSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** True when each constrained parameter has its shape (Express has matched the path already). */
export function paramsFit(route: RouteDef, params: Record<string, unknown>): boolean {
  return Object.entries(route.params ?? {}).every(([name, shape]) => typeof params[name] === 'string' && shape.test(params[name]));
}

/** The route that answers a request path, or null (the 404 page). */
export function routeOf(path: string): RouteDef | null {
  for (const { route, regexp, names } of COMPILED) {
    const m = regexp.exec(path);
    if (!m) continue;
    // Parameters are decoded only for routes that constrain them: this runs for every request's metrics.
    if (!route.params || paramsFit(route, Object.fromEntries(names.map((name, i) => [name, decodeSafe(m[i + 1])])))) return route;
  }
  return null;
}

/** The metric family of a request path: its route's, or `other` for a path no route answers. */
export function routeFamily(path: string): RouteFamily {
  return routeOf(path)?.family ?? 'other';
}
