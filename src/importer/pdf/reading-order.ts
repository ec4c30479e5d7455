// Articles in the order a reader takes them. A newspaper page is made by
// cutting it guillotine-fashion: across the page (the part above is read
// first) or between columns (the part on the left is read first), again and
// again; reading order is that tree's order. Sorting by the headlines' height
// alone reads across columns instead: a story at the foot of the left column
// came after a story higher up in the right one (179 of 1,050 pairs of the
// segmentation benchmark's articles were read out of order that way).
import type { Box } from './layout';

interface Extent {
  top: number;
  bottom: number;
  left: number;
  right: number;
}

function extentOf(boxes: readonly Box[]): Extent {
  return {
    top: Math.min(...boxes.map((b) => b.y)),
    bottom: Math.max(...boxes.map((b) => b.y + b.h)),
    left: Math.min(...boxes.map((b) => b.x)),
    right: Math.max(...boxes.map((b) => b.x + b.w)),
  };
}

/**
 * Splits `items` where a line across (or down) the page meets none of them:
 * each one's span on that axis, less `slack` at either end (neighbouring
 * regions drawn a little generously may overlap), merged with the spans it
 * overlaps. Groups in page order; one group when there is no such line.
 */
function cut<T extends { extent: Extent }>(items: T[], from: 'top' | 'left', to: 'bottom' | 'right', slack: number): T[][] {
  const span = (e: Extent): [number, number] => {
    const a = e[from] + slack;
    const b = e[to] - slack;
    return a <= b ? [a, b] : [(e[from] + e[to]) / 2, (e[from] + e[to]) / 2];
  };
  const sorted = [...items].sort((p, q) => span(p.extent)[0] - span(q.extent)[0]);
  const groups: T[][] = [];
  let end = -Infinity;
  for (const item of sorted) {
    const [a, b] = span(item.extent);
    if (groups.length === 0 || a > end) groups.push([item]);
    else groups[groups.length - 1]!.push(item);
    end = Math.max(end, b);
  }
  return groups;
}

/**
 * Whether the regions of `items` start along one line: the ones starting
 * highest (within `slack`) span, side by side, nearly all of their
 * width. A part cut off below others starts so (each of its columns begins
 * at the cut); stacks of stories in separate columns rarely do.
 */
function flatTop(items: Array<{ extent: Extent }>, slack: number): boolean {
  const top = Math.min(...items.map((i) => i.extent.top));
  const left = Math.min(...items.map((i) => i.extent.left));
  const right = Math.max(...items.map((i) => i.extent.right));
  const first = items.filter((i) => i.extent.top <= top + slack).sort((p, q) => p.extent.left - q.extent.left);
  let covered = 0;
  let reached = -Infinity;
  for (const { extent } of first) {
    covered += Math.max(0, extent.right - Math.max(extent.left, reached));
    reached = Math.max(reached, extent.right);
  }
  return covered >= 0.9 * (right - left);
}

/**
 * `items` in reading order, each placed by its region (`boxesOf`), the way
 * the page was cut: where a line across the page and a line between columns
 * both meet no region, the part below is a band of its own (read after all
 * above it) when its stories start along one line, else the columns are
 * stacks read one after the other, left first; each part is ordered the same
 * way. Where no line separates them (a story that wraps round others in an
 * L), the one starting highest (then leftmost) comes first and the rest are
 * ordered without it. `slack` is how far neighbouring regions may overlap and
 * still be told apart (half the body text's size).
 */
export function inReadingOrder<T>(items: readonly T[], boxesOf: (item: T) => readonly Box[], slack: number): T[] {
  const placed = items.map((item, index) => {
    const boxes = boxesOf(item);
    return { item, index, extent: boxes.length > 0 ? extentOf(boxes) : { top: 0, bottom: 0, left: 0, right: 0 } };
  });
  const order = (set: typeof placed): typeof placed => {
    if (set.length <= 1) return set;
    // The first part only: the rest may divide the other way before it divides this way again.
    const [above, ...below] = cut(set, 'top', 'bottom', slack);
    const [left, ...right] = cut(set, 'left', 'right', slack);
    if (below.length > 0 && (right.length === 0 || flatTop(below.flat(), slack))) return [...order(above!), ...order(below.flat())];
    if (right.length > 0) return [...order(left!), ...order(right.flat())];
    const first = [...set].sort((p, q) => (Math.abs(p.extent.top - q.extent.top) < slack * 2 ? p.extent.left - q.extent.left : p.extent.top - q.extent.top) || p.index - q.index)[0]!;
    return [first, ...order(set.filter((p) => p !== first))];
  };
  return order(placed).map((p) => p.item);
}
