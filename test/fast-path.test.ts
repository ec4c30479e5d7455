import net from 'node:net';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { createHttpServer } from '../src/web/http-server';
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

/**
 * The common hit (GET, no validators, a keep-alive connection) is sent as a
 * ready-made head spliced with the request id, Date and Connection lines.
 * supertest closes its connections, so these tests talk HTTP/1.1 on one raw
 * keep-alive socket and compare the very bytes: the miss (answered by
 * Express) and the hit must differ only in the request id and, across a
 * second boundary, the Date.
 */
describe('ready-made heads on keep-alive connections, byte for byte', () => {
  // As src/cluster.ts and src/server.ts wrap the site: a worker header on every answer, Connection: close while stopping.
  const wrapper = { workerPid: false, stopping: false };
  const server = createHttpServer((req, res) => {
    if (wrapper.workerPid) res.setHeader('X-Worker-Pid', '4242');
    if (wrapper.stopping) res.setHeader('Connection', 'close');
    app(req, res);
  });
  let port = 0;
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  interface RawAnswer {
    head: string;
    body: Buffer;
  }

  /** One socket; each call sends one request on it and reads one whole answer (Content-Length framed). */
  function rawClient() {
    const socket = net.connect(port, '127.0.0.1');
    let buffered = Buffer.alloc(0);
    let waiting: (() => void) | null = null;
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      waiting?.();
    });
    const more = () => new Promise<void>((resolve) => (waiting = resolve));
    return {
      async send(lines: string[], opts: { head?: boolean } = {}): Promise<RawAnswer> {
        socket.write(`${lines.join('\r\n')}\r\n\r\n`);
        let end: number;
        while ((end = buffered.indexOf('\r\n\r\n')) < 0) await more();
        const head = buffered.subarray(0, end + 4).toString('latin1');
        const length = opts.head || /^HTTP\/1\.1 304 /.test(head) ? 0 : Number(/\r\ncontent-length: (\d+)\r\n/i.exec(head)?.[1] ?? 0);
        while (buffered.length < end + 4 + length) await more();
        const body = buffered.subarray(end + 4, end + 4 + length);
        buffered = buffered.subarray(end + 4 + length);
        return { head, body: Buffer.from(body) };
      },
      close: () => socket.destroy(),
    };
  }

  const stable = (head: string) => head.replace(/\r\nX-Request-Id: [^\r]*/, '\r\nX-Request-Id: *').replace(/\r\nDate: [^\r]*/, '\r\nDate: *');
  const get = (url: string, ...headers: string[]) => [`GET ${url} HTTP/1.1`, 'Host: epaper.test', ...headers];

  const classes = [
    ...urls,
    `/${paper}/archive`,
    `/${paper}/feed.xml`,
    '/robots.txt',
    '/sitemap.xml',
    ctx.assets.css,
    // The open-data twins and the IIIF manifest: the fast path knows no route, only URLs.
    `/${paper}/${date}/01.json`,
    `/${paper}/${date}/01/1.json`,
    `/${paper}/${date}/manifest.json`,
  ];

  test.each(classes)('%s: identity, gzip and br heads and bodies equal the Express answer', async (url) => {
    const client = rawClient();
    try {
      for (const accept of ['Accept-Encoding: identity', 'Accept-Encoding: gzip', 'Accept-Encoding: br, gzip', 'Accept-Encoding: gzip;q=0.5, br;q=0.9']) {
        ctx.cache.validate('force a miss');
        const hitsBefore = ctx.cache.hits;
        const miss = await client.send(get(url, accept));
        expect(ctx.cache.hits).toBe(hitsBefore);
        const hit = await client.send(get(url, accept));
        expect(ctx.cache.hits).toBe(hitsBefore + 1);
        expect(miss.head).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
        expect(stable(hit.head)).toBe(stable(miss.head));
        expect(hit.body.equals(miss.body)).toBe(true);
        expect(hit.head).toMatch(/\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\n\r\n$/);
        expect(hit.head).toMatch(/\r\nX-Request-Id: [0-9a-f-]{36}\r\n/);
        expect(hit.head).toMatch(/\r\nDate: \w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} GMT\r\n/);
        // The ready-made form of this coding was used: it is kept with the entry.
        const coding = /\r\nContent-Encoding: (\w+)\r\n/.exec(hit.head)?.[1] ?? 'identity';
        const entry = ctx.cache.hit(url)!;
        expect(entry.wire?.[coding as 'identity' | 'gzip' | 'br']?.body.equals(hit.body)).toBe(true);
      }
    } finally {
      client.close();
    }
  });

  test('a third hit on the same socket, a conditional 304 and HEAD also equal the Express answers', async () => {
    const url = `/${paper}/${date}/01/1`;
    const client = rawClient();
    try {
      ctx.cache.validate('force a miss');
      const first = await client.send(get(url, 'Accept-Encoding: gzip'));
      const etag = /\r\nETag: ([^\r]+)/.exec(first.head)![1]!;
      const lastModified = /\r\nLast-Modified: ([^\r]+)/.exec(first.head)![1]!;
      for (const validator of [`If-None-Match: ${etag}`, `If-Modified-Since: ${lastModified}`]) {
        ctx.cache.validate('force a miss');
        const missed = await client.send(get(url, 'Accept-Encoding: gzip', validator));
        const hit = await client.send(get(url, 'Accept-Encoding: gzip', validator));
        expect(missed.head).toMatch(/^HTTP\/1\.1 304 Not Modified\r\n/);
        expect(stable(hit.head)).toBe(stable(missed.head));
        expect(hit.body.length).toBe(0);
      }
      ctx.cache.validate('force a miss');
      const headMiss = await client.send([`HEAD ${url} HTTP/1.1`, 'Host: epaper.test', 'Accept-Encoding: br'], { head: true });
      const headHit = await client.send([`HEAD ${url} HTTP/1.1`, 'Host: epaper.test', 'Accept-Encoding: br'], { head: true });
      expect(stable(headHit.head)).toBe(stable(headMiss.head));
      const again = await client.send(get(url, 'Accept-Encoding: gzip'));
      expect(stable(again.head)).toBe(stable(first.head));
      expect(again.body.equals(first.body)).toBe(true);
    } finally {
      client.close();
    }
  });

  test('a client that asks to close gets Connection: close on a hit, as from Express, and the socket closes', async () => {
    const url = `/${paper}/${date}`;
    ctx.cache.validate('force a miss');
    const a = rawClient();
    const miss = await a.send(get(url, 'Connection: close'));
    a.close();
    const b = rawClient();
    const hit = await b.send(get(url, 'Connection: close'));
    b.close();
    expect(hit.head).toMatch(/\r\nConnection: close\r\n\r\n$/);
    expect(stable(hit.head)).toBe(stable(miss.head));
    const old = rawClient();
    const http10 = await old.send([`GET ${url} HTTP/1.0`, 'Host: epaper.test']);
    old.close();
    expect(http10.head).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(http10.head).toMatch(/\r\nConnection: close\r\n\r\n$/);
  });

  test('headers set before the site (a cluster worker\'s X-Worker-Pid) come first on a hit as on the miss; Connection: close set by a stopping server is kept', async () => {
    const url = `/${paper}/${date}/01`;
    const client = rawClient();
    try {
      wrapper.workerPid = true;
      ctx.cache.validate('force a miss');
      const miss = await client.send(get(url, 'Accept-Encoding: gzip'));
      const hit = await client.send(get(url, 'Accept-Encoding: gzip'));
      expect(hit.head).toMatch(/^HTTP\/1\.1 200 OK\r\nX-Worker-Pid: 4242\r\nX-Request-Id: /);
      expect(stable(hit.head)).toBe(stable(miss.head));
      expect(hit.body.equals(miss.body)).toBe(true);
      wrapper.stopping = true;
      const closing = await client.send(get(url, 'Accept-Encoding: gzip'));
      expect(closing.head).toMatch(/\r\nConnection: close\r\n/);
      expect(closing.head).not.toMatch(/keep-alive/i);
      expect(closing.body.equals(miss.body)).toBe(true);
    } finally {
      wrapper.workerPid = false;
      wrapper.stopping = false;
      client.close();
    }
  });
});
