// The segmentation benchmark's corpus: seeded issues of typeset Chinese newspaper pages (PDF)
// with the ground truth of every article, cached on disk by version, seed and size.
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import type { Page } from 'playwright-core';
import { bodyWithPhoto, DEMO_PUBLICATIONS, issueNumber } from '../../demo/generate';
import { addDays, toIssueDate, type IssueDate } from '../../domain/date';
import { renderPhoto, DEFAULT_PHOTO_HEIGHT, DEFAULT_PHOTO_WIDTH } from '../../demo/photo';
import { createRng, deriveSeed, type Rng } from '../../demo/random';
import { generateArticleText, PAGE_NAMES, topicsForPage } from '../../demo/text';
import { planAds, planRegions, type Cell } from './layout';
import { corpusTruthSchema, type CorpusTruth, type TruthArticle, type TruthPage } from './truth';
import { columnGeometry, launchTypesetter, typesetPage, type AdSpec, type ArticleRegion, type ArticleSpec, type PageSpec, type SpecBlock, type TypesetArticle } from './typeset';

/** Bump when the generator's output changes, so cached corpora are not reused. */
export const SEGMENT_CORPUS_VERSION = 4;

export interface SegmentCorpusOptions {
  seed: number;
  issues: number;
  /** At least 3: the front page, the ad page and the page a story continues on. */
  pagesPerIssue: number;
}

export const DEFAULT_SEGMENT_CORPUS: SegmentCorpusOptions = { seed: 1, issues: 8, pagesPerIssue: 8 };

export interface SegmentCorpus {
  dir: string;
  truth: CorpusTruth;
  /** False when the cached corpus was reused. */
  generated: boolean;
  seconds: number;
}

const TRUTH_FILE = 'truth.json';
const PHOTO_POOL = 10;
const WEEKDAYS = '日一二三四五六';

/** Broadsheet (对开, 390 × 545 mm) and tabloid (四开, 270 × 390 mm) pages, in points. */
const FORMATS = [
  { name: 'broadsheet', widthPt: 1105, heightPt: 1545, margin: 36, maxColumns: 6 },
  { name: 'tabloid', widthPt: 765, heightPt: 1105, margin: 28, maxColumns: 4 },
] as const;
type Format = (typeof FORMATS)[number];

export function segmentCorpusDir(root: string, o: SegmentCorpusOptions): string {
  return path.join(root, `v${SEGMENT_CORPUS_VERSION}-seed${o.seed}-${o.issues}x${o.pagesPerIssue}`);
}

/** The corpus under `root`: read from its cache folder when complete, else typeset anew. */
export async function ensureSegmentCorpus(root: string, o: SegmentCorpusOptions, log: (line: string) => void = () => undefined): Promise<SegmentCorpus> {
  if (o.pagesPerIssue < 3) throw new Error(`pagesPerIssue must be at least 3, got ${o.pagesPerIssue}`);
  const dir = segmentCorpusDir(root, o);
  const truthFile = path.join(dir, TRUTH_FILE);
  const started = Date.now();
  if (fs.existsSync(truthFile)) {
    const truth = corpusTruthSchema.parse(JSON.parse(fs.readFileSync(truthFile, 'utf8')));
    return { dir, truth, generated: false, seconds: (Date.now() - started) / 1000 };
  }
  const work = `${dir}.partial-${process.pid}`;
  fs.rmSync(work, { recursive: true, force: true });
  fs.mkdirSync(work, { recursive: true });
  try {
    const truth = await generateSegmentCorpus(work, o, log);
    fs.writeFileSync(path.join(work, TRUTH_FILE), `${JSON.stringify(truth, null, 1)}\n`);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.renameSync(work, dir);
    return { dir, truth, generated: true, seconds: (Date.now() - started) / 1000 };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** Typesets every page into `dir` (issue-NN/PP.pdf) and returns the truth. */
export async function generateSegmentCorpus(dir: string, o: SegmentCorpusOptions, log: (line: string) => void = () => undefined): Promise<CorpusTruth> {
  const browser = await launchTypesetter();
  try {
    const tab = await browser.newPage();
    const photos = new PhotoPool(o.seed);
    const pages: TruthPage[] = [];
    for (let issue = 1; issue <= o.issues; issue += 1) {
      pages.push(...(await typesetIssue(tab, dir, issue, o, photos)));
      log(`segment corpus: issue ${issue}/${o.issues} typeset (${pages.length} pages)`);
    }
    return corpusTruthSchema.parse({ version: SEGMENT_CORPUS_VERSION, seed: o.seed, pages });
  } finally {
    await browser.close();
  }
}

class PhotoPool {
  private readonly urls = new Map<number, Promise<string>>();

  constructor(private readonly seed: number) {}

  /** A JPEG data URL of the demo's generated photo `index`. */
  dataUrl(index: number): Promise<string> {
    let url = this.urls.get(index);
    if (!url) {
      url = sharp(renderPhoto(deriveSeed(this.seed, 'photo', index)))
        .jpeg({ quality: 82 })
        .toBuffer()
        .then((jpeg) => `data:image/jpeg;base64,${jpeg.toString('base64')}`);
      this.urls.set(index, url);
    }
    return url;
  }
}

export function dateText(date: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return `${y}年${m}月${d}日 星期${WEEKDAYS[new Date(Date.UTC(y, m - 1, d)).getUTCDay()]}`;
}

interface IssuePlan {
  issue: number;
  date: IssueDate;
  paperName: string;
  issueNo: number | undefined;
  format: Format;
  colon: string;
  names: string[];
  adPage: number;
  jumpPage: number;
}

function planIssue(rng: Rng, issue: number, o: SegmentCorpusOptions): IssuePlan {
  const publication = DEMO_PUBLICATIONS[(issue - 1) % DEMO_PUBLICATIONS.length]!;
  const date = addDays(toIssueDate('2026-01-05'), (issue - 1) * 23 + rng.int(0, 6));
  const others = rng.shuffle(PAGE_NAMES.slice(1));
  const names = [PAGE_NAMES[0] as string, ...Array.from({ length: o.pagesPerIssue - 1 }, (_, i) => others[i % others.length]!)];
  const adPage = rng.int(2, o.pagesPerIssue);
  names[adPage - 1] = '广告';
  const jumpChoices = Array.from({ length: o.pagesPerIssue - 1 }, (_, i) => i + 2).filter((p) => p !== adPage);
  return {
    issue,
    date,
    paperName: publication.name,
    issueNo: issueNumber(publication, date),
    format: rng.pick(FORMATS),
    colon: rng.pick([':', '：']),
    names,
    adPage,
    jumpPage: rng.pick(jumpChoices),
  };
}

async function typesetIssue(tab: Page, dir: string, issue: number, o: SegmentCorpusOptions, photos: PhotoPool): Promise<TruthPage[]> {
  const rng = createRng(deriveSeed(o.seed, 'segment-issue', issue));
  const plan = planIssue(rng, issue, o);
  const folder = `issue-${String(issue).padStart(2, '0')}`;
  fs.mkdirSync(path.join(dir, folder), { recursive: true });
  const titles = new Set<string>();
  let jump: { from: number; article: ArticleSpec; rest: SpecBlock[] } | null = null;
  const out: TruthPage[] = [];
  for (let number = 1; number <= o.pagesPerIssue; number += 1) {
    const spec = await planPage(rng, plan, number, titles, photos, jump);
    const typeset = await typesetPage(tab, spec);
    const file = `${folder}/${String(number).padStart(2, '0')}.pdf`;
    fs.writeFileSync(path.join(dir, file), typeset.pdf);
    const jumper = spec.articles.findIndex((a) => a.jumpTo !== null);
    if (jumper >= 0) {
      const rest = typeset.articles[jumper]!.leftover;
      if (rest.length === 0) throw new Error(`issue ${issue}: story ${spec.articles[jumper]!.id} fits on its page, nothing to continue on page ${plan.jumpPage}`);
      jump = { from: number, article: spec.articles[jumper]!, rest };
    }
    out.push({
      file,
      issue,
      widthPt: typeset.widthPt,
      heightPt: typeset.heightPt,
      header: { number, name: spec.header.name, dateText: spec.header.dateText },
      ad: spec.ads.length > 0,
      masthead: spec.masthead !== null,
      columns: spec.columns,
      articles: spec.articles.map((a, i) => truthArticle(a, typeset.articles[i]!)),
    });
  }
  return out;
}

function truthArticle(a: ArticleSpec, t: TypesetArticle): TruthArticle {
  if (t.body.length === 0) throw new Error(`article ${a.id}: no body text fitted its region ${JSON.stringify(a.region)} under a headline block of ${JSON.stringify(t.boxes[0])}`);
  return {
    id: a.id,
    kicker: a.kicker,
    title: a.title,
    subtitle: a.subtitle,
    byline: a.byline,
    body: t.body,
    boxes: t.boxes,
    continuedTo: a.jumpTo !== null && t.leftover.length > 0 ? a.jumpTo : null,
    continuedFrom: a.jumpFrom,
    lShaped: t.lShaped,
    ink: t.ink,
  };
}

// ---------------------------------------------------------------------------------------------
// One page.

async function planPage(
  rng: Rng,
  plan: IssuePlan,
  number: number,
  titles: Set<string>,
  photos: PhotoPool,
  jump: { from: number; article: ArticleSpec; rest: SpecBlock[] } | null,
): Promise<PageSpec> {
  const { format } = plan;
  const name = plan.names[number - 1]!;
  const columns = rng.int(2, format.maxColumns);
  const bodyFontPt = rng.pick([9.5, 10, 10.5]);
  const gutterPt = Math.round(bodyFontPt * 1.3);
  const gap = Math.round(bodyFontPt * 1.6);
  const masthead = number === 1;
  const label = `第${String(number).padStart(2, '0')}版${plan.colon}${name}`;
  const dt = dateText(plan.date);
  const spec: PageSpec = {
    widthPt: format.widthPt,
    heightPt: format.heightPt,
    paperName: plan.paperName,
    header: { number, name, dateText: dt, label },
    masthead: masthead ? { lines: [dt, `${plan.issueNo !== undefined ? `总第${plan.issueNo}期 ` : ''}今日${plan.names.length}版`, '国内统一连续出版物号 CN 00-0000（演示）'] } : null,
    marginPt: format.margin,
    gutterPt,
    columns,
    bodyFontPt,
    articles: [],
    ads: [],
  };
  const top = format.margin + 30 + (masthead ? 100 : 0);
  const area: Cell = { col: 0, cols: columns, top, bottom: format.heightPt - format.margin };
  const geo = columnGeometry(spec);

  if (name === '广告') {
    spec.ads = planAds(area, rng, gap).map((cell) => adSpec(rng, { x: geo.x(cell.col), y: cell.top, w: cell.cols * geo.width + (cell.cols - 1) * gutterPt, h: cell.bottom - cell.top }));
    return spec;
  }

  const minHeight = Math.max(200, (area.bottom - area.top) / 6.5);
  const capacity = columns * Math.floor((area.bottom - area.top + gap) / (minHeight + gap));
  const count = rng.int(4, Math.max(4, Math.min(9, capacity)));
  const regions = planRegions(area, count, rng, { minHeight, gap, lChance: 0.85 });
  const jumpHere = jump !== null && number === plan.jumpPage ? rng.int(0, regions.length - 1) : -1;
  const rooms = regions.map((region, i) => estimateChars(region, geo.width, bodyFontPt, i === 0));
  // The front page's smallest story goes on to another page: the text bank fills any region twice over.
  const jumper = masthead ? rooms.indexOf(Math.min(...rooms)) : -1;
  for (const [i, region] of regions.entries()) {
    const id = `i${plan.issue}-p${String(number).padStart(2, '0')}-a${i + 1}`;
    if (i === jumpHere && jump) {
      spec.articles.push({ ...jump.article, id, kicker: null, subtitle: null, byline: null, lead: false, widePhoto: false, body: jump.rest, region, jumpTo: null, jumpFrom: jump.from });
      continue;
    }
    const widthPt = region.cols * geo.width + (region.cols - 1) * gutterPt;
    const lead = i === 0;
    const jumpTo = i === jumper ? plan.jumpPage : null;
    const room = rooms[i]!;
    const factor = jumpTo !== null ? [1.8, 2.4] : region.short ? [1.2, 1.5] : [0.8, 1.4];
    const text = (() => {
      for (let attempt = 0; ; attempt += 1) {
        const t = generateArticleText(rng, { date: plan.date, topics: topicsForPage(name), chars: [Math.round(room * factor[0]!), Math.round(room * factor[1]!)] });
        if (!titles.has(t.title) || attempt >= 8) return t;
      }
    })();
    titles.add(text.title);
    const photo = rng.chance(lead ? 0.7 : 0.35) ? rng.int(0, PHOTO_POOL - 1) : null;
    const src = photo === null ? undefined : `photo-${String(photo).padStart(2, '0')}.jpg`;
    const dataUrl = photo === null ? '' : await photos.dataUrl(photo);
    const body: SpecBlock[] = bodyWithPhoto(text, src).map((b) =>
      b.type === 'image' ? { type: 'image', src: b.src, caption: b.caption ?? text.caption, dataUrl, width: DEFAULT_PHOTO_WIDTH, height: DEFAULT_PHOTO_HEIGHT } : b,
    );
    spec.articles.push({
      id,
      kicker: text.kicker ?? null,
      title: text.title,
      subtitle: text.subtitle ?? null,
      byline: text.byline ?? null,
      lead,
      body,
      // Across the columns only where the photo leaves the region room for text below it.
      widePhoto: photo !== null && region.cols >= 2 && widthPt < 700 && (widthPt * DEFAULT_PHOTO_HEIGHT) / DEFAULT_PHOTO_WIDTH < (region.short?.bottom ?? region.bottom) - region.top - 260 && rng.chance(0.5),
      region,
      jumpTo,
      jumpFrom: null,
    });
  }
  return spec;
}

/** Roughly how many characters of body text fill a region. */
function estimateChars(region: ArticleRegion, columnWidthPt: number, fontPt: number, lead: boolean): number {
  const headPt = lead ? 110 : 70;
  const perLine = Math.floor(columnWidthPt / fontPt);
  const lines = (bottom: number) => Math.max(0, Math.floor((bottom - region.top - headPt) / (fontPt * 1.5)));
  let chars = 0;
  for (let i = 0; i < region.cols; i += 1) chars += perLine * lines(region.short && i >= region.short.cols ? region.short.bottom : region.bottom);
  return Math.max(200, Math.round(chars * 0.9));
}

// ---------------------------------------------------------------------------------------------
// Ads: invented local businesses.

const AD_PLACES = ['云溪', '望湖', '滨江', '临江', '桃源', '青石', '北塘'];
const AD_KINDS = ['家居广场', '口腔门诊', '教育培训中心', '汽车城', '养生苑', '美食城', '眼镜店', '书画院', '装饰公司', '健身会所'];
const AD_LINES = ['新店开业 欢迎莅临', '冬季特惠 满千减百', '品质服务 值得信赖', '专业团队 一对一服务', '会员日全场八折', '周末免费体验', '老客户介绍享双重礼遇', '预约即送精美礼品'];

function adSpec(rng: Rng, box: AdSpec['box']): AdSpec {
  const road = rng.pick(['滨江大道', '云溪路', '望湖路', '长青路', '学府路', '桃源路']);
  return {
    box,
    brand: `${rng.pick(AD_PLACES)}${rng.pick(AD_KINDS)}`,
    lines: [...rng.sample(AD_LINES, rng.int(1, 3)), `地址：${road}${rng.int(8, 388)}号`],
    phone: `0${rng.int(100, 999)}-${rng.int(6000_0000, 8999_9999)}`,
    hue: rng.int(0, 359),
  };
}
