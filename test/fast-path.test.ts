import request from 'supertest';
import { demoApp } from './helpers/app';

/**
 * A render-cache hit is answered before Express (src/web/delivery/fast-path.ts). The
 * answer must be the one Express gave on the miss that filled the cache:
 * same status, headers (bar Date and the request id) and bytes, for every
 * coding, for conditional requests and HEAD.
 */

const { app, ctx, db } = demoApp();
afterAll(() => db.close());

const paper = db.prepare('SELECT slug FROM publication ORDER BY id LIMIT 1').pluck().get() as string;
const date = db.prepare('SELECT date FROM issue WHERE publication_id = (SELECT id FROM publication WHERE slug = ?) ORDER BY date LIMIT 1').pluck().get(paper) as string;

const urls = [
  '/',
  `/${paper}/${date}`,
  `/${paper}/${date}/01`,
  `/${paper}/${date}/01/1`,
  `/${paper}/archive/${date.slice(0, 4)}/${date.slice(5, 7)}`,
  '/search?q=%E5%85%AC%E5%9B%AD',
];

const VOLATILE = new Set(['date', 'x-request-id', 'connection', 'keep-alive']);
function stableHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([k]) => !VOLATILE.has(k)).sort(([a], [b]) => a.localeCompare(b)));
}

async function fetchRaw(url: string, headers: Record<string, string>, method: 'get' | 'head' = 'get') {
  let req = request(app)[method](url).buffer(true).parse((res, cb) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => cb(null, Buffer.concat(chunks)));
  });
  for (const [k, v] of Object.entries(headers)) req = req.set(k, v);
  const res = await req;
  return { status: res.status, headers: res.headers as Record<string, string>, body: res.body as Buffer };
}

describe('render-cache hits answered before Express', () => {
  test.each(urls)('%s: the hit equals the miss for br, gzip and identity, and for HEAD', async (url) => {
    for (const headers of [{ 'Accept-Encoding': 'br, gzip' }, { 'Accept-Encoding': 'gzip' }, { 'Accept-Encoding': 'identity' }]) {
      ctx.cache.validate('force a miss'); // empty the cache: the next request renders through Express
      const hitsBefore = ctx.cache.hits;
      const miss = await fetchRaw(url, headers);
      expect(miss.status).toBe(200);
      expect(ctx.cache.hits).toBe(hitsBefore);
      const hit = await fetchRaw(url, headers);
      expect(ctx.cache.hits).toBe(hitsBefore + 1);
      expect(hit.status).toBe(miss.status);
      expect(stableHeaders(hit.headers)).toEqual(stableHeaders(miss.headers));
      expect(hit.body.equals(miss.body)).toBe(true);
      expect(hit.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      expect(hit.headers['content-security-policy']).toContain("frame-ancestors 'none'");

      const head = await fetchRaw(url, headers, 'head'); // no body: asserted on raw sockets in test/seo.test.ts
      expect(head.status).toBe(200);
      expect(stableHeaders(head.headers)).toEqual(stableHeaders(miss.headers));
    }
  });

  test('conditional requests on a hit: 304 with no body for a matching ETag or date, 200 otherwise', async () => {
    const url = `/${paper}/${date}/01/1`;
    const first = await request(app).get(url).set('Accept-Encoding', 'br').expect(200);
    const etag = first.headers.etag;
    expect(etag).toMatch(/-br"$/);
    const notModified = await request(app).get(url).set('Accept-Encoding', 'br').set('If-None-Match', etag).expect(304);
    expect(notModified.text ?? '').toBe('');
    expect(notModified.headers.etag).toBe(etag);
    expect(notModified.headers['content-security-policy']).toBeDefined();
    await request(app).get(url).set('If-Modified-Since', first.headers['last-modified']).expect(304);
    await request(app).get(url).set('If-None-Match', '"something-else"').expect(200);
  });

  test('a request id sent by the proxy is kept on a hit, and a hit keeps the request id sane', async () => {
    const url = `/${paper}/${date}`;
    await request(app).get(url).expect(200);
    expect((await request(app).get(url).set('X-Request-Id', 'edge-1:2').expect(200)).headers['x-request-id']).toBe('edge-1:2');
    expect((await request(app).get(url).set('X-Request-Id', '<script>').expect(200)).headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  test('hits are counted in /metrics under their route family', async () => {
    const url = `/${paper}/${date}/01`;
    await request(app).get(url).expect(200);
    const before = await request(app).get('/metrics').expect(200);
    const count = (text: string) => Number(/epaper_http_requests_total\{route="page",status="200"\} (\d+)/.exec(text)?.[1] ?? 0);
    await request(app).get(url).expect(200);
    await request(app).get(url).expect(200);
    const after = await request(app).get('/metrics').expect(200);
    expect(count(after.text) - count(before.text)).toBe(2);
  });

  test('other methods never take the fast path: POST on a cached URL is 405 with Allow', async () => {
    const url = `/${paper}/${date}`;
    await request(app).get(url).expect(200);
    const res = await request(app).post(url).expect(405);
    expect(res.headers.allow).toBe('GET, HEAD');
  });

  test('behind a trusted proxy a cached page still gets HSTS when the proxy says https', async () => {
    const proxied = demoApp({ db, config: { trustProxy: 'loopback' } });
    const url = `/${paper}/${date}/01`;
    await request(proxied.app).get(url).expect(200);
    const hit = await request(proxied.app).get(url).set('X-Forwarded-Proto', 'https').expect(200);
    expect(hit.headers['strict-transport-security']).toMatch(/max-age=\d+/);
    const plain = await request(proxied.app).get(url).expect(200);
    expect(plain.headers['strict-transport-security']).toBeUndefined();
  });
});
