// Fixed, seeded URL sets per request class, read from the corpus database.
import Database from 'better-sqlite3';
import { createRng, type Rng } from '../demo/random';
import { urls } from '../web/urls';

export type ClassName = 'article' | 'latest' | 'issue' | 'archive' | 'search' | 'mixed';
export const CLASS_NAMES: readonly ClassName[] = ['article', 'latest', 'issue', 'archive', 'search', 'mixed'];

export const CLASS_LABELS: Record<ClassName, string> = {
  article: 'random archived articles',
  latest: 'latest issue pages',
  issue: 'issue views',
  archive: 'archive months',
  search: 'search queries',
  mixed: 'mixed',
};

/**
 * Search terms: 2–4 character words that occur in the generated text (the
 * phrase banks of src/demo/text.ts), common (社区) to rare (时间银行).
 */
export const SEARCH_TERMS: readonly string[] = [
  '加装电梯', '养老', '长者食堂', '城市更新', '地铁', '垃圾分类', '社区', '学位', '口袋公园', '老旧小区',
  '科创园', '非遗', '全民健身', '营商环境', '家庭医生', '志愿者', '适老化', '时间银行', '云溪', '望湖',
  '课后服务', '新能源', '停车位', '公交', '图书馆', '机器人', '人工智能', '马拉松', '疫苗', '湿地公园',
];

/** Share of each class in the mixed set: mostly archived articles, as a crawler and readers from search engines would ask. */
const MIX: readonly [Exclude<ClassName, 'mixed'>, number][] = [
  ['article', 0.55],
  ['latest', 0.15],
  ['issue', 0.12],
  ['archive', 0.06],
  ['search', 0.12],
];

export interface UrlSetSizes {
  article: number;
  issue: number;
  mixed: number;
}

export const DEFAULT_SET_SIZES: UrlSetSizes = { article: 1000, issue: 300, mixed: 2000 };

interface ArticleRef {
  slug: string;
  date: string;
  page_number: number;
  position: number;
}

function sampleIds(rng: Rng, lo: number, hi: number, n: number): number[] {
  const ids = new Set<number>();
  const span = hi - lo + 1;
  while (ids.size < Math.min(n, span)) ids.add(rng.int(lo, hi));
  return [...ids];
}

/** Every class's URL list, shuffled with the seed; the same corpus and seed give the same lists. */
export function buildUrlSets(databasePath: string, seed: number, sizes: UrlSetSizes = DEFAULT_SET_SIZES): Record<ClassName, string[]> {
  const db = new Database(databasePath, { readonly: true, fileMustExist: true });
  const rng = createRng(seed ^ 0x5eed);
  try {
    const now = Date.now();
    const pubs = db.prepare('SELECT id, slug FROM publication ORDER BY id').all() as { id: number; slug: string }[];

    const articleRange = db.prepare('SELECT min(a.id) AS lo, max(a.id) AS hi FROM article a JOIN issue i ON i.id = a.issue_id WHERE i.publish_at <= ?').get(now) as { lo: number; hi: number };
    const articleById = db.prepare(`
      SELECT p.slug, i.date, a.page_number, a.position FROM article a
      JOIN issue i ON i.id = a.issue_id JOIN publication p ON p.id = i.publication_id
      WHERE a.id = ? AND i.publish_at <= ?`);
    const article: string[] = [];
    for (const id of sampleIds(rng, articleRange.lo, articleRange.hi, sizes.article)) {
      const a = articleById.get(id, now) as ArticleRef | undefined;
      if (a) article.push(urls.article(a.slug, a.date, a.page_number, a.position));
    }

    // The latest issue of every paper: its pages, its title list and its articles' first page.
    const latest: string[] = [];
    for (const p of pubs) {
      const issue = db.prepare('SELECT id, date FROM issue WHERE publication_id = ? AND publish_at <= ? ORDER BY date DESC LIMIT 1').get(p.id, now) as { id: number; date: string } | undefined;
      if (!issue) continue;
      for (const { number } of db.prepare('SELECT number FROM page WHERE issue_id = ? ORDER BY number').all(issue.id) as { number: number }[]) {
        latest.push(urls.page(p.slug, issue.date, number));
      }
    }

    const issueRange = db.prepare('SELECT min(id) AS lo, max(id) AS hi FROM issue WHERE publish_at <= ?').get(now) as { lo: number; hi: number };
    const issueById = db.prepare('SELECT p.slug, i.date FROM issue i JOIN publication p ON p.id = i.publication_id WHERE i.id = ? AND i.publish_at <= ?');
    const issue: string[] = [];
    for (const id of sampleIds(rng, issueRange.lo, issueRange.hi, sizes.issue)) {
      const row = issueById.get(id, now) as { slug: string; date: string } | undefined;
      if (row) issue.push(urls.issue(row.slug, row.date));
    }

    const archive = (db.prepare(`
      SELECT DISTINCT p.slug, substr(i.date, 1, 7) AS month FROM issue i JOIN publication p ON p.id = i.publication_id
      WHERE i.publish_at <= ? ORDER BY p.slug, month`).all(now) as { slug: string; month: string }[])
      .map((r) => urls.archiveMonth(r.slug, Number(r.month.slice(0, 4)), Number(r.month.slice(5, 7))));

    const search = SEARCH_TERMS.flatMap((q) => [urls.search({ q }), urls.search({ q, sort: 'date' })]);

    const sets: Record<Exclude<ClassName, 'mixed'>, string[]> = {
      article: rng.shuffle(article),
      latest: rng.shuffle(latest),
      issue: rng.shuffle(issue),
      archive: rng.shuffle(archive),
      search: rng.shuffle(search),
    };
    const mixed: string[] = [];
    for (const [name, share] of MIX) {
      const from = sets[name];
      const n = Math.round(sizes.mixed * share);
      for (let i = 0; i < n && from.length > 0; i += 1) mixed.push(from[i % from.length]!);
    }
    return { ...sets, mixed: rng.shuffle(mixed) };
  } finally {
    db.close();
  }
}

/** The largest month of the corpus by sitemap entries (issues + pages + articles), for the sitemap timing. */
export function largestMonth(databasePath: string): { slug: string; month: string; urls: number } | null {
  const db = new Database(databasePath, { readonly: true, fileMustExist: true });
  try {
    const row = db.prepare(`
      SELECT p.slug, substr(i.date, 1, 7) AS month, sum(1 + i.page_count + i.article_count) AS urls
      FROM issue i JOIN publication p ON p.id = i.publication_id
      WHERE i.publish_at <= ? GROUP BY p.id, month ORDER BY urls DESC LIMIT 1`).get(Date.now()) as { slug: string; month: string; urls: number } | undefined;
    return row ?? null;
  } finally {
    db.close();
  }
}
