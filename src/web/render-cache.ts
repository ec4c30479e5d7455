import zlib from 'node:zlib';
import type { Representation } from './http-cache';

/**
 * Rendered responses keyed by URL, bounded by bytes (LRU via Map insertion
 * order). Entries carry their gzip and brotli forms, made once. The whole cache
 * is dropped when the content version changes (an import) or an embargo ends,
 * so it never serves what the database no longer says.
 */
export interface CachedResponse extends Representation {
  status: number;
  gzip?: Buffer;
  br?: Buffer;
}

export type Encoding = 'br' | 'gzip' | 'identity';

const MIN_COMPRESS_BYTES = 1024;

export function compressedForms(body: Buffer): { gzip?: Buffer; br?: Buffer } {
  if (body.length < MIN_COMPRESS_BYTES) return {};
  return {
    gzip: zlib.gzipSync(body, { level: 6 }),
    br: zlib.brotliCompressSync(body, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 5, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: body.length } }),
  };
}

function sizeOf(e: CachedResponse): number {
  return e.body.length + (e.gzip?.length ?? 0) + (e.br?.length ?? 0) + 256;
}

export class RenderCache {
  private entries = new Map<string, CachedResponse>();
  private bytes = 0;
  private version: string | null = null;
  hits = 0;
  misses = 0;

  constructor(private readonly maxBytes: number) {}

  get enabled(): boolean {
    return this.maxBytes > 0;
  }

  get size(): { entries: number; bytes: number } {
    return { entries: this.entries.size, bytes: this.bytes };
  }

  /** Drops everything when the version (content version + embargo epoch) differs from the cached one. */
  validate(version: string): void {
    if (version !== this.version) {
      this.entries.clear();
      this.bytes = 0;
      this.version = version;
    }
  }

  get(key: string): CachedResponse | undefined {
    const e = this.hit(key);
    if (!e) this.misses += 1;
    return e;
  }

  /** The entry if present, counted as a hit; an absence is not counted (the render path that follows counts the miss). */
  hit(key: string): CachedResponse | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    this.hits += 1;
    this.entries.delete(key); // move to the young end
    this.entries.set(key, e);
    return e;
  }

  set(key: string, e: CachedResponse): void {
    if (!this.enabled) return;
    const size = sizeOf(e);
    if (size > this.maxBytes / 4) return;
    const old = this.entries.get(key);
    if (old) {
      this.bytes -= sizeOf(old);
      this.entries.delete(key);
    }
    this.entries.set(key, e);
    this.bytes += size;
    for (const [k, v] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(k);
      this.bytes -= sizeOf(v);
    }
  }
}
