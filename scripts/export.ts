// Static export: npm run export -- DIR [--force] [--link-media] [--concurrency N]
// Bulk data:     npm run export -- --jsonl FILE|- [--force]
// The libraries are src/export/site.ts (docs/deploy.md) and src/export/jsonl.ts (docs/api.md).
import fs from 'node:fs';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import { runCli, UsageError } from '../src/cli';
import { loadConfig } from '../src/config';
import { openReadOnlyDatabase } from '../src/db/connection';
import { exportArticlesJsonl } from '../src/export/jsonl';
import { exportSite } from '../src/export/site';
import { logger } from '../src/log';

const USAGE = 'npm run export -- DIR [--force] [--link-media] [--concurrency N]  |  npm run export -- --jsonl FILE|- [--force]';

function parseArgs(argv: string[]) {
  const out = { dir: '', jsonl: '', force: false, linkMedia: false, concurrency: 8 };
  for (let i = 0; i < argv.length; i += 1) {
    const a = argv[i];
    if (a === '--force') out.force = true;
    else if (a === '--jsonl') {
      const file = argv[++i];
      if (!file || (file.startsWith('--') && file !== '-')) throw new UsageError('--jsonl needs a file name, or - for standard output');
      out.jsonl = file;
    }
    else if (a === '--link-media') out.linkMedia = true;
    else if (a === '--concurrency') {
      const n = Number(argv[++i]);
      if (!Number.isInteger(n) || n < 1 || n > 64) throw new UsageError('--concurrency must be an integer 1-64');
      out.concurrency = n;
    } else if (a.startsWith('--')) throw new UsageError(`unknown option ${a}`);
    else if (out.dir) throw new UsageError('only one output folder');
    else out.dir = a;
  }
  if (out.jsonl && out.dir) throw new UsageError('--jsonl writes one file: give no output folder with it');
  if (out.jsonl && (out.linkMedia || argv.includes('--concurrency'))) throw new UsageError('--link-media and --concurrency are for the static export, not --jsonl');
  if (!out.dir && !out.jsonl) throw new UsageError('no output folder given');
  return out;
}

/** Every published article as one JSON line, to a file or standard output. */
async function exportJsonl(file: string, force: boolean): Promise<void> {
  const toStdout = file === '-';
  const target = toStdout ? '' : path.resolve(file);
  if (!toStdout && fs.existsSync(target) && !force) {
    throw new UsageError(`${target} exists: choose a new file name or pass --force to write over it`);
  }
  const config = loadConfig();
  if (!process.env.BASE_URL) process.stderr.write(`note: BASE_URL is not set; article URLs will name ${config.baseUrl}\n`);
  const db = openReadOnlyDatabase(config.databasePath);
  const started = process.hrtime.bigint();
  // A file is written beside its name and renamed at the end, so a mirror never reads half an export.
  const partial = `${target}.partial-${process.pid}`;
  const out = toStdout ? process.stdout : fs.createWriteStream(partial);
  try {
    const { articles, bytes } = await exportArticlesJsonl({ db, config, out });
    if (!toStdout) {
      out.end();
      await finished(out);
      fs.renameSync(partial, target);
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    process.stderr.write(`exported ${articles} articles (${(bytes / 1024 / 1024).toFixed(1)} MiB) to ${toStdout ? 'standard output' : target} in ${seconds.toFixed(1)} s\n`);
  } catch (err) {
    if (!toStdout) fs.rmSync(partial, { force: true });
    throw err;
  } finally {
    db.close();
  }
}

runCli(async () => {
  const args = parseArgs(process.argv.slice(2));
  if (args.jsonl) {
    await exportJsonl(args.jsonl, args.force);
    return;
  }
  const outDir = path.resolve(args.dir);
  if (fs.existsSync(outDir) && fs.readdirSync(outDir).length > 0 && !args.force) {
    throw new UsageError(`${outDir} is not empty: choose an empty folder or pass --force to write over it (files of pages that no longer exist are not removed)`);
  }
  // One access-log line per exported URL is noise here; LOG_LEVEL=info brings them back.
  if (!process.env.LOG_LEVEL) logger.level = 'warn';
  const config = loadConfig();
  if (!process.env.BASE_URL) process.stderr.write(`note: BASE_URL is not set; canonical links and sitemaps will name ${config.baseUrl}\n`);
  const db = openReadOnlyDatabase(config.databasePath);
  try {
    const summary = await exportSite({
      db, config, outDir, concurrency: args.concurrency, linkMedia: args.linkMedia,
      log: (line) => process.stderr.write(`${line}\n`),
    });
    const kinds = Object.entries(summary.byKind).map(([k, n]) => `${n} ${k}`).join(', ');
    console.log(`exported ${summary.files} files (${(summary.bytes / 1024 / 1024).toFixed(1)} MiB) to ${outDir} in ${summary.seconds.toFixed(1)} s: ${kinds}`);
    if (summary.redirects.length) console.log(`redirect pages (meta refresh): ${summary.redirects.join(', ')}`);
    if (summary.skipped.length) console.log(`not served by this build, skipped: ${summary.skipped.join(', ')}`);
    if (summary.failed.length) {
      for (const f of summary.failed.slice(0, 20)) process.stderr.write(`failed ${f.path}: ${f.reason}\n`);
      process.stderr.write(`error: ${summary.failed.length} URLs could not be exported\n`);
      process.exitCode = 1;
    }
  } finally {
    db.close();
  }
}, USAGE);
