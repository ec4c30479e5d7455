import sharp from 'sharp';
import type { PdfDocument, PdfPage } from './engine';

/** Long side of a page master in pixels: enough to read 6-point type when zoomed (docs/import-format.md). */
export const MASTER_LONG_SIDE_PX = 2400;
/** JPEG quality of page masters: text edges stay clean; a broadsheet page is ~1 MB. */
export const MASTER_JPEG_QUALITY = 82;
/**
 * No second pass for optimal Huffman tables: on a text-dense 1,662 × 2,400
 * corpus page the encode took 20 instead of 43–56 CPU ms (a tenth of reading
 * the page) for a file 3.7 % larger (906 vs 874 KB). The master is the
 * source of the renditions, which are encoded afresh.
 */
export const MASTER_OPTIMISE_CODING = false;

export interface RenderedPage {
  jpeg: Buffer;
  width: number;
  height: number;
  /** Pixels per PDF point. */
  scale: number;
}

/**
 * Renders a page with pdf.js onto an @napi-rs/canvas canvas (pdf.js's
 * canvas factory for Node) with a long side of `longSide` pixels, and
 * encodes it as JPEG with sharp. sharp encodes on a thread of libuv's pool:
 * `meanwhile` (e.g. reading the page's text) runs on this thread while it
 * does, and its result comes back beside the page's.
 */
export async function renderPage<T = undefined>(
  doc: PdfDocument,
  page: PdfPage,
  opts: { longSide?: number; meanwhile?: () => Promise<T> } = {},
): Promise<RenderedPage & { meanwhile: T | undefined }> {
  const unit = page.getViewport({ scale: 1 });
  const scale = (opts.longSide ?? MASTER_LONG_SIDE_PX) / Math.max(unit.width, unit.height);
  const viewport = page.getViewport({ scale });
  const width = Math.round(viewport.width);
  const height = Math.round(viewport.height);
  const factory = doc.canvasFactory as unknown as CanvasFactory;
  const { canvas, context } = factory.create(width, height);
  try {
    context.fillStyle = '#ffffff';
    context.fillRect(0, 0, width, height);
    await page.render({ canvas: canvas as never, canvasContext: context as never, viewport }).promise;
    // The canvas's own pixels, not getImageData(), which copies and un-premultiplies them (a third
    // of the render's time at 2,400 px): the page was filled white, so every pixel is opaque and
    // premultiplied RGBA is plain RGBA. The canvas lives until sharp is done with them.
    const encoding = sharp(canvas.data(), { raw: { width, height, channels: 4 } })
      .removeAlpha()
      .jpeg({ quality: MASTER_JPEG_QUALITY, chromaSubsampling: '4:2:0', optimiseCoding: MASTER_OPTIMISE_CODING })
      .toBuffer();
    const [jpeg, meanwhile] = await Promise.all([encoding, opts.meanwhile?.()]);
    return { jpeg, width, height, scale, meanwhile };
  } finally {
    factory.destroy({ canvas, context });
  }
}

/** pdf.js's canvas factory for Node, which makes @napi-rs/canvas canvases. */
interface CanvasFactory {
  create(width: number, height: number): { canvas: Canvas; context: CanvasContext };
  destroy(entry: { canvas: Canvas; context: CanvasContext }): void;
}
interface Canvas {
  /** The raw RGBA pixels (premultiplied), without a copy through ImageData. */
  data(): Buffer;
}
interface CanvasContext {
  fillStyle: string;
  fillRect(x: number, y: number, w: number, h: number): void;
}
