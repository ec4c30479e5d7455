/// <reference lib="dom" />
// A newspaper page typesetter: a page description becomes an HTML page that headless Chromium
// lays out (its line breaking, CJK justification and the system's Noto CJK fonts) and prints to
// a one-page PDF. Body text is threaded through column frames like a layout program does, so an
// article can take any shape made of columns (an L around another story) and go on to another
// page; every block is measured in the browser as it is placed.
import fs from 'node:fs';
import { PDFDocument } from 'pdf-lib';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { Box } from './truth';

/** CSS pixels per PDF point: Chromium prints 96 CSS px on 72 pt. */
const PX_PER_PT = 96 / 72;

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export type SpecTextBlock = { type: 'paragraph' | 'heading' | 'list' | 'quote'; text: string };
/** `src` is the name the truth gives the photo; `dataUrl` is what the page shows. */
export type SpecImageBlock = { type: 'image'; src: string; caption: string; dataUrl: string; width: number; height: number };
export type SpecBlock = SpecTextBlock | SpecImageBlock;

/** Where an article sits, in PDF points from the page's top-left corner, on the page's column grid. */
export interface ArticleRegion {
  /** First column (0-based) and number of columns of the article's top part. */
  col: number;
  cols: number;
  top: number;
  bottom: number;
  /**
   * An L: only the first `cols` columns reach `bottom`; the others end at `bottom` of the
   * `short` part, where another story takes their place.
   */
  short?: { cols: number; bottom: number };
}

export interface ArticleSpec {
  id: string;
  kicker: string | null;
  title: string;
  subtitle: string | null;
  byline: string | null;
  /** A page's main story: bigger headline. */
  lead: boolean;
  body: SpecBlock[];
  /** Show the first photo across the article's full width under the headline instead of in a column. */
  widePhoto: boolean;
  region: ArticleRegion;
  /** The story goes on to this page (下转第N版) with what does not fit here. */
  jumpTo: number | null;
  /** The story comes from this page (上接第N版). */
  jumpFrom: number | null;
}

export interface AdSpec {
  box: Box;
  brand: string;
  lines: string[];
  phone: string;
  hue: number;
}

export interface PageSpec {
  widthPt: number;
  heightPt: number;
  paperName: string;
  /** 版眉: page number, page name, date as printed. */
  header: { number: number; name: string; dateText: string; label: string };
  /** 报头 on page 01: the lines beside the paper's name (issue number, pages today…). */
  masthead: { lines: string[] } | null;
  marginPt: number;
  gutterPt: number;
  columns: number;
  bodyFontPt: number;
  articles: ArticleSpec[];
  ads: AdSpec[];
}

export interface TypesetArticle {
  id: string;
  /** Headline block and each column frame's filled part, in PDF points. */
  boxes: Box[];
  /** What was placed on this page, blocks reassembled from their column fragments. */
  body: Array<SpecTextBlock | { type: 'image'; src: string; caption: string }>;
  /** What did not fit (the rest of a story that jumps to another page). */
  leftover: SpecBlock[];
  /** Some column of it reaches further down than the columns beside it that another story took. */
  lShaped: boolean;
  /** Its printed lines of text and photos, in PDF points. */
  ink: { lines: Box[]; photos: Box[] };
}

export interface TypesetPage {
  pdf: Buffer;
  /** The printed page's size (MediaBox), in points. */
  widthPt: number;
  heightPt: number;
  articles: TypesetArticle[];
}

export function launchTypesetter(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM_PATH)) throw new Error(`${CHROMIUM_PATH} is missing: run scripts/install-browser.sh (or set CHROMIUM_PATH)`);
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** Column `c`'s left edge and the column width, in points. */
export function columnGeometry(spec: Pick<PageSpec, 'widthPt' | 'marginPt' | 'gutterPt' | 'columns'>): { x: (c: number) => number; width: number } {
  const width = (spec.widthPt - 2 * spec.marginPt - (spec.columns - 1) * spec.gutterPt) / spec.columns;
  return { x: (c) => spec.marginPt + c * (width + spec.gutterPt), width };
}

// ---------------------------------------------------------------------------------------------
// HTML.

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const px = (pt: number) => `${(pt * PX_PER_PT).toFixed(2)}px`;

/** Headline size: one line across the article when the width allows, within the lead's or an ordinary story's range. */
function headlinePt(title: string, widthPt: number, lead: boolean): number {
  const [min, max] = lead ? [24, 42] : [15, 26];
  return Math.round(Math.min(max, Math.max(min, widthPt / ([...title].length + 1.5))));
}

function figureHtml(b: SpecImageBlock, wide: boolean): string {
  return `<figure class="fig${wide ? ' wide' : ''}"><img src="${b.dataUrl}" width="${b.width}" height="${b.height}" alt=""><figcaption>${esc(b.caption)}</figcaption></figure>`;
}

function articleHeadHtml(a: ArticleSpec, widthPt: number): string {
  const wide = a.widePhoto ? a.body.find((b): b is SpecImageBlock => b.type === 'image') : undefined;
  const size = headlinePt(a.title, widthPt, a.lead);
  return [
    '<div class="head">',
    a.kicker ? `<div class="kicker">${esc(a.kicker)}</div>` : '',
    `<h2 class="title${a.lead ? ' lead' : ''}" style="font-size:${size}pt">${esc(a.title)}</h2>`,
    a.subtitle ? `<div class="subtitle">——${esc(a.subtitle)}</div>` : '',
    a.byline ? `<div class="byline">${esc(a.byline)}</div>` : '',
    wide ? figureHtml(wide, true) : '',
    '</div>',
  ].join('');
}

function adHtml(ad: AdSpec): string {
  const { x, y, w, h } = ad.box;
  return [
    `<div class="ad" style="left:${px(x)};top:${px(y)};width:${px(w)};height:${px(h)};border-color:hsl(${ad.hue} 60% 40%);background:hsl(${ad.hue} 70% 96%)">`,
    `<div class="brand" style="color:hsl(${ad.hue} 70% 35%)">${esc(ad.brand)}</div>`,
    ...ad.lines.map((l) => `<div class="adline">${esc(l)}</div>`),
    `<div class="phone">咨询热线 ${esc(ad.phone)}</div>`,
    '</div>',
  ].join('');
}

export function pageHtml(spec: PageSpec): string {
  const W = spec.widthPt;
  const H = spec.heightPt;
  const geo = columnGeometry(spec);
  const articles = spec.articles.map((a) => {
    const left = geo.x(a.region.col);
    const width = a.region.cols * geo.width + (a.region.cols - 1) * spec.gutterPt;
    return `<article id="${esc(a.id)}" style="left:${px(left)};top:${px(a.region.top)};width:${px(width)}">${articleHeadHtml(a, width)}</article>`;
  });
  const m = spec.marginPt;
  const head = spec.header;
  const masthead = spec.masthead
    ? `<div class="masthead" style="left:${px(m)};top:${px(m + 22)};width:${px(W - 2 * m)}"><div class="name">${esc(spec.paperName)}</div><div class="info">${spec.masthead.lines.map((l) => `<div>${esc(l)}</div>`).join('')}</div></div>`
    : '';
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><style>
@page { size: ${px(W)} ${px(H)}; margin: 0; }
html, body { margin: 0; padding: 0; overflow: hidden; }
body { width: ${px(W)}; height: ${px(H)}; position: relative; overflow: hidden; background: #fff; color: #111;
  font-family: 'Noto Serif CJK SC', serif; font-size: ${spec.bodyFontPt}pt; line-height: 1.5; }
.runhead { position: absolute; display: flex; justify-content: space-between; align-items: baseline;
  font-family: 'Noto Sans CJK SC', sans-serif; font-size: 9pt; border-bottom: 1.2pt solid #222; padding-bottom: 2pt; }
.runhead .label { font-weight: 700; font-size: 10.5pt; }
.masthead { position: absolute; display: flex; justify-content: space-between; align-items: center; border-bottom: 3pt double #b00; padding-bottom: 4pt; }
.masthead .name { font-family: 'Noto Serif CJK SC', serif; font-weight: 700; font-size: 64pt; color: #b00; letter-spacing: 6pt; line-height: 1.1; }
.masthead .info { font-family: 'Noto Sans CJK SC', sans-serif; font-size: 9pt; text-align: right; line-height: 1.6; }
article { position: absolute; }
.head { padding-bottom: 4pt; }
.kicker { font-family: 'Noto Sans CJK SC', sans-serif; font-size: 10.5pt; color: #333; margin-bottom: 2pt; }
.title { font-family: 'Noto Sans CJK SC', sans-serif; font-weight: 700; margin: 0; line-height: 1.25; }
.title.lead { color: #111; }
.subtitle { font-family: 'Noto Sans CJK SC', sans-serif; font-size: 11pt; margin-top: 3pt; color: #222; }
.byline { font-family: 'Noto Sans CJK SC', sans-serif; font-size: 8.5pt; margin-top: 3pt; color: #333; }
.frame { position: absolute; overflow: hidden; contain: strict; }
.frame p, .frame blockquote, .frame h4, .frame figure { margin: 0; }
.p { text-indent: 2em; text-align: justify; }
.p.cont { text-indent: 0; }
.split { text-align-last: justify; }
.li { text-align: justify; }
.sub { font-family: 'Noto Sans CJK SC', sans-serif; font-weight: 700; font-size: 1.05em; padding: 2pt 0; }
.q { font-family: 'Noto Sans CJK SC', sans-serif; text-align: justify; padding-left: 0.8em; border-left: 2pt solid #999; margin: 2pt 0; }
.fig img { display: block; width: 100%; height: auto; }
.fig figcaption { font-family: 'Noto Sans CJK SC', sans-serif; font-size: 8pt; line-height: 1.4; padding: 2pt 0 4pt; text-align: justify; }
.fig.wide { margin: 4pt 0 0; }
.jump { font-family: 'Noto Sans CJK SC', sans-serif; font-size: 8.5pt; text-align: right; }
.jump.from { text-align: left; }
.ad { position: absolute; box-sizing: border-box; border: 2pt solid; padding: 10pt; font-family: 'Noto Sans CJK SC', sans-serif; text-align: center; display: flex; flex-direction: column; justify-content: center; gap: 6pt; }
.ad .brand { font-weight: 700; font-size: 30pt; }
.ad .adline { font-size: 14pt; }
.ad .phone { font-size: 12pt; font-weight: 700; }
</style></head><body>
<div class="runhead" style="left:${px(m)};top:${px(m)};width:${px(W - 2 * m)}"><span class="label">${esc(head.label)}</span><span>${esc(spec.paperName)}</span><span>${esc(head.dateText)}</span></div>
${masthead}
${articles.join('\n')}
${spec.ads.map(adHtml).join('\n')}
</body></html>`;
}

// ---------------------------------------------------------------------------------------------
// Threading text through frames, in the browser.

interface FlowItem {
  kind: 'p' | 'h' | 'li' | 'q' | 'fig' | 'jump';
  /** Text of a text block; the figure's HTML for 'fig'. */
  text: string;
  /** Index of the source block in the article's body; -1 for a jump line. */
  block: number;
  cont: boolean;
}

interface FlowInput {
  id: string;
  /** Left edge and lowest bottom of each column frame, in CSS px. */
  frames: Array<{ x: number; bottom: number }>;
  frameWidth: number;
  items: FlowItem[];
  /** Text of the 下转 line, reserved at the foot of the last frame. */
  jumpTo: string | null;
  /** Shorten all columns evenly when the text does not fill them. */
  balance: boolean;
}

interface PxRect {
  x: number;
  y: number;
  w: number;
  h: number;
}

interface FlowOutput {
  id: string;
  head: PxRect;
  /** Each column frame's filled part; null when nothing went into it. */
  frames: Array<PxRect | null>;
  placed: Array<{ block: number; text: string }>;
  leftover: FlowItem[];
  /** Every line of text (one rectangle per line) and every photo the article printed. */
  ink: { lines: PxRect[]; photos: PxRect[] };
}

/** Runs in the page: self-contained, no closures over Node code. */
function flowArticles(inputs: FlowInput[]): FlowOutput[] {
  const CLOSING = '，。、；：？！”’）》」』…—';
  const SENTENCE_END = /[。！？](”|’)?/g;
  const rectOf = (el: Element): PxRect => {
    const r = el.getBoundingClientRect();
    return { x: r.left, y: r.top, w: r.width, h: r.height };
  };
  const makeNode = (item: FlowItem): HTMLElement => {
    if (item.kind === 'fig') {
      const holder = document.createElement('div');
      holder.innerHTML = item.text;
      return holder.firstElementChild as HTMLElement;
    }
    const tag = item.kind === 'h' ? 'h4' : item.kind === 'q' ? 'blockquote' : item.kind === 'jump' ? 'div' : 'p';
    const node = document.createElement(tag);
    node.className = { p: 'p', h: 'sub', li: 'li', q: 'q', jump: 'jump from', fig: '' }[item.kind] + (item.cont ? ' cont' : '');
    node.textContent = item.text;
    return node;
  };
  const results: FlowOutput[] = [];
  for (const input of inputs) {
    const article = document.getElementById(input.id)!;
    const head = article.querySelector('.head')!;
    const headRect = rectOf(head);
    const top = headRect.y + headRect.h + 2;
    const lowest = Math.max(...input.frames.map((f) => f.bottom));

    // `scale` shortens every column in proportion, so an L keeps its shape when balanced.
    const flow = (scale: number) => {
      document.querySelectorAll(`[data-frames-of="${input.id}"]`).forEach((n) => n.remove());
      const frames = input.frames.map((f, i) => {
        const el = document.createElement('div');
        el.className = 'frame';
        el.dataset.framesOf = input.id;
        const bottom = top + scale * (f.bottom - top);
        el.style.cssText = `left:${f.x}px;top:${top}px;width:${input.frameWidth}px;height:${Math.max(0, bottom - top)}px`;
        document.body.append(el);
        return { el, limit: bottom, last: i === input.frames.length - 1 };
      });
      let jumpNode: HTMLElement | null = null;
      const lastFrame = frames[frames.length - 1]!;
      if (input.jumpTo !== null) {
        jumpNode = document.createElement('div');
        jumpNode.className = 'jump';
        jumpNode.textContent = input.jumpTo;
        lastFrame.el.append(jumpNode);
        lastFrame.limit -= jumpNode.getBoundingClientRect().height;
        jumpNode.remove();
      }
      const queue = input.items.map((it) => ({ ...it }));
      const placed: Array<{ block: number; text: string; node: HTMLElement }> = [];
      for (const frame of frames) {
        while (queue.length > 0) {
          const item = queue[0]!;
          const node = makeNode(item);
          frame.el.append(node);
          const fits = () => node.getBoundingClientRect().bottom <= frame.limit + 0.5;
          if (fits()) {
            placed.push({ block: item.block, text: item.text, node });
            queue.shift();
            continue;
          }
          let cut = 0;
          if (item.kind === 'p' || item.kind === 'li' || item.kind === 'q') {
            node.classList.add('split');
            const chars = [...item.text];
            let lo = 0;
            let hi = chars.length - 1;
            while (lo < hi) {
              const mid = Math.ceil((lo + hi) / 2);
              node.textContent = chars.slice(0, mid).join('');
              if (fits()) lo = mid;
              else hi = mid - 1;
            }
            cut = lo;
            while (cut > 0 && CLOSING.includes(chars[cut]!)) cut -= 1;
            if (frame.last && input.jumpTo === null) {
              // The story ends here: end on a whole sentence, not mid-line.
              const fitted = chars.slice(0, cut).join('');
              let end = 0;
              for (const m of fitted.matchAll(SENTENCE_END)) end = m.index + m[0].length;
              cut = [...fitted.slice(0, end)].length;
              node.classList.remove('split');
            }
            if (cut > 0) {
              const text = chars.slice(0, cut).join('');
              node.textContent = text;
              placed.push({ block: item.block, text, node });
              queue[0] = { ...item, text: chars.slice(cut).join(''), cont: true };
            }
          }
          if (cut === 0) {
            node.remove();
            const empty = Array.from(frame.el.children).every((c) => c.classList.contains('from'));
            if (empty && item.kind === 'fig') {
              // Taller than a whole column: left out.
              queue.shift();
              continue;
            }
            // A sub-head stays with the text it heads.
            const prev = placed[placed.length - 1];
            if (!empty && prev && prev.node.parentElement === frame.el && prev.node.tagName === 'H4') {
              prev.node.remove();
              placed.pop();
              queue.unshift({ kind: 'h', text: prev.text, block: prev.block, cont: false });
            }
          }
          break;
        }
      }
      if (jumpNode && queue.length > 0) lastFrame.el.append(jumpNode);
      return { frames, placed, leftover: queue };
    };

    let result = flow(1);
    if (input.balance && result.leftover.length === 0 && input.frames.length > 1) {
      let lo = 0;
      let hi = 1;
      for (let i = 0; i < 12 && (hi - lo) * (lowest - top) > 1; i += 1) {
        const mid = (lo + hi) / 2;
        if (flow(mid).leftover.length === 0) hi = mid;
        else lo = mid;
      }
      result = flow(hi);
    }
    const frameRects = result.frames.map((f) => {
      const last = f.el.lastElementChild;
      if (!last) return null;
      const box = rectOf(f.el);
      return { x: box.x, y: box.y, w: box.w, h: last.getBoundingClientRect().bottom - box.y };
    });
    const ink: FlowOutput['ink'] = { lines: [], photos: [] };
    for (const root of [head, ...result.frames.map((f) => f.el)]) {
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        if (!n.textContent?.trim()) continue;
        const range = document.createRange();
        range.selectNodeContents(n);
        for (const r of Array.from(range.getClientRects())) if (r.width > 0 && r.height > 0) ink.lines.push({ x: r.left, y: r.top, w: r.width, h: r.height });
      }
      root.querySelectorAll('img').forEach((img) => ink.photos.push(rectOf(img)));
    }
    results.push({ id: input.id, head: headRect, frames: frameRects, placed: result.placed.map(({ block, text }) => ({ block, text })), leftover: result.leftover, ink });
  }
  return results;
}

// ---------------------------------------------------------------------------------------------
// Node side.

function flowItems(a: ArticleSpec): FlowItem[] {
  const kinds = { paragraph: 'p', heading: 'h', list: 'li', quote: 'q' } as const;
  const wideIndex = a.widePhoto ? a.body.findIndex((b) => b.type === 'image') : -1;
  const items: FlowItem[] = [];
  if (a.jumpFrom !== null) items.push({ kind: 'jump', text: `（上接第${a.jumpFrom}版）`, block: -1, cont: false });
  a.body.forEach((b, block) => {
    if (block === wideIndex) return;
    items.push(b.type === 'image' ? { kind: 'fig', text: figureHtml(b, false), block, cont: false } : { kind: kinds[b.type], text: b.text, block, cont: false });
  });
  // A story continued from another page starts mid-paragraph.
  const first = items.find((i) => i.kind !== 'jump');
  if (a.jumpFrom !== null && first) first.cont = true;
  return items;
}

function flowInput(spec: PageSpec, a: ArticleSpec): FlowInput {
  const geo = columnGeometry(spec);
  const frames = Array.from({ length: a.region.cols }, (_, i) => {
    const c = a.region.col + i;
    const bottom = a.region.short && i >= a.region.short.cols ? a.region.short.bottom : a.region.bottom;
    return { x: geo.x(c) * PX_PER_PT, bottom: bottom * PX_PER_PT };
  });
  return {
    id: a.id,
    frames,
    frameWidth: geo.width * PX_PER_PT,
    items: flowItems(a),
    jumpTo: a.jumpTo === null ? null : `（下转第${a.jumpTo}版）`,
    balance: a.jumpTo === null,
  };
}

const toPt = (r: PxRect): Box => ({ x: r.x / PX_PER_PT, y: r.y / PX_PER_PT, w: r.w / PX_PER_PT, h: r.h / PX_PER_PT });

/** Filled legs reach further down than every filled short column, by more than `minStepPt`. */
function isL(frames: Array<Box | null>, legs: number | null, minStepPt: number): boolean {
  if (legs === null) return false;
  const bottoms = (fs: Array<Box | null>) => fs.filter((f): f is Box => f !== null).map((f) => f.y + f.h);
  const leg = bottoms(frames.slice(0, legs));
  const short = bottoms(frames.slice(legs));
  return leg.length > 0 && short.length > 0 && Math.min(...leg) > Math.max(...short) + minStepPt;
}

function assemble(a: ArticleSpec, out: FlowOutput, lineGapPt: number): TypesetArticle {
  const wideIndex = a.widePhoto ? a.body.findIndex((b) => b.type === 'image') : -1;
  const texts = new Map<number, string>();
  for (const p of out.placed) if (p.block >= 0) texts.set(p.block, (texts.get(p.block) ?? '') + p.text);
  const body: TypesetArticle['body'] = [];
  a.body.forEach((b, i) => {
    if (b.type === 'image') {
      if (i === wideIndex || texts.has(i)) body.push({ type: 'image', src: b.src, caption: b.caption });
    } else if (texts.has(i)) {
      body.push({ type: b.type, text: texts.get(i)! });
    }
  });
  const leftover: SpecBlock[] = out.leftover.flatMap((item): SpecBlock[] => {
    const source = a.body[item.block];
    if (!source) return [];
    return source.type === 'image' ? [source] : [{ type: source.type, text: item.text }];
  });
  const frames = out.frames.map((f) => (f ? toPt(f) : null));
  const filled = frames.filter((f): f is Box => f !== null);
  const ink = { lines: out.ink.lines.map(toPt), photos: out.ink.photos.map(toPt) };
  return { id: a.id, boxes: [toPt(out.head), ...filled], body, leftover, lShaped: isL(frames, a.region.short?.cols ?? null, lineGapPt), ink };
}

/** Typesets one page on a browser tab and prints it. */
export async function typesetPage(tab: Page, spec: PageSpec): Promise<TypesetPage> {
  await tab.setViewportSize({ width: Math.ceil(spec.widthPt * PX_PER_PT), height: Math.ceil(spec.heightPt * PX_PER_PT) });
  await tab.emulateMedia({ media: 'print' });
  await tab.setContent(pageHtml(spec), { waitUntil: 'load' });
  await tab.evaluate(() => document.fonts.ready.then(() => undefined));
  const outputs = await tab.evaluate(flowArticles, spec.articles.map((a) => flowInput(spec, a)));
  await tab.waitForFunction(() => Array.from(document.images).every((i) => i.complete));
  const pdf = await tab.pdf({ preferCSSPageSize: true, printBackground: true, margin: { top: '0', right: '0', bottom: '0', left: '0' } });
  const printed = await PDFDocument.load(pdf, { updateMetadata: false });
  const pages = printed.getPageCount();
  if (pages !== 1) throw new Error(`page ${spec.header.label} printed on ${pages} pages: something reaches past the page's foot`);
  // Chromium rounds the page size a little: the truth gives the PDF's own.
  const { width: widthPt, height: heightPt } = printed.getPage(0).getSize();
  // An L's legs must outrun its short columns by more than three lines of body text.
  const articles = spec.articles.map((a, i) => assemble(a, outputs[i]!, 3 * spec.bodyFontPt * 1.5));
  return { pdf, widthPt, heightPt, articles };
}
