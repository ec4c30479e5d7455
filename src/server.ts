import type { Server } from 'node:http';
import { loadConfig, type Config } from './config';
import { openReadOnlyDatabase, openWritableDatabase } from './db/connection';
import { migrate } from './db/migrate';
import { createApp } from './web/app';
import { runCli } from './cli';
import { logger } from './log';

/** Applies pending migrations and, on an empty database, builds the demo newspaper (a fresh clone shows a real e-paper). */
async function prepareDatabase(config: Config): Promise<void> {
  const db = openWritableDatabase(config.databasePath);
  try {
    migrate(db);
    const { n } = db.prepare('SELECT count(*) AS n FROM publication').get() as { n: number };
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

export async function startServer(config: Config = loadConfig()): Promise<Server> {
  await prepareDatabase(config);
  const db = openReadOnlyDatabase(config.databasePath);
  const { app } = createApp({ db, config });
  const server = app.listen(config.port, config.host);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  server.keepAliveTimeout = 65_000;
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  logger.info({ url: `http://${config.host}:${port}`, database: config.databasePath, mediaDir: config.mediaDir }, 'epaper listening');

  // Graceful stop: refuse new connections, let in-flight requests finish, then close the database.
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    server.close(() => {
      db.close();
      process.exit(0);
    });
    server.closeIdleConnections();
    setTimeout(() => process.exit(0), 9_000).unref();
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
