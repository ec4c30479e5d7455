import helmet from 'helmet';
import type { RequestHandler } from 'express';

/** The exact Content-Security-Policy (tests assert it): same-origin only, no inline script or style. */
export const CONTENT_SECURITY_POLICY = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'"],
  'img-src': ["'self'", 'data:'],
  'font-src': ["'self'"],
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'self'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
};

function helmetMiddleware(): RequestHandler {
  return helmet({
      contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY },
      crossOriginOpenerPolicy: { policy: 'same-origin' },
      crossOriginResourcePolicy: { policy: 'same-origin' },
      referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
      frameguard: { action: 'deny' },
      // HSTS only when the request really came over TLS (see below), never on plain HTTP.
      strictTransportSecurity: false,
    });
}

export function securityHeaders(): RequestHandler[] {
  return [
    helmetMiddleware(),
    (req, res, next) => {
      if (req.secure) res.setHeader('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
      next();
    },
  ];
}

/**
 * The headers helmet sets, as a list, for answers sent outside Express (the
 * render-cache fast path). Taken from the very middleware above, so the two
 * paths cannot drift apart; HSTS is not in it (it depends on the request).
 */
export function fixedSecurityHeaders(): [string, string][] {
  const headers = new Map<string, string>();
  const res = {
    setHeader: (name: string, value: unknown) => headers.set(name, String(value)),
    removeHeader: (name: string) => headers.delete(name),
  };
  let called = false;
  helmetMiddleware()({} as Parameters<RequestHandler>[0], res as unknown as Parameters<RequestHandler>[1], () => {
    called = true;
  });
  if (!called) throw new Error('helmet did not finish synchronously');
  return [...headers];
}
