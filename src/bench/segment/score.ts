// Scoring page segmentation against ground truth: pure functions, no I/O.
import type { Box, PageHeader } from './truth';

/** What the scorer compares of one article, truth or prediction alike. */
export type Point = readonly [number, number];

export interface ScoredArticle {
  title: string;
  /** Body text: text blocks and photo captions, in order. */
  body: string;
  /** The article's region is the union of these rectangles. */
  boxes: readonly Box[];
  /** Truth only: points sampling what the article printed (contentPoints), for content IoU. */
  content?: readonly Point[];
}

export interface ScoredPage {
  header: PageHeader;
  /** In reading order. */
  articles: readonly ScoredArticle[];
}

export const MIN_IOU = 0.8;

/**
 * How a predicted region is compared with a truth article's:
 * - 'boxes': IoU of the two unions of rectangles, whitespace included, so a prediction drawn
 *   tight around the glyphs loses against a truth drawn to the column edges and vice versa;
 * - 'content': IoU of the truth's printed content (sample points on its lines and photos) the
 *   prediction covers, against all truth content it covers: which text and photos the analyser
 *   put together, whatever margin either side draws around them.
 */
export type IouMode = 'content' | 'boxes';

/** Grid step of the sample points over a photo, in points (about one body character). */
export const PHOTO_GRID_PT = 10;

// ---------------------------------------------------------------------------------------------
// Geometry: exact areas of unions of rectangles, by coordinate compression.

interface Grid {
  xs: number[];
  ys: number[];
}

function gridOf(boxes: readonly Box[]): Grid {
  const xs = new Set<number>();
  const ys = new Set<number>();
  for (const b of boxes) {
    xs.add(b.x).add(b.x + b.w);
    ys.add(b.y).add(b.y + b.h);
  }
  return { xs: [...xs].sort((a, b) => a - b), ys: [...ys].sort((a, b) => a - b) };
}

function covers(boxes: readonly Box[], x: number, y: number): boolean {
  return boxes.some((b) => x > b.x && x < b.x + b.w && y > b.y && y < b.y + b.h);
}

/** Areas of A, B, A ∩ B and A ∪ B, where A and B are each the union of their rectangles. */
export function regionAreas(a: readonly Box[], b: readonly Box[]): { a: number; b: number; intersection: number; union: number } {
  const { xs, ys } = gridOf([...a, ...b]);
  const out = { a: 0, b: 0, intersection: 0, union: 0 };
  for (let i = 0; i + 1 < xs.length; i += 1) {
    const x0 = xs[i]!;
    const x1 = xs[i + 1]!;
    const cx = (x0 + x1) / 2;
    for (let j = 0; j + 1 < ys.length; j += 1) {
      const y0 = ys[j]!;
      const y1 = ys[j + 1]!;
      const cy = (y0 + y1) / 2;
      const inA = covers(a, cx, cy);
      const inB = covers(b, cx, cy);
      if (!inA && !inB) continue;
      const area = (x1 - x0) * (y1 - y0);
      if (inA) out.a += area;
      if (inB) out.b += area;
      if (inA && inB) out.intersection += area;
      out.union += area;
    }
  }
  return out;
}

/** One point per character pitch (the line's height) along each line of text, a grid over each photo. */
export function contentPoints(ink: { lines: readonly Box[]; photos: readonly Box[] }): Point[] {
  const points: Point[] = [];
  for (const line of ink.lines) {
    const step = line.h;
    for (let x = line.x + step / 2; x < line.x + line.w; x += step) points.push([x, line.y + line.h / 2]);
  }
  for (const photo of ink.photos) {
    for (let y = photo.y + PHOTO_GRID_PT / 2; y < photo.y + photo.h; y += PHOTO_GRID_PT) {
      for (let x = photo.x + PHOTO_GRID_PT / 2; x < photo.x + photo.w; x += PHOTO_GRID_PT) points.push([x, y]);
    }
  }
  return points;
}

export function regionIoU(a: readonly Box[], b: readonly Box[]): number {
  const { intersection, union } = regionAreas(a, b);
  return union > 0 ? intersection / union : 0;
}

/** The share of `target`'s area that `region` covers (0 when the target has no area). */
export function coveredShare(target: readonly Box[], region: readonly Box[]): number {
  const { a, intersection } = regionAreas(target, region);
  return a > 0 ? intersection / a : 0;
}

// ---------------------------------------------------------------------------------------------
// Text.

/** Text compared without whitespace: line breaks and spaces are layout, not content. */
export function compactText(text: string): string {
  return text.replace(/\s+/gu, '');
}

/**
 * Levenshtein distance between two strings, in code points. Strips the common prefix and suffix,
 * then runs the dynamic programme inside a diagonal band that doubles until it proves the
 * distance (Ukkonen), so near-equal long texts cost O(n·d) rather than O(n·m).
 */
export function editDistance(a: string, b: string): number {
  let s = [...a];
  let t = [...b];
  let start = 0;
  while (start < s.length && start < t.length && s[start] === t[start]) start += 1;
  let endS = s.length;
  let endT = t.length;
  while (endS > start && endT > start && s[endS - 1] === t[endT - 1]) {
    endS -= 1;
    endT -= 1;
  }
  s = s.slice(start, endS);
  t = t.slice(start, endT);
  if (s.length < t.length) [s, t] = [t, s];
  if (t.length === 0) return s.length;
  for (let band = Math.max(1, s.length - t.length); ; band *= 2) {
    const d = bandedDistance(s, t, band);
    if (d <= band || band >= s.length) return d;
  }
}

/** Edit distance of s and t when it is ≤ band (cells outside |i - j| ≤ band count as infinite); else some value > band. */
function bandedDistance(s: readonly string[], t: readonly string[], band: number): number {
  const INF = Number.MAX_SAFE_INTEGER;
  const n = s.length;
  const m = t.length;
  let prev = new Array<number>(m + 1).fill(INF);
  let cur = new Array<number>(m + 1).fill(INF);
  for (let j = 0; j <= Math.min(m, band); j += 1) prev[j] = j;
  for (let i = 1; i <= n; i += 1) {
    cur.fill(INF);
    const lo = Math.max(0, i - band);
    const hi = Math.min(m, i + band);
    if (lo === 0) cur[0] = i;
    for (let j = Math.max(1, lo); j <= hi; j += 1) {
      const substitute = prev[j - 1]! + (s[i - 1] === t[j - 1] ? 0 : 1);
      cur[j] = Math.min(substitute, prev[j]! + 1, cur[j - 1]! + 1);
    }
    [prev, cur] = [cur, prev];
  }
  return prev[m]!;
}

/** The date of a 版眉's date text (2026年3月2日), without the weekday or anything else printed with it. */
export function printedDate(dateText: string | null): string | null {
  return /\d{4}年\d{1,2}月\d{1,2}日/.exec(compactText(dateText ?? ''))?.[0] ?? null;
}

// ---------------------------------------------------------------------------------------------
// Reading order.

/** Pairs (i < j) with seq[i] > seq[j]: 0 when in order, n(n-1)/2 when reversed. */
export function inversions(seq: readonly number[]): number {
  let count = 0;
  for (let i = 0; i < seq.length; i += 1) {
    for (let j = i + 1; j < seq.length; j += 1) if (seq[i]! > seq[j]!) count += 1;
  }
  return count;
}

// ---------------------------------------------------------------------------------------------
// One page.

export interface MatchedArticle {
  truth: number;
  predicted: number;
  iou: number;
  titleExact: boolean;
  /** Edit distance of the compacted bodies, and the truth body's compacted length. */
  bodyEdits: number;
  bodyChars: number;
}

export interface PageScore {
  truthArticles: number;
  predictedArticles: number;
  matches: MatchedArticle[];
  /** Truth articles without a prediction at IoU ≥ MIN_IOU, with the best IoU any prediction reached. */
  missed: Array<{ truth: number; bestIoU: number }>;
  /** Predictions without a truth article at IoU ≥ MIN_IOU. */
  spurious: number[];
  /** Pairs of matched articles the prediction reads in the wrong order. */
  orderInversions: number;
  orderPairs: number;
  headerExact: boolean;
}

/**
 * Matches predictions to truth one-to-one, best IoU first, keeping pairs with IoU ≥ minIoU
 * (above 0.5 a region can only match one other of a non-overlapping set, so greedy is exact).
 */
export function scorePage(truth: ScoredPage, predicted: ScoredPage, opts: { mode?: IouMode; minIoU?: number } = {}): PageScore {
  const minIoU = opts.minIoU ?? MIN_IOU;
  const iouOf = opts.mode === 'boxes' ? (t: number, p: number) => regionIoU(truth.articles[t]!.boxes, predicted.articles[p]!.boxes) : contentIoUs(truth, predicted);
  const pairs: Array<{ t: number; p: number; iou: number }> = [];
  const best = truth.articles.map(() => 0);
  truth.articles.forEach((_, t) => {
    predicted.articles.forEach((_, p) => {
      const iou = iouOf(t, p);
      best[t] = Math.max(best[t]!, iou);
      if (iou >= minIoU) pairs.push({ t, p, iou });
    });
  });
  pairs.sort((x, y) => y.iou - x.iou);
  const usedT = new Set<number>();
  const usedP = new Set<number>();
  const matches: MatchedArticle[] = [];
  for (const { t, p, iou } of pairs) {
    if (usedT.has(t) || usedP.has(p)) continue;
    usedT.add(t);
    usedP.add(p);
    const ta = truth.articles[t]!;
    const pa = predicted.articles[p]!;
    const truthBody = compactText(ta.body);
    matches.push({
      truth: t,
      predicted: p,
      iou,
      titleExact: compactText(ta.title) === compactText(pa.title),
      bodyEdits: editDistance(truthBody, compactText(pa.body)),
      bodyChars: [...truthBody].length,
    });
  }
  matches.sort((x, y) => x.truth - y.truth);
  // Truth indices in the order the prediction reads them.
  const readOrder = [...matches].sort((x, y) => x.predicted - y.predicted).map((m) => m.truth);
  return {
    truthArticles: truth.articles.length,
    predictedArticles: predicted.articles.length,
    matches,
    missed: truth.articles.flatMap((_, t) => (usedT.has(t) ? [] : [{ truth: t, bestIoU: best[t]! }])),
    spurious: predicted.articles.flatMap((_, p) => (usedP.has(p) ? [] : [p])),
    orderInversions: inversions(readOrder),
    orderPairs: (matches.length * (matches.length - 1)) / 2,
    headerExact:
      truth.header.number === predicted.header.number &&
      compactText(truth.header.name ?? '') === compactText(predicted.header.name ?? '') &&
      printedDate(truth.header.dateText) === printedDate(predicted.header.dateText),
  };
}

/** Content IoU of every (truth, prediction) pair: counts each prediction's covered truth points once. */
function contentIoUs(truth: ScoredPage, predicted: ScoredPage): (t: number, p: number) => number {
  const points = truth.articles.map((a, t) => {
    if (!a.content) throw new Error(`truth article ${t} («${a.title}») has no content points to score content IoU with`);
    return a.content;
  });
  // covered[p][t]: how many of truth article t's points prediction p covers.
  const covered = predicted.articles.map((pa) => points.map((pts) => pts.filter(([x, y]) => covers(pa.boxes, x, y)).length));
  return (t, p) => {
    const row = covered[p]!;
    const others = row.reduce((s, n, i) => (i === t ? s : s + n), 0);
    const total = points[t]!.length + others;
    return total > 0 ? row[t]! / total : 0;
  };
}

// ---------------------------------------------------------------------------------------------
// A corpus.

export interface CorpusScore {
  pages: number;
  truthArticles: number;
  predictedArticles: number;
  matched: number;
  /** matched / truth articles (1 when there are none). */
  recall: number;
  /** matched / predicted articles (1 when there are none). */
  precision: number;
  /** Share of matched articles whose title equals the truth's, whitespace aside. */
  headlineExact: number;
  /** Edit distance over truth length, summed over matched articles, whitespace aside. */
  bodyCer: number;
  orderInversions: number;
  orderPairs: number;
  /** Pages whose matched articles are not all in the truth's order. */
  pagesWithOrderErrors: number;
  headerExact: number;
}

export function scoreCorpus(pages: readonly PageScore[]): CorpusScore {
  const sum = (f: (p: PageScore) => number) => pages.reduce((s, p) => s + f(p), 0);
  const matched = sum((p) => p.matches.length);
  const truthArticles = sum((p) => p.truthArticles);
  const predictedArticles = sum((p) => p.predictedArticles);
  const bodyChars = sum((p) => p.matches.reduce((s, m) => s + m.bodyChars, 0));
  const ratio = (n: number, d: number) => (d > 0 ? n / d : 1);
  return {
    pages: pages.length,
    truthArticles,
    predictedArticles,
    matched,
    recall: ratio(matched, truthArticles),
    precision: ratio(matched, predictedArticles),
    headlineExact: ratio(sum((p) => p.matches.filter((m) => m.titleExact).length), matched),
    bodyCer: bodyChars > 0 ? sum((p) => p.matches.reduce((s, m) => s + m.bodyEdits, 0)) / bodyChars : 0,
    orderInversions: sum((p) => p.orderInversions),
    orderPairs: sum((p) => p.orderPairs),
    pagesWithOrderErrors: pages.filter((p) => p.orderInversions > 0).length,
    headerExact: ratio(pages.filter((p) => p.headerExact).length, pages.length),
  };
}

// ---------------------------------------------------------------------------------------------
// Scanned pages: no truth articles, but every OCR text block must land in exactly one article.

export interface BlockCoverage {
  blocks: number;
  inNone: number;
  inOne: number;
  inSeveral: number;
}

/**
 * A block lands in an article when the article's region covers at least `minShare` of the
 * block's area (0.5: a block can then land in several articles only where articles overlap).
 */
export function blockCoverage(blocks: readonly Box[], articles: ReadonlyArray<readonly Box[]>, minShare = 0.5): BlockCoverage {
  const out: BlockCoverage = { blocks: blocks.length, inNone: 0, inOne: 0, inSeveral: 0 };
  for (const block of blocks) {
    const homes = articles.filter((region) => coveredShare([block], region) >= minShare).length;
    if (homes === 0) out.inNone += 1;
    else if (homes === 1) out.inOne += 1;
    else out.inSeveral += 1;
  }
  return out;
}
