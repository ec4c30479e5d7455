import zlib from 'node:zlib';
import { RenderCache, worthCompressing, type CachedResponse } from '../src/web/delivery/render-cache';

/** The render cache on its own: LRU by bytes, lazily made compressed forms, versioned invalidation. */

function entry(text: string): CachedResponse {
  const body = Buffer.from(text, 'utf8');
  return { body, status: 200, contentType: 'text/html; charset=utf-8', etag: '"x"', lastModified: null, cacheControl: 'public', compressible: worthCompressing(body) };
}

const page = (n: number) => entry(`<p>第${n}版</p>`.repeat(200)); // ~2.6 KB, compresses well

describe('RenderCache', () => {
  test('bounded by bytes: the least recently used entries go first', () => {
    const cache = new RenderCache(20_000);
    cache.validate('v1');
    for (let i = 0; i < 6; i += 1) cache.set(`/p${i}`, page(i));
    expect(cache.get('/p0')).toBeDefined(); // now the most recently used
    for (let i = 6; i < 10; i += 1) cache.set(`/p${i}`, page(i));
    expect(cache.size.bytes).toBeLessThanOrEqual(20_000);
    expect(cache.get('/p0')).toBeDefined();
    expect(cache.get('/p1')).toBeUndefined();
    expect(cache.get('/p9')).toBeDefined();
  });

  test('memory stays flat over many distinct URLs', () => {
    const cache = new RenderCache(100_000);
    cache.validate('v1');
    for (let i = 0; i < 5_000; i += 1) {
      const e = page(i);
      cache.set(`/p${i}`, e);
      cache.formOf(e, i % 2 ? 'br' : 'gzip');
    }
    expect(cache.size.bytes).toBeLessThanOrEqual(100_000);
    expect(cache.size.entries).toBeGreaterThan(10);
  });

  test('a compressed form is made on first use, kept, decodes to the body and is counted', () => {
    const cache = new RenderCache(1_000_000);
    cache.validate('v1');
    const e = page(1);
    cache.set('/p1', e);
    const before = cache.size.bytes;
    expect(e.br).toBeUndefined();
    expect(e.gzip).toBeUndefined();
    const br = cache.formOf(e, 'br');
    expect(cache.formOf(e, 'br')).toBe(br); // not made twice
    expect(e.gzip).toBeUndefined(); // only what was asked for
    expect(zlib.brotliDecompressSync(br).equals(e.body)).toBe(true);
    expect(cache.size.bytes).toBe(before + br.length);
    const gz = cache.formOf(e, 'gzip');
    expect(zlib.gunzipSync(gz).equals(e.body)).toBe(true);
    expect(cache.size.bytes).toBe(before + br.length + gz.length);
  });

  test('forms of an entry the cache does not hold are not counted', () => {
    const cache = new RenderCache(1_000_000);
    cache.validate('v1');
    const loose = page(2);
    cache.formOf(loose, 'gzip');
    expect(loose.gzip).toBeDefined();
    expect(cache.size).toEqual({ entries: 0, bytes: 0 });
  });

  test('growing an entry past the bound evicts older entries, and the counts stay exact', () => {
    const pages = [1, 2, 3, 4].map(page);
    const each = pages[0]!.body.length + 256; // what the cache counts for an entry without forms
    const gzipLength = zlib.gzipSync(pages[3]!.body, { level: 6 }).length;
    // Room for the four entries and half a gzip form: adding the form must push out the oldest.
    const cache = new RenderCache(4 * each + Math.floor(gzipLength / 2));
    cache.validate('v1');
    pages.forEach((e, i) => cache.set(`/p${i}`, e));
    expect(cache.size).toEqual({ entries: 4, bytes: 4 * each });
    const last = pages[3]!;
    cache.formOf(last, 'gzip');
    expect(cache.size).toEqual({ entries: 3, bytes: 3 * each + last.gzip!.length });
    expect(cache.get('/p0')).toBeUndefined();
    expect(cache.get('/p3')).toBe(last);
  });

  test('a new content version empties the cache', () => {
    const cache = new RenderCache(1_000_000);
    cache.validate('v1');
    cache.set('/p1', page(1));
    cache.validate('v1');
    expect(cache.get('/p1')).toBeDefined();
    cache.validate('v2');
    expect(cache.get('/p1')).toBeUndefined();
    expect(cache.size).toEqual({ entries: 0, bytes: 0 });
  });

  test('forms kept with a held entry use gzip 6 / brotli 5; a one-off answer gzip 1 / brotli 1', () => {
    const cache = new RenderCache(1_000_000);
    cache.validate('v1');
    const held = page(3);
    cache.set('/p3', held);
    const loose = page(3);
    const br = (e: CachedResponse, q: number) => zlib.brotliCompressSync(e.body, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: q, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: e.body.length } });
    expect(cache.formOf(held, 'gzip').equals(zlib.gzipSync(held.body, { level: 6 }))).toBe(true);
    expect(cache.formOf(held, 'br').equals(br(held, 5))).toBe(true);
    expect(cache.formOf(loose, 'gzip').equals(zlib.gzipSync(loose.body, { level: 1 }))).toBe(true);
    expect(cache.formOf(loose, 'br').equals(br(loose, 1))).toBe(true);
    expect(zlib.gunzipSync(loose.gzip!).equals(loose.body)).toBe(true);
  });

  test('small bodies are sent as they are', () => {
    expect(entry('<p>短</p>').compressible).toBe(false);
    expect(page(1).compressible).toBe(true);
  });
});
