// Draws a stylised newspaper page: header band plus one framed block per article, exactly on its hotspot.
import { Canvas, type Rgb } from './png';
import { layoutKey, pageGutter, type PageLayout, type Rect } from './layout';
import { createRng, deriveSeed, type Rng } from './random';

export const PAGE_BACKGROUND: Rgb = [246, 242, 232];
export const BLOCK_FILL: Rgb = [255, 255, 253];
export const BLOCK_FRAME: Rgb = [64, 64, 64];
export const BLOCK_FRAME_WIDTH = 2;
const TITLE_BAR: Rgb = [34, 34, 40];
const LEAD_TITLE_BAR: Rgb = [128, 22, 24];
const SUBTITLE_BAR: Rgb = [110, 110, 110];
const TEXT_LINE: Rgb = [178, 178, 178];
const MASTHEAD: Rgb = [150, 26, 30];
const MASTHEAD_GLYPH: Rgb = [246, 226, 214];
const MASTHEAD_DETAIL: Rgb = [214, 150, 140];
const HEADER_INK: Rgb = [40, 40, 40];
const HEADER_GRAY: Rgb = [150, 150, 150];
const PHOTO_SKY: Rgb = [158, 188, 212];
const PHOTO_HILL: Rgb = [96, 128, 98];
const PHOTO_GROUND: Rgb = [176, 160, 120];
const PHOTO_SUN: Rgb = [250, 226, 160];

export interface PageImageSpec {
  layout: PageLayout;
  pageNumber: number;
  /** photoBlocks[i] says whether block i shows a photo rectangle. */
  photoBlocks: readonly boolean[];
}

/** Everything that affects the pixels, so equal keys mean identical images. */
export function pageImageKey(spec: PageImageSpec): string {
  const photos = spec.layout.blocks.map((_, i) => (spec.photoBlocks[i] ? '1' : '0')).join('');
  return `${layoutKey(spec.layout)}|p${spec.pageNumber}|${photos}`;
}

export function drawPage(spec: PageImageSpec): Canvas {
  const { layout } = spec;
  const canvas = new Canvas(layout.width, layout.height, PAGE_BACKGROUND);
  // Line lengths vary per image but are a pure function of the key, keeping images cacheable.
  const rng = createRng(deriveSeed(pageImageKey(spec)));
  if (layout.masthead) drawMasthead(canvas, layout.header);
  else drawRunningHeader(canvas, layout.header, spec.pageNumber);
  layout.blocks.forEach((rect, i) => drawArticleBlock(canvas, rect, i === 0, spec.photoBlocks[i] === true, rng));
  return canvas;
}

export function renderPageImage(spec: PageImageSpec): Buffer {
  return drawPage(spec).toPng();
}

function drawMasthead(canvas: Canvas, band: Rect): void {
  const height = band.y1 - band.y0;
  canvas.fillRect(band.x0, band.y0, band.x1 - band.x0, height - 8, MASTHEAD);
  // Blocks standing in for the paper's name, then the edition details on the right.
  const glyph = Math.round((height - 8) * 0.56);
  const glyphTop = band.y0 + Math.round((height - 8 - glyph) / 2);
  for (let i = 0; i < 4; i++) {
    canvas.fillRect(band.x0 + 28 + i * (glyph + 14), glyphTop, glyph, glyph, MASTHEAD_GLYPH);
  }
  const detailsLeft = band.x1 - Math.round((band.x1 - band.x0) * 0.3);
  for (let i = 0; i < 4; i++) {
    const width = Math.round((band.x1 - detailsLeft - 24) * (i === 0 ? 1 : 0.55 + i * 0.1));
    canvas.fillRect(detailsLeft, glyphTop + 4 + i * Math.round(glyph / 4), width, 5, MASTHEAD_DETAIL);
  }
  canvas.hline(band.x0, band.x1, band.y1 - 4, HEADER_INK, 2);
}

function drawRunningHeader(canvas: Canvas, band: Rect, pageNumber: number): void {
  const height = band.y1 - band.y0;
  const ticks = Math.min(Math.max(pageNumber, 1), 24);
  const markerWidth = 12 + ticks * 6;
  // Dark marker with one light tick per page number: a text-free "第N版".
  canvas.fillRect(band.x0, band.y0, markerWidth, height - 6, HEADER_INK);
  for (let i = 0; i < ticks; i++) {
    canvas.fillRect(band.x0 + 8 + i * 6, band.y0 + 7, 3, height - 20, PAGE_BACKGROUND);
  }
  canvas.fillRect(band.x0 + markerWidth + 12, band.y0 + Math.round(height / 2) - 6, 90, 8, HEADER_GRAY);
  canvas.fillRect(band.x1 - 140, band.y0 + Math.round(height / 2) - 6, 140, 8, HEADER_GRAY);
  canvas.hline(band.x0, band.x1, band.y1 - 3, HEADER_INK, 2);
}

function drawArticleBlock(canvas: Canvas, rect: Rect, lead: boolean, withPhoto: boolean, rng: Rng): void {
  const width = rect.x1 - rect.x0;
  const height = rect.y1 - rect.y0;
  canvas.fillRect(rect.x0, rect.y0, width, height, BLOCK_FILL);
  canvas.strokeRect(rect.x0, rect.y0, width, height, BLOCK_FRAME, BLOCK_FRAME_WIDTH);

  const pad = Math.max(6, pageGutter(canvas.width) - 2);
  const inner: Rect = { x0: rect.x0 + pad, y0: rect.y0 + pad, x1: rect.x1 - pad, y1: rect.y1 - pad };
  const innerWidth = inner.x1 - inner.x0;
  let cursor = inner.y0;

  const titleHeight = lead ? 24 : 14;
  const titleWidth = Math.round(innerWidth * (lead ? 0.86 : rng.pick([0.62, 0.72, 0.84, 0.94])));
  canvas.fillRect(inner.x0, cursor, titleWidth, Math.min(titleHeight, inner.y1 - cursor), lead ? LEAD_TITLE_BAR : TITLE_BAR);
  cursor += titleHeight + 8;
  if (lead) {
    canvas.fillRect(inner.x0, cursor, Math.round(innerWidth * 0.55), 7, SUBTITLE_BAR);
    cursor += 7 + 10;
  } else {
    cursor += 2;
  }
  if (cursor >= inner.y1) return;

  const body: Rect = { x0: inner.x0, y0: cursor, x1: inner.x1, y1: inner.y1 };
  const photo = withPhoto ? photoRect(body) : undefined;
  if (photo) drawPhotoPlaceholder(canvas, photo);
  drawTextLines(canvas, body, photo, rng);
}

/** Wide blocks get the photo on the right; narrow blocks get it across the top. */
function photoRect(body: Rect): Rect | undefined {
  const width = body.x1 - body.x0;
  const height = body.y1 - body.y0;
  if (height < 40) return undefined;
  if (width >= 300) {
    const photoWidth = Math.round(width * 0.44);
    const photoHeight = Math.min(height, Math.round((photoWidth * 2) / 3));
    return { x0: body.x1 - photoWidth, y0: body.y0, x1: body.x1, y1: body.y0 + photoHeight };
  }
  const photoHeight = Math.min(Math.round((width * 2) / 3), Math.round(height * 0.45));
  return { x0: body.x0, y0: body.y0, x1: body.x1, y1: body.y0 + photoHeight };
}

function drawPhotoPlaceholder(canvas: Canvas, photo: Rect): void {
  const width = photo.x1 - photo.x0;
  const height = photo.y1 - photo.y0;
  const horizon = photo.y0 + Math.round(height * 0.55);
  canvas.fillRect(photo.x0, photo.y0, width, height, PHOTO_SKY);
  canvas.fillRect(photo.x0, horizon, width, photo.y1 - horizon, PHOTO_GROUND);
  // A stepped hill so the rectangle reads as a picture, not as another text block.
  const steps = 6;
  for (let i = 0; i < steps; i++) {
    const stepWidth = Math.round(width / steps);
    const rise = Math.round(height * 0.25 * Math.sin((Math.PI * (i + 0.5)) / steps));
    canvas.fillRect(photo.x0 + i * stepWidth, horizon - rise, i === steps - 1 ? width - i * stepWidth : stepWidth, rise + 6, PHOTO_HILL);
  }
  canvas.fillCircle(photo.x0 + width * 0.75, photo.y0 + height * 0.25, Math.max(3, height * 0.1), PHOTO_SUN);
}

function drawTextLines(canvas: Canvas, body: Rect, photo: Rect | undefined, rng: Rng): void {
  const lineHeight = 3;
  const lineSpacing = 9;
  let linesLeftInParagraph = rng.int(3, 8);
  let paragraphStart = true;
  for (let y = body.y0; y + lineHeight <= body.y1; y += lineSpacing) {
    let x0 = body.x0;
    let x1 = body.x1;
    if (photo && y + lineHeight + 4 > photo.y0 && y < photo.y1 + 6) {
      if (photo.x0 - body.x0 < 40) continue; // photo spans the full width here
      x1 = photo.x0 - 10;
    }
    if (paragraphStart) x0 += 12; // first-line indent
    paragraphStart = false;
    linesLeftInParagraph--;
    if (linesLeftInParagraph === 0) {
      // Short last line of the paragraph.
      x1 = x0 + Math.round((x1 - x0) * rng.pick([0.3, 0.5, 0.7]));
      linesLeftInParagraph = rng.int(3, 8);
      paragraphStart = true;
    }
    if (x1 - x0 >= 8) canvas.fillRect(x0, y, x1 - x0, lineHeight, TEXT_LINE);
  }
}
