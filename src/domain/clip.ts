import { boundingBox } from './regions';

/**
 * Clips (剪报): a rectangle of a page image, in the master's pixels, named
 * by its URL `/{paper}/{date}/{NN}/clip/{x},{y},{w},{h}`. The canonical
 * rectangle lies inside the page and is at least MIN_CLIP_SIDE a side.
 */

export interface ClipRect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Smaller than this a side, a clip shows nothing a reader could recognise. */
export const MIN_CLIP_SIDE = 16;
/** The largest picture a clip answers: enough for a share card (1200 px wide) and for reading a column. */
export const MAX_CLIP_WIDTH = 1200;
export const MAX_CLIP_HEIGHT = 1600;

/** `x,y,w,h` as non-negative integers without signs or leading zeros, or null. */
export function parseClipRect(text: string): ClipRect | null {
  const m = /^(0|[1-9]\d{0,5}),(0|[1-9]\d{0,5}),([1-9]\d{0,5}),([1-9]\d{0,5})$/.exec(text);
  return m ? { x: Number(m[1]), y: Number(m[2]), w: Number(m[3]), h: Number(m[4]) } : null;
}

/** `x,y,w,h` written loosely (leading zeros, spaces, + signs): the numbers, for a redirect to the canonical form. */
export function parseLooseClipRect(text: string): ClipRect | null {
  const m = /^\s*\+?(\d{1,9})\s*,\s*\+?(\d{1,9})\s*,\s*\+?(\d{1,9})\s*,\s*\+?(\d{1,9})\s*$/.exec(text);
  return m ? { x: Number(m[1]), y: Number(m[2]), w: Number(m[3]), h: Number(m[4]) } : null;
}

export const formatClipRect = (r: ClipRect): string => `${r.x},${r.y},${r.w},${r.h}`;

/** The part of the rectangle inside a width × height page, or null when too little of it is (less than MIN_CLIP_SIDE a side). */
export function clampClip(r: ClipRect, width: number, height: number): ClipRect | null {
  const x = Math.min(r.x, width);
  const y = Math.min(r.y, height);
  const w = Math.min(r.x + r.w, width) - x;
  const h = Math.min(r.y + r.h, height) - y;
  return w >= MIN_CLIP_SIDE && h >= MIN_CLIP_SIDE ? { x, y, w, h } : null;
}

/** The clip that shows a region of a page: its outline's bounding box with a margin of 1.5% of the page width, inside the page. */
export function clipAround(polygon: readonly (readonly [number, number])[], width: number, height: number): ClipRect | null {
  if (polygon.length === 0) return null;
  const box = boundingBox(polygon);
  const pad = Math.round(width * 0.015);
  const x = Math.max(0, box.x - pad);
  const y = Math.max(0, box.y - pad);
  return clampClip({ x, y, w: box.x + box.w + pad - x, h: box.y + box.h + pad - y }, width, height);
}

/** The picture's size: the clip scaled down to fit MAX_CLIP_WIDTH × MAX_CLIP_HEIGHT, never up. */
export function clipOutputSize(r: ClipRect): { width: number; height: number } {
  const scale = Math.min(1, MAX_CLIP_WIDTH / r.w, MAX_CLIP_HEIGHT / r.h);
  return { width: Math.max(1, Math.round(r.w * scale)), height: Math.max(1, Math.round(r.h * scale)) };
}
