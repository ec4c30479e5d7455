// Scoring page segmentation against ground truth: pure functions, no I/O.
import type { Box, PageHeader } from './truth';

/** What the scorer compares of one article, truth or prediction alike. */
export interface ScoredArticle {
  title: string;
  /** Body text: text blocks and photo captions, in order. */
  body: string;
  /** The article's region is the union of these rectangles. */
  boxes: readonly Box[];
}

export interface ScoredPage {
  header: PageHeader;
  /** In reading order. */
  articles: readonly ScoredArticle[];
}

export const MIN_IOU = 0.8;

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
export function scorePage(truth: ScoredPage, predicted: ScoredPage, minIoU = MIN_IOU): PageScore {
  const pairs: Array<{ t: number; p: number; iou: number }> = [];
  const best = truth.articles.map(() => 0);
  truth.articles.forEach((ta, t) => {
    predicted.articles.forEach((pa, p) => {
      const iou = regionIoU(ta.boxes, pa.boxes);
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
      compactText(truth.header.dateText ?? '') === compactText(predicted.header.dateText ?? ''),
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
