// The benchmark corpus: generated issue folders imported into bench/corpus/<key>/epaper.db,
// built once per (size, seed) and reused; corpus.json records how it was built.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { SEARCH_TABLES } from '../search/indexer';
import { peakRssOf } from './proc';

export interface CorpusInfo {
  key: string;
  dir: string;
  databasePath: string;
  mediaDir: string;
  articles: number;
  seed: number;
  issues: number;
  publications: number;
  /** True when this run built it; false when reused from an earlier run. */
  built: boolean;
  generate: { seconds: number; peakRssBytes: number | null } | null;
  import: { seconds: number; articlesPerSecond: number; peakRssBytes: number | null; output: string } | null;
  sizes: { databaseBytes: number; ftsBytes: number | null; articleTableBytes: number | null; mediaBytes: number };
  createdAt: string;
}

const META = 'corpus.json';
// Bumped when a corpus built before would measure something else: 2 = built
// with the search tables of migrations 003/004 and the worker-thread importer
// (its recorded import rate and sizes describe those); 3 = imported with
// `--no-renditions`: page renditions and tiles (migration 007) made the import
// ~14x slower and play no part in the pages the bench requests, which show the
// page's master image without them.
const FORMAT = 3;

function corpusKey(articles: number, seed: number): string {
  return seed === 1 ? String(articles) : `${articles}-seed${seed}`;
}

export function dirBytes(dir: string): number {
  let total = 0;
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) total += fs.statSync(p).size;
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return total;
}

interface ChildRun {
  seconds: number;
  peakRssBytes: number | null;
  output: string;
}

/** Runs a node script, streaming its output through `log`, sampling its peak RSS. */
export function runNode(script: string, args: string[], env: NodeJS.ProcessEnv, log: (line: string) => void): Promise<ChildRun> {
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let peak: number | null = null;
    const sample = setInterval(() => {
      const hwm = peakRssOf(child.pid);
      if (hwm !== null) peak = Math.max(peak ?? 0, hwm);
    }, 250);
    const onData = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      output += text;
      if (output.length > 100_000) output = output.slice(-50_000);
      for (const line of text.split('\n')) if (line.trim()) log(line);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (err) => {
      clearInterval(sample);
      reject(err);
    });
    child.on('exit', (code) => {
      clearInterval(sample);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (code !== 0) reject(new Error(`${path.basename(script)} exited with ${code}:\n${output.slice(-2000)}`));
      else resolve({ seconds, peakRssBytes: peak, output });
    });
  });
}

/** Bytes of the search index (every FTS5 shadow table) and of the article table, from dbstat (null when SQLite lacks it). */
export function tableSizes(db: Database.Database): { ftsBytes: number | null; articleTableBytes: number | null } {
  try {
    // name = ? lets dbstat walk only that b-tree.
    const bytesOf = db.prepare<[string], number>("SELECT coalesce(sum(pgsize), 0) FROM dbstat('main', 1) WHERE name = ?").pluck();
    const shadow = SEARCH_TABLES.flatMap((t) => ['data', 'idx', 'docsize', 'config'].map((s) => `${t}_${s}`));
    return { ftsBytes: shadow.reduce((n, name) => n + bytesOf.get(name)!, 0), articleTableBytes: bytesOf.get('article')! };
  } catch {
    return { ftsBytes: null, articleTableBytes: null }; // SQLite built without the dbstat virtual table
  }
}

/** Database size, and the FTS index and article table sizes from dbstat when SQLite has it. */
export function measureDatabase(file: string): { databaseBytes: number; ftsBytes: number | null; articleTableBytes: number | null; issues: number; publications: number; articles: number } {
  const db = new Database(file);
  try {
    db.pragma('wal_checkpoint(TRUNCATE)');
    const issues = (db.prepare('SELECT count(*) AS n FROM issue').get() as { n: number }).n;
    const publications = (db.prepare('SELECT count(*) AS n FROM publication').get() as { n: number }).n;
    const articles = (db.prepare('SELECT count(*) AS n FROM article').get() as { n: number }).n;
    return { databaseBytes: fs.statSync(file).size, ...tableSizes(db), issues, publications, articles };
  } finally {
    db.close();
  }
}

export interface CorpusOptions {
  root: string;
  articles: number;
  seed: number;
  distDir: string;
  keepIssueFolders?: boolean;
  log: (line: string) => void;
}

/** Reuses bench/corpus/<key>/ when its corpus.json matches, else generates and imports it afresh. */
export async function ensureCorpus(opts: CorpusOptions): Promise<CorpusInfo> {
  const key = corpusKey(opts.articles, opts.seed);
  const dir = path.resolve(opts.root, key);
  const meta = path.join(dir, META);
  const databasePath = path.join(dir, 'epaper.db');
  const mediaDir = path.join(dir, 'media');
  if (fs.existsSync(meta) && fs.existsSync(databasePath)) {
    const info = JSON.parse(fs.readFileSync(meta, 'utf8')) as CorpusInfo & { format?: number };
    if (info.format === FORMAT && info.articles === opts.articles && info.seed === opts.seed) {
      opts.log(`corpus: reusing ${dir} (${info.articles} articles, built ${info.createdAt})`);
      // Migrations added since it was built (and the search index rebuilds some ask for) run
      // here, not in the first server started on it: that start is timed and bounded.
      const env = { DATABASE_PATH: databasePath, MEDIA_DIR: mediaDir, LOG_LEVEL: 'warn', NODE_ENV: 'production' };
      await runNode(path.join(opts.distDir, 'scripts/migrate.js'), [], env, (line) => opts.log(`  ${line}`));
      return { ...info, dir, databasePath, mediaDir, built: false };
    }
  }

  // Anything else in the folder is a half-built corpus: start over.
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const issuesDir = path.join(dir, 'issues');
  opts.log(`corpus: generating ${opts.articles} articles (seed ${opts.seed}) into ${issuesDir}`);
  let lastProgress = 0;
  const throttled = (line: string) => {
    const now = Date.now();
    if (now - lastProgress > 15_000 || !line.startsWith('corpus:') || line.includes(' in ')) {
      lastProgress = now;
      opts.log(`  ${line}`);
    }
  };
  const gen = await runNode(path.join(opts.distDir, 'scripts/gen.js'), ['--articles', String(opts.articles), '--out', issuesDir, '--seed', String(opts.seed)], {}, throttled);

  opts.log(`corpus: importing into ${databasePath}`);
  const env = { DATABASE_PATH: databasePath, MEDIA_DIR: mediaDir, LOG_LEVEL: 'warn', NODE_ENV: 'production' };
  const imp = await runNode(path.join(opts.distDir, 'scripts/import.js'), ['--quiet', '--no-renditions', issuesDir], env, (line) => opts.log(`  ${line}`));
  const m = /imported (\d+) issues, (\d+) articles in ([\d.]+) s/.exec(imp.output);
  const importedArticles = m ? Number(m[2]) : opts.articles;
  const importSeconds = m ? Number(m[3]) : imp.seconds;

  const db = measureDatabase(databasePath);
  if (db.articles !== opts.articles) throw new Error(`corpus: expected ${opts.articles} articles in the database, found ${db.articles}`);
  if (!opts.keepIssueFolders) fs.rmSync(issuesDir, { recursive: true, force: true });

  const info: CorpusInfo & { format: number } = {
    format: FORMAT,
    key,
    dir,
    databasePath,
    mediaDir,
    articles: opts.articles,
    seed: opts.seed,
    issues: db.issues,
    publications: db.publications,
    built: true,
    generate: { seconds: gen.seconds, peakRssBytes: gen.peakRssBytes },
    import: {
      seconds: importSeconds,
      articlesPerSecond: Math.round(importedArticles / Math.max(importSeconds, 1e-9)),
      peakRssBytes: imp.peakRssBytes,
      output: imp.output.trim().split('\n').slice(-1)[0] ?? '',
    },
    sizes: { databaseBytes: db.databaseBytes, ftsBytes: db.ftsBytes, articleTableBytes: db.articleTableBytes, mediaBytes: dirBytes(mediaDir) },
    createdAt: new Date().toISOString(),
  };
  fs.writeFileSync(meta, `${JSON.stringify(info, null, 2)}\n`);
  return info;
}
