// One load run with autocannon's programmatic API over a fixed URL list.
import autocannon from 'autocannon';

export interface LoadOptions {
  port: number;
  urls: readonly string[];
  connections: number;
  /** Seconds. */
  duration: number;
  headers: Record<string, string>;
}

export interface LoadResult {
  requestsPerSecond: number;
  requests: number;
  durationSeconds: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  statusCodes: Record<string, number>;
  /** Mean bytes per response on the wire (headers included, as autocannon counts them). */
  bytesPerResponse: number;
}

/**
 * Every connection takes the next URL of one shared cursor over the list, so a
 * run walks the whole list in order whatever the number of connections and the
 * mix of the list is what the server sees.
 */
export function runLoad(opts: LoadOptions): Promise<LoadResult> {
  if (opts.urls.length === 0) throw new Error('runLoad: no URLs');
  let cursor = 0;
  const next = () => {
    const url = opts.urls[cursor % opts.urls.length]!;
    cursor += 1;
    return url;
  };
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: `http://127.0.0.1:${opts.port}`,
        connections: opts.connections,
        duration: opts.duration,
        timeout: 10,
        headers: opts.headers,
        requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: next() }) }],
      },
      (err, result) => {
        if (err) {
          reject(err);
          return;
        }
        const statusCodes: Record<string, number> = {};
        for (const [code, v] of Object.entries((result as unknown as { statusCodeStats?: Record<string, { count: number }> }).statusCodeStats ?? {})) {
          statusCodes[code] = v.count;
        }
        const responses = result.requests.total;
        resolve({
          requestsPerSecond: result.requests.average,
          requests: responses,
          durationSeconds: result.duration,
          latencyMs: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max, mean: result.latency.mean },
          errors: result.errors,
          timeouts: result.timeouts,
          non2xx: result.non2xx,
          statusCodes,
          bytesPerResponse: responses > 0 ? Math.round(result.throughput.total / responses) : 0,
        });
      },
    );
    // No progress bar or table on stdout: the bench prints its own summary.
    void instance;
  });
}
