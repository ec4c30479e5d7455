import { LIST_BULLET, type Block } from '../../domain/blocks';
import { articleOutline } from './outline';
import { articleText, type AnalysedArticle, type AnalysedPage, type Box, type PageContent, type TextBox, type TextRun } from './layout';
import { inReadingOrder } from './reading-order';

// Segmentation of a page into articles, from glyph runs with their boxes,
// sizes and weights (a PDF's text layer or OCR word boxes). The rules follow
// how Chinese papers are set: a headline is larger (or bolder) than the body
// text and sits above the columns of its story; an article's blocks are those
// below its headline, within its width, nearer to it than to any other
// headline above them. docs/import-format.md describes them for editors.

interface Line extends Box {
  runs: TextRun[];
  size: number;
  bold: boolean;
  text: string;
}

type Kind = 'headline' | 'display' | 'byline' | 'body';

interface TextBlock extends Box {
  lines: Line[];
  kind: Kind;
  size: number;
  bold: boolean;
  /** The OCR block it came from, when the page is OCR: never split across articles. */
  ocr?: number;
}

interface Photo {
  box: Box;
  caption: TextBlock | null;
}

interface Story {
  headline: TextBlock | null;
  kicker: TextBlock | null;
  subtitle: TextBlock | null;
  elements: (TextBlock | Photo)[];
  /** Blocks attached without a headline above them: lowers confidence. */
  orphan: boolean;
}

/** A piece of text with the runs it was read from (offsets relative to the piece). */
interface Piece {
  text: string;
  runs: { run: TextRun; offset: number; length: number }[];
}

const BYLINE = /^(本报记者|本报通讯员|本报特约记者|特约记者|通讯员|记者|实习生|见习记者|文[\s/／|]|图[\s/／|]|摄影[\s:：]|本报评论员)/;
/** 下转第2版, (上接第1版): where a story continues, not part of its text. */
const JUMP_LINE = /^[（(]?(下转|上接|转|接)第\d{1,2}版[）)]?$/;
/** A photo credit (本报记者 陈阳 摄) belongs to the caption, not the byline. */
const PHOTO_CREDIT = /摄$/;
/** A subtitle may be set at body size after a dash: ——滨江区已累计完成… */
const DASH_SUBTITLE = /^(——|—|－－)/;
const HEADER_PAGE = /第\s*0*(\d{1,2})\s*版/;
const HEADER_NAME = /第\s*0*\d{1,2}\s*版\s*[:：·|]?\s*([^\s\d　:：|·]{1,20})/;
const HEADER_DATE = /(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日/;
/** The 版眉 lies in this top share of the page. */
const HEADER_BAND = 0.1;
/** An image covering more of the page than this is the page itself (a scan), not a photo. */
const BACKGROUND_IMAGE_SHARE = 0.6;

export function segmentPage(content: PageContent): AnalysedPage {
  const allText = content.runs.map((r) => r.text).join('');
  const counts = countChars(allText);
  const built = buildLines(content.runs, gutterTest(content.runs));
  const isJump = (l: Line): boolean => JUMP_LINE.test(l.text.replace(/\s/g, ''));
  // Kept aside with their place: derive.ts joins the parts of a story across pages by them (jumps.ts).
  const jumpLines = built.filter(isJump).map((l) => ({ text: l.text.replace(/\s/g, ''), box: { x: l.x, y: l.y, w: l.w, h: l.h } }));
  let lines = built.filter((l) => !isJump(l));
  const header = readHeader(lines, content.heightPt);
  lines = lines.filter((l) => !header.lines.includes(l));
  // The 报头 heads the front page only: on another page the largest line at the top is a headline.
  const masthead = header.fields.number === null || header.fields.number === 1 ? findMasthead(lines, content.heightPt) : [];
  lines = lines.filter((l) => !masthead.includes(l));
  const base = { widthPt: content.widthPt, heightPt: content.heightPt, header: header.fields, jumpLines, ...counts };
  if (lines.length === 0 || /广告/.test(header.fields.name ?? '')) return { ...base, articles: [] };

  const bodySize = modeSize(lines);
  const blocks = content.ocrBlocks ? ocrTextBlocks(content.ocrBlocks, bodySize) : buildBlocks(lines, bodySize);
  const photos = findPhotos(content, blocks, bodySize);
  const columnWidth = columnWidths(blocks, bodySize);
  const grouped = groupStories(blocks.filter((b) => !photos.some((p) => p.caption === b)), photos, bodySize, columnWidth);
  const stories = content.threads ? followThreads(grouped, content.threads).sort(readingOrder(bodySize)) : grouped;
  const articles = inReadingOrder(
    stories.map((s) => toArticle(s, bodySize, columnWidth)),
    (a) => a.boxes,
    bodySize / 2,
  );
  scoreOverlaps(articles);
  return { ...base, articles };
}

function countChars(text: string): { charCount: number; replacementChars: number; privateUseChars: number } {
  let charCount = 0;
  let replacementChars = 0;
  let privateUseChars = 0;
  for (const ch of text) {
    if (ch === ' ' || ch === '\n' || ch === '\t' || ch === '\r' || ch === '\u3000') continue;
    charCount += 1;
    const cp = ch.codePointAt(0)!;
    // U+FFFD, or a control character pdf.js gives for a glyph its font maps to no character.
    if (cp === 0xfffd || cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) replacementChars += 1;
    else if ((cp >= 0xe000 && cp <= 0xf8ff) || cp >= 0xf0000) privateUseChars += 1;
  }
  return { charCount, replacementChars, privateUseChars };
}

const isCjk = (ch: string | undefined): boolean => !!ch && /[\u3000-\u9fff\uff00-\uffef]/.test(ch);

/** Joins two pieces of text set on one line or across a line break: no space between Chinese characters. */
function joinText(left: string, right: string): string {
  if (left === '') return right;
  if (left.endsWith('-') && /^[a-z]/.test(right)) return left.slice(0, -1) + right; // a word hyphenated at the line's end
  return isCjk(left.at(-1)) || isCjk(right[0]) ? left + right : `${left} ${right}`;
}

function union(boxes: Box[]): Box {
  const x = Math.min(...boxes.map((b) => b.x));
  const y = Math.min(...boxes.map((b) => b.y));
  return { x, y, w: Math.max(...boxes.map((b) => b.x + b.w)) - x, h: Math.max(...boxes.map((b) => b.y + b.h)) - y };
}

function xOverlap(a: Box, b: Box): number {
  return Math.max(0, Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x));
}

/** Lines that must start at one x for it to count as a column's left edge. */
const GUTTER_MIN_LINES = 4;

/**
 * Whether the gap between two runs on one baseline is a column gutter: a
 * body-size run starts in it. Headlines of stories set side by side sit a
 * gutter apart, which is less than a headline's word space can be.
 */
function gutterTest(runs: TextRun[]): (from: number, to: number) => boolean {
  const bodySize = modeSize([{ runs } as Line]);
  // Column starts are where many body runs start: the first run of every line in a column.
  const counts = new Map<number, number>();
  for (const r of runs) if (Math.abs(r.size - bodySize) < 0.5) counts.set(Math.round(r.x), (counts.get(Math.round(r.x)) ?? 0) + 1);
  const starts = [...counts].filter(([, n]) => n >= GUTTER_MIN_LINES).map(([x]) => x).sort((a, b) => a - b);
  return (from, to) => {
    let lo = 0;
    let hi = starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (starts[mid]! <= from) lo = mid + 1;
      else hi = mid;
    }
    return lo < starts.length && starts[lo]! <= to + 1;
  };
}

/** Runs on one baseline that follow each other closely form a line; a column gap splits them. */
function buildLines(runs: TextRun[], isGutter: (from: number, to: number) => boolean = () => false): Line[] {
  const sorted = [...runs].sort((a, b) => a.y + a.h - (b.y + b.h) || a.x - b.x);
  const lines: Line[] = [];
  const open: Line[] = [];
  for (const run of sorted) {
    const line = open.find((l) => {
      const tolerance = 0.35 * Math.min(l.size, run.size);
      const gap = run.x - (l.x + l.w);
      // Runs may overlap by most of a character: punctuation set half-width (。“) keeps its full-width advance in the PDF.
      if (Math.abs(l.y + l.h - (run.y + run.h)) >= tolerance || gap <= -0.75 * run.size || gap >= 0.8 * Math.max(l.size, run.size)) return false;
      // A word space (a quarter of an em in CJK faces) is never a gutter, even where a column starts below.
      return gap < 0.3 * run.size || !isGutter(l.x + l.w, run.x);
    });
    if (line) {
      const box = union([line, run]);
      line.runs.push(run);
      Object.assign(line, box);
      line.text = joinText(line.text, run.text);
      if (run.text.length > line.runs.reduce((n, r) => (r.size === line.size ? n + r.text.length : n), 0)) line.size = run.size;
      continue;
    }
    const fresh: Line = { x: run.x, y: run.y, w: run.w, h: run.h, runs: [run], size: run.size, bold: run.bold, text: run.text };
    lines.push(fresh);
    open.push(fresh);
    // Only lines on nearby baselines can still grow.
    while (open.length > 0 && open[0]!.y + open[0]!.h < run.y - run.h) open.shift();
  }
  for (const l of lines) {
    const boldChars = l.runs.reduce((n, r) => n + (r.bold ? r.text.length : 0), 0);
    l.bold = boldChars * 2 > l.runs.reduce((n, r) => n + r.text.length, 0);
  }
  return lines;
}

/** The body text size: the size most characters are set in. */
function modeSize(lines: Line[]): number {
  const chars = new Map<number, number>();
  for (const l of lines) for (const r of l.runs) chars.set(r.size, (chars.get(r.size) ?? 0) + r.text.length);
  let best = 0;
  let bestCount = -1;
  for (const [size, n] of chars) if (n > bestCount) [best, bestCount] = [size, n];
  return best || 10;
}

/**
 * The 报头 (masthead) of a front page: a short line in the top fifth of the
 * page at least 2.5 times the body size and larger than anything else there,
 * with the small lines set beside it (date, 总第N期, the paper's numbers).
 */
function findMasthead(lines: Line[], heightPt: number): Line[] {
  const bodySize = modeSize(lines);
  const top = lines.filter((l) => l.y < heightPt * 0.2);
  const name = top
    .filter((l) => l.size >= 2.5 * bodySize && l.text.replace(/\s/g, '').length <= 12)
    .sort((a, b) => b.size - a.size)[0];
  if (!name || top.some((l) => l !== name && l.size >= name.size)) return [];
  return top.filter((l) => l === name || (l.size < 1.35 * bodySize && l.y >= name.y - 0.2 * name.size && l.y + l.h <= name.y + name.h + 0.6 * name.size));
}

/** The 版眉: the lines in the top band on the baseline of a "第N版" line. */
function readHeader(lines: Line[], heightPt: number): { lines: Line[]; fields: AnalysedPage['header'] } {
  const marker = lines.find((l) => l.y < heightPt * HEADER_BAND && HEADER_PAGE.test(l.text));
  if (!marker) return { lines: [], fields: { number: null, name: null, dateText: null } };
  const band = lines.filter((l) => l.y < heightPt * HEADER_BAND && Math.abs(l.y + l.h - (marker.y + marker.h)) < marker.size);
  const text = band.sort((a, b) => a.x - b.x).map((l) => l.text).join(' ');
  const date = HEADER_DATE.exec(text);
  return {
    lines: band,
    fields: {
      number: Number(HEADER_PAGE.exec(text)![1]),
      name: HEADER_NAME.exec(text)?.[1] ?? null,
      dateText: date ? date[0] : null,
    },
  };
}

function kindOf(line: Line, bodySize: number): Kind {
  if (line.size >= 1.35 * bodySize || (line.bold && line.size >= 1.2 * bodySize)) return 'headline';
  // 记者从…获悉， starts a sentence, not a byline: a byline is names, without sentence punctuation.
  if (BYLINE.test(line.text) && line.text.length <= 40 && !/[，。：；！？]/.test(line.text) && !PHOTO_CREDIT.test(line.text)) return 'byline';
  if (line.size >= 1.1 * bodySize || (DASH_SUBTITLE.test(line.text) && line.text.length <= 40)) return 'display';
  return 'body';
}

/** Lines of one kind and size stacked closely within one column form a block. */
function buildBlocks(lines: Line[], bodySize: number): TextBlock[] {
  const blocks: TextBlock[] = [];
  for (const line of [...lines].sort((a, b) => a.y - b.y || a.x - b.x)) {
    const kind = kindOf(line, bodySize);
    let best: TextBlock | null = null;
    for (const b of blocks) {
      // A dash subtitle's second line is set like body text.
      const dashContinues = b.kind === 'display' && kind === 'body' && DASH_SUBTITLE.test(b.lines[0]!.text);
      if ((b.kind !== kind && !dashContinues) || kind === 'byline' || Math.abs(b.size - line.size) > 0.08 * line.size) continue;
      if (b.bold !== line.bold) continue; // a bold line among body lines is a sub-head
      const last = b.lines.at(-1)!;
      const gap = line.y - (last.y + last.h);
      if (gap < -0.3 * line.size || gap > 0.9 * line.size) continue;
      if (xOverlap(last, line) < 0.5 * Math.min(last.w, line.w)) continue;
      if (!best || last.y > best.lines.at(-1)!.y) best = b;
    }
    if (best) {
      best.lines.push(line);
      Object.assign(best, union([best, line]));
    } else {
      blocks.push({ ...boxOf(line), lines: [line], kind, size: line.size, bold: line.bold });
    }
  }
  return blocks;
}

const boxOf = (b: Box): Box => ({ x: b.x, y: b.y, w: b.w, h: b.h });

/**
 * OCR blocks as the engine found them: each stays whole. Its leading
 * headline-sized lines become a headline block of their own, so that a block
 * that starts a story starts an article.
 */
function ocrTextBlocks(ocrBlocks: TextRun[][][], bodySize: number): TextBlock[] {
  const out: TextBlock[] = [];
  ocrBlocks.forEach((blockLines, index) => {
    const lines = blockLines.filter((l) => l.length > 0).map(ocrLine);
    if (lines.length === 0) return;
    let lead = 0;
    while (lead < lines.length - 1 && lead < 3 && kindOf(lines[lead]!, bodySize) === 'headline') lead += 1;
    const parts = lead > 0 ? [lines.slice(0, lead), lines.slice(lead)] : [lines];
    parts.forEach((ls, i) => {
      out.push({ ...union(ls), lines: ls, kind: i === 0 && lead > 0 ? 'headline' : 'body', size: ls[0]!.size, bold: ls[0]!.bold, ocr: index });
    });
  });
  return out;
}

/** An OCR text line as the engine found it, its words in order; its size is its words' most common. */
function ocrLine(runs: TextRun[]): Line {
  const line: Line = { ...union(runs), runs, size: modeSize([{ runs } as Line]), bold: false, text: '' };
  line.text = runs.reduce((text, r) => joinText(text, r.text), '');
  line.bold = runs.filter((r) => r.bold).length * 2 > runs.length;
  return line;
}

/** Photos with the block just below each as its caption, when one is there. */
function findPhotos(content: PageContent, blocks: TextBlock[], bodySize: number): Photo[] {
  const pageArea = content.widthPt * content.heightPt;
  return content.images
    .filter((img) => img.w * img.h < BACKGROUND_IMAGE_SHARE * pageArea)
    .map((box) => {
      const caption = blocks.find(
        (b) =>
          b.kind !== 'headline' &&
          b.ocr === undefined &&
          b.y >= box.y + box.h - 0.5 * bodySize &&
          b.y - (box.y + box.h) < 1.5 * bodySize &&
          xOverlap(b, box) >= 0.6 * b.w &&
          b.lines.length <= 4,
      );
      return { box, caption: caption ?? null };
    });
}

const isPhoto = (e: TextBlock | Photo): e is Photo => 'caption' in e;
const elementBox = (e: TextBlock | Photo): Box => (isPhoto(e) ? (e.caption ? union([e.box, e.caption]) : e.box) : e);

/**
 * Stories: every headline block with the kicker above it and the subtitle
 * below it (smaller display lines touching it), then every other block and
 * photo joined to the nearest headline above it that overlaps it horizontally.
 */
function groupStories(blocks: TextBlock[], photos: Photo[], bodySize: number, columnWidth: (x: number) => number): Story[] {
  const headlines = blocks.filter((b) => b.kind === 'headline').sort((a, b) => b.size - a.size);
  const used = new Set<TextBlock>();
  const stories: Story[] = [];
  for (const h of headlines) {
    if (used.has(h)) continue;
    used.add(h);
    const touching = (b: TextBlock, above: boolean): boolean => {
      if (used.has(b) || b.size >= h.size || b.ocr !== undefined) return false;
      if (b.kind !== 'display' && b.kind !== 'headline' && !(above && isSectionLabel(b, h))) return false;
      const gap = above ? h.y - (b.y + b.h) : b.y - (h.y + h.h);
      return gap > -0.3 * b.size && gap < 1.2 * h.size && xOverlap(b, h) > 0.3 * Math.min(b.w, h.w);
    };
    const kicker = blocks.find((b) => touching(b, true)) ?? null;
    if (kicker) used.add(kicker);
    const subtitle = blocks.find((b) => touching(b, false)) ?? null;
    if (subtitle) used.add(subtitle);
    stories.push({ headline: h, kicker, subtitle, elements: [], orphan: false });
  }

  const rest = new Set<TextBlock | Photo>([...blocks.filter((b) => !used.has(b)), ...photos]);
  const claim = (e: TextBlock | Photo, s: Story): void => {
    s.elements.push(e);
    rest.delete(e);
  };
  const bottomOf = (s: Story): number => {
    const top = s.subtitle ?? s.headline!;
    return top.y + top.h;
  };
  // The rest of an OCR block whose first lines are a headline stays with it.
  for (const e of rest) {
    const s = !isPhoto(e) && e.ocr !== undefined ? stories.find((st) => st.headline!.ocr === e.ocr) : undefined;
    if (s) claim(e, s);
  }
  // A story's first row: the blocks that start just under its headline, and those beside them on the same line.
  for (const e of rest) {
    const box = elementBox(e);
    let owner: Story | null = null;
    for (const s of stories) {
      const gap = box.y - bottomOf(s);
      if (gap < -0.5 * bodySize || gap > 4 * bodySize || xOverlap(s.headline!, box) < Math.min(0.3 * box.w, 0.3 * s.headline!.w)) continue;
      if (!owner || bottomOf(s) > bottomOf(owner)) owner = s;
    }
    if (owner) claim(e, owner);
  }
  // A block with text or a photo just above it in its column continues that column: it starts no row.
  const bodyBoxes = [...blocks.filter((b) => !used.has(b) && b.kind !== 'byline'), ...photos].map(elementBox);
  const continuesColumn = (box: Box): boolean =>
    bodyBoxes.some((b) => b !== box && xOverlap(b, box) > 0.5 * Math.min(b.w, box.w) && b.y + b.h <= box.y + 0.5 * bodySize && box.y - (b.y + b.h) < 2 * bodySize);
  for (let changed = true; changed; ) {
    changed = false;
    for (const e of rest) {
      const box = elementBox(e);
      if (continuesColumn(box)) continue;
      const s = stories.find((st) => columnBoxes(st.elements, columnWidth).some((f) => sideBySide(f, box, bodySize)));
      if (s) {
        claim(e, s);
        changed = true;
      }
    }
  }
  // Every other block: the nearest story above whose headline or first row spans it.
  const spans = new Map(stories.map((s) => [s, union([s.headline!, ...s.elements.map(elementBox)])]));
  const orphans: (TextBlock | Photo)[] = [];
  for (const e of rest) {
    const box = elementBox(e);
    let owner: Story | null = null;
    for (const s of stories) {
      const span = spans.get(s)!;
      if (bottomOf(s) > box.y + 0.5 * bodySize || xOverlap(span, box) < Math.min(0.3 * box.w, 0.3 * span.w)) continue;
      if (!owner || bottomOf(s) > bottomOf(owner)) owner = s;
    }
    if (owner) owner.elements.push(e);
    else orphans.push(e);
  }
  adoptNeighbours(stories, orphans, bodySize, columnWidth);
  // A headline with nothing under it (a banner, a stray display line) is not an article.
  const withBody = stories.filter((s) => s.elements.some((e) => isPhoto(e) || e.kind !== 'byline'));
  for (const s of stories) if (!withBody.includes(s)) orphans.push(...[s.kicker, s.headline!, s.subtitle, ...s.elements].filter((b): b is TextBlock | Photo => !!b));
  return [...withBody, ...orphanStories(orphans, bodySize)].sort(readingOrder(bodySize));
}

/** Longest 栏目 label (滨江笔会, 城市记忆) taken as a kicker although set at body size. */
const SECTION_LABEL_MAX_CHARS = 8;

/**
 * A column label set at body size right above a headline, flush with its
 * left edge (滨江笔会 on a 副刊 page): one short line without sentence
 * punctuation, so that a paragraph's last line above is not taken for one.
 */
function isSectionLabel(b: TextBlock, h: TextBlock): boolean {
  const text = b.lines[0]!.text.replace(/\s/g, '');
  return (
    b.kind === 'body' &&
    b.lines.length === 1 &&
    text.length <= SECTION_LABEL_MAX_CHARS &&
    !/[，。：；！？、,.:;!?]/.test(text) &&
    Math.abs(b.x - h.x) < b.size
  );
}

/** Lines a body block needs for its width to count as its column's width. */
const COLUMN_MIN_LINES = 3;

/**
 * The page's column widths: for a left edge, the median width of the body
 * blocks of at least three lines that start there (within a character), or
 * 0 when none does.
 */
function columnWidths(blocks: TextBlock[], bodySize: number): (x: number) => number {
  const columns = blocks.filter((b) => b.kind === 'body' && b.lines.length >= COLUMN_MIN_LINES);
  return (x) => {
    const widths = columns.filter((b) => Math.abs(b.x - x) < bodySize).map((b) => b.w).sort((a, b) => a - b);
    return widths.length === 0 ? 0 : widths[widths.length >> 1]!;
  };
}

/**
 * The boxes of a story's blocks, each text block widened to its column's
 * width (a sub-head or a paragraph's short last line sits in a column as
 * wide as the text around it). Photos keep their boxes: one may span several
 * columns.
 */
function columnBoxes(elements: (TextBlock | Photo)[], columnWidth: (x: number) => number): Box[] {
  return elements.map((e) => {
    const box = elementBox(e);
    return isPhoto(e) ? box : { ...box, w: Math.max(box.w, columnWidth(box.x)) };
  });
}

/** Whether a box's centre lies in one of a thread's beads (a point of slack for rounding). */
function inBeads(box: Box, beads: Box[]): boolean {
  const cx = box.x + box.w / 2;
  const cy = box.y + box.h / 2;
  return beads.some((b) => cx >= b.x - 1 && cx <= b.x + b.w + 1 && cy >= b.y - 1 && cy <= b.y + b.h + 1);
}

/**
 * The PDF's article threads, where it has them, override the layout rules:
 * every block and photo inside one thread's beads goes to one story (the
 * first in reading order whose headline is in a bead, else the first with a
 * block there). A headline taken from another story (a sub-head set large)
 * joins as a heading with its kicker and subtitle; a story left with no
 * headline and no blocks is dropped, one left with blocks only is untitled.
 */
function followThreads(stories: Story[], threads: Box[][]): Story[] {
  for (const beads of threads) {
    const owner =
      stories.find((s) => s.headline && inBeads(s.headline, beads)) ?? stories.find((s) => s.elements.some((e) => inBeads(elementBox(e), beads)));
    if (!owner) continue;
    for (const s of stories) {
      if (s === owner) continue;
      if (s.headline && inBeads(s.headline, beads)) {
        owner.elements.push(...[s.kicker, s.headline, s.subtitle].filter((b): b is TextBlock => !!b));
        Object.assign(s, { headline: null, kicker: null, subtitle: null, orphan: true });
      }
      const moving = s.elements.filter((e) => inBeads(elementBox(e), beads));
      owner.elements.push(...moving);
      s.elements = s.elements.filter((e) => !moving.includes(e));
    }
  }
  return stories.filter((s) => s.headline || s.elements.some((e) => isPhoto(e) || e.kind !== 'byline'));
}

/** Two blocks that start on the same line a column gap apart: columns of one row. */
function sideBySide(a: Box, b: Box, bodySize: number): boolean {
  const gap = b.x >= a.x + a.w ? b.x - (a.x + a.w) : a.x - (b.x + b.w);
  return gap >= 0 && gap < 2.5 * bodySize && Math.abs(a.y - b.y) < 1.5 * bodySize;
}

/**
 * A headline set narrower than its columns leaves its last columns without a
 * headline above them: a block beside one of a story's columns (a column gap
 * away, side by side with it, below the headline) joins that story. Repeated
 * while blocks join, so a fourth column follows the third.
 */
function adoptNeighbours(stories: Story[], orphans: (TextBlock | Photo)[], bodySize: number, columnWidth: (x: number) => number): void {
  for (let changed = true; changed; ) {
    changed = false;
    for (let i = orphans.length - 1; i >= 0; i--) {
      const box = elementBox(orphans[i]!);
      const owner = stories.find((s) => {
        const top = s.subtitle ?? s.headline!;
        if (top.y + top.h > box.y + 0.5 * bodySize) return false;
        return columnBoxes(s.elements, columnWidth).some((f) => sideBySide(f, box, bodySize));
      });
      if (owner) {
        owner.elements.push(orphans[i]!);
        orphans.splice(i, 1);
        changed = true;
      }
    }
  }
}

/** Blocks with no headline above them: stacked ones in one column make one untitled story. */
function orphanStories(orphans: (TextBlock | Photo)[], bodySize: number): Story[] {
  const stories: Story[] = [];
  for (const e of [...orphans].sort((a, b) => elementBox(a).y - elementBox(b).y)) {
    const box = elementBox(e);
    const below = stories.find((s) => {
      const last = elementBox(s.elements.at(-1)!);
      const gap = box.y - (last.y + last.h);
      return gap > -bodySize && gap < 2 * bodySize && xOverlap(last, box) > 0.5 * Math.min(last.w, box.w);
    });
    if (below) below.elements.push(e);
    else stories.push({ headline: null, kicker: null, subtitle: null, elements: [e], orphan: true });
  }
  return stories.filter((s) => s.elements.some((e) => !isPhoto(e)));
}

function storyTop(s: Story): Box {
  return s.kicker ?? s.headline ?? elementBox(s.elements[0]!);
}

/** Articles in reading order: top to bottom by their first block, left to right within a row. */
function readingOrder(bodySize: number): (a: Story, b: Story) => number {
  return (a, b) => {
    const ta = storyTop(a);
    const tb = storyTop(b);
    return Math.abs(ta.y - tb.y) < 2 * bodySize ? ta.x - tb.x : ta.y - tb.y;
  };
}

/**
 * A story's blocks in reading order: bands of blocks that share rows (a
 * story's columns, or the leg of an L-shaped story below them) from the top,
 * and within a band column by column (left edges within two characters),
 * each column from the top.
 */
function columnOrder(elements: (TextBlock | Photo)[], bodySize: number): (TextBlock | Photo)[] {
  const bands: { y0: number; y1: number; items: (TextBlock | Photo)[] }[] = [];
  for (const e of [...elements].sort((a, b) => elementBox(a).y - elementBox(b).y)) {
    const box = elementBox(e);
    // A block right under another (the text after a photo) continues its column, in its band.
    const band = bands.find(
      (b) =>
        box.y < b.y1 - 0.5 * bodySize ||
        b.items.some((f) => {
          const above = elementBox(f);
          return xOverlap(above, box) > 0.5 * Math.min(above.w, box.w) && box.y - (above.y + above.h) < 2 * bodySize;
        }),
    );
    if (band) {
      band.items.push(e);
      band.y1 = Math.max(band.y1, box.y + box.h);
    } else {
      bands.push({ y0: box.y, y1: box.y + box.h, items: [e] });
    }
  }
  return bands.flatMap((band) => {
    const columns: { x: number; items: (TextBlock | Photo)[] }[] = [];
    for (const e of band.items.sort((a, b) => elementBox(a).x - elementBox(b).x)) {
      const x = elementBox(e).x;
      const col = columns.find((c) => Math.abs(c.x - x) < 2 * bodySize);
      if (col) col.items.push(e);
      else columns.push({ x, items: [e] });
    }
    return columns.flatMap((c) => c.items.sort((a, b) => elementBox(a).y - elementBox(b).y));
  });
}

const CJK = '\\u2e80-\\u9fff\\uf900-\\ufaff\\uff00-\\uffef';
const SPACE_BETWEEN_CJK = new RegExp(`(?<=[${CJK}])\\s+(?=[${CJK}])`, 'gu');

/**
 * Whether a line of a block was stretched to the block's right edge: in a
 * justified line the gaps between Chinese characters widen, and pdf.js reads
 * wide gaps as spaces. A line that stops short (a paragraph's last line, a
 * one-line byline or caption) keeps its spaces: those were typed.
 */
function isJustified(line: Line, block: Box): boolean {
  return line.x + line.w > block.x + block.w - 0.5 * line.size && line.w > 0.8 * block.w;
}

/** The lines of a block as one piece of text. */
function linesPiece(lines: Line[]): Piece {
  const piece: Piece = { text: '', runs: [] };
  const box = union(lines);
  lines.forEach((l, i) => appendLine(piece, l, i < lines.length - 1 && isJustified(l, box)));
  return piece;
}

/** A gap between runs on a line this wide (of the type size) is a typed space: 丽江花园综合改造完工 老小区换新颜. */
const WORD_SPACE_EM = 0.2;

function appendLine(piece: Piece, line: Line, justified: boolean): void {
  let prev: TextRun | null = null;
  for (const run of [...line.runs].sort((a, b) => a.x - b.x)) {
    const text = justified ? run.text.replace(SPACE_BETWEEN_CJK, '') : run.text;
    const spaced = !justified && prev !== null && run.x - (prev.x + prev.w) >= WORD_SPACE_EM * run.size && !/\s$/.test(piece.text) && !/^\s/.test(text);
    piece.text = spaced ? `${piece.text} ${text}` : joinText(piece.text, text);
    prev = run;
    piece.runs.push({ run, offset: piece.text.length - text.length, length: text.length });
  }
}

type BodyPiece = { type: Exclude<Block['type'], 'image'>; piece: Piece; open: boolean } | { type: 'image'; photo: Photo; piece: Piece | null };

/** Paragraphs (first-line indent or a short last line), sub-heads, ● list lines, photos with captions. */
function bodyPieces(elements: (TextBlock | Photo)[], bodySize: number): BodyPiece[] {
  const out: BodyPiece[] = [];
  for (const e of elements) {
    if (isPhoto(e)) {
      out.push({ type: 'image', photo: e, piece: e.caption ? linesPiece(e.caption.lines) : null });
      continue;
    }
    if (e.kind === 'display' || e.kind === 'headline' || (e.bold && e.lines.length <= 2 && e.size >= bodySize * 0.95)) {
      out.push({ type: 'heading', piece: linesPiece(e.lines), open: false });
      continue;
    }
    const right = e.x + e.w;
    e.lines.forEach((line, i) => {
      const prev = out.at(-1);
      const indented = line.x > e.x + 0.8 * line.size;
      const bullet = LIST_BULLET.test(line.text);
      // The first line of a column piece continues the paragraph the last column ended, unless indented.
      const continues = prev && prev.type !== 'image' && prev.type !== 'heading' && prev.open && !indented && !bullet;
      const justified = isJustified(line, e);
      if (continues && (i > 0 || prev.type === 'paragraph')) {
        appendLine(prev.piece, line, justified);
      } else {
        const piece: Piece = { text: '', runs: [] };
        appendLine(piece, line, justified);
        out.push({ type: bullet ? 'list' : 'paragraph', piece, open: true });
      }
      const last = out.at(-1)!;
      // A line that stops well short of the column's right edge ends its paragraph.
      if (last.type !== 'image') last.open = line.x + line.w > right - 1.5 * line.size;
    });
  }
  return out;
}

/**
 * The kicker, headline, subtitle and byline as one zone as wide as the
 * columns that start under them: the blank beside a short headline belongs
 * to its story.
 */
function headZone(story: Story, bodySize: number, byline: TextBlock | null): Box[] {
  const head = [story.kicker, story.headline, story.subtitle].filter((b): b is TextBlock => !!b);
  if (head.length === 0) return byline ? [byline] : [];
  let zone = union(head);
  // The byline right under the head belongs to the zone; one further down is a box of its own.
  const bylineBoxes = byline ? [byline] : [];
  if (byline && byline.y - (zone.y + zone.h) < 2 * bodySize && byline.y >= zone.y) {
    zone = union([zone, byline]);
    bylineBoxes.pop();
  }
  const firstRow = story.elements.map(elementBox).filter((b) => b !== byline && b.y < zone.y + zone.h + 5 * bodySize);
  if (firstRow.length === 0) return [zone, ...bylineBoxes];
  const x0 = Math.min(zone.x, ...firstRow.map((b) => b.x));
  const x1 = Math.max(zone.x + zone.w, ...firstRow.map((b) => b.x + b.w));
  return [{ x: x0, y: zone.y, w: x1 - x0, h: zone.h }, ...bylineBoxes];
}

function standInTitle(text: string): string {
  return (/^(.{4,40}?[。！？.!?])/.exec(text)?.[1] ?? text.slice(0, 30)).trim() || '无标题';
}

function toArticle(story: Story, bodySize: number, columnWidth: (x: number) => number): AnalysedArticle {
  // The byline (the topmost) sits under the headline, outside the columns' reading order.
  const bylineBlock =
    story.elements
      .filter((e): e is TextBlock => !isPhoto(e) && e.kind === 'byline')
      .sort((a, b) => a.y - b.y)[0] ?? null;
  const ordered = columnOrder(story.elements.filter((e) => e !== bylineBlock), bodySize);
  const pieces = bodyPieces(ordered, bodySize);
  const firstText = pieces.find((p) => p.type !== 'image')?.piece?.text ?? '';
  // Untitled: the first sentence of its text stands in as the title (it has no boxes of its own).
  const title: Piece = story.headline ? linesPiece(story.headline.lines) : { text: standInTitle(firstText), runs: [] };
  const kicker = story.kicker ? linesPiece(story.kicker.lines) : null;
  const subtitle = story.subtitle ? linesPiece(story.subtitle.lines) : null;
  const byline = bylineBlock ? linesPiece(bylineBlock.lines) : null;
  const body: Block[] = pieces.map((p) =>
    p.type === 'image' ? { type: 'image', src: '', ...(p.piece ? { caption: p.piece.text } : {}) } : { type: p.type, text: p.piece.text },
  );
  // Regions as a reader's hotspot has them: the head zone across the columns, each block as wide as its column.
  const boxes = [...headZone(story, bodySize, bylineBlock), ...columnBoxes(ordered, columnWidth)].map(boxOf);

  // Text boxes: the pieces in articleText()'s order, each offset by where its part starts.
  const parts: (Piece | null)[] = [kicker, title, subtitle, byline, ...pieces.map((p) => p.piece)];
  const textBoxes: TextBox[] = [];
  let at = 0;
  for (const part of parts) {
    if (!part || part.text === '') continue;
    for (const { run, offset, length } of part.runs) textBoxes.push({ ...boxOf(run), offset: at + offset, length });
    at += part.text.length + 1;
  }

  const article: AnalysedArticle = {
    kicker: kicker?.text || null,
    title: title.text,
    subtitle: subtitle?.text || null,
    byline: byline?.text || null,
    body,
    boxes,
    polygon: articleOutline(boxes, bodySize),
    confidence: 0,
    textBoxes,
    ...(story.elements.some((e) => !isPhoto(e) && e.ocr !== undefined) || story.headline?.ocr !== undefined
      ? { ocrBlocks: [...new Set([story.headline, ...story.elements].flatMap((e) => (e && !isPhoto(e) && e.ocr !== undefined ? [e.ocr] : [])))] }
      : {}),
    photos: pieces.flatMap((p) => (p.type === 'image' ? [{ box: boxOf(p.photo.box), caption: p.piece?.text ?? null }] : [])),
  };
  article.confidence = articleConfidence(story, article, bodySize);
  return article;
}

/**
 * Confidence, 0..1: 1 for a story with a clear headline (at least 1.5 times
 * the body size) and some body text; lowered linearly for a headline only
 * slightly larger or just bolder than the body (down to 0.6), to 0.6 or
 * less for under 30 body characters, to 0.5 or less when the text holds
 * undecodable characters, and capped at 0.3 for text no headline stands
 * above (an untitled story). scoreOverlaps() then scales it by the share of
 * its area that no other article's blocks cover.
 */
function articleConfidence(story: Story, article: AnalysedArticle, bodySize: number): number {
  if (!story.headline) return 0.3;
  const ratio = story.headline.size / bodySize;
  let c = ratio >= 1.5 ? 1 : 0.6 + 0.4 * Math.max(0, (ratio - 1) / 0.5);
  const text = articleText(article);
  const bodyChars = text.length - article.title.length;
  if (bodyChars < 30) c = Math.min(c, 0.6);
  const counts = countChars(text);
  if (counts.replacementChars + counts.privateUseChars > 0) c = Math.min(c, 0.5);
  return c;
}

function overlapArea(a: Box, b: Box): number {
  const h = Math.max(0, Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y));
  return xOverlap(a, b) * h;
}

function scoreOverlaps(articles: AnalysedArticle[]): void {
  for (const a of articles) {
    const area = a.boxes.reduce((n, b) => n + b.w * b.h, 0);
    if (area <= 0) continue;
    let covered = 0;
    for (const other of articles) {
      if (other === a) continue;
      for (const b of a.boxes) for (const o of other.boxes) covered += overlapArea(b, o);
    }
    a.confidence = Math.round(a.confidence * Math.max(0, 1 - covered / area) * 100) / 100;
  }
}
