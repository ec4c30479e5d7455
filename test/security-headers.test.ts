import request from 'supertest';
import { CONTENT_SECURITY_POLICY } from '../src/web/middleware/security';
import { demoApp } from './helpers/app';

/**
 * Every kind of answer the app gives carries the same security headers, and
 * HSTS appears only where the request really came over TLS through a trusted proxy.
 */

/** The policy, spelled out: a change to it must be a deliberate change to this test too. */
const EXPECTED_CSP =
  "default-src 'self';script-src 'self';style-src 'self';img-src 'self' data:;font-src 'self';connect-src 'self';" +
  "object-src 'none';base-uri 'self';form-action 'self';frame-ancestors 'none'";

const { app, db } = demoApp();
const paper = db.prepare('SELECT slug FROM publication ORDER BY id LIMIT 1').pluck().get() as string;
const date = db.prepare('SELECT date FROM issue ORDER BY date LIMIT 1').pluck().get() as string;
const image = db.prepare('SELECT image_path FROM page ORDER BY id LIMIT 1').pluck().get() as string;

afterAll(() => db.close());

type Probe = { name: string; method?: 'get' | 'head' | 'post' | 'put' | 'delete' | 'options' | 'patch'; url: string; status: number; type?: RegExp; headers?: Record<string, string> };

const probes: Probe[] = [
  { name: 'HTML page', url: `/${paper}/${date}/01`, status: 200, type: /^text\/html/ },
  { name: 'HTML home', url: '/', status: 200, type: /^text\/html/ },
  { name: 'HTML HEAD', method: 'head', url: `/${paper}/${date}`, status: 200 },
  { name: 'search', url: '/search?q=%E5%85%AC%E5%9B%AD', status: 200, type: /^text\/html/ },
  { name: '404', url: `/${paper}/1999-01-01`, status: 404, type: /^text\/html/ },
  { name: '404 unknown path', url: '/no/such/thing/here/at/all', status: 404, type: /^text\/html/ },
  { name: '400', url: '/search?q=a&q=b', status: 400, type: /^text\/html/ },
  { name: '400 bad percent-encoding', url: '/%zz/2026-01-10', status: 400 },
  { name: '405 POST', method: 'post', url: '/', status: 405 },
  { name: '405 DELETE', method: 'delete', url: `/${paper}/${date}`, status: 405 },
  { name: '405 OPTIONS', method: 'options', url: '/', status: 405 },
  { name: '301 redirect', url: `/${paper}/${date}/`, status: 301 },
  { name: '302 redirect', url: `/${paper}`, status: 302 },
  { name: '304', url: '/', status: 304, headers: { 'If-None-Match': '*' } },
  { name: 'media image', url: `/media/${image}`, status: 200, type: /^image\/jpeg/ },
  { name: 'media missing', url: '/media/00/00000000000000000000000000000000.png', status: 404 },
  { name: 'static CSS', url: '/static/site.css', status: 200, type: /^text\/css/ },
  { name: 'static JS', url: '/static/site.js', status: 200, type: /javascript/ },
  { name: 'robots.txt', url: '/robots.txt', status: 200, type: /^text\/plain/ },
  { name: 'sitemap XML', url: '/sitemap.xml', status: 200, type: /xml/ },
];

describe('security headers on every response type', () => {
  test('the policy constant contains no unsafe source and forbids framing', () => {
    const all = Object.values(CONTENT_SECURITY_POLICY).flat().join(' ');
    expect(all).not.toMatch(/unsafe-inline|unsafe-eval|unsafe-hashes|\*/);
    expect(CONTENT_SECURITY_POLICY['frame-ancestors']).toEqual(["'none'"]);
    const built = Object.entries(CONTENT_SECURITY_POLICY).map(([k, v]) => `${k} ${v.join(' ')}`).join(';');
    expect(built).toBe(EXPECTED_CSP);
  });

  test.each(probes)('$name ($url)', async ({ method = 'get', url, status, type, headers = {} }) => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    let req = request(app)[method](url);
    for (const [k, v] of Object.entries(headers)) req = req.set(k, v);
    const res = await req;
    warn.mockRestore();
    expect(res.status).toBe(status);
    if (type) expect(res.headers['content-type']).toMatch(type);
    const h = res.headers;
    expect(h['content-security-policy']).toBe(EXPECTED_CSP);
    expect(h['content-security-policy']).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(h['x-content-type-options']).toBe('nosniff');
    expect(h['referrer-policy']).toBe('strict-origin-when-cross-origin');
    expect(h['cross-origin-opener-policy']).toBe('same-origin');
    expect(h['x-frame-options']).toBe('DENY');
    expect(h['x-powered-by']).toBeUndefined();
    expect(h['strict-transport-security']).toBeUndefined(); // plain HTTP
    if (status === 405) expect(h.allow).toBe('GET, HEAD');
  });
});

describe('HSTS only over TLS', () => {
  test('no HSTS on plain HTTP, and a forged X-Forwarded-Proto is ignored without TRUST_PROXY', async () => {
    for (const url of ['/', `/${paper}/${date}`, '/static/site.css', `/media/${image}`]) {
      const plain = await request(app).get(url);
      expect(plain.headers['strict-transport-security']).toBeUndefined();
      const forged = await request(app).get(url).set('X-Forwarded-Proto', 'https');
      expect(forged.headers['strict-transport-security']).toBeUndefined();
    }
  });

  test.each([['loopback'], [1]])('with TRUST_PROXY=%s: HSTS when the proxy says https, none when it says http', async (trustProxy) => {
    const proxied = demoApp({ db, config: { trustProxy } }).app;
    for (const [method, url, status] of [['get', '/', 200], ['get', `/${paper}/${date}/01`, 200], ['get', '/no-such-paper', 404], ['post', '/', 405], ['get', `/${paper}`, 302], ['get', '/static/site.css', 200], ['get', `/media/${image}`, 200]] as const) {
      const tls = await request(proxied)[method](url).set('X-Forwarded-Proto', 'https');
      expect(tls.status).toBe(status);
      expect(tls.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
      expect(tls.headers['content-security-policy']).toBe(EXPECTED_CSP);
      const http = await request(proxied)[method](url).set('X-Forwarded-Proto', 'http');
      expect(http.headers['strict-transport-security']).toBeUndefined();
      const direct = await request(proxied)[method](url);
      expect(direct.headers['strict-transport-security']).toBeUndefined();
    }
  });
});
