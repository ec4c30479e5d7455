// The text blocks of an ALTO page, as the scanned-page check needs them: each TextBlock's
// rectangle, scaled to PDF points. Only the attributes of <Page> and <TextBlock> start tags are
// read; the importer's own ALTO reader is what turns the words into articles.
import fs from 'node:fs';
import path from 'node:path';
import type { Box } from './truth';

export interface AltoBlocks {
  /** The page's size in ALTO units (MeasurementUnit: pixel, mm10 or inch1200). */
  width: number;
  height: number;
  blocks: Array<{ id: string; box: Box }>;
}

function attributes(tag: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of tag.matchAll(/([A-Za-z_:][\w:.-]*)\s*=\s*"([^"]*)"/g)) out.set(m[1]!, m[2]!);
  return out;
}

function numberAttr(attrs: Map<string, string>, name: string, tag: string): number {
  const value = Number(attrs.get(name));
  if (!Number.isFinite(value)) throw new Error(`ALTO ${tag} without a numeric ${name}`);
  return value;
}

function rectOf(tag: string, name: string): Box {
  const a = attributes(tag);
  return { x: numberAttr(a, 'HPOS', name), y: numberAttr(a, 'VPOS', name), w: numberAttr(a, 'WIDTH', name), h: numberAttr(a, 'HEIGHT', name) };
}

function union(boxes: readonly Box[]): Box {
  const x = Math.min(...boxes.map((b) => b.x));
  const y = Math.min(...boxes.map((b) => b.y));
  return { x, y, w: Math.max(...boxes.map((b) => b.x + b.w)) - x, h: Math.max(...boxes.map((b) => b.y + b.h)) - y };
}

/**
 * Each TextBlock's box is the union of its TextLines: real OCR gets block sizes wrong (the 1920
 * fixture page has WIDTH and HEIGHT of its column blocks swapped) while its line boxes are right.
 */
export function altoTextBlocks(xml: string): AltoBlocks {
  const page = /<(?:\w+:)?Page\s[^>]*>/.exec(xml);
  if (!page) throw new Error('ALTO without a <Page>');
  const pageAttrs = attributes(page[0]);
  const blocks: AltoBlocks['blocks'] = [];
  for (const m of xml.matchAll(/(<(?:\w+:)?TextBlock\s[^>]*>)([\s\S]*?)<\/(?:\w+:)?TextBlock>/g)) {
    const lines = [...m[2]!.matchAll(/<(?:\w+:)?TextLine\s[^>]*>/g)].map((l) => rectOf(l[0], 'TextLine'));
    blocks.push({
      id: attributes(m[1]!).get('ID') ?? `block-${blocks.length + 1}`,
      box: lines.length > 0 ? union(lines) : rectOf(m[1]!, 'TextBlock'),
    });
  }
  return { width: numberAttr(pageAttrs, 'WIDTH', 'Page'), height: numberAttr(pageAttrs, 'HEIGHT', 'Page'), blocks };
}

/** The blocks in PDF points on a page of widthPt × heightPt. */
export function altoBlocksInPoints(alto: AltoBlocks, widthPt: number, heightPt: number): Box[] {
  const sx = widthPt / alto.width;
  const sy = heightPt / alto.height;
  return alto.blocks.map(({ box }) => ({ x: box.x * sx, y: box.y * sy, w: box.w * sx, h: box.h * sy }));
}

/**
 * The shared scanned-page fixtures (shared/fixtures/scanned-pages beside the checkout, or beside
 * one of its parent folders when the checkout is a worktree), or null when there are none.
 */
export function scannedFixturesDir(projectRoot: string): string | null {
  for (let dir = path.resolve(projectRoot, '..'); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'shared', 'fixtures', 'scanned-pages');
    if (fs.existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) return null;
  }
}
