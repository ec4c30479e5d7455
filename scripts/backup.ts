// Online backup of the database: npm run backup -- [--force] [--no-verify] FILE (src/db/backup.ts makes the copy).
import path from 'node:path';
import { runCli, UsageError } from '../src/cli';
import { loadConfig } from '../src/config';
import { backupDatabase } from '../src/db/backup';

const USAGE = 'npm run backup -- [--force] [--no-verify] FILE';

function humanBytes(n: number): string {
  if (n >= 1024 ** 3) return `${(n / 1024 ** 3).toFixed(2)} GiB`;
  if (n >= 1024 ** 2) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} B`;
}

function parseArgs(argv: string[]): { file: string; force: boolean; verify: boolean } {
  const known = new Set(['--force', '--no-verify']);
  const unknown = argv.filter((a) => a.startsWith('--') && !known.has(a));
  if (unknown.length) throw new UsageError(`unknown option ${unknown.join(', ')}`);
  const files = argv.filter((a) => !a.startsWith('--'));
  if (files.length !== 1) throw new UsageError(files.length === 0 ? 'no backup file given' : `one backup file expected, got ${files.length}`);
  // `npm run` starts scripts in the package folder; a relative FILE means the caller's folder.
  return { file: path.resolve(process.env.INIT_CWD ?? process.cwd(), files[0]), force: argv.includes('--force'), verify: !argv.includes('--no-verify') };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const config = loadConfig();
  const r = await backupDatabase(config.databasePath, args.file, args);
  console.log(
    `backup of ${config.databasePath} written to ${r.file}: ${humanBytes(r.bytes)} (${r.pages} pages) in ${(r.ms / 1000).toFixed(2)} s` +
      (r.restarts ? `, restarted ${r.restarts}× by concurrent writes` : ''),
  );
}

if (require.main === module) runCli(main, USAGE);
