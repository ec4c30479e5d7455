/// <reference lib="dom" />
// Callbacks passed to page.evaluate run in the browser: they need the DOM types.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { demoPaths } from '../helpers/app';
import { tempDir } from '../helpers/fixtures';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { freePort } from '../../src/ports';

export { freePort };

/**
 * Browser tests run the real, compiled server (`node dist/src/server.js`) on a
 * fresh database, which builds the demo newspaper itself on first start, and
 * drive Debian's Chromium through playwright-core (no Playwright browser download).
 */

export const ROOT = path.resolve(__dirname, '..', '..');
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const SCREENSHOT_DIR = path.join(ROOT, 'test-output', 'screenshots');
export const DOCS_SCREENSHOT_DIR = path.join(ROOT, 'docs', 'screenshots');
/** `SCREENSHOTS=docs npx jest test/e2e/layout` also refreshes the curated screenshots in docs/screenshots/. */
export const WRITE_DOCS_SCREENSHOTS = process.env.SCREENSHOTS === 'docs';

/** Building the demo (32 typeset pages through the PDF path) takes about half a minute on an idle 2-core machine; allow for a busy one. */
export const SERVER_START_TIMEOUT = 240_000;
export const SETUP_TIMEOUT = SERVER_START_TIMEOUT + 30_000;

export const PHONE: BrowserContextOptions = {
  viewport: { width: 360, height: 740 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
};
export const DESKTOP: BrowserContextOptions = { viewport: { width: 1366, height: 900 } };
export const WIDTHS = [
  { name: 'phone', options: PHONE },
  { name: 'desktop', options: DESKTOP },
] as const;


function newestMtime(dir: string, ext: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(file, ext));
    else if (entry.name.endsWith(ext)) newest = Math.max(newest, fs.statSync(file).mtimeMs);
  }
  return newest;
}

/**
 * The compiled server, refusing to test a dist/ older than src/ (the test
 * command builds first). EPAPER_E2E_ALLOW_STALE_DIST=1 skips that check, for
 * when src/ is being edited while the tests run.
 */
function serverEntry(): string {
  const entry = path.join(ROOT, 'dist', 'src', 'server.js');
  if (!fs.existsSync(entry)) throw new Error(`${entry} is missing: run \`npm run build\` before the browser tests`);
  const stale = newestMtime(path.join(ROOT, 'src'), '.ts') > fs.statSync(entry).mtimeMs;
  if (stale && process.env.EPAPER_E2E_ALLOW_STALE_DIST !== '1') {
    throw new Error('dist/ is older than src/: run `npm run build` before the browser tests');
  }
  return entry;
}

export interface RunningServer {
  baseUrl: string;
  pid: number;
  /** Everything the server printed, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts `node dist/src/server.js` on a free loopback port: on a copy of the demo database the
 * jest globalSetup built (its media store shared, which the server only reads), or on a
 * database the test names. Building the typeset demo again for each suite would cost ~25 s.
 */
export async function startServer(options: { env?: Record<string, string> } = {}): Promise<RunningServer> {
  const entry = serverEntry();
  const dir = tempDir('epaper-e2e-');
  const demo = demoPaths();
  // A test that names its own database gets no copy of the demo's.
  if (!options.env?.DATABASE_PATH) fs.copyFileSync(demo.file, path.join(dir, 'epaper.db'));
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(process.execPath, [entry], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(port),
      BASE_URL: baseUrl,
      DATABASE_PATH: path.join(dir, 'epaper.db'),
      MEDIA_DIR: demo.mediaDir,
      DEMO_ON_EMPTY: '0',
      // A test may serve a database it imported itself (DATABASE_PATH, MEDIA_DIR).
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (s: string) => (out += s));
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (out += s));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // Should the test process end without afterAll (a crash, a timeout), do not leave the server behind.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    process.removeListener('exit', killOnExit);
    fs.rmSync(dir, { recursive: true, force: true });
  };

  try {
    // Ready when it answers HTTP: the log format is not part of the contract, the port is.
    const deadline = Date.now() + SERVER_START_TIMEOUT;
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`server exited (${child.exitCode ?? child.signalCode}) before listening:\n${out}`);
      }
      if (Date.now() > deadline) throw new Error(`server did not start within ${SERVER_START_TIMEOUT / 1000} s:\n${out}`);
      const up = await fetch(`${baseUrl}/`, { redirect: 'manual', signal: AbortSignal.timeout(5_000) }).then(
        (res) => res.status > 0,
        () => false,
      );
      if (up) break;
      await new Promise((r) => setTimeout(r, 200));
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { baseUrl, pid: child.pid!, output: () => out, stop };
}

export function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(`${CHROMIUM_PATH} is missing: run scripts/install-browser.sh (or set CHROMIUM_PATH)`);
  }
  // playwright-core gives every launch a fresh temporary --user-data-dir.
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

export function newContext(browser: Browser, server: RunningServer, options: BrowserContextOptions = DESKTOP): Promise<BrowserContext> {
  return browser.newContext({ baseURL: server.baseUrl, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', ...options });
}

/**
 * Console errors, uncaught page errors, CSP violations and failed subresource
 * requests seen by every page of a context. `take()` returns and clears them.
 */
export interface Problems {
  take(): string[];
  /** A document expected to answer with this status (the 404 page): its own load error is not a problem. */
  expectStatus(urlPath: string, status: number): void;
}

declare global {
  interface Window {
    __epaperCspViolation?: (report: string) => void;
  }
}

export async function watchProblems(context: BrowserContext): Promise<Problems> {
  let found: string[] = [];
  const expected = new Map<string, number>();
  const expectedUrl = (url: string) => {
    try {
      return expected.has(new URL(url).pathname);
    } catch {
      return false;
    }
  };
  await context.exposeBinding('__epaperCspViolation', (source, report: string) => {
    found.push(`CSP violation on ${source.page.url()}: ${report}`);
  });
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__epaperCspViolation?.(`${e.violatedDirective} blocked ${e.blockedURI || '(inline)'} at ${e.sourceFile}:${e.lineNumber}`);
    });
  });
  const watch = (page: Page) => {
    page.on('console', (msg) => {
      if (msg.type() !== 'error' && !/Content Security Policy/i.test(msg.text())) return;
      const loc = msg.location().url;
      if (/Failed to load resource/.test(msg.text()) && expectedUrl(loc)) return;
      found.push(`console ${msg.type()} on ${page.url()}: ${msg.text()} (${loc})`);
    });
    page.on('pageerror', (err) => found.push(`page error on ${page.url()}: ${err.message}`));
    page.on('requestfailed', (req) => {
      // A navigation interrupted by the next one is not a defect.
      if (req.failure()?.errorText === 'net::ERR_ABORTED') return;
      found.push(`request failed on ${page.url()}: ${req.url()} ${req.failure()?.errorText}`);
    });
    page.on('response', (res) => {
      const status = res.status();
      if (status < 400) return;
      const want = expected.get(new URL(res.url()).pathname);
      if (want === status && res.request().isNavigationRequest()) return;
      found.push(`HTTP ${status} for ${res.url()} on ${page.url()}`);
    });
  };
  context.pages().forEach(watch);
  context.on('page', watch);
  return {
    take() {
      const out = found;
      found = [];
      return out;
    },
    expectStatus(urlPath, status) {
      expected.set(urlPath, status);
    },
  };
}

export function screenshotPath(name: string): string {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  return path.join(SCREENSHOT_DIR, `${name}.png`);
}

// ---------------------------------------------------------------------------
// The demo's URLs, found by following links (the demo's dates end today).

export interface PageType {
  name: string;
  path: string;
  status: number;
}

export interface DemoUrls {
  paperSlug: string;
  issue: string;
  page: string;
  article: string;
  archiveIndex: string;
  archiveYear: string;
  archiveMonth: string;
  /** A word taken from the article's title. */
  searchWord: string;
  search: string;
  notFound: string;
  issueNotFound: string;
}

async function getHtml(baseUrl: string, urlPath: string): Promise<string> {
  const res = await fetch(baseUrl + urlPath, { redirect: 'manual' });
  if (res.status !== 200) throw new Error(`GET ${urlPath}: ${res.status}`);
  return res.text();
}

function firstMatch(html: string, re: RegExp, what: string): string {
  const m = re.exec(html);
  if (!m) throw new Error(`no ${what} found`);
  return m[1]!;
}

/** The first run of 2 CJK characters of a title: something the Chinese search must find. */
export function wordFromTitle(title: string): string {
  const m = /[\p{Script=Han}]{2}/u.exec(title);
  if (!m) throw new Error(`no Chinese word in "${title}"`);
  return m[0];
}

export async function discoverDemo(baseUrl: string): Promise<DemoUrls> {
  const home = await getHtml(baseUrl, '/');
  const issue = firstMatch(home, /<h2><a href="(\/[a-z0-9-]+\/\d{4}-\d{2}-\d{2})">/, 'issue link on the newsstand');
  const paperSlug = issue.split('/')[1]!;
  const issueHtml = await getHtml(baseUrl, issue);
  const page = firstMatch(issueHtml, new RegExp(`href="(${issue}/\\d{2})"`), 'page link on the issue');
  const pageHtml = await getHtml(baseUrl, page);
  const article = firstMatch(pageHtml, new RegExp(`<svg class="hotspots"[^>]*>\\s*<a href="(${page}/\\d+)"`), 'hotspot on the page');
  const articleHtml = await getHtml(baseUrl, article);
  const title = firstMatch(articleHtml, /<h1><bdi>([^<]+)<\/bdi><\/h1>/, 'article title');
  const archiveIndex = `/${paperSlug}/archive`;
  const archiveHtml = await getHtml(baseUrl, archiveIndex);
  const archiveYear = firstMatch(archiveHtml, new RegExp(`href="(${archiveIndex}/\\d{4})"`), 'archive year');
  const archiveMonth = firstMatch(archiveHtml, new RegExp(`href="(${archiveIndex}/\\d{4}/\\d{2})"`), 'archive month');
  const searchWord = wordFromTitle(title);
  return {
    paperSlug,
    issue,
    page,
    article,
    archiveIndex,
    archiveYear,
    archiveMonth,
    searchWord,
    search: `/search?q=${encodeURIComponent(searchWord)}`,
    notFound: '/no/such/page/here/at-all',
    issueNotFound: `/${paperSlug}/1999-01-01`,
  };
}

/** Every page type of the reading site, with the status it answers. */
export function pageTypes(u: DemoUrls): PageType[] {
  return [
    { name: 'newsstand', path: '/', status: 200 },
    { name: 'issue', path: u.issue, status: 200 },
    { name: 'page', path: u.page, status: 200 },
    { name: 'article', path: u.article, status: 200 },
    { name: 'archive-index', path: u.archiveIndex, status: 200 },
    { name: 'archive-year', path: u.archiveYear, status: 200 },
    { name: 'archive-month', path: u.archiveMonth, status: 200 },
    { name: 'search', path: u.search, status: 200 },
    { name: 'search-empty', path: '/search?q=%E9%BE%98%E9%BE%98%E9%BE%98', status: 200 },
    { name: 'not-found', path: u.notFound, status: 404 },
    { name: 'issue-not-found', path: u.issueNotFound, status: 404 },
  ];
}

// ---------------------------------------------------------------------------
// Page-view geometry: hotspots are SVG polygons in page-image pixels over the <img>.

export interface Hotspot {
  href: string;
  /** Centre of the polygon's bounding box, in page-image pixels. */
  cx: number;
  cy: number;
}

export function hotspots(page: Page): Promise<Hotspot[]> {
  return page.$$eval('svg.hotspots a', (links) =>
    links.map((a) => {
      const pts = (a.querySelector('polygon')!.getAttribute('points') ?? '')
        .trim()
        .split(/\s+/)
        .map((p) => p.split(',').map(Number) as [number, number]);
      const xs = pts.map((p) => p[0]);
      const ys = pts.map((p) => p[1]);
      return {
        href: a.getAttribute('href')!,
        cx: (Math.min(...xs) + Math.max(...xs)) / 2,
        cy: (Math.min(...ys) + Math.max(...ys)) / 2,
      };
    }),
  );
}

/**
 * Scrolls the page image point (x, y) (in image pixels) to the middle of the
 * viewport and returns where it is on screen, plus the link under it.
 */
export async function imagePointOnScreen(page: Page, x: number, y: number): Promise<{ x: number; y: number; href: string | null; tag: string | null }> {
  return page.evaluate(
    ([ix, iy]) => {
      const img = document.querySelector<HTMLImageElement>('.page-image img')!;
      // Hotspots are in the master's pixels (the overlay's viewBox); the image shown may be a smaller rendition.
      const master = document.querySelector<SVGSVGElement>('.page-image svg.hotspots')!.viewBox.baseVal;
      let r = img.getBoundingClientRect();
      const docY = window.scrollY + r.top + (iy * r.height) / master.height;
      window.scrollTo(0, Math.max(0, docY - window.innerHeight / 2));
      r = img.getBoundingClientRect();
      const sx = r.left + (ix * r.width) / master.width;
      const sy = r.top + (iy * r.height) / master.height;
      const hit = document.elementFromPoint(sx, sy);
      return { x: sx, y: sy, href: hit?.closest('a')?.getAttribute('href') ?? null, tag: hit ? hit.tagName.toLowerCase() : null };
    },
    [x, y] as const,
  );
}

/** Path plus query of the page's current URL (no origin, no fragment). */
export function currentPath(page: Page): string {
  const u = new URL(page.url());
  return u.pathname + u.search;
}
