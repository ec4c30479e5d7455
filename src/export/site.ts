// The static export (scripts/export.ts is its command line): writes every
// public URL of the site as a file with the same path, rendered by the app
// itself (an in-process server on 127.0.0.1, fetched with plain http.get), so
// the export is byte for byte what the server answers. The URL list comes from
// the database, not from crawling links; what kind of file each URL is comes
// from the route that answers it (src/web/routes.ts). See docs/deploy.md.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { AddressInfo } from 'node:net';
import type { Config } from '../config';
import type { Db } from '../db/connection';
import { createQueries, type Queries } from '../db/queries';
import type { Polygon } from '../domain/blocks';
import { clipAround, formatClipRect } from '../domain/clip';
import type { IssueDate } from '../domain/date';
import { STATIC_DIR } from '../paths';
import { createApp } from '../web/app';
import { createHttpServer } from '../web/http-server';
import { routeOf, type ExportKind } from '../web/routes';
import { urls } from '../web/urls';

/** What an exported URL is (the export kind of the route that answers it); the summary counts files by kind. */
export type UrlKind = ExportKind;

/** The export kind of a URL path; a path no exported route answers is a bug in the URL walk below. */
export function urlKind(urlPath: string): UrlKind {
  const kind = routeOf(urlPath.split('?')[0])?.exportKind;
  if (!kind) throw new Error(`${urlPath}: no route with an export kind answers it (see src/web/routes.ts)`);
  return kind;
}

export interface SiteUrl {
  path: string;
  /** Derived from the database (or the static folder): a failure to export it fails the export. Others are skipped when absent. */
  required: boolean;
}

export interface ExportOptions {
  db: Db;
  config: Config;
  outDir: string;
  /** The clock the site is rendered at (embargoed issues are left out). */
  now?: () => number;
  /** Concurrent requests to the in-process server (default 8). */
  concurrency?: number;
  /** Hard-link media files instead of copying them (falls back to a copy across file systems). */
  linkMedia?: boolean;
  /** Progress and warnings; default none. */
  log?: (line: string) => void;
}

export interface ExportSummary {
  files: number;
  bytes: number;
  byKind: Partial<Record<UrlKind, number>>;
  /** Optional URLs the app does not serve (404), e.g. when a route is not there. */
  skipped: string[];
  /** URLs that could not be exported: any makes the command fail. */
  failed: { path: string; reason: string }[];
  /** Paths answered with a redirect, written as a small HTML page that forwards (a static host cannot answer 302). */
  redirects: string[];
  seconds: number;
}

/**
 * The file a URL path is written to: a path whose last segment has an
 * extension is kept as is (/sitemap.xml, /x/2026-01-20.pdf); any other is a
 * folder holding index.html (/a/b → a/b/index.html, / → index.html), which is
 * how static hosts and nginx's `index` map clean URLs back to files.
 */
export function fileForUrl(outDir: string, urlPath: string): string {
  const segments = urlPath.split('/').filter((s) => s !== '').map((s) => decodeURIComponent(s));
  if (segments.some((s) => s === '.' || s === '..' || s.includes('/') || s.includes('\\') || s.includes('\0'))) {
    throw new Error(`unsafe path ${urlPath}`);
  }
  const last = segments[segments.length - 1];
  if (last !== undefined && /\.[A-Za-z0-9]{1,8}$/.test(last)) return path.join(outDir, ...segments);
  return path.join(outDir, ...segments, 'index.html');
}

const ALL_DATES = ['0000-01-01', '9999-12-31'] as unknown as [IssueDate, IssueDate];

/** Every public page of the site, walked from the database in a stable order (newsstand, then paper by paper, issue by issue). */
export function* databaseUrls(queries: Queries, now: number): Generator<SiteUrl> {
  yield { path: urls.home(), required: true };
  for (const paper of queries.publications()) {
    const first = queries.firstIssue(paper.id, now);
    const last = queries.latestIssue(paper.id, now);
    if (!first || !last) continue; // nothing published yet: the app answers 404 for all of it
    yield { path: urls.paper(paper.slug), required: true };
    yield { path: urls.feed(paper.slug), required: false };
    // The archive: index, every year and every month of the paper's run (the app links all of them, with or without issues).
    // Each page of the archive, issue, page and article families with its `.json` twin (docs/api.md).
    const withJson = (path: string): SiteUrl[] => [{ path, required: true }, { path: urls.json(path), required: true }];
    yield* withJson(urls.archive(paper.slug));
    const [fy, fm] = [Number(first.date.slice(0, 4)), Number(first.date.slice(5, 7))];
    const [ly, lm] = [Number(last.date.slice(0, 4)), Number(last.date.slice(5, 7))];
    for (let y = fy; y <= ly; y += 1) {
      yield* withJson(urls.archiveYear(paper.slug, y));
      for (let m = y === fy ? fm : 1; m <= (y === ly ? lm : 12); m += 1) {
        yield* withJson(urls.archiveMonth(paper.slug, y, m));
      }
    }
    for (const date of queries.issueDatesBetween(paper.id, ALL_DATES[0], ALL_DATES[1], now)) {
      const issue = queries.issueByDate(paper.id, date, now);
      if (!issue) continue;
      yield* withJson(urls.issue(paper.slug, date));
      yield { path: urls.issueManifest(paper.slug, date), required: true };
      if (issue.pdf_path) yield { path: urls.issuePdf(paper.slug, date), required: true };
      const pages = queries.pagesOfIssue(issue.id);
      for (const page of pages) yield* withJson(urls.page(paper.slug, date, page.number));
      for (const a of queries.articlesOfIssue(issue.id)) {
        yield* withJson(urls.article(paper.slug, date, a.page_number, a.position));
        // The article's share picture (its og:image): the clip of its region, which no other walk reaches.
        const clip = articleClipPath(paper.slug, date, a, pages);
        if (clip) yield { path: clip, required: true };
      }
    }
  }
}

/** The clip picture an article page names as its og:image (src/web/pages/article.ts), or null without a hotspot. */
function articleClipPath(slug: string, date: string, a: { page_number: number; hotspot_json: string | null }, pages: { number: number; image_width: number; image_height: number }[]): string | null {
  const page = pages.find((p) => p.number === a.page_number);
  const rect = page && a.hotspot_json ? clipAround(JSON.parse(a.hotspot_json) as Polygon, page.image_width, page.image_height) : null;
  return rect ? urls.clipImage(slug, date, a.page_number, formatClipRect(rect)) : null;
}

/** Site-wide documents; the sitemaps the index names are added once it has been fetched. */
export function siteDocuments(): SiteUrl[] {
  return [
    { path: urls.robots(), required: false },
    { path: urls.opensearch(), required: false },
    { path: urls.sitemapIndex(), required: false },
    { path: urls.newsSitemap(), required: false },
  ];
}

/** Every file of the static folder, as /static/… URLs. */
export function staticUrls(dir: string = STATIC_DIR): SiteUrl[] {
  const out: SiteUrl[] = [];
  const walk = (d: string, prefix: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.isDirectory()) walk(path.join(d, entry.name), `${prefix}${entry.name}/`);
      else if (entry.isFile()) out.push({ path: urls.staticFile(`${prefix}${entry.name}`), required: true });
    }
  };
  walk(dir, '');
  return out;
}

/** The media store paths the database knows (page images, PDFs, photos), as /media/… URLs. */
export function mediaPaths(db: Db): string[] {
  return db.prepare('SELECT path FROM media ORDER BY path').pluck().all() as string[];
}

/** Sitemap URLs named by a sitemap index (`<sitemapindex><sitemap><loc>`), as paths on this site. */
export function sitemapLocs(xml: string, baseUrl: string): string[] {
  if (!/<sitemapindex[\s>]/.test(xml)) return [];
  const out: string[] = [];
  for (const m of xml.matchAll(/<loc>\s*([^<\s]+)\s*<\/loc>/g)) {
    const loc = m[1].replace(/&amp;/g, '&');
    if (loc.startsWith(`${baseUrl}/`)) out.push(loc.slice(baseUrl.length));
  }
  return out;
}

interface Fetched {
  status: number;
  headers: http.IncomingHttpHeaders;
  res: http.IncomingMessage;
}

function get(agent: http.Agent, port: number, urlPath: string): Promise<Fetched> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: urlPath, agent, headers: { 'accept-encoding': 'identity' } }, (res) => {
      resolve({ status: res.statusCode ?? 0, headers: res.headers, res });
    });
    req.on('error', reject);
  });
}

async function readAll(res: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of res) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** What a static host serves for a URL the app answers with a redirect. */
export function redirectPage(location: string, baseUrl: string): string {
  const abs = /^https?:\/\//.test(location) ? location : `${baseUrl}${location}`;
  return [
    '<!DOCTYPE html>',
    '<html lang="zh-CN">',
    '<head>',
    '<meta charset="utf-8">',
    '<title>正在跳转…</title>',
    `<meta http-equiv="refresh" content="0; url=${escapeHtml(location)}">`,
    `<link rel="canonical" href="${escapeHtml(abs)}">`,
    '<meta name="robots" content="noindex">',
    '</head>',
    `<body><p><a href="${escapeHtml(location)}">${escapeHtml(location)}</a></p></body>`,
    '</html>',
    '',
  ].join('\n');
}

/**
 * Exports the site to outDir. The database is read in one transaction, so the
 * export is one consistent snapshot even while an import runs.
 */
export async function exportSite(opts: ExportOptions): Promise<ExportSummary> {
  const started = Date.now();
  const log = opts.log ?? (() => undefined);
  const now = opts.now ?? Date.now;
  const t = now();
  const concurrency = Math.max(1, opts.concurrency ?? 8);
  const outDir = path.resolve(opts.outDir);
  const { db, config } = opts;

  const summary: ExportSummary = { files: 0, bytes: 0, byKind: {}, skipped: [], failed: [], redirects: [], seconds: 0 };
  const count = (kind: UrlKind, bytes: number) => {
    summary.files += 1;
    summary.bytes += bytes;
    summary.byKind[kind] = (summary.byKind[kind] ?? 0) + 1;
  };
  const madeDirs = new Set<string>();
  const ensureDir = (dir: string) => {
    if (madeDirs.has(dir)) return;
    fs.mkdirSync(dir, { recursive: true });
    madeDirs.add(dir);
  };

  // No render cache: every page is rendered exactly once anyway.
  const { app } = createApp({ db, config: { ...config, cacheBytes: 0 }, now: () => t });
  const server = createHttpServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const port = (server.address() as AddressInfo).port;
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });

  db.exec('BEGIN'); // one read snapshot for the URL walk and every page rendered
  try {
    db.prepare('SELECT count(*) FROM site_meta').get(); // the snapshot starts at the first read

    const exportOne = async (u: SiteUrl): Promise<void> => {
      let fetched: Fetched;
      try {
        fetched = await get(agent, port, u.path);
      } catch (err) {
        summary.failed.push({ path: u.path, reason: String(err) });
        return;
      }
      const { status, headers, res } = fetched;
      if (status === 200) {
        const file = fileForUrl(outDir, u.path);
        const type = String(headers['content-type'] ?? '');
        if (file.endsWith('index.html') && !type.startsWith('text/html')) log(`warning: ${u.path} is ${type}, written as ${path.relative(outDir, file)}`);
        ensureDir(path.dirname(file));
        await pipeline(res, fs.createWriteStream(file));
        count(urlKind(u.path), fs.statSync(file).size);
        return;
      }
      const body = await readAll(res);
      if ((status === 301 || status === 302) && typeof headers.location === 'string' && urlKind(u.path) === 'paper') {
        const file = fileForUrl(outDir, u.path);
        ensureDir(path.dirname(file));
        const page = redirectPage(headers.location, config.baseUrl);
        fs.writeFileSync(file, page);
        summary.redirects.push(u.path);
        count(urlKind(u.path), Buffer.byteLength(page));
        return;
      }
      if (status === 404 && !u.required) {
        summary.skipped.push(u.path);
        return;
      }
      summary.failed.push({ path: u.path, reason: `HTTP ${status}${body.length ? `: ${body.subarray(0, 80).toString('utf8').replace(/\s+/g, ' ')}` : ''}` });
    };

    /** Runs the URLs through `concurrency` workers pulling from one iterator. */
    const run = async (items: Iterable<SiteUrl>) => {
      const it = items[Symbol.iterator]();
      let done = 0;
      let lastReport = Date.now();
      const worker = async () => {
        for (;;) {
          const next = it.next();
          if (next.done) return;
          await exportOne(next.value);
          done += 1;
          if (Date.now() - lastReport > 5000) {
            lastReport = Date.now();
            log(`… ${summary.files} files, last ${next.value.path}`);
          }
        }
      };
      await Promise.all(Array.from({ length: concurrency }, worker));
      return done;
    };

    // Site documents first: the sitemap index names the sitemaps to fetch.
    await run(siteDocuments());
    const indexFile = fileForUrl(outDir, urls.sitemapIndex());
    if (fs.existsSync(indexFile)) {
      const locs = sitemapLocs(fs.readFileSync(indexFile, 'utf8'), config.baseUrl);
      await run(locs.map((p) => ({ path: p, required: true })));
    }
    await run(staticUrls());
    await run(databaseUrls(createQueries(db), t));

    // Media: straight from the store, the same bytes /media/… serves.
    for (const rel of mediaPaths(db)) {
      if (!/^[0-9a-f]{2}\/[0-9a-f]{32}\.[a-z0-9]{1,5}$/.test(rel)) {
        summary.failed.push({ path: urls.media(rel), reason: 'not a media store name' });
        continue;
      }
      const src = path.join(config.mediaDir, rel);
      const dest = path.join(outDir, 'media', rel);
      ensureDir(path.dirname(dest));
      try {
        if (opts.linkMedia) {
          fs.rmSync(dest, { force: true }); // --force over an earlier export
          try {
            fs.linkSync(src, dest);
          } catch (err) {
            if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
            fs.copyFileSync(src, dest); // another file system: copy
          }
        } else {
          fs.copyFileSync(src, dest);
        }
        count(urlKind(urls.media(rel)), fs.statSync(dest).size);
      } catch (err) {
        summary.failed.push({ path: urls.media(rel), reason: (err as Error).message });
      }
    }
  } finally {
    db.exec('COMMIT');
    agent.destroy();
    await new Promise((resolve) => server.close(resolve));
  }
  summary.seconds = (Date.now() - started) / 1000;
  return summary;
}
