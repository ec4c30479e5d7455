import type { Server } from 'node:http';
import net from 'node:net';
import { loadConfig, type Config } from './config';
import { openReadOnlyDatabase, openWritableDatabase } from './db/connection';
import { upgradeDatabase } from './db/upgrade';
import { createApp } from './web/app';
import { createHttpServer } from './web/http-server';
import { runCli } from './cli';
import { describeListenFault } from './faults';
import { logger } from './log';

/**
 * Applies pending migrations and, on an empty database, builds the demo
 * newspaper (a fresh clone shows a real e-paper). With DEMO_ON_EMPTY=0 a
 * missing database file is an error, not a new empty site.
 */
export async function prepareDatabase(config: Config): Promise<void> {
  const db = openWritableDatabase(config.databasePath, { create: config.demoOnEmpty });
  try {
    upgradeDatabase(db);
    const { n } = db.prepare('SELECT count(*) AS n FROM publication').get() as { n: number };
    if (n === 0 && !config.demoOnEmpty) logger.warn({ database: config.databasePath }, 'the database holds no publication yet: the site is empty until issues are imported');
    if (n === 0 && config.demoOnEmpty) {
      const { buildDemo } = await import('./demo/build');
      logger.info('empty database: building the demo newspaper…');
      const summary = await buildDemo(db, config.mediaDir);
      logger.info({ issues: summary.issues, articles: summary.articles }, 'demo newspaper ready');
    }
  } finally {
    db.close();
  }
}

/** After SIGTERM, how long the server keeps accepting before it closes its listener. */
const DRAIN_MS = 1_000;

export async function startServer(config: Config = loadConfig()): Promise<Server> {
  await prepareDatabase(config);
  const db = openReadOnlyDatabase(config.databasePath);
  const { app } = createApp({ db, config });
  let stopping = false;
  // While stopping, every answer closes its connection: keep-alive clients get their
  // current request answered and then reconnect (elsewhere), instead of holding us open.
  const server = createHttpServer((req, res) => {
    if (stopping) res.setHeader('Connection', 'close');
    app(req, res);
  });
  server.listen(config.port, config.host);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
    });
  } catch (err) {
    db.close();
    throw describeListenFault(err, config.host, config.port) ?? err;
  }
  server.keepAliveTimeout = 65_000;
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  logger.info({ url: `http://${config.host}:${port}`, database: config.databasePath, mediaDir: config.mediaDir }, 'epaper listening');

  // Graceful stop: refuse new connections, let in-flight requests finish, then close the database.
  // Not server.close(): since Node 19 it also drops idle keep-alive connections at once, and a
  // request may be on its way on one of them (the client would see a reset). Busy connections
  // close after their answer (above); idle ones are swept once no request can be in transit.
  let signalled = false;
  const stop = (signal: string) => {
    if (signalled) return;
    signalled = true;
    logger.info({ signal }, 'shutting down');
    setTimeout(() => process.exit(0), 9_000).unref();
    // Keep accepting for a moment first: under load a busy event loop accepts late, and a
    // connection still waiting in the kernel's accept queue when the listener closes is reset.
    setTimeout(() => {
      net.Server.prototype.close.call(server, () => {
        db.close();
        process.exit(0);
      });
      stopping = true;
      setInterval(() => server.closeIdleConnections(), 1_000).unref();
    }, DRAIN_MS).unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  return server;
}

if (require.main === module) {
  runCli(async () => {
    await startServer();
  });
}
