import type { Box } from './layout';

/** The hotspot format allows at most this many points (src/importer/manifest.ts). */
export const MAX_POLYGON_POINTS = 64;

/** Margins tried, in multiples of the body text size, until an article's boxes join into one piece. */
const MARGIN_STEPS = [0.6, 1, 1.5, 2, 3];

/**
 * The outline of an article's boxes as one polygon: each box grows by a
 * margin so that the gaps between its columns and between its headline and
 * its body close; the smallest margin that joins them all is used.
 */
export function articleOutline(boxes: Box[], bodySize: number): [number, number][] {
  const bridged = [...boxes, ...bridges(boxes)];
  for (const step of MARGIN_STEPS) {
    const joined = outline(bridged, step * bodySize, true);
    if (joined.length > 0) return joined;
  }
  return outline(bridged, MARGIN_STEPS.at(-1)! * bodySize);
}

/**
 * The gaps between an article's blocks, as boxes: below each block, up to
 * the nearest block under it that shares some of its width (the leg of an
 * L-shaped story under its first column), and beside it, up to the nearest
 * block that shares some of its height (the next column).
 */
function bridges(boxes: Box[]): Box[] {
  const out: Box[] = [];
  for (const a of boxes) {
    let below: Box | null = null;
    let beside: Box | null = null;
    for (const b of boxes) {
      if (b === a) continue;
      const sharedX = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x);
      const sharedY = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
      if (sharedX > 0 && b.y >= a.y + a.h && (!below || b.y < below.y)) below = b;
      if (sharedY > 0 && b.x >= a.x + a.w && (!beside || b.x < beside.x)) beside = b;
    }
    if (below) {
      const x = Math.max(a.x, below.x);
      out.push({ x, y: a.y + a.h, w: Math.min(a.x + a.w, below.x + below.w) - x, h: below.y - (a.y + a.h) });
    }
    if (beside) {
      const y = Math.max(a.y, beside.y);
      out.push({ x: a.x + a.w, y, w: beside.x - (a.x + a.w), h: Math.min(a.y + a.h, beside.y + beside.h) - y });
    }
  }
  return out.filter((b) => b.w > 0 && b.h > 0);
}

/**
 * The outline of a union of boxes, as one rectilinear polygon (clockwise,
 * origin top-left). Each box grows by `margin` on every side first. Where
 * the boxes fall apart, the outline of the largest piece is taken (or [] when
 * `joinedOnly`); where it would need more than MAX_POLYGON_POINTS points,
 * the bounding box of the boxes.
 */
export function outline(boxes: Box[], margin: number, joinedOnly = false): [number, number][] {
  if (boxes.length === 0) return [];
  const grown = boxes.map((b) => ({ x0: b.x - margin, y0: b.y - margin, x1: b.x + b.w + margin, y1: b.y + b.h + margin }));
  const xs = [...new Set(grown.flatMap((b) => [b.x0, b.x1]))].sort((a, b) => a - b);
  const ys = [...new Set(grown.flatMap((b) => [b.y0, b.y1]))].sort((a, b) => a - b);
  const cols = xs.length - 1;
  const rows = ys.length - 1;
  const filled = new Uint8Array(cols * rows);
  for (let r = 0; r < rows; r++) {
    const cy = (ys[r]! + ys[r + 1]!) / 2;
    for (let c = 0; c < cols; c++) {
      const cx = (xs[c]! + xs[c + 1]!) / 2;
      if (grown.some((b) => cx > b.x0 && cx < b.x1 && cy > b.y0 && cy < b.y1)) filled[r * cols + c] = 1;
    }
  }
  const cell = (c: number, r: number): boolean => c >= 0 && r >= 0 && c < cols && r < rows && filled[r * cols + c] === 1;
  if (keepLargestPiece(filled, cols, rows, xs, ys) > 1 && joinedOnly) return [];

  // Boundary edges with the filled cell on their right (clockwise in y-down coordinates), keyed by start corner.
  const next = new Map<string, [number, number]>();
  const key = (c: number, r: number): string => `${c},${r}`;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      if (!cell(c, r)) continue;
      if (!cell(c, r - 1)) next.set(key(c, r), [c + 1, r]); // top edge, eastwards
      if (!cell(c + 1, r)) next.set(key(c + 1, r), [c + 1, r + 1]); // right edge, southwards
      if (!cell(c, r + 1)) next.set(key(c + 1, r + 1), [c, r + 1]); // bottom edge, westwards
      if (!cell(c - 1, r)) next.set(key(c, r + 1), [c, r]); // left edge, northwards
    }
  }
  // The outer loop starts at the top-left corner of the topmost, leftmost filled cell.
  let start: [number, number] | null = null;
  for (let i = 0; i < filled.length && !start; i++) if (filled[i]) start = [i % cols, Math.floor(i / cols)];
  const corners: [number, number][] = [];
  let at = start!;
  for (let guard = 0; guard <= next.size; guard++) {
    corners.push(at);
    const to = next.get(key(...at));
    if (!to || (to[0] === start![0] && to[1] === start![1])) break;
    at = to;
  }
  const points = dropCollinear(corners.map(([c, r]) => [xs[c]!, ys[r]!] as [number, number]));
  if (points.length > MAX_POLYGON_POINTS) {
    const x0 = Math.min(...grown.map((b) => b.x0));
    const y0 = Math.min(...grown.map((b) => b.y0));
    const x1 = Math.max(...grown.map((b) => b.x1));
    const y1 = Math.max(...grown.map((b) => b.y1));
    return [[x0, y0], [x1, y0], [x1, y1], [x0, y1]];
  }
  return points;
}

/** Clears every filled cell outside the largest (by area) 4-connected piece; returns how many pieces there were. */
function keepLargestPiece(filled: Uint8Array, cols: number, rows: number, xs: number[], ys: number[]): number {
  const piece = new Int32Array(filled.length).fill(-1);
  const areas: number[] = [];
  for (let i = 0; i < filled.length; i++) {
    if (!filled[i] || piece[i] !== -1) continue;
    const id = areas.length;
    let area = 0;
    const stack = [i];
    piece[i] = id;
    while (stack.length > 0) {
      const j = stack.pop()!;
      const c = j % cols;
      const r = Math.floor(j / cols);
      area += (xs[c + 1]! - xs[c]!) * (ys[r + 1]! - ys[r]!);
      for (const [dc, dr] of [[1, 0], [-1, 0], [0, 1], [0, -1]] as const) {
        const nc = c + dc;
        const nr = r + dr;
        const k = nr * cols + nc;
        if (nc >= 0 && nr >= 0 && nc < cols && nr < rows && filled[k] && piece[k] === -1) {
          piece[k] = id;
          stack.push(k);
        }
      }
    }
    areas.push(area);
  }
  const largest = areas.indexOf(Math.max(...areas));
  for (let i = 0; i < filled.length; i++) if (piece[i] !== largest) filled[i] = 0;
  return areas.length;
}

function dropCollinear(points: [number, number][]): [number, number][] {
  return points.filter((p, i) => {
    const prev = points[(i - 1 + points.length) % points.length]!;
    const next = points[(i + 1) % points.length]!;
    return !((prev[0] === p[0] && p[0] === next[0]) || (prev[1] === p[1] && p[1] === next[1]));
  });
}
