import zlib from 'node:zlib';

/**
 * Rendered responses keyed by URL, bounded by bytes (LRU via Map insertion
 * order). Entries carry their gzip and brotli forms, each made once, when a
 * client first asks for it. The whole cache
 * is dropped when the content version changes (an import) or an embargo ends,
 * so it never serves what the database no longer says.
 */
export interface CachedResponse {
  body: Buffer;
  status: number;
  contentType: string;
  /** null for answers no cache may keep (Cache-Control: no-store). */
  etag: string | null;
  lastModified: number | null;
  cacheControl: string;
  /** Headers of this answer beyond the representation's own (X-Robots-Tag). */
  headers?: Readonly<Record<string, string>>;
  /** Sent gzip- or brotli-encoded to clients that accept it; each form is made on first use and kept (formOf). */
  compressible: boolean;
  gzip?: Buffer;
  br?: Buffer;
  /** Ready-made response heads of this entry, per coding, made by the fast path on first use (fast-path.ts). */
  wire?: WireForms;
  /** The cache's move counter when this entry last moved to the young end (approximate LRU). */
  moved?: number;
}

/** A cached entry's answer as it goes on the wire, bar the request id, Date and Connection lines. */
export interface WireForm {
  /** `HTTP/1.1 200 OK\r\n`. */
  statusLine: string;
  /** Every header line after X-Request-Id up to and including Content-Length, each ending in CRLF. */
  headers: string;
  body: Buffer;
}

/** null: a header of the entry cannot go on the wire as it is (the fast path then sets headers one by one). */
export interface WireForms {
  identity?: WireForm | null;
  gzip?: WireForm | null;
  br?: WireForm | null;
  /** The metrics route family of the entry's URL. */
  family?: string;
}

export type Encoding = 'br' | 'gzip' | 'identity';

const MIN_COMPRESS_BYTES = 1024;

/** Bodies this small are sent as they are: compression would save little and cost a header. */
export function worthCompressing(body: Buffer): boolean {
  return body.length >= MIN_COMPRESS_BYTES;
}

/**
 * Levels by how often a form is sent: a form kept with a cached entry is made
 * once and sent many times (gzip 6, brotli 5); a one-off answer (cache off, or
 * an entry the cache does not hold) is made for one reader, where gzip 1 and
 * brotli 1 cost half and a third as much CPU for ~10 % more bytes (measured
 * on an article page, docs/performance.md).
 */
const KEPT = { gzip: 6, br: 5 } as const;
const ONE_OFF = { gzip: 1, br: 1 } as const;

function compress(body: Buffer, encoding: 'br' | 'gzip', levels: { gzip: number; br: number }): Buffer {
  return encoding === 'gzip'
    ? zlib.gzipSync(body, { level: levels.gzip })
    : zlib.brotliCompressSync(body, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: levels.br, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: body.length } });
}

function sizeOf(e: CachedResponse): number {
  return e.body.length + (e.gzip?.length ?? 0) + (e.br?.length ?? 0) + 256;
}

export class RenderCache {
  private entries = new Map<string, CachedResponse>();
  /** Bytes counted for each held entry; it grows when a compressed form is added. */
  private counted = new WeakMap<CachedResponse, number>();
  private bytes = 0;
  private version: string | null = null;
  private moves = 0;
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
      this.counted = new WeakMap();
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
    // Move to the young end, unless it is still in the younger half: a hot
    // entry is not re-inserted on every hit (Map churn was ~1 µs a hit).
    if (e.moved === undefined || this.moves - e.moved >= this.entries.size >> 1) {
      this.entries.delete(key);
      this.entries.set(key, e);
      e.moved = ++this.moves;
    }
    return e;
  }

  set(key: string, e: CachedResponse): void {
    if (!this.enabled) return;
    const size = sizeOf(e);
    if (size > this.maxBytes / 4) return;
    const old = this.entries.get(key);
    if (old) this.forget(key, old);
    this.entries.set(key, e);
    e.moved = ++this.moves;
    this.counted.set(e, size);
    this.bytes += size;
    this.evictOverflow();
  }

  /**
   * The body in a coding, compressed on first use and kept with the entry:
   * most clients accept brotli, so most entries never need their gzip form.
   * An entry this cache does not hold is compressed at the one-off levels.
   */
  formOf(e: CachedResponse, encoding: 'br' | 'gzip'): Buffer {
    const existing = encoding === 'br' ? e.br : e.gzip;
    if (existing) return existing;
    const counted = this.counted.get(e);
    const made = compress(e.body, encoding, counted === undefined ? ONE_OFF : KEPT);
    if (encoding === 'br') e.br = made;
    else e.gzip = made;
    if (counted !== undefined) {
      this.counted.set(e, counted + made.length);
      this.bytes += made.length;
      this.evictOverflow();
    }
    return made;
  }

  private forget(key: string, e: CachedResponse): void {
    this.entries.delete(key);
    this.bytes -= this.counted.get(e) ?? 0;
    this.counted.delete(e);
  }

  private evictOverflow(): void {
    for (const [k, v] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.forget(k, v);
    }
  }
}
