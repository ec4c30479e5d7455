// The text blocks of an ALTO page, as the scanned-page check needs them: each TextBlock's
// rectangle, scaled to PDF points. Only the attributes of <Page> and <TextBlock> start tags are
// read; the importer's own ALTO reader is what turns the words into articles.
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

export function altoTextBlocks(xml: string): AltoBlocks {
  const page = /<(?:\w+:)?Page\s[^>]*>/.exec(xml);
  if (!page) throw new Error('ALTO without a <Page>');
  const pageAttrs = attributes(page[0]);
  const blocks: AltoBlocks['blocks'] = [];
  for (const m of xml.matchAll(/<(?:\w+:)?TextBlock\s[^>]*>/g)) {
    const a = attributes(m[0]);
    blocks.push({
      id: a.get('ID') ?? `block-${blocks.length + 1}`,
      box: { x: numberAttr(a, 'HPOS', 'TextBlock'), y: numberAttr(a, 'VPOS', 'TextBlock'), w: numberAttr(a, 'WIDTH', 'TextBlock'), h: numberAttr(a, 'HEIGHT', 'TextBlock') },
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
