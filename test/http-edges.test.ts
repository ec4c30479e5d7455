import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import zlib from 'node:zlib';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { parseHttpDate } from '../src/web/delivery/http-cache';
import { createHttpServer, SERVER_TIMEOUTS } from '../src/web/http-server';
import { demoApp } from './helpers/app';

/**
 * The edges of HTTP a cache or a hostile client reaches: unsatisfiable
 * ranges, redirect targets a browser would resolve off-site, validators that
 * are not dates, and clients that send a request slowly.
 */

const { app, db, config } = demoApp();
const image = db.prepare('SELECT image_path FROM page ORDER BY id LIMIT 1').pluck().get() as string;
const imageSize = fs.statSync(path.join(config.mediaDir, image)).size;
const paper = db.prepare('SELECT slug FROM publication ORDER BY id LIMIT 1').pluck().get() as string;
const pdfIssue = db.prepare('SELECT date, pdf_path FROM issue WHERE pdf_path IS NOT NULL ORDER BY date LIMIT 1').get() as { date: string; pdf_path: string } | undefined;

/** The app on a real listening server, as src/server.ts runs it. */
const server = (() => {
  const s = createHttpServer(app);
  let port = 0;
  beforeAll(async () => {
    await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
    port = (s.address() as AddressInfo).port;
  });
  afterAll(async () => {
    s.closeAllConnections();
    await new Promise((resolve) => s.close(resolve));
    db.close();
  });
  return { port: () => port };
})();

describe('Range on media files', () => {
  test('a satisfiable range is a 206 of exactly those bytes', async () => {
    const res = await request(app).get(`/media/${image}`).set('Range', 'bytes=0-9').buffer(true).parse((r, cb) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => cb(null, Buffer.concat(chunks)));
    });
    expect(res.status).toBe(206);
    expect(res.headers['content-range']).toBe(`bytes 0-9/${imageSize}`);
    expect((res.body as Buffer).equals(fs.readFileSync(path.join(config.mediaDir, image)).subarray(0, 10))).toBe(true);
  });

  test('an unsatisfiable range is 416 with the file size, not a cacheable 404', async () => {
    const res = await request(app).get(`/media/${image}`).set('Range', 'bytes=999999999-');
    expect(res.status).toBe(416);
    expect(res.headers['content-range']).toBe(`bytes */${imageSize}`);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.text).not.toContain('文件缺失');
    expect(res.text).toContain('范围');
  });

  test('an unsatisfiable range on the whole-issue PDF is 416 too', async () => {
    if (!pdfIssue) throw new Error('the demo database has no issue PDF');
    const size = fs.statSync(path.join(config.mediaDir, pdfIssue.pdf_path)).size;
    const res = await request(app).get(`/${paper}/${pdfIssue.date}.pdf`).set('Range', `bytes=${size + 10}-`);
    expect(res.status).toBe(416);
    expect(res.headers['content-range']).toBe(`bytes */${size}`);
    expect(res.headers['cache-control']).toBe('no-store');
  });
});

describe('redirect targets stay on this site', () => {
  /** A GET with the path sent byte for byte (supertest would normalise a backslash to a slash first). */
  function rawGet(urlPath: string): Promise<{ status: number; location: string | undefined }> {
    return new Promise((resolve, reject) => {
      const req = http.get({ host: '127.0.0.1', port: server.port(), path: urlPath }, (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, location: res.headers.location }));
      });
      req.on('error', reject);
    });
  }

  const offSite = /^(\/[\\/]|[\\/]{2}|[a-z]+:)/i;
  const cases = ['/\\evil.example/', '/%5Cevil.example/', '//evil.example/', '/\\/evil.example/', '/\\\\evil.example/x/', '///evil.example/', '/%2F%2Fevil.example/'];
  test.each(cases)('GET %s never redirects off-site', async (url) => {
    const res = await rawGet(url);
    if (res.status >= 300 && res.status < 400) {
      expect(res.location).toBeDefined();
      expect(res.location).not.toMatch(offSite);
      // Resolved the way a browser does, the target is still this host.
      expect(new URL(res.location!, 'https://epaper.test/').host).toBe('epaper.test');
    } else {
      expect([400, 404]).toContain(res.status);
    }
  });

  test('GET /\\evil.example/ is the trailing-slash redirect to a path on this site', async () => {
    const res = await rawGet('/\\evil.example/');
    expect(res.status).toBe(301);
    expect(res.location).toBe('/evil.example');
  });

  test('the ordinary trailing-slash redirect still keeps its query', async () => {
    const res = await rawGet(`/${paper}/archive/?x=1`);
    expect(res.status).toBe(301);
    expect(res.location).toBe(`/${paper}/archive?x=1`);
  });
});

describe('If-Modified-Since that is not an HTTP date', () => {
  const page = `/${paper}/archive`;
  test.each(['3000', '1', 'yesterday', '2026-01-01', 'Thu, 01 Jan 3000 00:00:00'])('%s is ignored: 200 with the page', async (value) => {
    const res = await request(app).get(page).set('If-Modified-Since', value);
    expect(res.status).toBe(200);
    expect(res.text).toContain('往期回顾');
  });

  test('a real HTTP date after the last change still answers 304', async () => {
    const first = await request(app).get(page);
    const res = await request(app).get(page).set('If-Modified-Since', first.headers['last-modified']);
    expect(res.status).toBe(304);
    expect(res.text ?? '').toBe('');
  });

  test('the three HTTP-date forms are read, as the same instant', () => {
    const t = Date.UTC(1994, 10, 6, 8, 49, 37);
    expect(parseHttpDate('Sun, 06 Nov 1994 08:49:37 GMT')).toBe(t);
    expect(parseHttpDate('Sunday, 06-Nov-94 08:49:37 GMT')).toBe(t);
    expect(parseHttpDate('Sun Nov  6 08:49:37 1994')).toBe(t);
    for (const bad of ['3000', 'Sun, 31 Feb 1994 08:49:37 GMT', 'Sun, 06 Nov 1994 25:49:37 GMT', 'Sun, 06 Foo 1994 08:49:37 GMT', '']) expect(parseHttpDate(bad)).toBeNull();
  });

  test('ignored on media files too', async () => {
    const res = await request(app).get(`/media/${image}`).set('If-Modified-Since', '3000');
    expect(res.status).toBe(200);
    expect(Number(res.headers['content-length'])).toBe(imageSize);
  });
});

describe('slow clients', () => {
  /** Opens a socket, sends `head` and then one byte of `body` per interval; resolves with what came back and when the socket closed. */
  function dribble(port: number, head: string, body: string, intervalMs: number): Promise<{ text: string; ms: number }> {
    return new Promise((resolve, reject) => {
      const started = Date.now();
      const socket = net.connect(port, '127.0.0.1');
      let text = '';
      let i = 0;
      const timer = setInterval(() => {
        if (i < body.length && !socket.destroyed) socket.write(body[i]);
        i += 1;
      }, intervalMs);
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => {
        text += chunk;
      });
      socket.on('error', () => undefined); // a reset after the 408 is fine
      socket.on('close', () => {
        clearInterval(timer);
        resolve({ text, ms: Date.now() - started });
      });
      socket.on('connect', () => socket.write(head));
      setTimeout(() => {
        clearInterval(timer);
        socket.destroy();
        reject(new Error(`socket still open after 40 s; received: ${text.slice(0, 200)}`));
      }, 40_000).unref();
    });
  }

  test('the limits are seconds, not Node’s minutes', () => {
    expect(SERVER_TIMEOUTS.headersTimeout).toBeLessThanOrEqual(15_000);
    expect(SERVER_TIMEOUTS.requestTimeout).toBeLessThanOrEqual(15_000);
  });

  test('a body that dribbles in gets 408 and the socket closes within seconds', async () => {
    const body = 'x'.repeat(1000);
    const { text, ms } = await dribble(server.port(), `POST /search HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\n\r\n`, body, 200);
    expect(text).toMatch(/HTTP\/1\.1 408 /);
    expect(ms).toBeLessThan(SERVER_TIMEOUTS.requestTimeout + 3 * SERVER_TIMEOUTS.connectionsCheckingInterval + 2_000);
  }, 45_000);

  test('headers that dribble in get 408 within seconds', async () => {
    const { text, ms } = await dribble(server.port(), 'GET / HTTP/1.1\r\n', `Host: 127.0.0.1\r\nX-Slow: ${'y'.repeat(500)}\r\n\r\n`, 200);
    expect(text).toMatch(/^HTTP\/1\.1 408 /);
    expect(ms).toBeLessThan(SERVER_TIMEOUTS.headersTimeout + 3 * SERVER_TIMEOUTS.connectionsCheckingInterval + 2_000);
  }, 45_000);

  test('a request sent at once is answered normally', async () => {
    const { text } = await dribble(server.port(), `GET /${paper}/archive HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`, '', 1000);
    expect(text).toMatch(/^HTTP\/1\.1 200 /);
    expect(text).toContain('往期回顾');
  });
});

describe('file names the file system refuses', () => {
  test.each([
    ['a name longer than the file system allows', `/static/${'a'.repeat(300)}`],
    ['a 5,000-character segment', `/static/${'a'.repeat(99)}/${'b'.repeat(5000)}.css`],
    ['a path through a file', '/static/site.css/x'],
    ['a dot file', '/static/.hidden'],
  ])('%s is a 404 page, not a 500', async (_label, url) => {
    const res = await request(app).get(url);
    expect(res.status).toBe(404);
    expect(res.text).toContain('没有这个文件');
  });
});

describe('static assets answer through the same delivery as pages', () => {
  test('CSS is compressed with an ETag of its own per coding and revalidates to 304; the PNG logo is sent as it is', async () => {
    const css = fs.readFileSync(path.join(__dirname, '..', 'static', 'site.css'));
    // Raw bytes over a socket: supertest would decode the brotli body itself.
    const br = await new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
      http.get({ host: '127.0.0.1', port: server.port(), path: '/static/site.css', headers: { 'accept-encoding': 'br' } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      }).on('error', reject);
    });
    expect(br.status).toBe(200);
    expect(br.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(br.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.etag).toMatch(/-br"$/);
    expect(zlib.brotliDecompressSync(br.body).equals(css)).toBe(true);
    await request(app).get('/static/site.css').set('If-None-Match', String(br.headers.etag)).expect(304);
    const logo = await request(app).get('/static/logo.png').set('Accept-Encoding', 'br, gzip');
    expect(logo.status).toBe(200);
    expect(logo.headers['content-encoding']).toBeUndefined();
    expect(Number(logo.headers['content-length'])).toBe(fs.statSync(path.join(__dirname, '..', 'static', 'logo.png')).size);
  });
});

describe('one content-coding negotiation for every answer', () => {
  const page = `/${paper}/archive`;
  test.each([
    ['br, gzip', 'br'],
    ['gzip, br;q=0.5', 'gzip'],
    ['br;q=0, gzip', 'gzip'],
    ['*', 'br'],
    ['*;q=0', undefined],
    ['identity', undefined],
    ['gzip;q=abc', undefined],
  ])('Accept-Encoding %s → %s on a page', async (accept, coding) => {
    const res = await request(app).get(page).set('Accept-Encoding', accept);
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBe(coding);
    expect(res.text).toContain('往期回顾'); // decoded by supertest whatever the coding
  });

  test('a month sitemap streams gzip first on a tie, brotli when asked for it alone', async () => {
    const url = `/sitemaps/${paper}/2026-01.xml`;
    expect((await request(app).get(url).set('Accept-Encoding', 'br, gzip')).headers['content-encoding']).toBe('gzip');
    expect((await request(app).get(url).set('Accept-Encoding', 'br')).headers['content-encoding']).toBe('br');
    expect((await request(app).get(url).set('Accept-Encoding', 'identity')).headers['content-encoding']).toBeUndefined();
  });
});
