import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { openWritableDatabase } from '../src/db/connection';
import { upgradeDatabase } from '../src/db/upgrade';
import { PROJECT_ROOT } from '../src/paths';
import { freePort } from '../src/ports';
import { tempDir } from './helpers/fixtures';

/**
 * `npm start` as a process manager runs it: the README's command, in a copy of
 * the project (so its build writes a dist/ of its own, not the one other suites
 * run), on a free loopback port with a prepared database. SIGTERM goes to the
 * npm process, the only one a process manager knows about.
 */

const START_TIMEOUT_MS = 150_000;
const STOP_TIMEOUT_MS = 20_000;

let npm: ChildProcess | undefined;
let serverPid: number | undefined;

afterAll(() => {
  // Only what this test started, by PID, if a failed assertion left it running.
  for (const pid of [serverPid, npm?.pid]) {
    if (pid !== undefined && isAlive(pid)) process.kill(pid, 'SIGKILL');
  }
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/** Sources are copied (the build reads them); what the build does not touch is linked. */
function projectCopy(): string {
  const root = tempDir('epaper-npm-start-');
  for (const entry of ['src', 'scripts', 'package.json', 'tsconfig.json']) {
    fs.cpSync(path.join(PROJECT_ROOT, entry), path.join(root, entry), { recursive: true });
  }
  for (const entry of ['node_modules', 'views', 'static', 'migrations']) {
    fs.symlinkSync(fs.realpathSync(path.join(PROJECT_ROOT, entry)), path.join(root, entry));
  }
  return root;
}

function parentPid(pid: number): number {
  // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may hold spaces, so split after its ")".
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

function portAccepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

/** Resolves with the first JSON log line for which `match` holds; rejects when the process exits or time runs out. */
function waitForLogLine(proc: ChildProcess, output: () => string, match: (line: Record<string, unknown>) => boolean, timeoutMs: number): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const check = (): boolean => {
      // Complete lines only: a chunk may end inside a log line.
      for (const text of output().split('\n').slice(0, -1)) {
        if (!text.startsWith('{')) continue;
        const line = JSON.parse(text) as Record<string, unknown>;
        if (match(line)) {
          finish();
          resolve(line);
          return true;
        }
      }
      return false;
    };
    const onData = (): void => void check();
    const onExit = (code: number | null): void => {
      if (check()) return;
      finish();
      reject(new Error(`npm start exited (${code}) before the expected log line:\n${output()}`));
    };
    const timer = setTimeout(() => {
      finish();
      reject(new Error(`no expected log line within ${timeoutMs} ms:\n${output()}`));
    }, timeoutMs);
    const finish = (): void => {
      clearTimeout(timer);
      proc.stdout!.off('data', onData);
      proc.stderr!.off('data', onData);
      proc.off('exit', onExit);
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', onData);
    proc.on('exit', onExit);
    check();
  });
}

test(
  'npm start builds, runs the server as npm\'s own child, and a SIGTERM sent to npm shuts the server down cleanly with nothing left behind',
  async () => {
    const root = projectCopy();
    const databasePath = path.join(root, 'data', 'epaper.db');
    fs.mkdirSync(path.dirname(databasePath));
    const db = openWritableDatabase(databasePath);
    upgradeDatabase(db);
    db.close();
    const port = await freePort();

    let output = '';
    npm = spawn('npm', ['start'], {
      cwd: root,
      env: { ...process.env, NODE_ENV: 'production', LOG_LEVEL: 'info', HOST: '127.0.0.1', PORT: String(port), DATABASE_PATH: databasePath, MEDIA_DIR: path.join(root, 'data', 'media'), DEMO_ON_EMPTY: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    npm.stdout!.on('data', (c: Buffer) => (output += c.toString()));
    npm.stderr!.on('data', (c: Buffer) => (output += c.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => npm!.on('exit', (code, signal) => resolve({ code, signal })));

    const listening = await waitForLogLine(npm, () => output, (l) => l.msg === 'epaper listening', START_TIMEOUT_MS);
    serverPid = listening.pid as number;
    expect(listening.url).toBe(`http://127.0.0.1:${port}`);
    expect(fs.existsSync(path.join(root, 'dist', 'src', 'server.js'))).toBe(true);
    // No shell between npm and the server: a signal npm passes on reaches the server itself.
    expect(parentPid(serverPid)).toBe(npm.pid);
    const robots = await fetch(`http://127.0.0.1:${port}/robots.txt`);
    expect(robots.status).toBe(200);
    expect(await robots.text()).toMatch(/Sitemap:/);

    npm.kill('SIGTERM');
    const stopping = await waitForLogLine(npm, () => output, (l) => l.msg === 'shutting down', STOP_TIMEOUT_MS);
    expect(stopping).toMatchObject({ pid: serverPid, signal: 'SIGTERM' });
    let timer: NodeJS.Timeout | undefined;
    const result = await Promise.race([exited, new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), STOP_TIMEOUT_MS)))]);
    clearTimeout(timer);
    expect(result).toEqual({ code: 0, signal: null });
    expect(isAlive(serverPid)).toBe(false);
    expect(await portAccepts(port)).toBe(false);
  },
  START_TIMEOUT_MS + 3 * STOP_TIMEOUT_MS,
);
