import http from 'node:http';
import net from 'node:net';
import zlib from 'node:zlib';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { logger } from '../src/log';
import { demoApp } from './helpers/app';

/**
 * Property-based fuzzing of the whole site over a real HTTP server on
 * 127.0.0.1 (Node's http.request, so paths reach the server byte for byte):
 * hostile paths, queries, methods and headers on every route family. Every
 * answer must be a deliberate 2xx/3xx/4xx, never a stack trace, never an
 * unescaped echo of the input, and the server must keep answering.
 *
 * Reproduce a failure with the printed seed: FUZZ_SEED=<seed> npx jest test/fuzz
 */

const SEED = Number(process.env.FUZZ_SEED ?? 20260121);
/** Rounds of BATCH concurrent requests: 1,300 × 8 = 10,400 generated requests. */
const ROUNDS = Number(process.env.FUZZ_ROUNDS ?? 1300);
const BATCH = 8;

/** Markup that must never come back as markup. */
const MARKERS = ['<script>alert(1)</script>', '"><svg onload=alert(1)>', "'><img src=x onerror=alert(1)>"];
const STACK_FRAME = /\n\s+at \S|^\s{4}at |\.(ts|js):\d+/m;

const { app, db } = demoApp();
const papers = db.prepare('SELECT slug FROM publication ORDER BY id').pluck().all() as string[];
const dates = db.prepare('SELECT DISTINCT date FROM issue ORDER BY date').pluck().all() as string[];
const mediaPaths = db.prepare('SELECT image_path FROM page ORDER BY id LIMIT 20').pluck().all() as string[];

let server: http.Server;
let port = 0;
const agent = new http.Agent({ keepAlive: true, maxSockets: BATCH });
// What the app logs as an error (an unhandled exception in a route, a failed error page).
const errors: unknown[][] = [];
const loggedError = jest.spyOn(logger, 'error').mockImplementation(((...args: unknown[]) => void errors.push(args)) as never);

beforeAll(async () => {
  server = http.createServer(app);
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  agent.destroy();
  await new Promise((resolve) => server.close(resolve));
  loggedError.mockRestore();
  db.close();
});

// ---------------------------------------------------------------- generators

const enc = (s: string) => encodeURIComponent(s);
/** What http.request accepts in a path (0x21-0xff): everything else percent-encoded, the rest left raw on purpose. */
const wire = (s: string) => s.replace(/[^\x21-\x7e]/gu, (c) => encodeURIComponent(c));

const hostileText = fc.constantFrom(
  '%', '%zz', '%00', '%0', '%%', '%2', '%GG', '%u0041', '%c0%ae', '%ff%fe', '%e4%b8', '%252e%252e', '%0d%0aSet-Cookie:x=1',
  '..', '.', '...', '%2e%2e', '%2E%2E', '..%2f', '..%2F..%2Fetc%2Fpasswd', '%2e%2e%2f%2e%2e%2fetc%2fpasswd', '..\\..\\windows', '....//',
  ...MARKERS, ...MARKERS.map(enc), enc(enc(MARKERS[0])),
  'javascript:alert(1)', 'data:text/html,<b>x</b>', '\u202eevil', '\u200b\u200c\u200d\ufeff', '报纸', '人民日报', 'Ünïcödé',
  '-1', '0', '00', '000', '1e309', '0x10', '9'.repeat(40), '18446744073709551616', 'NaN', 'Infinity', '١٢', '１２',
  'null', 'undefined', '__proto__', 'constructor', 'toString', 'hasOwnProperty', '[object Object]',
  "' OR 1=1 --", '"; DROP TABLE article; --', '*', '\\', '~', ';', ',', '!', '$', '&', '+', '=', '@', ':', '|', '`', '{', '}', '^',
  'index.html', '.env', '.git/config', 'web.config', 'site.css', 'feed.xml', 'archive', 'sitemap.xml', 'a.pdf', '.pdf', 'x.xml',
);

const impossibleDate = fc.constantFrom(
  '2026-02-30', '2026-02-29', '2024-02-29', '2026-13-01', '2026-00-10', '2026-01-00', '2026-01-32', '0000-00-00', '9999-99-99',
  '1800-01-01', '1799-12-31', '275760-09-13', '-001-01-01', '2026-1-5', '20260110', '2026/01/10', '2026-01-10T00:00', '2026-01-10 ',
  '26-01-10', '2026-01', '2026', '2026-01-10.pdf', '2026-02-30.pdf', '2026-01-10.PDF', '2026-01-10..pdf', '２０２６-01-10',
);

const hugeNumber = fc.oneof(
  fc.bigInt({ min: 0n, max: 10n ** 30n }).map(String),
  fc.integer({ min: -1000, max: 100000 }).map(String),
  fc.double({ noNaN: false }).map(String),
  fc.tuple(fc.nat(999), fc.nat(8)).map(([n, zeros]) => '0'.repeat(zeros) + String(n)),
);

const randomText = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.stringMatching(/^[a-z0-9-]{1,40}$/),
  fc.nat(3000).map((n) => 'a'.repeat(n)),
);

const paperSeg = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...papers) },
  { weight: 1, arbitrary: fc.constantFrom(...papers.map((p) => p.toUpperCase()), ...papers.map((p) => `${p}%00`), ...papers.map((p) => enc(p))) },
);
const dateSeg = fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...dates) }, { weight: 2, arbitrary: impossibleDate });
const pageSeg = fc.oneof({ weight: 4, arbitrary: fc.constantFrom('01', '02', '03', '04', '1', '001', '99', '00') }, { weight: 1, arbitrary: hugeNumber });
const articleSeg = fc.oneof({ weight: 4, arbitrary: fc.constantFrom('1', '2', '3', '01', '0', '999') }, { weight: 1, arbitrary: hugeNumber });

/** A segment slot: usually the expected kind, sometimes something hostile, encoded as a client might send it. */
function slot(good: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 24, arbitrary: good },
    { weight: 2, arbitrary: hostileText },
    { weight: 1, arbitrary: hugeNumber },
    { weight: 1, arbitrary: randomText.map(enc) },
    { weight: 1, arbitrary: randomText },
  );
}

const mediaPath = fc.oneof(
  fc.constantFrom(...mediaPaths).map((p) => `/media/${p}`),
  fc.constantFrom(
    '/media/../etc/passwd', '/media/%2e%2e/%2e%2e/etc/passwd', '/media/..%2f..%2fetc/passwd', '/media/ab/..%2f..%2f..%2fetc%2fpasswd',
    '/media/%2e%2e%2f%2e%2e%2fpackage.json', '/media/../../package.json', '/media/ab/%00.png', '/media/ab/cd.png%00.txt',
    '/media/00/00000000000000000000000000000000.png', '/media/ab', '/media', '/media/', '/media/ab/cd/ef', '/media/..', '/media/%2e%2e',
    '/media/ab/..', '/media/ab/.%2e', '/media/.%2e/.%2e/etc/passwd', '/media/ab/%5c..%5c..%5cetc%5cpasswd',
  ),
  fc.tuple(fc.stringMatching(/^[0-9a-f]{2}$/), fc.stringMatching(/^[0-9a-f]{32}$/), fc.constantFrom('png', 'jpg', 'gif', 'webp', 'pdf', 'PNG', 'svg', 'html'))
    .map(([d, h, e]) => `/media/${d}/${h}.${e}`),
  fc.tuple(slot(fc.constantFrom('ab', '00', 'ff')), slot(fc.constantFrom('x.png'))).map(([a, b]) => `/media/${a}/${b}`),
);

const staticPath = fc.oneof(
  fc.constantFrom('/static/site.css', '/static/site.js', '/static/icon.svg', '/static/site.css?v=0123456789', '/static/', '/static',
    '/static/../package.json', '/static/%2e%2e/package.json', '/static/..%2fpackage.json', '/static/%2e%2e%2f%2e%2e%2fetc%2fpasswd',
    '/static/site.css%00', '/static/.git', '/static/nope.css', '/static/site.css/', '/static//site.css', '/static/SITE.CSS'),
  slot(fc.constantFrom('site.css')).map((s) => `/static/${s}`),
);

/** Real URLs of every page type, so that odd methods and headers also meet the success paths. */
const validUrls = (() => {
  const rows = db.prepare(`SELECT p.slug, i.date, a.page_number AS page, a.position FROM article a JOIN issue i ON i.id = a.issue_id
    JOIN publication p ON p.id = i.publication_id ORDER BY a.id LIMIT 200`).all() as { slug: string; date: string; page: number; position: number }[];
  const pad = (n: number) => String(n).padStart(2, '0');
  return [
    '/', '/robots.txt', '/sitemap.xml', '/search', '/search?q=%E5%85%AC%E5%9B%AD', '/search?q=%E5%B8%82%E6%B0%91&sort=date&page=1',
    '/static/site.css', '/static/site.js', ...mediaPaths.map((m) => `/media/${m}`),
    ...papers.flatMap((p) => [`/${p}`, `/${p}/archive`, `/${p}/archive/2026`, `/${p}/archive/2026/01`, `/${p}/feed.xml`, `/${p}/archive?date=2026-01-10`]),
    ...rows.flatMap((r) => [`/${r.slug}/${r.date}`, `/${r.slug}/${r.date}/${pad(r.page)}`, `/${r.slug}/${r.date}/${pad(r.page)}/${r.position}`]),
    // The open data: `.json` twins and IIIF manifests (docs/api.md).
    '/search.json', '/search.json?q=%E5%85%AC%E5%9B%AD',
    ...papers.flatMap((p) => [`/${p}/archive.json`, `/${p}/archive/2026.json`, `/${p}/archive/2026/01.json`]),
    ...rows.slice(0, 40).flatMap((r) => [
      `/${r.slug}/${r.date}.json`, `/${r.slug}/${r.date}/manifest.json`, `/${r.slug}/${r.date}/${pad(r.page)}.json`, `/${r.slug}/${r.date}/${pad(r.page)}/${r.position}.json`,
    ]),
  ];
})();

const routePath: fc.Arbitrary<string> = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom(...validUrls) },
  fc.constant('/'),
  fc.constantFrom('/robots.txt', '/sitemap.xml', '/news-sitemap.xml', '/opensearch.xml', '/favicon.ico', '/search', '/index.html', '/.env', '/wp-admin'),
  slot(paperSeg).map((p) => `/${p}`),
  fc.tuple(slot(paperSeg), slot(dateSeg)).map(([p, d]) => `/${p}/${d}`),
  fc.tuple(slot(paperSeg), slot(dateSeg)).map(([p, d]) => `/${p}/${d}.pdf`),
  fc.tuple(slot(paperSeg), slot(dateSeg), slot(pageSeg)).map(([p, d, n]) => `/${p}/${d}/${n}`),
  fc.tuple(slot(paperSeg), slot(dateSeg), slot(pageSeg), slot(articleSeg)).map(([p, d, n, a]) => `/${p}/${d}/${n}/${a}`),
  fc.tuple(slot(paperSeg), slot(dateSeg), slot(pageSeg), slot(articleSeg), slot(fc.constant('x'))).map((s) => `/${s.join('/')}`),
  // The `.json` twins and manifests, with the same hostile segments.
  fc.tuple(slot(paperSeg), slot(dateSeg)).map(([p, d]) => `/${p}/${d}.json`),
  fc.tuple(slot(paperSeg), slot(dateSeg)).map(([p, d]) => `/${p}/${d}/manifest.json`),
  fc.tuple(slot(paperSeg), slot(dateSeg), slot(pageSeg)).map(([p, d, n]) => `/${p}/${d}/${n}.json`),
  fc.tuple(slot(paperSeg), slot(dateSeg), slot(pageSeg), slot(articleSeg)).map(([p, d, n, a]) => `/${p}/${d}/${n}/${a}.json`),
  fc.tuple(slot(paperSeg), slot(fc.constantFrom('archive.json', 'archive/2026.json', 'archive/2026/01.json', 'archive/1800.json', 'archive/2026/13.json'))).map(([p, a]) => `/${p}/${a}`),
  fc.constantFrom('/search.json', '/search.JSON', '/search.json.json', '/.json', '/manifest.json'),
  slot(paperSeg).map((p) => `/${p}/archive`),
  fc.tuple(slot(paperSeg), slot(fc.constantFrom('2026', '2025', '1800', '0000'))).map(([p, y]) => `/${p}/archive/${y}`),
  fc.tuple(slot(paperSeg), slot(fc.constantFrom('2026', '2025')), slot(fc.constantFrom('01', '1', '12', '13', '00'))).map(([p, y, m]) => `/${p}/archive/${y}/${m}`),
  slot(paperSeg).map((p) => `/${p}/feed.xml`),
  fc.tuple(slot(paperSeg), slot(fc.constantFrom('2026-01.xml', '2026-01-2.xml', '2025-13.xml', '2026-01-0.xml', 'x.xml'))).map(([p, f]) => `/sitemaps/${p}/${f}`),
  mediaPath,
  staticPath,
  fc.array(slot(fc.constantFrom(...papers, ...dates, 'archive', '01', '1')), { minLength: 1, maxLength: 8 }).map((s) => `/${s.join('/')}`),
);

/** Path shapes around the route: trailing slashes, doubled slashes, backslashes, dot segments. */
const decoratedPath = fc.tuple(
  routePath,
  fc.oneof({ weight: 12, arbitrary: fc.constant('') }, { weight: 2, arbitrary: fc.constantFrom('/', '//', '/.', '/..', '/%2f', '\\', ';jsessionid=1', '#frag') }),
  fc.oneof({ weight: 12, arbitrary: fc.constant('') }, { weight: 2, arbitrary: fc.constantFrom('/', '//', '/./', '/../', '\\/', '/%2f/', '///evil.example/') }),
).map(([p, tail, head]) => (head ? `${head}${p.replace(/^\/+/, '')}` : p) + tail);

const queryKey = fc.constantFrom('q', 'q', 'paper', 'from', 'to', 'page', 'sort', 'date', 'requested', 'v', '__proto__', 'q[]', 'q[a]', 'constructor', '', '%', '%zz');
const queryValue = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('报纸', '绿地 公园', 'a b', '2026-01-10', '2026-02-30', 'date', 'relevance', '1', '0', '51', '-1', '1.5', ...papers) },
  { weight: 2, arbitrary: hostileText },
  { weight: 1, arbitrary: hugeNumber },
  { weight: 1, arbitrary: randomText },
  { weight: 1, arbitrary: fc.constantFrom('"', "'", 'AND', 'OR', 'NOT', 'NEAR(a b)', '"unclosed', '*', 'a*', '^a', 'col:val', '(', ')', '-x', '+') },
);
const query = fc.oneof(
  { weight: 3, arbitrary: fc.constant('') },
  {
    weight: 4,
    arbitrary: fc.array(fc.tuple(queryKey, queryValue, fc.boolean()), { minLength: 1, maxLength: 4 })
      .map((pairs) => `?${pairs.map(([k, v, encode]) => (encode ? `${enc(k)}=${enc(v)}` : `${k}=${v}`)).join('&')}`),
  },
  { weight: 1, arbitrary: fc.constantFrom('?', '??', '?&', '?=', '?q', '?q=', '?q=a&q=b', '?page=1&page=2', '?date=a&date=b', '?q=%', '?q=%zz', '?q=%00', '?%=%') },
);

const method = fc.oneof(
  { weight: 70, arbitrary: fc.constant('GET') },
  { weight: 12, arbitrary: fc.constant('HEAD') },
  { weight: 16, arbitrary: fc.constantFrom('POST', 'PUT', 'DELETE', 'OPTIONS', 'TRACE', 'PATCH', 'PROPFIND', 'PURGE') },
);

const headerValue = (values: string[]) => fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...values) }, { weight: 1, arbitrary: fc.constantFrom(...MARKERS) }, { weight: 1, arbitrary: fc.string({ maxLength: 40 }).map((s) => s.replace(/[^\x20-\x7e]/g, '')) });
const headers = fc.record(
  {
    accept: headerValue(['text/html', '*/*', 'application/json', 'text/plain', 'image/webp,*/*;q=0.8', 'application/xml;q=0.9, */*;q=0.1', '', ';;;', 'text/html;q=abc', 'x/y/z']),
    'accept-encoding': headerValue(['gzip', 'br', 'gzip, deflate, br', 'gzip;q=0', 'br;q=0.0, gzip', 'identity', '*', '*;q=0', 'deflate', 'x-unknown', 'gzip;q=abc', 'br;q=1.5', ',,,', 'gzip,'.repeat(200)]),
    'if-none-match': headerValue(['*', '"abc"', 'W/"abc"', '"', ',,,', '"a", "b", W/"c"', 'W/', '* , "x"', '""']),
    'if-modified-since': headerValue(['Thu, 01 Jan 1970 00:00:00 GMT', 'Fri, 31 Dec 9999 23:59:59 GMT', 'Sat, 20 Jan 2026 00:00:00 GMT', 'garbage', '0', '-1', '2026-01-10', 'Thu, 32 Foo 2026 99:99:99 GMT']),
    range: headerValue(['bytes=0-10', 'bytes=999999999-', 'bytes=-1', 'bytes=abc', 'bytes=5-1', 'bytes=0-0,1-1,2-2,3-3', 'items=0-1']),
    'accept-language': headerValue(['zh-CN', 'en;q=0.5', '*']),
    cookie: headerValue(['a=b', 'session=%zz', '=;=;=']),
    'x-forwarded-proto': headerValue(['https', 'http', 'ftp']),
    'x-forwarded-for': headerValue(['1.2.3.4', 'not-an-ip', '::1, 10.0.0.1']),
    host: headerValue(['127.0.0.1', 'evil.example', 'epaper.test:443', '[::1]:80']),
    referer: headerValue(['https://evil.example/', 'javascript:alert(1)']),
  },
  { requiredKeys: [] },
);

/** 1 request in ~40 is overlong: a 20 KB URL or a 20 KB header, beyond Node's 16 KB limit. */
const oversize = fc.oneof({ weight: 40, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.constantFrom('url', 'header') as fc.Arbitrary<'url' | 'header'> });

const requestArb = fc.record({ method, path: decoratedPath, query, headers, oversize, body: fc.option(fc.constantFrom(MARKERS[0], '{"q":1}', 'x'.repeat(5000)), { nil: undefined }) });
type FuzzRequest = typeof requestArb extends fc.Arbitrary<infer T> ? T : never;

// ---------------------------------------------------------------- client

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

let exchanges = 0;
let resets = 0;
const statuses = new Map<number, number>();

function decode(buf: Buffer, encoding: string | undefined): string {
  if (buf.length === 0) return '';
  if (encoding === 'gzip') return zlib.gunzipSync(buf).toString('utf8');
  if (encoding === 'br') return zlib.brotliDecompressSync(buf).toString('utf8');
  if (encoding === 'deflate') return zlib.inflateSync(buf).toString('utf8');
  return buf.toString('utf8');
}

function send(r: FuzzRequest): Promise<Answer | 'reset'> {
  let target = wire(r.path + r.query);
  const hdrs: Record<string, string> = {};
  for (const [k, v] of Object.entries(r.headers)) if (v !== undefined) hdrs[k] = v;
  if (r.oversize === 'url') target += `${target.includes('?') ? '&' : '?'}pad=${'x'.repeat(20 * 1024)}`;
  if (r.oversize === 'header') hdrs['x-padding'] = 'y'.repeat(20 * 1024);
  if (r.body !== undefined && r.method !== 'GET' && r.method !== 'HEAD') {
    // Framed explicitly: Node's client sends a DELETE/OPTIONS/TRACE body unframed otherwise.
    hdrs['content-type'] = 'application/x-www-form-urlencoded';
    hdrs['content-length'] = String(Buffer.byteLength(r.body));
  }
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: r.method, path: target, headers: hdrs, agent: r.oversize ? false : agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        try {
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: decode(Buffer.concat(chunks), res.headers['content-encoding']) });
        } catch (err) {
          reject(new Error(`undecodable ${res.headers['content-encoding']} body for ${r.method} ${target.slice(0, 200)}: ${String(err)}`));
        }
      });
      res.on('error', reject);
    });
    req.setTimeout(15_000, () => req.destroy(new Error(`timeout: ${r.method} ${target.slice(0, 200)}`)));
    req.on('error', (err: NodeJS.ErrnoException) => {
      // The server answers an overlong request with 431 and closes at once; the
      // client may see the close before it reads the answer. Anything else is a failure.
      if (r.oversize && (err.code === 'ECONNRESET' || err.code === 'EPIPE')) resolve('reset');
      else reject(new Error(`${err.code ?? err.message} for ${describeRequest(r)}`));
    });
    if (r.body !== undefined && r.method !== 'GET' && r.method !== 'HEAD') req.end(r.body);
    else req.end();
  });
}

function describeRequest(r: FuzzRequest): string {
  return `${r.method} ${wire(r.path + r.query).slice(0, 300)} ${JSON.stringify(r.headers).slice(0, 300)}${r.oversize ? ` (oversize ${r.oversize})` : ''}`;
}

/** Everything a response must satisfy, whatever was asked. */
function check(r: FuzzRequest, a: Answer): void {
  const where = () => describeRequest(r);
  statuses.set(a.status, (statuses.get(a.status) ?? 0) + 1);
  if (!(a.status >= 200 && a.status < 500)) throw new Error(`status ${a.status} for ${where()}`);
  // Node's HTTP parser answers what it cannot parse (a request target starting
  // with "\\", an overlong head) with a bare 400/431 before the app sees it.
  const byParser = a.headers['content-security-policy'] === undefined;
  if (byParser && ![400, 413, 414, 431].includes(a.status)) throw new Error(`${a.status} without the app's headers for ${where()}`);
  if (r.oversize) {
    if (![400, 413, 414, 431].includes(a.status)) throw new Error(`overlong request answered ${a.status}: ${where()}`);
  } else if (r.method !== 'GET' && r.method !== 'HEAD' && !byParser) {
    if (a.status !== 405 || a.headers.allow !== 'GET, HEAD') throw new Error(`${r.method} answered ${a.status} allow=${a.headers.allow}: ${where()}`);
  }
  if (a.status >= 300 && a.status < 400 && a.status !== 304) {
    const loc = a.headers.location ?? '';
    // Same-site relative redirects only: never protocol-relative or to another host.
    if (!/^\/(?![/\\])/.test(loc)) throw new Error(`redirect ${a.status} to "${loc}" for ${where()}`);
    for (const m of MARKERS) if (loc.includes(m)) throw new Error(`marker reflected in Location for ${where()}`);
  }
  if (r.method === 'HEAD' && a.body.length > 0) throw new Error(`HEAD with a body for ${where()}`);
  if (a.status === 304 && a.body.length > 0) throw new Error(`304 with a body for ${where()}`);
  if (STACK_FRAME.test(a.body)) throw new Error(`stack trace in the body for ${where()}:\n${a.body.slice(0, 2000)}`);
  for (const m of MARKERS) {
    if (a.body.includes(m)) throw new Error(`raw marker ${m} reflected for ${where()}`);
  }
}

/** A handful of requests http.request cannot make: raw bytes, odd request lines, HTTP/1.0, no Host. */
const RAW_REQUESTS = [
  'GET /search?q=<script>alert(1)</script> HTTP/1.1\r\nHost: x\r\n\r\n',
  'GET /<script>alert(1)</script> HTTP/1.1\r\nHost: x\r\n\r\n',
  'GET /报纸/2026-01-10 HTTP/1.1\r\nHost: x\r\n\r\n',
  'GET /search?q=绿地 公园 HTTP/1.1\r\nHost: x\r\n\r\n',
  'GET http://evil.example/ HTTP/1.1\r\nHost: x\r\n\r\n',
  'GET http://evil.example//evil.example/ HTTP/1.1\r\nHost: x\r\n\r\n',
  'GET * HTTP/1.1\r\nHost: x\r\n\r\n',
  'OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n',
  'GET / HTTP/1.0\r\n\r\n',
  'GET / HTTP/1.1\r\n\r\n',
  'GET / HTTP/2.0\r\nHost: x\r\n\r\n',
  'GET / HTTP/9.9\r\nHost: x\r\n\r\n',
  'GET /\tx HTTP/1.1\r\nHost: x\r\n\r\n',
  'GET /%00 HTTP/1.1\r\nHost: x\r\n\r\n',
  'GET /\x00 HTTP/1.1\r\nHost: x\r\n\r\n',
  'GET /\x7f HTTP/1.1\r\nHost: x\r\n\r\n',
  'GET / HTTP/1.1\r\nHost: x\r\nX-Bad: a\rb\r\n\r\n',
  'GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n',
  'GET / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n',
  'GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999\r\n\r\n',
  'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
  'BREW /coffee HTTP/1.1\r\nHost: x\r\n\r\n',
  'get / HTTP/1.1\r\nHost: x\r\n\r\n',
  ' GET / HTTP/1.1\r\nHost: x\r\n\r\n',
  'GET  /  HTTP/1.1\r\nHost: x\r\n\r\n',
  'GET /\r\n\r\n',
  '\r\n\r\n\r\n',
  'GARBAGE\r\n\r\n',
  'GET / HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n',
  'GET / HTTP/1.1\r\nHost: x\r\n' + 'X-Many: 1\r\n'.repeat(3000) + '\r\n',
  `GET /${'a/'.repeat(5000)} HTTP/1.1\r\nHost: x\r\n\r\n`,
  'GET /search?q=%E4%B8 HTTP/1.1\r\nHost: x\r\n\r\n',
  'GET /search?q=\xff\xfe HTTP/1.1\r\nHost: x\r\n\r\n',
];

function sendRaw(text: string): Promise<{ status: number; text: string } | 'closed'> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    socket.setTimeout(5_000, () => socket.destroy());
    socket.on('data', (c) => {
      chunks.push(c);
      // One answer is enough; keep-alive connections would otherwise stay open.
      const t = Buffer.concat(chunks).toString('latin1');
      const head = t.indexOf('\r\n\r\n');
      const len = /\r\ncontent-length: *(\d+)/i.exec(t);
      if (head >= 0 && (t.startsWith('HTTP/1.1 304') || (len && t.length >= head + 4 + Number(len[1])))) socket.end();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      const t = Buffer.concat(chunks).toString('utf8');
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(t);
      resolve(m ? { status: Number(m[1]), text: t } : 'closed');
    });
    socket.end(Buffer.from(text, 'latin1'));
  });
}

async function stillServing(): Promise<void> {
  const res = await send({ method: 'GET', path: '/', query: '', headers: {}, oversize: null, body: undefined });
  expect(res).not.toBe('reset');
  expect((res as Answer).status).toBe(200);
}

// ---------------------------------------------------------------- properties

test(`≥ 10,000 generated requests on every route family answer deliberately (seed ${SEED})`, async () => {
  const started = Date.now();
  try {
    await fc.assert(
      fc.asyncProperty(fc.array(requestArb, { minLength: BATCH, maxLength: BATCH }), async (batch) => {
        const answers = await Promise.all(batch.map(send));
        answers.forEach((a, i) => {
          exchanges += 1;
          if (a === 'reset') resets += 1;
          else check(batch[i], a);
        });
      }),
      { seed: SEED, numRuns: ROUNDS, endOnFailure: true },
    );
  } catch (err) {
    process.stderr.write(`fuzz failed: rerun with FUZZ_SEED=${SEED} npx jest test/fuzz\n`);
    throw err;
  }
  for (const raw of RAW_REQUESTS) {
    const a = await sendRaw(raw);
    exchanges += 1;
    if (a === 'closed') continue; // the parser refused it outright: fine
    expect(`${a.status} ${raw.slice(0, 60)}`).toMatch(/^[234]\d\d /);
    if (/^(POST|BREW)/.test(raw) && a.status !== 400) expect(a.status).toBe(405);
    expect(a.text).not.toMatch(STACK_FRAME);
    for (const m of MARKERS) expect(a.text).not.toContain(m);
    const loc = /\r\nlocation: *([^\r]*)/i.exec(a.text);
    if (loc) expect(loc[1]).toMatch(/^\/(?![/\\])/);
  }
  await stillServing();
  const seconds = (Date.now() - started) / 1000;
  process.stdout.write(`fuzz: ${exchanges} requests in ${seconds.toFixed(1)} s (seed ${SEED}), ${resets} overlong requests closed early, statuses ${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))}\n`);
  expect(exchanges).toBeGreaterThanOrEqual(10_000);
  // Every route family was reached with a success, and with a deliberate error.
  expect(statuses.get(200)).toBeGreaterThan(500);
  expect(statuses.get(404)).toBeGreaterThan(500);
  expect(statuses.get(405)).toBeGreaterThan(100);
  expect(statuses.get(400)).toBeGreaterThan(10);
  expect(statuses.get(301)).toBeGreaterThan(10);
  // No request crashed a handler: nothing was logged at error level.
  expect(errors.map((e) => JSON.stringify(e).slice(0, 500))).toEqual([]);
}, 180_000);

test('the process is still up and serving after the fuzzing, every route family 200', async () => {
  const issue = db.prepare('SELECT p.slug, i.date FROM issue i JOIN publication p ON p.id = i.publication_id ORDER BY i.date DESC LIMIT 1').get() as { slug: string; date: string };
  for (const path of [
    '/', `/${issue.slug}/${issue.date}`, `/${issue.slug}/${issue.date}/01`, `/${issue.slug}/${issue.date}/01/1`, `/${issue.slug}/archive`,
    `/${issue.slug}/archive/${issue.date.slice(0, 4)}/${issue.date.slice(5, 7)}`, '/search?q=%E5%85%AC%E5%9B%AD', `/media/${mediaPaths[0]}`, '/static/site.css', '/robots.txt', '/sitemap.xml',
    `/${issue.slug}/${issue.date}.json`, `/${issue.slug}/${issue.date}/manifest.json`, `/${issue.slug}/${issue.date}/01/1.json`, '/search.json?q=%E5%85%AC%E5%9B%AD',
  ]) {
    const a = await send({ method: 'GET', path, query: '', headers: {}, oversize: null, body: undefined });
    expect(a === 'reset' ? 'reset' : `${a.status} ${path}`).toBe(`200 ${path}`);
  }
  // The marker check is not vacuous: the input does come back, as escaped text.
  const echoed = await send({ method: 'GET', path: '/search', query: `?q=${encodeURIComponent(MARKERS[0])}`, headers: {}, oversize: null, body: undefined });
  expect(echoed === 'reset' ? 0 : echoed.status).toBe(200);
  expect((echoed as Answer).body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  // In JSON the echo is there too, as \u escapes that no client can read as markup.
  const echoedJson = await send({ method: 'GET', path: `/${issue.slug}/${issue.date}/${encodeURIComponent(MARKERS[0])}.json`, query: '', headers: {}, oversize: null, body: undefined });
  expect(echoedJson === 'reset' ? 0 : echoedJson.status).toBe(404);
  expect((echoedJson as Answer).body).toContain('\\u003cscript\\u003ealert(1)\\u003c/script\\u003e');
  expect(() => check({ method: 'GET', path: '/', query: '', headers: {}, oversize: null, body: undefined }, { status: 200, headers: { 'content-security-policy': 'x' }, body: `<p>${MARKERS[0]}</p>` })).toThrow(/reflected/);
  expect(() => check({ method: 'GET', path: '/', query: '', headers: {}, oversize: null, body: undefined }, { status: 500, headers: { 'content-security-policy': 'x' }, body: '' })).toThrow(/status 500/);
  expect(() => check({ method: 'GET', path: '/', query: '', headers: {}, oversize: null, body: undefined }, { status: 404, headers: { 'content-security-policy': 'x' }, body: 'Error: x\n    at foo (/app/src/web/app.ts:12:3)' })).toThrow(/stack trace/);
});
