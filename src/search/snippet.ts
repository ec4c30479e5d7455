// Highlighting and snippet extraction: plain text with the ranges the query
// matched. Nothing here produces markup: the view escapes the text and marks
// the ranges itself.

import { type HighlightPiece, isWordChar, normalizeForSearch } from './tokenize';

/** Snippet length in UTF-16 code units (≈ characters for Chinese). */
export const SNIPPET_LENGTH = 120;
/** Context kept before the first match in a snippet. */
const SNIPPET_LEAD = 30;
const ELLIPSIS = '…';

/** A matched stretch of a text: UTF-16 offsets, `end` exclusive. */
export interface HighlightRange {
  start: number;
  end: number;
}

/** Plain text with the stretches the query matched, sorted and disjoint. */
export interface HighlightedText {
  text: string;
  highlights: HighlightRange[];
}

/** A run of text that is, or is not, a match: what the view prints (in <mark> or not). */
export interface TextSegment {
  text: string;
  hit: boolean;
}

/** Matches of the pieces in `text`, as sorted, merged ranges of `text`. */
export function findMatches(text: string, pieces: readonly HighlightPiece[]): HighlightRange[] {
  if (pieces.length === 0 || text === '') return [];
  const { norm, startOf, endOf } = normalizeAligned(text);
  const ranges: HighlightRange[] = [];
  for (const p of pieces) {
    for (let at = norm.indexOf(p.text); at !== -1; at = norm.indexOf(p.text, at + 1)) {
      const end = at + p.text.length;
      // Latin words match whole words only, as in the index.
      if (p.wordStart && at > 0 && isWordChar(codePointBefore(norm, at))) continue;
      if (p.wordEnd && end < norm.length && isWordChar(norm.codePointAt(end)!)) continue;
      ranges.push({ start: startOf[at]!, end: endOf[end - 1]! });
    }
  }
  return mergeRanges(ranges);
}

/** Overlapping or touching ranges joined: 数字 and 经济 in 数字经济 are one match. */
function mergeRanges(ranges: HighlightRange[]): HighlightRange[] {
  ranges.sort((a, b) => a.start - b.start || b.end - a.end);
  const merged: HighlightRange[] = [];
  for (const r of ranges) {
    const last = merged[merged.length - 1];
    if (last && r.start <= last.end) last.end = Math.max(last.end, r.end);
    else merged.push({ ...r });
  }
  return merged;
}

// Combining marks: a character followed by one is normalized together with it.
const MARK_RE = /\p{M}/u;
const markCache = new Uint8Array(0x10000); // 0 unknown, 1 no, 2 yes
function isMark(c: number): boolean {
  if (c < 0x300) return false;
  let k = markCache[c]!;
  if (k === 0) {
    k = MARK_RE.test(String.fromCharCode(c)) ? 2 : 1;
    markCache[c] = k;
  }
  return k === 2;
}

/**
 * normalizeForSearch applied per character (a code point with its combining
 * marks), so that every UTF-16 unit of the result maps back to the range of
 * `text` it came from. ASCII and common Han are mapped without calling
 * normalize(), which would dominate the time for long articles.
 */
export function normalizeAligned(text: string): { norm: string; startOf: number[]; endOf: number[] } {
  let norm = '';
  const startOf: number[] = [];
  const endOf: number[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    const next = i + 1 < n ? text.charCodeAt(i + 1) : 0;
    if ((c < 0x80 || (c >= 0x4e00 && c <= 0x9fff)) && !isMark(next)) {
      norm += c >= 0x41 && c <= 0x5a ? String.fromCharCode(c + 32) : text[i];
      startOf.push(i);
      endOf.push(i + 1);
      i++;
      continue;
    }
    let j = i + 1;
    if (c >= 0xd800 && c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) j++;
    while (j < n) {
      const cp = text.codePointAt(j)!;
      if (cp > 0xffff ? !MARK_RE.test(String.fromCodePoint(cp)) : !isMark(cp)) break;
      j += cp > 0xffff ? 2 : 1;
    }
    // The index's own normaliser, so highlighting finds what the index found; what it drops maps to nothing.
    const piece = normalizeForSearch(text.slice(i, j));
    for (let k = 0; k < piece.length; k++) {
      startOf.push(i);
      endOf.push(j);
    }
    norm += piece;
    i = j;
  }
  return { norm, startOf, endOf };
}

function codePointBefore(s: string, i: number): number {
  const c = s.charCodeAt(i - 1);
  if (c >= 0xdc00 && c <= 0xdfff && i >= 2) {
    const h = s.charCodeAt(i - 2);
    if (h >= 0xd800 && h <= 0xdbff) return s.codePointAt(i - 2)!;
  }
  return c;
}

/** An excerpt of about `length` units around the first match, or null when nothing matches. */
export function buildSnippet(text: string, pieces: readonly HighlightPiece[], length = SNIPPET_LENGTH): HighlightedText | null {
  const ranges = findMatches(text, pieces);
  if (ranges.length === 0) return null;
  let start = Math.max(0, ranges[0]!.start - SNIPPET_LEAD);
  const end = Math.min(text.length, start + length);
  start = Math.max(0, end - length);
  return excerpt(text, start, end, ranges);
}

/** The start of `text`, nothing marked: the snippet of an article matched elsewhere (a character condition). */
export function plainSnippet(text: string, length = SNIPPET_LENGTH): HighlightedText {
  return excerpt(text, 0, Math.min(text.length, length), []);
}

/** text[start, end) with ellipses where it was cut, and the ranges inside it moved to its offsets. */
function excerpt(text: string, start: number, end: number, ranges: readonly HighlightRange[]): HighlightedText {
  // Never cut a surrogate pair.
  if (start > 0 && isLowSurrogate(text.charCodeAt(start))) start--;
  if (end < text.length && isLowSurrogate(text.charCodeAt(end))) end++;
  const lead = start > 0 ? ELLIPSIS : '';
  const shift = lead.length - start;
  const highlights: HighlightRange[] = [];
  for (const r of ranges) {
    const a = Math.max(r.start, start);
    const b = Math.min(r.end, end);
    if (b > a) highlights.push({ start: a + shift, end: b + shift });
  }
  return { text: lead + text.slice(start, end) + (end < text.length ? ELLIPSIS : ''), highlights };
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/** The text cut at its highlight boundaries, in order; empty runs are left out. */
export function highlightSegments({ text, highlights }: HighlightedText): TextSegment[] {
  const segments: TextSegment[] = [];
  let at = 0;
  for (const { start, end } of highlights) {
    if (start > at) segments.push({ text: text.slice(at, start), hit: false });
    segments.push({ text: text.slice(start, end), hit: true });
    at = end;
  }
  if (at < text.length) segments.push({ text: text.slice(at), hit: false });
  return segments;
}
