import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { PROJECT_ROOT } from '../../src/paths';
import { freePort } from '../../src/ports';

/** The compiled server (`npm run build` first). */
export const SERVER = path.join(PROJECT_ROOT, 'dist/src/server.js');

export interface ServerProcess {
  proc: ChildProcess;
  port: number;
  output: () => string;
  stderr: () => string;
  stop: () => Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Resolves once the server answers anything on `/robots.txt`. */
function probe(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/robots.txt', agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve());
    });
    req.setTimeout(20_000, () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

/**
 * The compiled server as a child process on a free port of 127.0.0.1, in
 * production mode logging at info unless `env` says otherwise; resolves once
 * it answers. `children` collects it so the test file can kill what is left.
 */
export async function startServerProcess(env: Record<string, string>, children: Set<ChildProcess>): Promise<ServerProcess> {
  const port = await freePort();
  const proc = spawn(process.execPath, [SERVER], {
    env: { ...process.env, NODE_ENV: 'production', LOG_LEVEL: 'info', HOST: '127.0.0.1', PORT: String(port), DEMO_ON_EMPTY: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(proc);
  let out = '';
  let err = '';
  proc.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  proc.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (gone) throw new Error(`server exited before listening:\n${out}\n${err}`);
    try {
      await probe(port);
      break;
    } catch {
      if (Date.now() > deadline) {
        proc.kill('SIGKILL');
        throw new Error(`server did not listen within 20 s:\n${out}\n${err}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return {
    proc,
    port,
    output: () => out + err,
    stderr: () => err,
    stop: async () => {
      if (!gone) proc.kill('SIGTERM');
      return exited;
    },
  };
}
