import type { PdfjsModule, PdfPage } from './engine';
import type { Box, PageContent, TextRun } from './layout';

/**
 * CJK Radicals Supplement characters that stand for a whole ideograph, with
 * that ideograph (Unicode's EquivalentUnifiedIdeograph.txt): fonts that share
 * one glyph between a radical and a character map some characters to the
 * radical, such as ⺠ for 民 and ⻔ for 门.
 */
const SUPPLEMENT_RADICALS: Record<string, string> = Object.fromEntries(
  [...'⺟母⺠民⺧牛⺩王⺬示⻁虎⻄西⻅见⻆角⻋车⻉贝⻑長⻓长⻔门⻗雨⻘青⻙韦⻚页⻛风⻜飞⻝食⻢马⻣骨⻤鬼⻥鱼⻦鸟⻧卤⻨麦⻩黄⻪黾⻬齐⻮齿⻰龙⻳龟'].flatMap((c, i, all) =>
    i % 2 === 0 ? [[c, all[i + 1]!]] : [],
  ),
);

/**
 * Text as readers search it: Kangxi radicals (U+2F00–U+2FDF) that some
 * exporters (Chromium among them) map common ideographs to, such as ⽉ for
 * 月, folded by NFKC, and the radical supplements above by table. Only these
 * blocks are folded: NFKC would also turn full-width punctuation (：，) into
 * ASCII.
 */
export function normaliseRunText(text: string): string {
  return text
    .replace(/[\u2f00-\u2fdf]/g, (c) => c.normalize('NFKC'))
    .replace(/[\u2e80-\u2eff]/g, (c) => SUPPLEMENT_RADICALS[c] ?? c);
}

const BOLD_FONT = /bold|black|heavy|semibold|demibold|-B$|黑|粗/i;

/**
 * The text layer of one page as runs with their boxes (PDF points, origin
 * top-left), font name, size and weight, and the boxes of its images.
 */
export async function extractPage(pdfjs: PdfjsModule, page: PdfPage): Promise<PageContent> {
  const viewport = page.getViewport({ scale: 1 });
  const [content, ops] = await Promise.all([page.getTextContent({ disableNormalization: true }), page.getOperatorList()]);
  const fontNames = new Map<string, string>();
  const fontOf = (id: string): string => {
    let name = fontNames.get(id);
    if (name === undefined) {
      try {
        const font = page.commonObjs.get(id) as { name?: string; bold?: boolean; black?: boolean } | null;
        name = `${font?.name ?? id}${font?.bold || font?.black ? ' bold' : ''}`;
      } catch {
        name = id; // a font pdf.js could not load: no weight known
      }
      fontNames.set(id, name);
    }
    return name;
  };

  const runs: TextRun[] = [];
  for (const item of content.items) {
    if (!('str' in item) || item.str.trim() === '') continue;
    // transform maps text space to the page: [a b c d e f]; viewport flips y.
    const [a, b, c, d, e, f] = item.transform as number[];
    const size = Math.hypot(c!, d!) || Math.hypot(a!, b!);
    if (Math.abs(b!) > 0.01 * size || Math.abs(c!) > 0.01 * size) continue; // rotated text: not body text
    const [x, baseline] = viewport.convertToViewportPoint(e!, f!) as [number, number];
    const font = fontOf(item.fontName);
    runs.push({
      text: normaliseRunText(item.str),
      x,
      y: baseline - size * 0.88, // ascent of CJK faces: the box sits on the baseline
      w: item.width,
      h: size,
      size: Math.round(size * 4) / 4,
      bold: BOLD_FONT.test(font),
      font,
    });
  }
  return { widthPt: viewport.width, heightPt: viewport.height, runs, images: imageBoxes(pdfjs, ops, viewport.transform as number[]) };
}

type Matrix = [number, number, number, number, number, number];

function multiply(m: Matrix, n: Matrix): Matrix {
  return [
    m[0] * n[0] + m[2] * n[1],
    m[1] * n[0] + m[3] * n[1],
    m[0] * n[2] + m[2] * n[3],
    m[1] * n[2] + m[3] * n[3],
    m[0] * n[4] + m[2] * n[5] + m[4],
    m[1] * n[4] + m[3] * n[5] + m[5],
  ];
}

/** Images smaller than this (points a side) are rules, bullets or logos, not photos. */
const MIN_PHOTO_PT = 36;

/**
 * Where each image XObject is painted: an image fills the unit square of the
 * current transformation matrix, followed here through save/restore,
 * transform and form XObjects.
 */
function imageBoxes(pdfjs: PdfjsModule, ops: { fnArray: number[]; argsArray: unknown[] }, viewportTransform: number[]): Box[] {
  const OPS = pdfjs.OPS;
  let ctm = viewportTransform.slice(0, 6) as Matrix;
  const stack: Matrix[] = [];
  const boxes: Box[] = [];
  ops.fnArray.forEach((fn, i) => {
    const args = ops.argsArray[i] as unknown[];
    if (fn === OPS.save) stack.push(ctm);
    else if (fn === OPS.restore) ctm = stack.pop() ?? ctm;
    else if (fn === OPS.transform) ctm = multiply(ctm, args as Matrix);
    else if (fn === OPS.paintFormXObjectBegin) {
      stack.push(ctm);
      if (Array.isArray(args[0])) ctm = multiply(ctm, args[0] as Matrix);
    } else if (fn === OPS.paintFormXObjectEnd) ctm = stack.pop() ?? ctm;
    else if (fn === OPS.paintImageXObject || fn === OPS.paintInlineImageXObject || fn === OPS.paintImageXObjectRepeat) {
      const xs = [ctm[4], ctm[0] + ctm[4], ctm[2] + ctm[4], ctm[0] + ctm[2] + ctm[4]];
      const ys = [ctm[5], ctm[1] + ctm[5], ctm[3] + ctm[5], ctm[1] + ctm[3] + ctm[5]];
      const box = { x: Math.min(...xs), y: Math.min(...ys), w: Math.max(...xs) - Math.min(...xs), h: Math.max(...ys) - Math.min(...ys) };
      if (box.w >= MIN_PHOTO_PT && box.h >= MIN_PHOTO_PT) boxes.push(box);
    }
  });
  return boxes;
}
