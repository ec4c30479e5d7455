/// <reference lib="dom" />
// Callbacks passed to page.evaluate run in the browser: they need the DOM types.
import { PDFDocument, PDFName, type PDFRef } from 'pdf-lib';
import type { Browser } from 'playwright-core';
import { pngBytes } from './fixtures';

/**
 * Typesets small newspaper pages as PDFs with headless Chromium (CSS
 * columns, the system's Noto CJK fonts) and measures where every article
 * landed, so tests know each article's true box.
 */

/** Page size in CSS pixels; Chromium prints 1 px as 0.75 pt. */
export const PAGE_W_PX = 800;
export const PAGE_H_PX = 1120;
export const PT_PER_PX = 0.75;

export interface TestArticle {
  id: string;
  /** Absolute position and width of the article, CSS px; `columns` for its body. */
  left: number;
  top: number;
  width: number;
  columns: number;
  /** A 栏目 label set at body size above the head (滨江笔会). */
  label?: string;
  kicker?: string;
  title: string;
  /** The headline's size in CSS px (24 unless given). */
  titleSize?: number;
  subtitle?: string;
  byline?: string;
  /** Paragraphs; a string starting with ● is a list line, with 【】 a sub-head. */
  paragraphs: string[];
  photo?: { height: number; caption: string };
  /** A second part of the same story laid out elsewhere (an L-shaped story's leg). */
  continuation?: { left: number; top: number; width: number; paragraphs: string[] };
}

export interface TestPage {
  /** The 版眉, e.g. 第01版:要闻 2026年3月5日 */
  header: string;
  articles: TestArticle[];
  /** Text set anywhere on the page outside articles (e.g. an ad). */
  extraHtml?: string;
}

/** The article's measured regions, CSS px: its main block and, for an L-shaped story, its leg. */
export type MeasuredBoxes = Record<string, { x: number; y: number; w: number; h: number }[]>;

const escapeHtml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function paragraphHtml(p: string): string {
  if (p.startsWith('●')) return `<p class="list">${escapeHtml(p)}</p>`;
  if (p.startsWith('【')) return `<h3>${escapeHtml(p)}</h3>`;
  return `<p>${escapeHtml(p)}</p>`;
}

/** A raster photo (Chromium prints it as an image XObject, as layout systems place photos). */
const PHOTO_URL = `data:image/png;base64,${pngBytes(300, 200, 150).toString('base64')}`;

export function pageHtml(page: TestPage, photoUrl = PHOTO_URL): string {
  const articles = page.articles
    .map((a) => {
      const head = [
        a.label ? `<div class="label">${escapeHtml(a.label)}</div>` : '',
        a.kicker ? `<div class="kicker">${escapeHtml(a.kicker)}</div>` : '',
        a.titleSize ? `<h1 style="font-size:${a.titleSize}px">${escapeHtml(a.title)}</h1>` : `<h1>${escapeHtml(a.title)}</h1>`,
        a.subtitle ? `<div class="subtitle">${escapeHtml(a.subtitle)}</div>` : '',
        a.byline ? `<div class="byline">${escapeHtml(a.byline)}</div>` : '',
      ].join('');
      const photo = a.photo
        ? `<figure><img src="${photoUrl}" style="width:100%;height:${a.photo.height}px"><figcaption>${escapeHtml(a.photo.caption)}</figcaption></figure>`
        : '';
      const main =
        `<div class="article" data-id="${a.id}" style="left:${a.left}px;top:${a.top}px;width:${a.width}px">${head}${photo}` +
        `<div class="body" style="column-count:${a.columns}">${a.paragraphs.map(paragraphHtml).join('')}</div></div>`;
      const leg = a.continuation
        ? `<div class="article" data-id="${a.id}" style="left:${a.continuation.left}px;top:${a.continuation.top}px;width:${a.continuation.width}px">` +
          `<div class="body">${a.continuation.paragraphs.map(paragraphHtml).join('')}</div></div>`
        : '';
      return main + leg;
    })
    .join('');
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><style>
@page { size: ${PAGE_W_PX}px ${PAGE_H_PX}px; margin: 0 }
body { margin: 0; font-family: 'Noto Serif CJK SC', serif; font-size: 10px; line-height: 1.6; }
.header { position: absolute; left: 40px; top: 24px; width: 720px; font-size: 12px; border-bottom: 1px solid #000; }
.article { position: absolute; }
h1 { font-family: 'Noto Sans CJK SC', sans-serif; font-weight: 700; font-size: 24px; line-height: 1.3; margin: 0 0 4px; }
.kicker { font-size: 13px; margin-bottom: 2px; }
.label { font-size: 10px; margin-bottom: 4px; }
.subtitle { font-size: 14px; margin-bottom: 4px; }
.byline { font-size: 10px; margin-bottom: 4px; }
.body { column-gap: 14px; }
p { margin: 0; text-indent: 2em; text-align: justify; }
p.list { text-indent: 0; }
h3 { font-family: 'Noto Sans CJK SC', sans-serif; font-weight: 700; font-size: 10px; margin: 0; }
figure { margin: 0 0 6px; } figure img { display: block; object-fit: cover; }
figcaption { font-size: 9px; line-height: 1.4; margin-top: 3px; }
</style></head><body><div class="header">${escapeHtml(page.header)}</div>${articles}${page.extraHtml ?? ''}</body></html>`;
}

/** Prints the page as a PDF and returns it with each article's measured regions (CSS px). */
export async function typesetPage(browser: Browser, page: TestPage): Promise<{ pdf: Buffer; boxes: MeasuredBoxes }> {
  const tab = await browser.newPage({ viewport: { width: PAGE_W_PX, height: PAGE_H_PX } });
  try {
    await tab.setContent(pageHtml(page), { waitUntil: 'load' });
    await tab.evaluate(() => document.fonts.ready.then(() => undefined));
    const boxes = await tab.evaluate(() => {
      const out: Record<string, { x: number; y: number; w: number; h: number }[]> = {};
      for (const el of Array.from(document.querySelectorAll<HTMLElement>('.article'))) {
        const r = el.getBoundingClientRect();
        (out[el.dataset['id']!] ??= []).push({ x: r.x, y: r.y, w: r.width, h: r.height });
      }
      return out;
    });
    const pdf = await tab.pdf({ width: `${PAGE_W_PX}px`, height: `${PAGE_H_PX}px`, printBackground: true });
    return { pdf, boxes };
  } finally {
    await tab.close();
  }
}

/**
 * Adds article threads to a one-page PDF, as layout systems export them
 * (PDF 32000-1 §12.4.3): per thread, a ring of beads whose /R rectangles are
 * the given regions (CSS px, as MeasuredBoxes gives them).
 */
export async function withThreads(pdf: Buffer, threads: { x: number; y: number; w: number; h: number }[][]): Promise<Buffer> {
  const doc = await PDFDocument.load(pdf);
  const page = doc.getPage(0);
  const ctx = doc.context;
  const heightPt = page.getHeight();
  const allBeads: PDFRef[] = [];
  const threadRefs = threads.map((regions) => {
    const threadRef = ctx.nextRef();
    const beads = regions.map(() => ctx.nextRef());
    regions.forEach((r, i) => {
      const [x1, x2] = [r.x * PT_PER_PX, (r.x + r.w) * PT_PER_PX];
      const [y1, y2] = [heightPt - (r.y + r.h) * PT_PER_PX, heightPt - r.y * PT_PER_PX];
      const next = beads[(i + 1) % beads.length]!;
      const prev = beads[(i + beads.length - 1) % beads.length]!;
      ctx.assign(beads[i]!, ctx.obj({ Type: 'Bead', T: threadRef, P: page.ref, R: [x1, y1, x2, y2], N: next, V: prev }));
    });
    ctx.assign(threadRef, ctx.obj({ Type: 'Thread', F: beads[0]! }));
    allBeads.push(...beads);
    return threadRef;
  });
  doc.catalog.set(PDFName.of('Threads'), ctx.obj(threadRefs));
  page.node.set(PDFName.of('B'), ctx.obj(allBeads));
  return Buffer.from(await doc.save({ useObjectStreams: false }));
}
