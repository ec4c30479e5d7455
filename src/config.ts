import path from 'node:path';
import { ExitCode, Fault } from './faults';

/** How often, at most, a process reads the content version (src/web/freshness.ts). */
export const DEFAULT_CONTENT_CHECK_MS = 200;

export interface Config {
  port: number;
  host: string;
  databasePath: string;
  mediaDir: string;
  /** Absolute origin without a trailing slash, used in canonical links, sitemaps and feeds. */
  baseUrl: string;
  /** Passed to Express's "trust proxy" setting; false when not behind a proxy. */
  trustProxy: boolean | number | string;
  /** Render cache size in bytes; 0 disables the cache. */
  cacheBytes: number;
  /**
   * How often, at most, each process reads the content version (ms,
   * CONTENT_CHECK_MS, default 200): an import is visible within this bound
   * (src/web/freshness.ts). 0 reads it on every request.
   */
  contentCheckMs?: number;
  /** Build the demo newspaper when the database holds no publication. */
  demoOnEmpty: boolean;
}

/** An invalid environment variable; the message names it and what it must be. */
export class ConfigError extends Fault {
  constructor(message: string) {
    super(message, ExitCode.invalidInput);
  }
}

function parsePort(value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new ConfigError(`PORT must be an integer 0-65535, got "${value}"`);
  return n;
}

function parseTrustProxy(value: string | undefined): boolean | number | string {
  if (value === undefined || value === '' || value === 'false' || value === '0') return false;
  if (value === 'true') return true;
  if (/^\d+$/.test(value)) return Number(value);
  return value; // e.g. "loopback" or a list of addresses, as Express understands it
}

function parseBaseUrl(value: string | undefined, host: string, port: number): string {
  const raw = value && value !== '' ? value : `http://${host === '0.0.0.0' || host === '::' ? 'localhost' : host}:${port}`;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`BASE_URL must be an absolute http(s) URL, got "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError(`BASE_URL must use http or https, got "${raw}"`);
  return url.origin + url.pathname.replace(/\/+$/, '');
}

function parseBytes(value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const m = /^(\d+)\s*([kmg]?)b?$/i.exec(value.trim());
  if (!m) throw new ConfigError(`CACHE_SIZE must be a size like 64mb or 0, got "${value}"`);
  const unit = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2].toLowerCase() as '' | 'k' | 'm' | 'g'];
  return Number(m[1]) * unit;
}

function parseCheckMs(value: string | undefined): number {
  if (value === undefined || value === '') return DEFAULT_CONTENT_CHECK_MS;
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n > 60_000) throw new ConfigError(`CONTENT_CHECK_MS must be an integer 0-60000 (milliseconds), got "${value}"`);
  return n;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = parsePort(env.PORT, 3000);
  const host = env.HOST || '127.0.0.1';
  return {
    port,
    host,
    databasePath: path.resolve(env.DATABASE_PATH || 'data/epaper.db'),
    mediaDir: path.resolve(env.MEDIA_DIR || 'data/media'),
    baseUrl: parseBaseUrl(env.BASE_URL, host, port),
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
    cacheBytes: parseBytes(env.CACHE_SIZE, 64 * 1024 * 1024),
    contentCheckMs: parseCheckMs(env.CONTENT_CHECK_MS),
    demoOnEmpty: env.DEMO_ON_EMPTY !== '0',
  };
}
