// Page plans on a column grid: where each story goes (rectangles and one L at most), in reading
// order, and where the ads of an ad page go. Seeded; nothing here touches the browser.
import type { Rng } from '../../demo/random';
import type { ArticleRegion } from './typeset';

/** A rectangle of whole columns: columns [col, col + cols), points [top, bottom). */
export interface Cell {
  col: number;
  cols: number;
  top: number;
  bottom: number;
}

export interface RegionPlanOptions {
  /** The smallest height a story may get, in points. */
  minHeight: number;
  /** Space between stories stacked in one column, in points. */
  gap: number;
  /** Chance to turn a story over a stack of others into an L around them (once per page). */
  lChance: number;
}

/** How many stories of minHeight a cell can hold. */
function capacity(cell: Cell, o: RegionPlanOptions): number {
  return cell.cols * Math.max(0, Math.floor((cell.bottom - cell.top + o.gap) / (o.minHeight + o.gap)));
}

/**
 * Splits `area` into `count` story regions, guillotine-fashion: each cut is across the page (top
 * part read first) or between columns (left part read first), so the tree order is the reading
 * order. The first story is the page's lead: it gets the top band.
 */
export function planRegions(area: Cell, count: number, rng: Rng, o: RegionPlanOptions): ArticleRegion[] {
  if (capacity(area, o) < count) throw new Error(`a ${area.cols}-column area of ${Math.round(area.bottom - area.top)} pt cannot hold ${count} stories`);
  let lLeft = rng.chance(o.lChance) ? 1 : 0;

  const split = (cell: Cell, n: number, depth: number): ArticleRegion[] => {
    if (n === 1) return [{ ...cell }];
    const height = cell.bottom - cell.top;
    for (let attempt = 0; attempt < 40; attempt += 1) {
      // The lead's band first; then cut between columns more often on wide cells.
      const vertical = cell.cols >= 2 && (depth === 0 ? rng.chance(0.15) : rng.chance(cell.cols >= 3 ? 0.55 : 0.35));
      if (vertical) {
        const k = rng.int(1, cell.cols - 1);
        const left: Cell = { ...cell, cols: k };
        const right: Cell = { ...cell, col: cell.col + k, cols: cell.cols - k };
        const n1 = Math.min(n - 1, Math.max(1, Math.round((n * k) / cell.cols)));
        if (capacity(left, o) >= n1 && capacity(right, o) >= n - n1) return [...split(left, n1, depth + 1), ...split(right, n - n1, depth + 1)];
        continue;
      }
      const share = depth === 0 ? 0.28 + rng.next() * 0.17 : 0.3 + rng.next() * 0.4;
      const mid = cell.top + Math.round(height * share);
      const top: Cell = { ...cell, bottom: mid };
      const bottom: Cell = { ...cell, top: mid + o.gap };
      const n1 = depth === 0 ? 1 : Math.min(n - 1, Math.max(1, Math.round(n * share)));
      if (capacity(top, o) < n1 || capacity(bottom, o) < n - n1) continue;
      if (n1 === 1 && lLeft > 0 && cell.cols >= 2 && rng.chance(depth === 0 ? 0.4 : 0.8)) {
        // The top story keeps its left columns all the way down; the rest stack beside them.
        const legs = rng.int(1, Math.max(1, Math.floor(cell.cols / 2)));
        const beside: Cell = { ...bottom, col: cell.col + legs, cols: cell.cols - legs };
        if (capacity(beside, o) >= n - 1) {
          lLeft -= 1;
          return [{ ...cell, short: { cols: legs, bottom: mid } }, ...split(beside, n - 1, depth + 1)];
        }
      }
      return [...split(top, n1, depth + 1), ...split(bottom, n - n1, depth + 1)];
    }
    // Fallback: equal bands.
    const band = (height - (n - 1) * o.gap) / n;
    return Array.from({ length: n }, (_, i) => ({ ...cell, top: cell.top + i * (band + o.gap), bottom: cell.top + i * (band + o.gap) + band }));
  };
  return split(area, count, 0);
}

/** Ads of an ad page: 2–5 rectangles tiling the area in column units. */
export function planAds(area: Cell, rng: Rng, gap: number): Cell[] {
  const count = rng.int(2, Math.min(5, 1 + area.cols));
  const cells: Cell[] = [area];
  while (cells.length < count) {
    cells.sort((a, b) => b.cols * (b.bottom - b.top) - a.cols * (a.bottom - a.top));
    const c = cells.shift()!;
    if (c.cols >= 2 && rng.chance(0.5)) {
      const k = rng.int(1, c.cols - 1);
      cells.push({ ...c, cols: k }, { ...c, col: c.col + k, cols: c.cols - k });
    } else {
      const mid = c.top + Math.round((c.bottom - c.top) * (0.35 + rng.next() * 0.3));
      cells.push({ ...c, bottom: mid }, { ...c, top: mid + gap });
    }
  }
  return cells;
}
