import fs from 'node:fs';
import request from 'supertest';
import { demoApp } from './helpers/app';
import { tempDir } from './helpers/fixtures';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Block } from '../src/domain/blocks';
import { dateOfDayNumber, dayNumber } from '../src/domain/date';
import { migrate } from '../src/db/migrate';
import {
  createSearchIndexer,
  decodeDocKey,
  docKey,
  rebuildSearchIndex,
  type SearchIndexer,
} from '../src/search/indexer';
import { PAGER_NUMBERS, resultPager } from '../src/search/pager';
import { byTierNewestFirst, RELEVANCE_TOLERANCE } from '../src/search/ranking';
import { createSearcher, type SearchParams, type Searcher } from '../src/search/searcher';
import { buildSnippet, findMatches, highlightSegments, type HighlightedText } from '../src/search/snippet';
import {
  MAX_PHRASE_TOKENS,
  MAX_CHAR_TERMS,
  MAX_JOINABLE,
  MAX_QUERY_LENGTH,
  MAX_TERMS,
  highlightPieces,
  isQueryTooLong,
  normalizeForSearch,
  parseSearchQuery,
  indexedText,
  tokenizeForIndex,
} from '../src/search/tokenize';

const NOW = Date.UTC(2026, 10, 20, 4); // 2026-11-20 12:00 in Shanghai

interface FixtureArticle {
  kicker?: string;
  title: string;
  subtitle?: string;
  body: Block[];
}
interface FixtureIssue {
  paper: string;
  date: string;
  publishAt: number;
  pages: Array<{ name: string; articles: FixtureArticle[] }>;
}

const p = (text: string): Block => ({ type: 'paragraph', text });

const ISSUES: FixtureIssue[] = [
  {
    paper: 'jiangcheng-daily',
    date: '2026-11-18',
    publishAt: Date.UTC(2026, 10, 17, 22),
    pages: [
      {
        name: '要闻',
        articles: [
          {
            kicker: '城市交通',
            title: '地铁20号线今日开通运营',
            subtitle: '全长38.5公里，设站21座',
            body: [
              p('记者从市轨道交通集团获悉，地铁20号线一期工程今天上午正式开通运营。首班车6时整从江城北站发出。'),
              { type: 'heading', text: '换乘更便捷' },
              p('20号线与既有的3条线路实现换乘，沿线居民出行时间平均缩短15分钟。'),
              { type: 'image', src: 'ab/abcdef.jpg', caption: '市民在新开通的车站乘车' },
            ],
          },
          {
            title: '新增8140个学位缓解入学难',
            body: [p('今年全市新建改扩建中小学和幼儿园42所，新增8140个学位，缓解了部分片区入学难的问题。')],
          },
        ],
      },
      {
        name: '经济',
        articles: [
          {
            title: 'RCEP生效两周年 外贸企业订单增长',
            body: [
              p('区域全面经济伙伴关系协定（RCEP）生效两周年以来，我市外贸企业享受关税减让超过3亿元。'),
              p('数字经济成为新的增长点，5G基站累计建成1.2万个。'),
            ],
          },
          {
            title: '港口吞吐量创新高',
            body: [
              p('港口集装箱吞吐量同比增长9.6%。业内人士认为，数字化改造功不可没，经济效益显著。'),
              p('Ｆｕｌｌ－ｗｉｄｔｈ text and <b>markup</b> & ampersands stay text.'),
            ],
          },
        ],
      },
    ],
  },
  {
    paper: 'jiangcheng-daily',
    date: '2026-11-19',
    publishAt: Date.UTC(2026, 10, 18, 22),
    pages: [
      {
        name: '要闻',
        articles: [
          {
            title: '珊瑚礁保护区正式设立',
            body: [p('海洋部门宣布设立新的保护区，面积达120平方公里，禁止一切捕捞活动。')],
          },
          {
            title: '海洋科考船返航',
            body: [
              p('科考船完成了为期两个月的考察任务。科考队员在南部海域发现了大片健康的珊瑚礁群落。'),
              p('New energy vehicles were tested on the ship; the energy of the new engine impressed the crew.'),
            ],
          },
        ],
      },
    ],
  },
  {
    paper: 'haibin-evening',
    date: '2026-11-19',
    publishAt: Date.UTC(2026, 10, 19, 10),
    pages: [
      {
        name: '两岸',
        articles: [
          {
            title: '臺灣學者訪問團抵達',
            body: [p('訪問團一行十二人將參觀地鐵和港口，並與本地學者座談。')],
          },
          {
            title: '晚报读者节开幕',
            body: [p('读者节期间将举办新能源汽车展和new energy论坛，地铁沿线设立多个展位。')],
          },
        ],
      },
    ],
  },
  {
    // Embargoed: publish_at after NOW.
    paper: 'jiangcheng-daily',
    date: '2026-11-21',
    publishAt: Date.UTC(2026, 10, 20, 22),
    pages: [
      {
        name: '要闻',
        articles: [
          {
            title: '明日头条禁运测试稿',
            body: [p('这篇稿件在发布时间之前绝不能被检索到，包含独特词语琥珀蜻蜓和地铁20号线。')],
          },
        ],
      },
    ],
  },
];

interface Env {
  dir: string;
  file: string;
  db: Database.Database;
  indexer: SearchIndexer;
  searcher: Searcher;
  /** article id → fixture info */
  articles: Array<{ id: number; issueId: number; paper: string; date: string; embargoed: boolean; a: FixtureArticle }>;
  issueIds: number[];
}

function setup(): Env {
  const dir = tempDir('search-test-');
  const file = path.join(dir, 'test.db');
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  migrate(db);
  const indexer = createSearchIndexer(db);
  const pubIds = new Map<string, number>();
  const insPub = db.prepare('INSERT INTO publication (slug, name) VALUES (?, ?) RETURNING id');
  const insIssue = db.prepare(
    `INSERT INTO issue (publication_id, date, publish_at, modified_at, page_count, article_count)
     VALUES (?, ?, ?, 0, ?, ?) RETURNING id`,
  );
  const insPage = db.prepare(
    'INSERT INTO page (issue_id, number, name, image_path, image_width, image_height) VALUES (?, ?, ?, ?, 800, 1120) RETURNING id',
  );
  const insArticle = db.prepare(
    `INSERT INTO article (issue_id, page_id, page_number, position, seq, kicker, title, subtitle, body_json)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
  );
  const articles: Env['articles'] = [];
  const issueIds: number[] = [];
  db.transaction(() => {
    for (const iss of ISSUES) {
      let pubId = pubIds.get(iss.paper);
      if (pubId === undefined) {
        pubId = (insPub.get(iss.paper, iss.paper === 'haibin-evening' ? '海滨晚报' : '江城日报') as { id: number }).id;
        pubIds.set(iss.paper, pubId);
      }
      const count = iss.pages.reduce((n, pg) => n + pg.articles.length, 0);
      const issueId = (insIssue.get(pubId, iss.date, iss.publishAt, iss.pages.length, count) as { id: number }).id;
      issueIds.push(issueId);
      let seq = 0;
      iss.pages.forEach((pg, pi) => {
        const pageId = (insPage.get(issueId, pi + 1, pg.name, 'ab/page.png') as { id: number }).id;
        pg.articles.forEach((a, ai) => {
          seq++;
          const id = (
            insArticle.get(issueId, pageId, pi + 1, ai + 1, seq, a.kicker ?? null, a.title, a.subtitle ?? null, JSON.stringify(a.body)) as {
              id: number;
            }
          ).id;
          indexer.indexArticle(id, a);
          articles.push({ id, issueId, paper: iss.paper, date: iss.date, embargoed: iss.publishAt > NOW, a });
        });
      });
    }
  })();
  return { dir, file, db, indexer, searcher: createSearcher(db), articles, issueIds };
}

let env: Env;
beforeAll(() => {
  env = setup();
});
afterAll(() => {
  env.db.close();
  fs.rmSync(env.dir, { recursive: true, force: true });
});

/** Adds a one-page issue of haibin-evening, published, its articles in order and indexed; returns the issue id. */
function addOnePageIssue(date: string, pageName: string, articles: Array<{ title: string; body: Block[] }>): number {
  const db = env.db;
  const pub = (db.prepare("SELECT id FROM publication WHERE slug = 'haibin-evening'").get() as { id: number }).id;
  return db.transaction(() => {
    const issueId = (
      db
        .prepare('INSERT INTO issue (publication_id, date, publish_at, modified_at, page_count, article_count) VALUES (?, ?, 0, 0, 1, ?) RETURNING id')
        .get(pub, date, articles.length) as { id: number }
    ).id;
    const pageId = (
      db.prepare("INSERT INTO page (issue_id, number, name, image_path, image_width, image_height) VALUES (?, 1, ?, 'x.png', 1, 1) RETURNING id").get(issueId, pageName) as { id: number }
    ).id;
    const insert = db.prepare('INSERT INTO article (issue_id, page_id, page_number, position, seq, title, body_json) VALUES (?, ?, 1, ?, ?, ?, ?) RETURNING id');
    articles.forEach((a, i) => {
      const { id } = insert.get(issueId, pageId, i + 1, i + 1, a.title, JSON.stringify(a.body)) as { id: number };
      env.indexer.indexArticle(id, a);
    });
    return issueId;
  })();
}

/** Removes an issue added by a test, from the index and the tables. */
function removeTestIssue(issueId: number): void {
  env.db.transaction(() => {
    env.indexer.removeIssue(issueId);
    env.db.prepare('DELETE FROM issue WHERE id = ?').run(issueId);
  })();
}

/** Titles of every article matching the query, in plain bm25 order (the searcher's weights), ties newest first. */
function bm25Titles(q: string): string[] {
  const keys = env.db
    .prepare('SELECT rowid AS k FROM article_fts WHERE article_fts MATCH ? ORDER BY bm25(article_fts, 1.0, 10.0), rowid DESC')
    .pluck()
    .all(parseSearchQuery(q)!.phrases.join(' AND ')) as number[];
  const titleOf = env.db.prepare('SELECT a.title FROM article a JOIN issue i ON i.id = a.issue_id WHERE i.publication_id = ? AND i.date = ? AND a.seq = ?').pluck();
  return keys.map((k) => {
    const d = decodeDocKey(k);
    return titleOf.get(d.publicationId, d.date, d.seq) as string;
  });
}

/** The search page for `q` (and more of the query string), from the app on the test database through a read-only connection, as the server has. */
async function searchPage(q: string, more = ''): Promise<string> {
  const ro = new Database(env.file, { readonly: true, fileMustExist: true });
  try {
    const { app } = demoApp({ db: ro, config: { databasePath: env.file }, now: () => NOW });
    const url = `/search?q=${encodeURIComponent(q)}${more}`;
    const res = await request(app).get(url);
    expect(`${res.status} ${url}`).toBe(`200 ${url}`);
    return res.text;
  } finally {
    ro.close();
  }
}

function search(q: string, extra: Partial<SearchParams> = {}) {
  return env.searcher.search({ q, page: 1, sort: 'relevance', now: NOW, ...extra });
}
function titlesFor(q: string, extra: Partial<SearchParams> = {}): string[] {
  return (search(q, extra)?.results ?? []).map((r) => r.title);
}
const visible = () => env.articles.filter((x) => !x.embargoed);

/** The highlighted stretches of a text, in order. */
const hits = (h: HighlightedText): string[] => h.highlights.map((r) => h.text.slice(r.start, r.end));
/** The text with its highlights in ⟦…⟧, to compare a whole string at once. */
const bracketed = (h: HighlightedText): string => highlightSegments(h).map((x) => (x.hit ? `⟦${x.text}⟧` : x.text)).join('');
/** Ranges inside the text, non-empty, in order, disjoint and not touching (touching ones are merged). */
function expectValidHighlights(h: HighlightedText): void {
  let at = -1;
  for (const r of h.highlights) {
    expect(r.start).toBeGreaterThan(at);
    expect(r.end).toBeGreaterThan(r.start);
    expect(r.end).toBeLessThanOrEqual(h.text.length);
    at = r.end;
  }
}

function texts(a: FixtureArticle): string[] {
  const out = [a.kicker, a.title, a.subtitle].filter((s): s is string => !!s);
  for (const b of a.body) out.push(b.type === 'image' ? (b.caption ?? '') : b.text);
  return out;
}

const isWordChar = (c: string | undefined) => c !== undefined && /[\p{L}\p{N}]/u.test(c) && !/\p{Script=Han}/u.test(c);

describe('tokenize', () => {
  test('CJK bigrams, whole Latin/digit words, NFKC and lower case', () => {
    expect(tokenizeForIndex('地铁20号线开通')).toBe('地铁 铁 20 20号 号线 线开 开通 通');
    expect(tokenizeForIndex('ＲＣＥＰ协定，5G！')).toBe('rcep rcep协 协定 定 5g');
    expect(tokenizeForIndex('')).toBe('');
    expect(tokenizeForIndex('“”……——')).toBe('');
    expect(normalizeForSearch('ＡＢＣ１２３')).toBe('abc123');
  });

  test('index text: bigram tokens and word+character pairs for phrases, distinct characters without positions', () => {
    expect(indexedText('地铁20号线开通', 'RCEP协定，5G！20 号')).toEqual({
      title: '地铁 铁 20 20号 号线 线开 开通 通',
      body: 'rcep rcep协 协定 定 5g 20 20号 号',
      chars: '地 铁 号 线 开 通 协 定',
    });
    expect(indexedText('', '')).toEqual({ title: '', body: '', chars: '' });
  });

  test('query terms become quoted phrases ANDed together', () => {
    expect(parseSearchQuery('20号线')).toEqual({ terms: ['20号线'], phrases: ['"20号" + "号线"'], chars: [], title: '"20号" + "号线"' });
    expect(parseSearchQuery('地铁20号')!.phrases).toEqual(['"地铁" + "铁" + "20" + "20号"']);
    // One character: the character table, and a prefix token for the title table.
    expect(parseSearchQuery('经')).toEqual({ terms: ['经'], phrases: [], chars: ['"经"'], title: '"经"*' });
    expect(parseSearchQuery('中国 经济')).toMatchObject({ phrases: ['"中国"', '"经济"'], chars: [], title: '"中国" AND "经济"' });
    // A separator between CJK characters inside a phrase: the text may have one or not.
    const joinable = '(("中国" + "国" + "经济") OR ("中国" + "国经" + "经济"))';
    expect(parseSearchQuery('"中国 经济"')).toMatchObject({ phrases: [joinable], chars: [] });
    expect(parseSearchQuery('“中国 经济”')!.phrases).toEqual([joinable]);
    // A term ending in one CJK character after a word: the word+character token.
    expect(parseSearchQuery('5g网')).toMatchObject({ phrases: ['"5g网"'], chars: [], title: '"5g网"' });
    // ... after a separator: the character anywhere in the article (approximate), a prefix token in titles.
    expect(parseSearchQuery('中国·经')).toMatchObject({ chars: ['"经"'], title: '(("中国" + "国" + "经"*) OR ("中国" + "国经" + "经"*))' });
    expect(parseSearchQuery('号线5G')).toMatchObject({ phrases: ['"号线" + "线" + "5g"'], chars: [] });
    expect(parseSearchQuery('RCEP rcep ＲＣＥＰ')).toEqual({ terms: ['rcep'], phrases: ['"rcep"'], chars: [], title: '"rcep"' });
    expect(parseSearchQuery('')).toBeNull();
    expect(parseSearchQuery(' \t\n')).toBeNull();
    expect(parseSearchQuery('*:()^-+')).toBeNull();
  });

  test('query length is bounded in characters after trimming', () => {
    const max = '字'.repeat(MAX_QUERY_LENGTH);
    expect(parseSearchQuery(`  ${max}  `)).not.toBeNull();
    expect(isQueryTooLong(`  ${max}  `)).toBe(false);
    expect(parseSearchQuery(max + '字')).toBeNull();
    expect(isQueryTooLong(max + '字')).toBe(true);
    // An emoji is one character, not two UTF-16 units.
    expect(isQueryTooLong('😀'.repeat(MAX_QUERY_LENGTH))).toBe(false);
  });

  test('work bounds: at most MAX_TERMS terms and MAX_PHRASE_TOKENS tokens a phrase', () => {
    expect(parseSearchQuery('中国 经济 发展 社会 文化 科技 教育 卫生')!.terms).toHaveLength(MAX_TERMS);
    expect(parseSearchQuery(Array.from({ length: 20 }, (_, i) => `w${i}`).join(' '))!.terms).toHaveLength(MAX_TERMS);
    // Character conditions have doclists as long as the archive: at most MAX_CHAR_TERMS.
    expect(MAX_CHAR_TERMS).toBe(2);
    expect(parseSearchQuery('的 是 在 了 和')).toMatchObject({ terms: ['的', '是'], phrases: [], chars: ['"的"', '"是"'] });
    expect(parseSearchQuery('经 "中国 经济" 学 中·国')).toMatchObject({ terms: ['经', '中国 经济', '学'], chars: ['"经"', '"学"'] });
    // Separated CJK runs are matched joined or not for the first MAX_JOINABLE separators only (2^n variants).
    expect(MAX_JOINABLE).toBe(2);
    const spaced = parseSearchQuery('"的 是 在 了 和"')!;
    expect(spaced.phrases[0]!.split(' OR ')).toHaveLength(4);
    expect(spaced.chars).toEqual(['"和"']);
    const long = '一二三四五六七八九十'.repeat(10);
    expect(parseSearchQuery(long)!.phrases[0]!.split(' + ')).toHaveLength(MAX_PHRASE_TOKENS);
  });

  test('document keys round-trip and sort by date, paper, reading order', () => {
    for (const d of ['0000-01-01', '0000-03-01', '1899-12-31', '1970-01-01', '2000-02-29', '2026-11-20', '9999-12-31']) {
      expect(dateOfDayNumber(dayNumber(d)!)).toBe(d);
    }
    expect(dayNumber('2026-02-29')).toBeNull();
    expect(dayNumber('2026-13-01')).toBeNull();
    expect(dayNumber('x')).toBeNull();
    expect(dayNumber('2026-11-21')! - dayNumber('2026-11-20')!).toBe(1);
    const k = docKey('2026-11-20', 7, 35);
    expect(decodeDocKey(k)).toEqual({ publicationId: 7, date: '2026-11-20', seq: 35 });
    expect(Number.isSafeInteger(docKey('9999-12-31', 65535, 1))).toBe(true);
    expect(docKey('2026-11-21', 1, 1)).toBeGreaterThan(docKey('2026-11-20', 2, 1));
    expect(docKey('2026-11-20', 2, 1)).toBeGreaterThan(docKey('2026-11-20', 1, 1));
    expect(() => docKey('2026-11-20', 1, 0)).toThrow();
    expect(() => docKey('2026-11-20', 70000, 1)).toThrow();
  });
});

describe('search', () => {
  test('every 1- to 4-character substring of titles and bodies finds its article', () => {
    let checked = 0;
    for (const art of visible()) {
      for (const text of texts(art.a)) {
        const chars = [...text];
        for (let len = 1; len <= 4; len++) {
          for (let i = 0; i + len <= chars.length; i++) {
            // Latin words and numbers are matched whole (like any search
            // engine); a CJK substring may start or end anywhere.
            if (isWordChar(chars[i]) && isWordChar(chars[i - 1])) continue;
            if (isWordChar(chars[i + len - 1]) && isWordChar(chars[i + len])) continue;
            const q = chars.slice(i, i + len).join('');
            if (!/[\p{L}\p{N}]/u.test(q) || /["“”「」『』]/u.test(q)) continue;
            // Narrowed to the article's own issue so that it is on page 1.
            const res = search(q, { paper: art.paper, from: art.date, to: art.date, sort: 'date' });
            const found = res?.results.some((r) => r.articleId === art.id) ?? false;
            if (!found) throw new Error(`query ${JSON.stringify(q)} did not find article ${art.a.title}`);
            checked++;
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(1500);
  });

  test('mixed scripts, full-width forms and Latin case', () => {
    expect(titlesFor('20号线')).toContain('地铁20号线今日开通运营');
    expect(titlesFor('地铁20号线')).toContain('地铁20号线今日开通运营');
    expect(titlesFor('２０号线')).toContain('地铁20号线今日开通运营');
    expect(titlesFor('8140个学位')).toEqual(['新增8140个学位缓解入学难']);
    expect(titlesFor('RCEP')).toEqual(['RCEP生效两周年 外贸企业订单增长']);
    expect(titlesFor('rcep')).toEqual(['RCEP生效两周年 外贸企业订单增长']);
    expect(titlesFor('ＲＣＥＰ')).toEqual(['RCEP生效两周年 外贸企业订单增长']);
    expect(titlesFor('5G')).toEqual(['RCEP生效两周年 外贸企业订单增长']);
    expect(titlesFor('５ｇ基站')).toEqual(['RCEP生效两周年 外贸企业订单增长']);
    expect(titlesFor('full-width')).toEqual(['港口吞吐量创新高']);
    expect(titlesFor('FULL WIDTH')).toEqual(['港口吞吐量创新高']);
    expect(titlesFor('38.5公里')).toEqual(['地铁20号线今日开通运营']);
    // Whole numbers: 20 does not find 2026 or 120.
    expect(titlesFor('20')).toEqual(['地铁20号线今日开通运营']);
    // Traditional and simplified as written.
    expect(titlesFor('臺灣')).toEqual(['臺灣學者訪問團抵達']);
    expect(titlesFor('台湾')).toEqual([]);
    expect(titlesFor('地鐵')).toEqual(['臺灣學者訪問團抵達']);
  });

  test('a long passage pasted as the query finds its article', () => {
    const text = '区域全面经济伙伴关系协定（RCEP）生效两周年以来，我市外贸企业享受关税减让超过3亿元。';
    expect(titlesFor(text)).toEqual(['RCEP生效两周年 外贸企业订单增长']);
    expect(titlesFor(`"${text}"`)).toEqual(['RCEP生效两周年 外贸企业订单增长']);
    expect(titlesFor(text.replace('区域', '全域'))).toEqual([]);
  });

  test('quoted phrase versus unquoted terms', () => {
    // Both articles hold 数字 and 经济; only one has them adjacent.
    const and = titlesFor('数字 经济');
    expect(and).toHaveLength(2);
    expect(and).toEqual(expect.arrayContaining(['RCEP生效两周年 外贸企业订单增长', '港口吞吐量创新高']));
    expect(titlesFor('"数字 经济"')).toEqual(['RCEP生效两周年 外贸企业订单增长']);
    expect(titlesFor('“数字经济”')).toEqual(['RCEP生效两周年 外贸企业订单增长']);
    expect(titlesFor('数字经济')).toEqual(['RCEP生效两周年 外贸企业订单增长']);
    // Latin: "new energy" adjacent in two articles, both words in three.
    expect(titlesFor('energy new')).toHaveLength(2);
    expect(titlesFor('"new energy"')).toEqual(expect.arrayContaining(['海洋科考船返航', '晚报读者节开幕']));
    expect(titlesFor('"energy new"')).toEqual([]);
    // An unbalanced quote runs to the end of the query.
    expect(titlesFor('"数字 经济')).toEqual(['RCEP生效两周年 外贸企业订单增长']);
  });

  test('terms are ANDed', () => {
    expect(titlesFor('地铁 港口')).toEqual([]);
    expect(titlesFor('地鐵 港口')).toEqual(['臺灣學者訪問團抵達']);
    expect(titlesFor('地铁 展位')).toEqual(['晚报读者节开幕']);
    expect(titlesFor('地铁 不存在的词')).toEqual([]);
    expect(titlesFor('科考 珊瑚礁')).toEqual(['海洋科考船返航']);
    // A one-character term beside a phrase: the character table as a set of keys.
    expect(titlesFor('科考 礁')).toEqual(['海洋科考船返航']);
    expect(titlesFor('礁 科考')).toEqual(['海洋科考船返航']);
    expect(titlesFor('地铁 礁')).toEqual([]);
  });

  test('paper and date filters', () => {
    expect(titlesFor('地铁', { paper: 'haibin-evening' })).toEqual(['晚报读者节开幕']);
    expect(titlesFor('地铁', { paper: 'jiangcheng-daily' })).toEqual(['地铁20号线今日开通运营']);
    expect(search('地铁', { paper: 'no-such-paper' })).toEqual({ total: 0, page: 1, pageCount: 0, results: [] });
    expect(titlesFor('珊瑚礁', { from: '2026-11-19', to: '2026-11-19' })).toHaveLength(2);
    expect(titlesFor('珊瑚礁', { to: '2026-11-18' })).toEqual([]);
    expect(titlesFor('港口', { from: '2026-11-18', to: '2026-11-18' })).toEqual(['港口吞吐量创新高']);
    expect(titlesFor('港口', { from: '2026-11-19' })).toEqual(['臺灣學者訪問團抵達']);
    expect(titlesFor('港口', { from: '2026-11-20', to: '2026-11-18' })).toEqual([]);
    expect(titlesFor('港口', { paper: 'haibin-evening', from: '2026-11-18', to: '2026-11-19' })).toEqual(['臺灣學者訪問團抵達']);
    // Invalid dates are ignored rather than failing.
    expect(titlesFor('港口', { from: 'yesterday', to: '2026-02-30' })).toHaveLength(2);
    const r = search('港口')!.results.find((x) => x.paperSlug === 'haibin-evening')!;
    expect(r).toMatchObject({ paperName: '海滨晚报', date: '2026-11-19', pageNumber: 1, pageName: '两岸', position: 1 });
  });

  test('embargoed issues are never returned until their publish time', () => {
    for (const q of ['琥珀蜻蜓', '禁运', '明日头条', '"琥珀 蜻蜓"', '琥']) {
      expect(search(q)!.total).toBe(0);
      expect(search(q, { sort: 'date' })!.results).toEqual([]);
      expect(search(q, { paper: 'jiangcheng-daily', from: '2026-11-21', to: '2026-11-21' })!.total).toBe(0);
    }
    // Shared words: the embargoed article is not counted or listed.
    const metro = search('地铁20号线')!;
    expect(metro.total).toBe(1);
    expect(metro.results.map((r) => r.date)).toEqual(['2026-11-18']);
    // Once published it is found.
    const later = search('琥珀蜻蜓', { now: Date.UTC(2026, 10, 21) })!;
    expect(later.results.map((r) => r.title)).toEqual(['明日头条禁运测试稿']);
    expect(search('地铁20号线', { now: Date.UTC(2026, 10, 21) })!.total).toBe(2);
  });

  test('title matches rank above body-only matches; date sort is newest first', () => {
    // 港口 is in the title of one 11-18 article, in the bodies of two others.
    const rel = search('港口')!.results.map((r) => r.title);
    expect(rel[0]).toBe('港口吞吐量创新高');
    const coral = search('珊瑚礁')!.results.map((r) => r.title);
    expect(coral).toEqual(['珊瑚礁保护区正式设立', '海洋科考船返航']);
    const byDate = search('港口', { sort: 'date' })!.results.map((r) => r.date);
    expect(byDate).toEqual([...byDate].sort().reverse());
    expect(byDate[0]).toBe('2026-11-19');
  });

  test('broad queries rank title matches first, then newest first; narrow ones by bm25', () => {
    const db = env.db;
    const issueId = addOnePageIssue('2026-09-01', '能源', [
      { title: '潮汐电站并网发电', body: [p('新能源项目今日投运。')] },
      { title: '海堤加固工程启动', body: [p('工程全长十二公里，沿线设置观测点，施工期间部分路段实行交通管制，市民出行请留意公告。潮汐变化也被纳入施工计划，渔民已获通知。')] },
      { title: '渔港观察', body: [p('潮汐潮汐潮汐，渔民看潮汐出海。')] },
    ]);
    // Narrow: bm25, the title match first, then the article saying it five times.
    expect(titlesFor('潮汐')).toEqual(['潮汐电站并网发电', '渔港观察', '海堤加固工程启动']);
    // Broad (more matches than the count cap): title matches first, then reading order.
    const broad = createSearcher(db, { countCap: 1 }).search({ q: '潮汐', page: 1, sort: 'relevance', now: NOW })!;
    expect(broad).toMatchObject({ total: 1, atLeast: true });
    const titleFirst = ['潮汐电站并网发电', '海堤加固工程启动', '渔港观察'];
    expect(broad.results.map((r) => r.title)).toEqual(titleFirst);
    // Two matches, within a cap of 2, but the phrase 潮汐 alone matches 3 and
    // bm25 would walk all of them: the broad order again.
    expect(titlesFor('潮汐 渔民')).toEqual(['渔港观察', '海堤加固工程启动']);
    const and = createSearcher(db, { countCap: 2 }).search({ q: '潮汐 渔民', page: 1, sort: 'relevance', now: NOW })!;
    expect(and.total).toBe(2);
    expect(and.atLeast).toBeUndefined();
    expect(and.results.map((r) => r.title)).toEqual(['海堤加固工程启动', '渔港观察']);
    // One character: title matches first, through the title table's prefix index.
    expect(titlesFor('汐', { from: '2026-09-01', to: '2026-09-01' })).toEqual(['潮汐电站并网发电', '海堤加固工程启动', '渔港观察']);
    removeTestIssue(issueId);
    expect(search('潮汐')!.total).toBe(0);
    expect(search('汐')!.total).toBe(0);
  });

  test('relevance: title matches first; equal relevance goes to the newest article', () => {
    const filler = (n: number) => '今年夏季气温偏高，湖区水位略有下降，'.repeat(n);
    const older = addOnePageIssue('2026-07-01', '环境', [
      { title: '蓝藻治理见成效', body: [p('治理工作持续推进。')] },
      { title: '湖区水质通报', body: [p(`蓝藻蓝藻，蓝藻蓝藻，蓝藻。${filler(1)}`)] },
    ]);
    const newer = addOnePageIssue('2026-07-02', '环境', [
      { title: '蓝藻监测站建成', body: [p(`监测站位于湖区北岸。${filler(4)}`)] },
      { title: '渔民谈湖区变化', body: [p(`${filler(6)}偶尔能见到蓝藻。`)] },
      { title: '湖区周末见闻', body: [p(`蓝藻蓝藻蓝藻蓝藻，蓝藻蓝藻蓝藻蓝藻，蓝藻蓝藻蓝藻蓝藻。${filler(1)}`)] },
    ]);
    // A tier is every score within 10 % of its best; newest (highest key) first inside.
    const scored = [{ k: 1, score: -10 }, { k: 5, score: -9.5 }, { k: 3, score: -9.05 }, { k: 9, score: -8.9 }, { k: 2, score: -8.1 }, { k: 4, score: -8 }];
    expect(RELEVANCE_TOLERANCE).toBe(0.1);
    expect(byTierNewestFirst(scored)).toEqual([5, 3, 1, 9, 2, 4]); // tiers -10..-9.05, -8.9..-8.1, -8
    try {
      // Plain bm25 puts the old, short title match first (shorter documents
      // score higher) and a body saying 蓝藻 twelve times above the newer title match.
      expect(bm25Titles('蓝藻')).toEqual(['蓝藻治理见成效', '湖区周末见闻', '蓝藻监测站建成', '湖区水质通报', '渔民谈湖区变化']);
      // The searcher: the title matches (equal relevance, newest first), then
      // the body matches by relevance: five mentions in an older article above
      // one in a newer article.
      expect(titlesFor('蓝藻')).toEqual(['蓝藻监测站建成', '蓝藻治理见成效', '湖区周末见闻', '湖区水质通报', '渔民谈湖区变化']);
    } finally {
      removeTestIssue(older);
      removeTestIssue(newer);
    }
  });

  test('zero-width characters are ignored in the text and in queries: 杨\u200d浦 is found by 杨浦; full-width Latin and digits fold', () => {
    // Stored with the invisible characters, as an article imported before the importer removed them.
    const issueId = addOnePageIssue('2026-08-01', '城区', [
      { title: '杨\u200d浦滨江步道贯通', body: [p('步道全长5.5公里，２０２６年底前\u200b全线开放，沿线设ＲＣＥＰ主题展。')] },
    ]);
    const day = { from: '2026-08-01', to: '2026-08-01' };
    expect(tokenizeForIndex('杨\u200d浦\ufeff区')).toBe('杨浦 浦区 区');
    expect(normalizeForSearch('Ｒ\u200bＣＥＰ ２０２６')).toBe('rcep 2026');
    for (const q of ['杨浦', '杨浦滨江', '杨\u200b浦', '杨\u200d浦', '前全线', '浦']) {
      expect([q, titlesFor(q, day)]).toEqual([q, ['杨\u200d浦滨江步道贯通']]);
    }
    for (const q of ['RCEP主题展', 'ＲＣＥＰ', 'rcep', '2026', '２０２６年', '2026年底']) {
      expect([q, titlesFor(q, day)]).toEqual([q, ['杨\u200d浦滨江步道贯通']]);
    }
    removeTestIssue(issueId);
    expect(search('杨浦')!.total).toBe(0);
  });

  test('a word followed by one CJK character is matched as written', () => {
    expect(titlesFor('20号')).toEqual(['地铁20号线今日开通运营']);
    expect(titlesFor('２０号')).toEqual(['地铁20号线今日开通运营']);
    expect(titlesFor('21号')).toEqual([]);
    expect(titlesFor('20线')).toEqual([]);
    expect(titlesFor('RCEP生')).toEqual(['RCEP生效两周年 外贸企业订单增长']);
  });

  test('snippets: plain text with the matches as ranges, about 120 characters around the first match', () => {
    const r = search('ampersands markup')!.results[0]!;
    // Text stays text: nothing is escaped or marked up by the searcher (the view escapes).
    expect(r.snippet.text).toContain('<b>markup</b> & ampersands stay text.');
    expect(bracketed(r.snippet)).toContain('<b>⟦markup⟧</b>');
    expect(bracketed(r.snippet)).toContain('& ⟦ampersands⟧');
    expectValidHighlights(r.snippet);
    // Full-width text is marked where it stands, in its original form.
    expect(bracketed(search('full width')!.results[0]!.snippet)).toContain('⟦Ｆｕｌｌ⟧－⟦ｗｉｄｔｈ⟧');
    const metro = search('换乘')!.results[0]!;
    expect(hits(metro.snippet)).toEqual(['换乘', '换乘']); // heading and paragraph
    expect(metro.snippet.text.length).toBeLessThanOrEqual(122);
    // Body without a match: the title is the snippet.
    const title = search('开通运营')!.results[0]!;
    expect(hits(title.snippet)).toEqual(['开通运营']);
    expect(bracketed({ text: title.title, highlights: title.titleHighlights })).toBe('地铁20号线今日⟦开通运营⟧');
    // Every term is marked, a phrase through its pieces.
    const both = search('"数字 经济" 5G')!.results[0]!.snippet;
    expect(hits(both)).toContain('数字经济');
    expect(hits(both)).toContain('5G');
    // Long text: cut with ellipses, the match kept.
    const long = '前'.repeat(300) + '目标词' + '后'.repeat(300);
    const s = buildSnippet(long, highlightPieces('目标词'))!;
    expect(s.text.startsWith('…') && s.text.endsWith('…')).toBe(true);
    expect(hits(s)).toEqual(['目标词']);
    expect(s.text.length).toBe(122);
    // Whole words only in Latin, as in the index.
    expect(buildSnippet('the newest news', highlightPieces('new'))).toBeNull();
  });

  test('highlight ranges cover exactly the matched characters', () => {
    const ranges = (text: string, q: string) => findMatches(text, parseSearchQuery(q)!.terms.flatMap(highlightPieces));
    const marked = (text: string, q: string) => bracketed({ text, highlights: ranges(text, q) });
    // CJK: every occurrence, nothing around it.
    expect(ranges('港口吞吐量创新高，港口', '港口')).toEqual([{ start: 0, end: 2 }, { start: 9, end: 11 }]);
    // Mixed scripts, as typed and full-width; Latin case-insensitive, whole words only.
    expect(marked('地铁20号线今日开通', '20号线')).toBe('地铁⟦20号线⟧今日开通');
    expect(marked('新增8140个学位', '８１４０个')).toBe('新增⟦8140个⟧学位');
    expect(marked('RCEP与rcep协定', 'Rcep')).toBe('⟦RCEP⟧与⟦rcep⟧协定');
    expect(marked('new news renew new', 'new')).toBe('⟦new⟧ news renew ⟦new⟧');
    // A term matched across a separator: each side is marked, the separator is not.
    expect(ranges('中国，经济', '"中国 经济"')).toEqual([{ start: 0, end: 2 }, { start: 3, end: 5 }]);
    expect(marked('中国 经济 中国经济', '"中国 经济"')).toBe('⟦中国⟧ ⟦经济⟧ ⟦中国经济⟧');
    expect(marked('号线-5G 号线5G', '号线-5G')).toBe('⟦号线⟧-⟦5G⟧ ⟦号线5G⟧');
    // Offsets are of the original text: full-width, astral characters and combining marks.
    expect(marked('Ｆｕｌｌ－ｗｉｄｔｈ', 'full-width')).toBe('⟦Ｆｕｌｌ⟧－⟦ｗｉｄｔｈ⟧');
    expect(ranges('😀地铁😀', '地铁')).toEqual([{ start: 2, end: 4 }]);
    expect(marked('Cafe\u0301 au lait', 'café')).toBe('⟦Cafe\u0301⟧ au lait');
    // Zero-width characters, ignored by the index, are inside the range they interrupt.
    expect(ranges('杨\u200d浦滨江', '杨浦')).toEqual([{ start: 0, end: 3 }]);
    // Through the searcher: title and snippet ranges hold the query's text and nothing else.
    const r = search('地铁20号线')!.results[0]!;
    expect(bracketed({ text: r.title, highlights: r.titleHighlights })).toBe('⟦地铁20号线⟧今日开通运营');
    expect(hits(r.snippet)).toEqual(['地铁20号线']);
    expect(hits(search('"new energy"')!.results[0]!.snippet).map((h) => h.toLowerCase())).toEqual(expect.arrayContaining(['new', 'energy']));
  });

  test('the search page prints titles and snippets escaped, the hits in <mark>', async () => {
    const title = '<script>alert("标题")</script> 注入 & "引号"';
    const body = '正文里的 <script>alert(1)</script> 注入 & "引号" 与 <b>粗体</b>。';
    const issueId = addOnePageIssue('2026-08-01', '测试', [{ title, body: [p(body)] }]);
    try {
      const html = await searchPage('注入');
      const item = /<li>\s*<h2><a href="[^"]*">([\s\S]*?)<\/a><\/h2>[\s\S]*?<p class="snippet">([\s\S]*?)<\/p>/.exec(html);
      expect(item).not.toBeNull();
      expect(item![1]).toBe('<bdi>&lt;script&gt;alert(&#34;标题&#34;)&lt;/script&gt; <mark>注入</mark> &amp; &#34;引号&#34;</bdi>');
      expect(item![2]).toBe('<bdi>正文里的 &lt;script&gt;alert(1)&lt;/script&gt; <mark>注入</mark> &amp; &#34;引号&#34; 与 &lt;b&gt;粗体&lt;/b&gt;。</bdi>');
      expect(html).not.toContain('<script>alert');
      // Quotes and ampersands in the query are matched and escaped the same way.
      expect(await searchPage('"引号" 粗体')).toContain('&#34;<mark>引号</mark>&#34; 与 &lt;b&gt;<mark>粗体</mark>&lt;/b&gt;。');
    } finally {
      removeTestIssue(issueId);
    }
  });

  test('the pager: 上一页 / 下一页 and at most 9 page numbers, the first, the last and those around the current page', async () => {
    const numbersOf = (pager: ReturnType<typeof resultPager>) => pager.items.flatMap((item) => ('page' in item ? [item.page] : []));
    for (const count of [0, 1, 2, 8, 9, 10, 12, 50]) {
      for (let current = 1; current <= Math.max(count, 1); current++) {
        const pager = resultPager(current, count);
        const numbers = numbersOf(pager);
        expect(numbers).toHaveLength(Math.min(count, PAGER_NUMBERS));
        if (count > 0) expect(numbers).toEqual(expect.arrayContaining([1, count, current, Math.max(1, current - 1), Math.min(count, current + 1)]));
        // Increasing, with a gap exactly where numbers are left out.
        pager.items.forEach((item, i) => {
          const before = pager.items[i - 1];
          if ('gap' in item) expect(before && 'page' in before).toBe(true);
          else if (before && 'page' in before) expect(item.page).toBe(before.page + 1);
          else if (before) expect(item.page).toBeGreaterThan(numbers[numbers.indexOf(item.page) - 1]! + 1);
        });
        expect(pager.previous).toBe(current > 1 ? current - 1 : null);
        expect(pager.next).toBe(current < count ? current + 1 : null);
      }
    }
    const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);
    expect(numbersOf(resultPager(1, 50))).toEqual([...range(1, 8), 50]);
    expect(numbersOf(resultPager(25, 50))).toEqual([1, ...range(22, 28), 50]);
    expect(numbersOf(resultPager(50, 50))).toEqual([1, ...range(43, 50)]);
    expect(resultPager(7, 3)).toMatchObject({ previous: 3, next: null });

    // On the page: 230 matches, 12 pages of 20.
    const issueId = addOnePageIssue(
      '2026-06-01',
      '分页',
      Array.from({ length: 230 }, (_, i) => ({ title: `页码测试第${i + 1}篇`, body: [p(`页码测试词出现在第${i + 1}篇稿件里。`)] })),
    );
    try {
      const nav = async (page: number) => {
        const html = await searchPage('页码测试词', `&page=${page}`);
        const m = /<nav aria-label="结果分页">([\s\S]*?)<\/nav>/.exec(html);
        expect(m).not.toBeNull();
        const numbers = [...m![1].matchAll(/<li>(?:<a href="[^"]*">|<span aria-current="page">)(\d+)<\/(?:a|span)><\/li>/g)].map((x) => Number(x[1]));
        const current = /<span aria-current="page">(\d+)<\/span>/.exec(m![1])?.[1];
        const prev = /<a href="[^"]*[?&;]page=(\d+)" rel="prev">上一页<\/a>/.exec(m![1])?.[1];
        const next = /<a href="[^"]*[?&;]page=(\d+)" rel="next">下一页<\/a>/.exec(m![1])?.[1];
        return { numbers, current: Number(current), prev: prev && Number(prev), next: next && Number(next), gaps: m![1].split('…').length - 1 };
      };
      expect(await nav(1)).toEqual({ numbers: [...range(1, 8), 12], current: 1, prev: undefined, next: 2, gaps: 1 });
      expect(await nav(6)).toEqual({ numbers: [1, ...range(3, 9), 12], current: 6, prev: 5, next: 7, gaps: 2 });
      expect(await nav(12)).toEqual({ numbers: [1, ...range(5, 12)], current: 12, prev: 11, next: undefined, gaps: 1 });
    } finally {
      removeTestIssue(issueId);
    }
  });

  test('pagination and totals', () => {
    addOnePageIssue(
      '2026-10-01',
      '专版',
      Array.from({ length: 45 }, (_, i) => ({ title: `分页测试第${i + 1}篇`, body: [p(`翻页关键词出现在第${i + 1}篇稿件里。`)] })),
    );
    // The windowed searcher ranks only the newest 20 matches, then lists the
    // rest by date: every page is still a partition of all matches.
    const windowed = createSearcher(env.db, { rankWindow: 20 });
    for (const s of [env.searcher, windowed]) {
      for (const sort of ['relevance', 'date'] as const) {
        const seen = new Set<number>();
        for (let page = 1; page <= 3; page++) {
          const r = s.search({ q: '翻页关键词', page, sort, now: NOW })!;
          expect(r).toMatchObject({ total: 45, page, pageCount: 3 });
          expect(r.results).toHaveLength(page < 3 ? 20 : 5);
          for (const x of r.results) seen.add(x.articleId);
        }
        expect(seen.size).toBe(45);
      }
    }
    const w1 = windowed.search({ q: '翻页关键词', page: 1, sort: 'relevance', now: NOW })!.results.map((r) => r.position);
    expect([...w1].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    const w2 = windowed.search({ q: '翻页关键词', page: 2, sort: 'relevance', now: NOW })!.results.map((r) => r.position);
    expect(w2).toEqual(Array.from({ length: 20 }, (_, i) => i + 21));
    // Date order: newest issue first, an issue in reading order.
    expect(search('翻页关键词', { sort: 'date' })!.results.slice(0, 3).map((r) => r.position)).toEqual([1, 2, 3]);
    expect(search('翻页关键词', { page: 4 })).toMatchObject({ total: 45, page: 4, pageCount: 3, results: [] });
    expect(search('翻页关键词', { page: 0 })!.page).toBe(1);
    expect(search('翻页关键词', { page: Number.NaN })!.page).toBe(1);
    expect(search('翻页关键词')!.atLeast).toBeUndefined();

    // Counting stops at the cap: the total says "at least", the pages up to it are the same as uncapped.
    const capped = createSearcher(env.db, { countCap: 30 });
    const c1 = capped.search({ q: '翻页关键词', page: 1, sort: 'relevance', now: NOW })!;
    expect(c1).toMatchObject({ total: 30, atLeast: true, page: 1, pageCount: 2 });
    expect(c1.results.map((r) => r.articleId)).toEqual(env.searcher.search({ q: '翻页关键词', page: 1, sort: 'relevance', now: NOW })!.results.map((r) => r.articleId));
    expect(capped.search({ q: '翻页关键词', page: 2, sort: 'date', now: NOW })!.results).toHaveLength(20);
    expect(capped.search({ q: '翻页关键词', page: 3, sort: 'date', now: NOW })).toMatchObject({ total: 30, atLeast: true, results: [] });
    const exact = createSearcher(env.db, { countCap: 45 }).search({ q: '翻页关键词', page: 1, sort: 'relevance', now: NOW })!;
    expect(exact.total).toBe(45);
    expect(exact.atLeast).toBeUndefined();
  });

  test('removeIssue makes the old text unfindable; re-indexing replaces', () => {
    const art = env.articles.find((x) => x.a.title === '晚报读者节开幕')!;
    expect(titlesFor('读者节')).toEqual(['晚报读者节开幕']);
    env.db.transaction(() => {
      env.indexer.removeIssue(art.issueId);
      env.db.prepare('DELETE FROM article WHERE issue_id = ?').run(art.issueId);
    })();
    expect(search('读者节')!.total).toBe(0);
    expect(search('訪問團')!.total).toBe(0);
    expect(search('地铁', { paper: 'haibin-evening' })!.total).toBe(0);
    // Re-import of the same issue: new rows, new text.
    const pageId = (env.db.prepare('SELECT id FROM page WHERE issue_id = ? AND number = 1').get(art.issueId) as { id: number }).id;
    const a = { title: '晚报读者节闭幕', body: [p('读者节圆满落幕，共吸引观众三万人次。')] };
    env.db.transaction(() => {
      const { id } = env.db
        .prepare('INSERT INTO article (issue_id, page_id, page_number, position, seq, title, body_json) VALUES (?, ?, 1, 1, 1, ?, ?) RETURNING id')
        .get(art.issueId, pageId, a.title, JSON.stringify(a.body)) as { id: number };
      env.indexer.indexArticle(id, a);
    })();
    expect(titlesFor('读者节')).toEqual(['晚报读者节闭幕']);
    expect(search('开幕')!.total).toBe(0);
    expect(search('闭幕')!.total).toBe(1);
    expect(() => env.indexer.indexArticle(999999, a)).toThrow(/not found/);
    expect(() => env.indexer.removeIssue(999999)).not.toThrow();
    // Rows deleted without removeIssue leave stale keys: counted, never shown;
    // a later removeIssue still clears them.
    const pagination = (env.db.prepare("SELECT id FROM issue WHERE date = '2026-10-01'").get() as { id: number }).id;
    env.db.prepare('DELETE FROM article WHERE issue_id = ?').run(pagination);
    expect(search('翻页关键词')).toMatchObject({ total: 45, results: [] });
    env.indexer.removeIssue(pagination);
    expect(search('翻页关键词')!.total).toBe(0);
  });

  test('rebuildSearchIndex recreates the same index from the article table', () => {
    const queries = ['珊瑚礁', '地铁', '20号线', 'RCEP', '翻页关键词', '琥珀蜻蜓', '"new energy"', '经'];
    const before = queries.map((q) => search(q, { sort: 'date' }));
    const beforeLater = search('琥珀蜻蜓', { now: Date.UTC(2026, 10, 21) });
    expect(rebuildSearchIndex(env.db)).toBe((env.db.prepare('SELECT count(*) AS n FROM article').get() as { n: number }).n);
    expect(queries.map((q) => search(q, { sort: 'date' }))).toEqual(before);
    expect(search('琥珀蜻蜓', { now: Date.UTC(2026, 10, 21) })).toEqual(beforeLater);
  });

  test('results follow writes made by another connection (cached counts are dropped)', () => {
    expect(search('跨连接新词')!.total).toBe(0);
    expect(search('珊瑚礁', { page: 1 })!.total).toBe(2);
    const other = new Database(env.file);
    try {
      const issue = other.prepare("SELECT id FROM issue WHERE date = '2026-11-19' AND publication_id = (SELECT id FROM publication WHERE slug = 'jiangcheng-daily')").get() as { id: number };
      const pageId = (other.prepare('SELECT id FROM page WHERE issue_id = ?').get(issue.id) as { id: number }).id;
      const indexer = createSearchIndexer(other);
      const a = { title: '跨连接新词出现', body: [p('珊瑚礁再次出现在这里。')] };
      other.transaction(() => {
        const { id } = other
          .prepare('INSERT INTO article (issue_id, page_id, page_number, position, seq, title, body_json) VALUES (?, ?, 1, 99, 99, ?, ?) RETURNING id')
          .get(issue.id, pageId, a.title, JSON.stringify(a.body)) as { id: number };
        indexer.indexArticle(id, a);
      })();
    } finally {
      other.close();
    }
    expect(search('跨连接新词')!.total).toBe(1);
    expect(search('珊瑚礁', { page: 1 })!.total).toBe(3);
  });

  test('works on a read-only connection', () => {
    const ro = new Database(env.file, { readonly: true, fileMustExist: true });
    try {
      const r = createSearcher(ro).search({ q: '8140个学位', page: 1, sort: 'relevance', now: NOW })!;
      expect(r.results.map((x) => x.title)).toEqual(['新增8140个学位缓解入学难']);
    } finally {
      ro.close();
    }
  });

  test('hostile queries never throw and never turn into syntax', () => {
    const hostile = [
      '',
      ' ',
      '\t\n\r ',
      '"',
      '""',
      '"""',
      '"地铁',
      '地铁"',
      '"地铁" "',
      '*',
      '地铁*',
      '*地铁',
      ':',
      'a:b',
      'title:地铁',
      '{title}:地铁',
      '(',
      ')',
      '(地铁',
      '地铁)',
      'NEAR(',
      'NEAR(地铁 港口, 2)',
      'AND',
      'OR',
      'NOT',
      '地铁 AND 港口',
      '地铁 OR 港口',
      '地铁 NOT 港口',
      '^x',
      '^地铁',
      '-地铁',
      '+地铁',
      '地铁 -港口',
      "'; DROP TABLE article; --",
      "' OR 1=1 --",
      '\\',
      '%_',
      'x'.repeat(10000),
      '地'.repeat(10000),
      '\u0000',
      '地\u0000铁',
      '\u0001\u0002\u001f\u007f',
      '\uD800',
      '\uDC00地铁',
      '地铁\uD800',
      '😀',
      '😀地铁😀',
      '👩‍👩‍👧‍👦',
      '\u202E地铁',
      '\u202Eenergy',
      '\u200B\u200D\uFEFF',
      '\u3000',
      '　地铁　',
      'ﾃｽﾄ',
      'é',
      'e\u0301',
      '<script>alert(1)</script>',
      '&amp;',
      '{}',
      '[]',
      '$1',
      '?',
      '@match',
      'rowid',
      'rank',
      '0',
      '-1',
      '1e309',
      'NaN',
    ];
    expect(hostile.length).toBeGreaterThanOrEqual(30);
    for (const q of hostile) {
      for (const sort of ['relevance', 'date'] as const) {
        let r: ReturnType<typeof search> = null;
        expect(() => {
          r = search(q, { sort });
        }).not.toThrow();
        if (r !== null) {
          const res = r as NonNullable<ReturnType<typeof search>>;
          expect(res.total).toBeGreaterThanOrEqual(0);
          for (const x of res.results) {
            expectValidHighlights(x.snippet);
            expectValidHighlights({ text: x.title, highlights: x.titleHighlights });
          }
        }
      }
    }
    // Syntax characters are separators, not operators.
    expect(search('地铁 OR 港口')!.total).toBe(search('地铁 港口')!.total);
    expect(titlesFor('-地铁', { paper: 'haibin-evening' })).toEqual(titlesFor('地铁', { paper: 'haibin-evening' }));
    expect(search('地铁*')!.total).toBe(search('地铁')!.total);
    expect(search('NOT')!.total).toBe(0);
    expect(search('x'.repeat(10000))).toBeNull();
    // Parameters from a query string may be anything.
    expect(() => env.searcher.search({ q: '地铁', page: -5, sort: 'relevance', now: NOW, paper: "'", from: '"', to: '*' })).not.toThrow();
  });
});
