// Newspaper-like page grids: a header band, a lead story on top and columns of stories below.
import type { Point } from '../domain/blocks';
import type { Rng } from './random';

/** Pixel rectangle with exclusive right/bottom edges: it covers x0 ≤ x < x1, y0 ≤ y < y1. */
export interface Rect {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export interface PageLayout {
  width: number;
  height: number;
  /** Masthead (page 1) or running header band (other pages). */
  header: Rect;
  masthead: boolean;
  /** One rectangle per article, in reading order; they never overlap and never touch. */
  blocks: Rect[];
}

export interface LayoutOptions {
  width: number;
  height: number;
  articles: number;
  masthead: boolean;
}

export const DEFAULT_PAGE_WIDTH = 800;
export const DEFAULT_PAGE_HEIGHT = 1120;
export const MAX_ARTICLES_PER_PAGE = 8;

/** The hotspot polygon of a block: its four corners, clockwise from top-left. */
export function rectToHotspot(rect: Rect): Point[] {
  return [
    [rect.x0, rect.y0],
    [rect.x1, rect.y0],
    [rect.x1, rect.y1],
    [rect.x0, rect.y1],
  ];
}

export function pageMargin(width: number): number {
  return Math.max(8, Math.round(width * 0.04));
}

export function pageGutter(width: number): number {
  return Math.max(6, Math.round(width * 0.015));
}

export function headerRect(width: number, height: number, masthead: boolean): Rect {
  const margin = pageMargin(width);
  const bandHeight = masthead ? Math.round(height * 0.13) : Math.round(height * 0.036);
  return { x0: margin, y0: margin, x1: width - margin, y1: margin + bandHeight };
}

/**
 * Lays out 1–8 article blocks. Random choices are drawn from small fixed sets so that
 * identical layouts recur (and their rendered images can be cached).
 */
export function layoutPage(options: LayoutOptions, rng: Rng): PageLayout {
  const { width, height, masthead } = options;
  const count = options.articles;
  if (!Number.isInteger(count) || count < 1 || count > MAX_ARTICLES_PER_PAGE) {
    throw new Error(`a page holds 1–${MAX_ARTICLES_PER_PAGE} articles, got ${count}`);
  }
  const margin = pageMargin(width);
  const gutter = pageGutter(width);
  const header = headerRect(width, height, masthead);
  const content: Rect = { x0: margin, y0: header.y1 + gutter * 2, x1: width - margin, y1: height - margin };

  if (count === 1) return { width, height, header, masthead, blocks: [content] };

  const leadShare = rng.pick([0.3, 0.36, 0.42]);
  const leadBottom = content.y0 + Math.round((content.y1 - content.y0) * leadShare);
  const below: Rect = { x0: content.x0, y0: leadBottom + gutter, x1: content.x1, y1: content.y1 };
  const blocks: Rect[] = [];
  let remaining = count - 1;

  if (count >= 4 && rng.chance(0.5)) {
    // Lead in the left two thirds, a side column of one or two short items on the right.
    const [leadCols, sideCols] = splitSpan(content.x0, content.x1, [2, 1], gutter);
    const sideItems = count >= 6 && rng.chance(0.5) ? 2 : 1;
    blocks.push({ x0: leadCols[0], y0: content.y0, x1: leadCols[1], y1: leadBottom });
    for (const [y0, y1] of splitSpan(content.y0, leadBottom, equalWeights(sideItems), gutter)) {
      blocks.push({ x0: sideCols[0], y0, x1: sideCols[1], y1 });
    }
    remaining -= sideItems;
  } else {
    blocks.push({ x0: content.x0, y0: content.y0, x1: content.x1, y1: leadBottom });
  }

  blocks.push(...layoutColumns(below, remaining, gutter, rng));
  return { width, height, header, masthead, blocks };
}

/** Distributes `count` blocks over 1–3 columns, each column split vertically. */
function layoutColumns(area: Rect, count: number, gutter: number, rng: Rng): Rect[] {
  const columns = count <= 3 ? count : count === 4 ? rng.pick([2, 3]) : 3;
  const perColumn = new Array<number>(columns).fill(Math.floor(count / columns));
  for (const index of rng.sample(perColumn.map((_, i) => i), count % columns)) {
    perColumn[index] = (perColumn[index] as number) + 1;
  }
  const columnWeights = columns === 1 ? [1] : rng.pick(columnWeightChoices(columns));
  const blocks: Rect[] = [];
  splitSpan(area.x0, area.x1, columnWeights, gutter).forEach(([x0, x1], column) => {
    const items = perColumn[column] as number;
    const weights = items === 1 ? [1] : Array.from({ length: items }, () => rng.pick([2, 3, 4]));
    for (const [y0, y1] of splitSpan(area.y0, area.y1, weights, gutter)) blocks.push({ x0, y0, x1, y1 });
  });
  return blocks;
}

function columnWeightChoices(columns: number): number[][] {
  return columns === 2
    ? [
        [1, 1],
        [3, 2],
        [2, 3],
      ]
    : [
        [1, 1, 1],
        [2, 1, 1],
        [1, 1, 2],
      ];
}

function equalWeights(count: number): number[] {
  return new Array<number>(count).fill(1);
}

/** Splits [start, end) into integer spans proportional to `weights`, separated by `gutter`. */
export function splitSpan(start: number, end: number, weights: readonly number[], gutter: number): Array<[number, number]> {
  const total = weights.reduce((sum, w) => sum + w, 0);
  const usable = end - start - gutter * (weights.length - 1);
  const spans: Array<[number, number]> = [];
  let cursor = start;
  let consumed = 0;
  weights.forEach((weight, i) => {
    consumed += weight;
    const spanEnd = i === weights.length - 1 ? end : start + Math.round((usable * consumed) / total) + gutter * i;
    spans.push([cursor, spanEnd]);
    cursor = spanEnd + gutter;
  });
  return spans;
}

/** A stable key for caching images rendered from this layout. */
export function layoutKey(layout: PageLayout): string {
  const blocks = layout.blocks.map((b) => `${b.x0},${b.y0},${b.x1},${b.y1}`).join(';');
  return `${layout.width}x${layout.height}:${layout.masthead ? 'M' : 'H'}:${blocks}`;
}
