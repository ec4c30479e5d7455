import net from 'node:net';

/**
 * A port the kernel just handed out on 127.0.0.1. It is closed again before
 * the caller binds it, so a race is possible but unlikely; servers started by
 * scripts and tests on such a port fail loudly if it was taken meanwhile.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => (port ? resolve(port) : reject(new Error('no free port on 127.0.0.1'))));
    });
  });
}
