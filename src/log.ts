import crypto from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import pino, { type DestinationStream, type Logger } from 'pino';
import { pinoHttp } from 'pino-http';

/**
 * Structured JSON logs (one object per line on stdout) through pino. The level
 * comes from LOG_LEVEL (trace … fatal, or silent); it defaults to info, and to
 * silent under jest (NODE_ENV=test) so test output stays readable. Outside
 * production, on a terminal, lines are pretty-printed when the dev-only
 * pino-pretty package is installed; everywhere else they stay JSON.
 */

export type { Logger };

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export function logLevelFromEnv(env: NodeJS.ProcessEnv = process.env): { level: string; invalid: string | null } {
  const raw = env.LOG_LEVEL?.trim().toLowerCase();
  if (raw && (LEVELS as readonly string[]).includes(raw)) return { level: raw, invalid: null };
  const fallback = env.NODE_ENV === 'test' ? 'silent' : 'info';
  return { level: fallback, invalid: raw ? raw : null };
}

/** pino-pretty as a stream, only in development on a terminal and only when installed (it is a dev dependency). */
function prettyStream(env: NodeJS.ProcessEnv): DestinationStream | null {
  if (env.NODE_ENV === 'production' || env.NODE_ENV === 'test' || env.LOG_FORMAT === 'json' || !process.stdout.isTTY) return null;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const pretty = require('pino-pretty') as typeof import('pino-pretty');
    return pretty({ colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname', sync: true });
  } catch {
    return null;
  }
}

export function createLogger(env: NodeJS.ProcessEnv = process.env, destination?: DestinationStream): Logger {
  const { level, invalid } = logLevelFromEnv(env);
  const options = {
    level,
    base: { pid: process.pid },
    // "level":"info" rather than 30: what log collectors and people read.
    formatters: { level: (label: string) => ({ level: label }) },
    // Errors logged as { err } keep their stack; nothing else is serialised but what the caller passes.
    serializers: { err: pino.stdSerializers.err },
  };
  const stream = destination ?? prettyStream(env);
  const log = stream ? pino(options, stream) : pino(options);
  if (invalid) log.warn({ LOG_LEVEL: invalid }, `LOG_LEVEL must be one of ${LEVELS.join(', ')}; using ${level}`);
  return log;
}

/** The process's logger: the server, the routes and the scripts log through it. */
export const logger: Logger = createLogger();

/** A request id from a client or proxy is kept when it looks like one (UUID, nginx $request_id, …), else one is made. */
const SANE_REQUEST_ID = /^[A-Za-z0-9][A-Za-z0-9._:=+/-]{0,127}$/;

export function requestIdOf(req: IncomingMessage): string {
  const incoming = req.headers['x-request-id'];
  return typeof incoming === 'string' && SANE_REQUEST_ID.test(incoming) ? incoming : crypto.randomUUID();
}

/** Paths polled by machines (container health checks, Prometheus): counted in /metrics, not written to the access log. */
const QUIET_PATHS = new Set(['/healthz', '/metrics']);

function pathOf(url: string | undefined): string {
  if (!url) return '/';
  const q = url.indexOf('?');
  return q >= 0 ? url.slice(0, q) : url;
}

/**
 * Request ids and the access log: every response carries X-Request-Id, and
 * one line per request records method, URL, status and time, with req.log (a
 * child logger bound to the id) for the routes. Only those few fields are
 * serialised: no headers, no bodies. At level silent the access logger is not
 * even installed; the id is still made and echoed.
 */
export function httpLogger(log: Logger = logger): RequestHandler {
  if (log.level === 'silent') {
    return (req, res, next) => {
      const id = requestIdOf(req);
      req.id = id;
      req.log = log;
      res.setHeader('X-Request-Id', id);
      next();
    };
  }
  const middleware = pinoHttp({
    logger: log,
    quietReqLogger: true,
    wrapSerializers: false,
    serializers: {
      req: (req: IncomingMessage) => ({ method: req.method, url: req.url }),
      res: (res: ServerResponse) => ({ statusCode: res.statusCode }),
      err: pino.stdSerializers.err,
    },
    genReqId: (req, res) => {
      const id = requestIdOf(req);
      res.setHeader('X-Request-Id', id);
      return id;
    },
    autoLogging: { ignore: (req) => QUIET_PATHS.has(pathOf(req.url)) },
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : 'info'),
  });
  return (req, res, next) => middleware(req, res, next);
}
