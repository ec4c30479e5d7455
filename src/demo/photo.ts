// Abstract "photos" for demo articles: sky gradient, sun, hills or a skyline, and water or ground.
import { Canvas, mixRgb, type Rgb } from './png';
import { createRng, type Rng } from './random';

export const DEFAULT_PHOTO_WIDTH = 480;
export const DEFAULT_PHOTO_HEIGHT = 320;

interface Palette {
  skyTop: Rgb;
  skyBottom: Rgb;
  sun: Rgb;
  far: Rgb;
  near: Rgb;
  ground: Rgb;
}

const PALETTES: readonly Palette[] = [
  { skyTop: [92, 150, 210], skyBottom: [200, 226, 240], sun: [255, 248, 220], far: [120, 150, 170], near: [70, 118, 80], ground: [84, 140, 176] },
  { skyTop: [246, 164, 110], skyBottom: [252, 226, 170], sun: [255, 240, 200], far: [170, 110, 120], near: [90, 60, 80], ground: [120, 84, 96] },
  { skyTop: [40, 52, 96], skyBottom: [140, 120, 170], sun: [250, 244, 210], far: [70, 70, 110], near: [34, 36, 60], ground: [52, 60, 100] },
  { skyTop: [170, 200, 220], skyBottom: [236, 240, 236], sun: [255, 255, 240], far: [150, 170, 150], near: [96, 136, 70], ground: [180, 168, 110] },
  { skyTop: [120, 170, 200], skyBottom: [220, 236, 230], sun: [255, 250, 230], far: [140, 150, 160], near: [90, 100, 110], ground: [110, 150, 120] },
];

/** Renders one PNG photo; different seeds give visibly different pictures. */
export function renderPhoto(seed: number, width = DEFAULT_PHOTO_WIDTH, height = DEFAULT_PHOTO_HEIGHT): Buffer {
  const rng = createRng(seed);
  const palette = rng.pick(PALETTES);
  const canvas = new Canvas(width, height);
  const horizon = Math.round(height * (0.58 + rng.next() * 0.14));

  for (let y = 0; y < horizon; y++) canvas.hline(0, width, y, mixRgb(palette.skyTop, palette.skyBottom, y / horizon));
  canvas.fillCircle(width * (0.15 + rng.next() * 0.7), height * (0.12 + rng.next() * 0.2), height * (0.05 + rng.next() * 0.05), palette.sun);

  drawRidge(canvas, rng, horizon, height * 0.28, palette.far);
  if (rng.chance(0.5)) drawSkyline(canvas, rng, horizon, height * 0.3, palette.near);
  else drawRidge(canvas, rng, horizon, height * 0.16, palette.near);

  for (let y = horizon; y < height; y++) {
    const shade = mixRgb(palette.ground, [255, 255, 255], ((y - horizon) / (height - horizon)) * 0.25);
    canvas.hline(0, width, y, shade);
  }
  return canvas.toPng();
}

/** A smooth hill line from a few random sine waves, filled down to the horizon. */
function drawRidge(canvas: Canvas, rng: Rng, horizon: number, amplitude: number, color: Rgb): void {
  const waves = Array.from({ length: 3 }, (_, i) => ({
    frequency: (i + 1) * (0.5 + rng.next()) * ((2 * Math.PI) / canvas.width),
    phase: rng.next() * 2 * Math.PI,
    weight: 1 / (i + 1),
  }));
  for (let x = 0; x < canvas.width; x++) {
    const wave = waves.reduce((sum, w) => sum + w.weight * Math.sin(x * w.frequency + w.phase), 0);
    const top = Math.round(horizon - amplitude * (0.55 + 0.3 * wave));
    canvas.vline(x, top, horizon, color);
  }
}

/** Rectangular towers, some with lit windows. */
function drawSkyline(canvas: Canvas, rng: Rng, horizon: number, maxHeight: number, color: Rgb): void {
  const window = mixRgb(color, [255, 240, 190], 0.6);
  for (let x = 0; x < canvas.width; ) {
    const towerWidth = rng.int(18, 56);
    const towerHeight = Math.round(maxHeight * (0.3 + rng.next() * 0.7));
    canvas.fillRect(x, horizon - towerHeight, towerWidth, towerHeight, color);
    for (let wy = horizon - towerHeight + 6; wy < horizon - 8; wy += 10) {
      for (let wx = x + 4; wx < x + towerWidth - 6; wx += 8) {
        if (rng.chance(0.3)) canvas.fillRect(wx, wy, 3, 4, window);
      }
    }
    x += towerWidth + rng.int(0, 6);
  }
}
