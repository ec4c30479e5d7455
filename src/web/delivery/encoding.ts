import type { IncomingMessage } from 'node:http';
import type { ContentCoding } from './http-cache';

/**
 * The content coding to send: the highest q the client gives (a `*` counts
 * for codings it does not name, q=0 refuses), ties broken by `preference`.
 * Cached bodies prefer brotli (made once, kept); streams prefer gzip (cheap
 * to make on the fly). null: send the body as it is.
 */
export function negotiateEncoding(req: IncomingMessage, preference: readonly ContentCoding[]): ContentCoding | null {
  const header = req.headers['accept-encoding'];
  if (typeof header !== 'string' || header.trim() === '') return null;
  const q = new Map<string, number>();
  for (const part of header.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const qp = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const value = qp ? Number(qp.slice(2)) : 1;
    q.set(name.trim(), Number.isFinite(value) ? value : 0);
  }
  let best: ContentCoding | null = null;
  let bestQ = 0;
  for (const coding of preference) {
    const value = q.get(coding) ?? q.get('*') ?? 0;
    if (value > bestQ) {
      best = coding;
      bestQ = value;
    }
  }
  return best;
}
