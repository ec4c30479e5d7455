import http, { type RequestListener, type Server } from 'node:http';

/**
 * Limits for clients that send a request slowly. A reading site takes GET and
 * HEAD only, whose headers fit in one packet and which carry no body, so a
 * request not fully received within seconds is a stalled or hostile client:
 * Node answers it 408 and closes the socket instead of holding it for its
 * default 300 s. Node checks these limits every connectionsCheckingInterval,
 * so that interval bounds how late the 408 can come.
 */
export const SERVER_TIMEOUTS = {
  /** Time to receive the request line and all headers. */
  headersTimeout: 10_000,
  /** Time to receive the whole request, body included. */
  requestTimeout: 10_000,
  connectionsCheckingInterval: 1_000,
} as const;

/** The HTTP server the site listens with (src/server.ts, the static export, tests). */
export function createHttpServer(listener: RequestListener): Server {
  return http.createServer({ ...SERVER_TIMEOUTS }, listener);
}
