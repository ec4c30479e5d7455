import type { PdfjsModule, PdfPage } from './engine';
import type { Box, PageContent, TextRun } from './layout';

/** Pairs of characters as one string: radical, then the ideograph it stands for. */
const pairTable = (pairs: string): Record<string, string> =>
  Object.fromEntries([...pairs].flatMap((c, i, all) => (i % 2 === 0 ? [[c, all[i + 1]!]] : [])));

/**
 * Kangxi Radicals (U+2F00–U+2FD5) with the ideograph each is shown as in a
 * Chinese font: fonts share one glyph between a radical and a common
 * character, and Chromium's ToUnicode map names the glyph by the lower code
 * point (⽉ for 月). Mostly the radical's compatibility ideograph, except
 * where that is a traditional or variant form and Chinese fonts draw the
 * common one: ⼾ is 户 (not 戶), ⾭ is 青 (not 靑).
 */
const KANGXI_RADICALS = pairTable(
  '⼀一⼁丨⼂丶⼃丿⼄乙⼅亅⼆二⼇亠⼈人⼉儿⼊入⼋八⼌冂⼍冖⼎冫⼏几⼐凵⼑刀⼒力⼓勹⼔匕⼕匚⼖匸⼗十⼘卜⼙卩⼚厂⼛厶⼜又⼝口⼞囗⼟土⼠士⼡夂⼢夊⼣夕⼤大⼥女⼦子⼧宀' +
  '⼨寸⼩小⼪尢⼫尸⼬屮⼭山⼮巛⼯工⼰己⼱巾⼲干⼳幺⼴广⼵廴⼶廾⼷弋⼸弓⼹彐⼺彡⼻彳⼼心⼽戈⼾户⼿手⽀支⽁攴⽂文⽃斗⽄斤⽅方⽆无⽇日⽈曰⽉月⽊木⽋欠⽌止⽍歹⽎殳⽏毋' +
  '⽐比⽑毛⽒氏⽓气⽔水⽕火⽖爪⽗父⽘爻⽙爿⽚片⽛牙⽜牛⽝犬⽞玄⽟玉⽠瓜⽡瓦⽢甘⽣生⽤用⽥田⽦疋⽧疒⽨癶⽩白⽪皮⽫皿⽬目⽭矛⽮矢⽯石⽰示⽱禸⽲禾⽳穴⽴立⽵竹⽶米⽷糸' +
  '⽸缶⽹网⽺羊⽻羽⽼老⽽而⽾耒⽿耳⾀聿⾁肉⾂臣⾃自⾄至⾅臼⾆舌⾇舛⾈舟⾉艮⾊色⾋艸⾌虍⾍虫⾎血⾏行⾐衣⾑襾⾒見⾓角⾔言⾕谷⾖豆⾗豕⾘豸⾙貝⾚赤⾛走⾜足⾝身⾞車⾟辛' +
  '⾠辰⾡辵⾢邑⾣酉⾤釆⾥里⾦金⾧長⾨門⾩阜⾪隶⾫隹⾬雨⾭青⾮非⾯面⾰革⾱韋⾲韭⾳音⾴頁⾵風⾶飛⾷食⾸首⾹香⾺馬⾻骨⾼高⾽髟⾾鬥⾿鬯⿀鬲⿁鬼⿂魚⿃鳥⿄鹵⿅鹿⿆麥⿇麻' +
  '⿈黃⿉黍⿊黑⿋黹⿌黽⿍鼎⿎鼓⿏鼠⿐鼻⿑齊⿒齒⿓龍⿔龜⿕龠',
);

/**
 * CJK Radicals Supplement characters that stand for a whole ideograph, with
 * that ideograph (Unicode's EquivalentUnifiedIdeograph.txt), such as ⺠ for
 * 民 and ⻔ for 门.
 */
const SUPPLEMENT_RADICALS = pairTable('⺟母⺠民⺧牛⺩王⺬示⻁虎⻄西⻅见⻆角⻋车⻉贝⻑長⻓长⻔门⻗雨⻘青⻙韦⻚页⻛风⻜飞⻝食⻢马⻣骨⻤鬼⻥鱼⻦鸟⻧卤⻨麦⻩黄⻪黾⻬齐⻮齿⻰龙⻳龟');

/**
 * Text as readers search it: radicals that some exporters (Chromium among
 * them) map common ideographs to, folded by the tables above. Only these
 * code points are folded: NFKC would also turn full-width punctuation (：，)
 * into ASCII, and ⼾ into the traditional 戶.
 */
export function normaliseRunText(text: string): string {
  return text.replace(/[\u2e80-\u2fdf]/g, (c) => KANGXI_RADICALS[c] ?? SUPPLEMENT_RADICALS[c] ?? c);
}

const BOLD_FONT = /bold|black|heavy|semibold|demibold|-B$|黑|粗/i;

/** A page's drawing operations as pdf.js lists them. */
export interface OperatorList {
  fnArray: number[];
  argsArray: unknown[];
}

/**
 * The text layer of one page as runs with their boxes (PDF points, origin
 * top-left), font name, size and weight, and the boxes of its images, found
 * in `ops` when the page was rendered (renderedOperatorList), else in an
 * operator list made for the purpose.
 */
export async function extractPage(pdfjs: PdfjsModule, page: PdfPage, ops: OperatorList | null = null): Promise<PageContent> {
  const viewport = page.getViewport({ scale: 1 });
  const [content, operators] = await Promise.all([page.getTextContent({ disableNormalization: true }), ops ?? page.getOperatorList()]);
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
  return { widthPt: viewport.width, heightPt: viewport.height, runs, images: imageBoxes(pdfjs, operators, viewport.transform as number[]) };
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
function imageBoxes(pdfjs: PdfjsModule, ops: OperatorList, viewportTransform: number[]): Box[] {
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

/**
 * The operator list pdf.js built to render `page` (for the display intent),
 * which PDFPageProxy keeps until cleanup(): reading the images from it saves
 * a second pass over the content stream and decoding every photo again
 * (getOperatorList() asks for a list of its own, ~45 ms a page). pdf.js keeps
 * it in a private field (`_intentStates`, pdf.js 5): null when it is not
 * there, and the caller asks for a list of its own.
 */
export function renderedOperatorList(page: PdfPage): OperatorList | null {
  const states = (page as unknown as { _intentStates?: unknown })._intentStates;
  if (!(states instanceof Map)) return null;
  for (const state of states.values() as Iterable<{ displayReadyCapability?: unknown; operatorList?: Partial<OperatorList> & { lastChunk?: boolean } }>) {
    const list = state.operatorList;
    if (state.displayReadyCapability && list?.lastChunk === true && Array.isArray(list.fnArray) && Array.isArray(list.argsArray)) return list as OperatorList;
  }
  return null;
}
