import { XMLParser } from 'fast-xml-parser';
import { z } from 'zod';
import type { AnalysedPage, TextRun } from '../pdf/layout';
import { segmentPage } from '../pdf/segment';

/** Why an ALTO file cannot be used: the file, and what was expected. */
export class AltoError extends Error {
  constructor(
    readonly file: string,
    readonly detail: string,
  ) {
    super(`${file}: ${detail}`);
  }
}

/** Points per ALTO measurement unit; `pixel` is resolved with the scan's resolution. */
const POINTS_PER_UNIT: Record<string, number> = { inch1200: 72 / 1200, mm10: 72 / 254 };
/** A scan's resolution when neither the ALTO nor the image states one. */
export const DEFAULT_SCAN_DPI = 300;
/** ALTO and image sizes may differ by rounding; more than this is a different page. */
const SIZE_TOLERANCE = 0.02;

const position = z.coerce.number().finite();
const stringSchema = z.object({
  CONTENT: z.coerce.string(),
  HPOS: position,
  VPOS: position,
  WIDTH: position.nonnegative(),
  HEIGHT: position.nonnegative(),
  STYLE: z.string().optional(),
  STYLEREFS: z.string().optional(),
});
type AltoString = z.infer<typeof stringSchema>;

/** What the ALTO page is laid over: a PDF page (points) or a page image (pixels). */
export type AltoTarget = { kind: 'pdf'; widthPt: number; heightPt: number } | { kind: 'image'; widthPx: number; heightPx: number; dpi?: number };

export interface AnalysedAltoPage extends AnalysedPage {
  /** The ALTO TextBlock IDs of each article, in article order: every block lands in exactly one. */
  articleBlocks: string[][];
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseAttributeValue: false,
  isArray: (name) => ['Page', 'PrintSpace', 'TextBlock', 'ComposedBlock', 'TextLine', 'String', 'TextStyle', 'TopMargin', 'BottomMargin', 'LeftMargin', 'RightMargin'].includes(name),
});

type Node = Record<string, unknown>;
const children = (node: Node, name: string): Node[] => (Array.isArray(node[name]) ? (node[name] as Node[]) : []);

/**
 * Reads an ALTO v2–v4 page (TextBlock / TextLine / String with HPOS, VPOS,
 * WIDTH, HEIGHT, CONTENT) and segments it by the same rules as a PDF page:
 * every TextBlock stays whole and lands in exactly one article. Coordinates
 * come back in PDF points of `target` (origin top-left). Throws AltoError
 * when the XML is not ALTO or its page size disagrees with the target's.
 */
export function analyseAlto(xml: string, target: AltoTarget, file = 'ALTO'): AnalysedAltoPage {
  let doc: Node;
  try {
    doc = parser.parse(xml, true) as Node;
  } catch (err) {
    throw new AltoError(file, `not well-formed XML (${(err as Error).message.split('\n')[0]}); expected an ALTO file`);
  }
  const alto = doc['alto'] as Node | undefined;
  const page = alto && typeof alto['Layout'] === 'object' ? children(alto['Layout'] as Node, 'Page')[0] : undefined;
  if (!alto || !page) throw new AltoError(file, `no <alto><Layout><Page>; expected an ALTO v2–v4 file`);

  const unit = String((alto['Description'] as Node | undefined)?.['MeasurementUnit'] ?? 'pixel').trim();
  const pageW = Number(page['WIDTH']);
  const pageH = Number(page['HEIGHT']);
  if (!(pageW > 0) || !(pageH > 0)) throw new AltoError(file, `<Page> has no WIDTH and HEIGHT; expected the page size in ${unit}`);

  // Points per ALTO unit, and the page size in points, after checking the ALTO page against its target.
  let scale: number;
  let widthPt: number;
  let heightPt: number;
  const mismatch = (a: number, b: number): boolean => Math.abs(a - b) > SIZE_TOLERANCE * Math.max(a, b);
  if (target.kind === 'pdf') {
    scale = POINTS_PER_UNIT[unit] ?? target.widthPt / pageW;
    [widthPt, heightPt] = [target.widthPt, target.heightPt];
    if (mismatch(pageW * scale, widthPt) || mismatch(pageH * scale, heightPt)) {
      throw new AltoError(file, `its page is ${Math.round(pageW * scale)}×${Math.round(pageH * scale)} pt but the PDF page is ${Math.round(widthPt)}×${Math.round(heightPt)} pt; expected the ALTO of this page`,
      );
    }
  } else {
    scale = POINTS_PER_UNIT[unit] ?? 72 / (target.dpi ?? DEFAULT_SCAN_DPI);
    [widthPt, heightPt] = [pageW * scale, pageH * scale];
    if (mismatch(pageW / pageH, target.widthPx / target.heightPx) || (unit === 'pixel' && mismatch(pageW, target.widthPx))) {
      throw new AltoError(file, `its page is ${pageW}×${pageH} ${unit}, which does not fit the ${target.widthPx}×${target.heightPx} px image; expected the ALTO of this image`,
      );
    }
  }

  const fontSizes = new Map<string, number>();
  const styles = (alto['Styles'] as Node | undefined) ?? {};
  for (const s of children(styles, 'TextStyle')) if (s['ID'] && Number(s['FONTSIZE']) > 0) fontSizes.set(String(s['ID']), Number(s['FONTSIZE']));

  const blocks: { id: string; lines: TextRun[][] }[] = [];
  const visit = (node: Node): void => {
    for (const block of children(node, 'TextBlock')) blocks.push({ id: String(block['ID'] ?? `block${blocks.length + 1}`), lines: blockLines(block, fontSizes, scale, file) });
    for (const name of ['ComposedBlock', 'PrintSpace', 'TopMargin', 'BottomMargin', 'LeftMargin', 'RightMargin']) for (const c of children(node, name)) visit(c);
  };
  visit(page);
  const withText = blocks.filter((b) => b.lines.some((l) => l.length > 0));
  const analysed = segmentPage({ widthPt, heightPt, runs: withText.flatMap((b) => b.lines.flat()), images: [], ocrBlocks: withText.map((b) => b.lines) });
  const articleBlocks = analysed.articles.map((a) => (a.ocrBlocks ?? []).map((i) => withText[i]!.id));
  return { ...analysed, articleBlocks };
}

/** A TextBlock's lines of words as runs in points; the font size comes from the style, else from the word's height. */
function blockLines(block: Node, fontSizes: Map<string, number>, scale: number, file: string): TextRun[][] {
  const lines: TextRun[][] = [];
  for (const line of children(block, 'TextLine')) {
    const runs: TextRun[] = [];
    lines.push(runs);
    const lineSize = fontSizes.get(String(line['STYLEREFS'] ?? '').split(' ')[0] ?? '');
    for (const raw of children(line, 'String')) {
      const parsed = stringSchema.safeParse(raw);
      if (!parsed.success) throw new AltoError(file, `String ${String(raw['ID'] ?? '')} lacks ${parsed.error.issues[0]?.path.join('.')}; expected CONTENT, HPOS, VPOS, WIDTH and HEIGHT`);
      const s: AltoString = parsed.data;
      if (s.CONTENT.trim() === '') continue;
      const h = s.HEIGHT * scale;
      runs.push({
        text: s.CONTENT,
        x: s.HPOS * scale,
        y: s.VPOS * scale,
        w: s.WIDTH * scale,
        h,
        size: Math.round((fontSizes.get(s.STYLEREFS ?? '') ?? lineSize ?? h) * 2) / 2,
        bold: /bold/i.test(s.STYLE ?? ''),
        font: 'OCR',
      });
    }
  }
  return lines;
}
