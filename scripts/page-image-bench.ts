// What renditions and tiles cost on one page: npm run bench:page-images [-- --file FILE]
// Without a file, draws a 2,400 × 3,400 text-dense page (CJK columns in the
// system's Noto CJK font, headlines, two photo-like areas). Prints bytes and
// encoding time per format over the rendition widths (the import's recipes
// and the ones docs/import-format.md reports as measured and not taken),
// and per tile size. Nothing is written outside a temporary folder.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createCanvas } from '@napi-rs/canvas';
import sharp, { type Sharp } from 'sharp';
import { parseOptions, runCli } from '../src/cli';
import { createRng } from '../src/demo/random';
import { PAGE_WIDTHS, THUMBNAIL_WIDTH } from '../src/importer/renditions';

const USAGE = 'node dist/scripts/page-image-bench.js [--file PAGE_IMAGE]';
const CHARS = '的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已';

function drawPage(): Buffer {
  const [W, H] = [2400, 3400];
  const rng = createRng(7);
  const c = createCanvas(W, H);
  const g = c.getContext('2d');
  g.fillStyle = '#f7f4ec';
  g.fillRect(0, 0, W, H);
  const font = (px: number, bold = false) => `${bold ? 'bold ' : ''}${px}px "Noto Serif CJK SC"`;
  g.fillStyle = '#a01a1e';
  g.fillRect(80, 80, W - 160, 300);
  g.fillStyle = '#fff';
  g.font = font(200, true);
  g.fillText('江城日报', 140, 300);
  const colW = (W - 160 - 30 * 7) / 8;
  const text = (x: number, y: number, w: number, h: number) => {
    g.fillStyle = '#222';
    g.font = font(24);
    for (let yy = y + 24; yy < y + h; yy += 34) {
      g.fillText(Array.from({ length: Math.floor(w / 24) }, () => CHARS[rng.int(0, CHARS.length - 1)]).join(''), x, yy);
    }
  };
  const photo = (x: number, y: number, w: number, h: number) => {
    const img = g.createImageData(w, h);
    for (let j = 0; j < h; j++) {
      for (let i = 0; i < w; i++) {
        const k = (j * w + i) * 4;
        const v = 128 + 60 * Math.sin(i / 37) * Math.cos(j / 23) + 30 * Math.sin((i + j) / 11) + (rng.next() - 0.5) * 40;
        img.data[k] = v * 0.8 + (j / h) * 60;
        img.data[k + 1] = v * 0.9;
        img.data[k + 2] = v + (1 - j / h) * 50;
        img.data[k + 3] = 255;
      }
    }
    g.putImageData(img, x, y);
  };
  let y = 440;
  g.fillStyle = '#111';
  g.font = font(110, true);
  g.fillText('滨江绿地今年新增三处口袋公园 居民参与设计', 80, y + 110);
  y += 160;
  photo(80, y, Math.round(colW * 5 + 120), 1000);
  text(80 + (colW + 30) * 5, y, colW * 3 + 60, 1000);
  y += 1040;
  for (let block = 0; block < 3; block++) {
    g.fillStyle = '#111';
    g.font = font(64, true);
    g.fillText('老旧小区加装电梯提速 今年已完成四十台', 80, y + 64);
    y += 100;
    for (let k = 0; k < 8; k++) if (block !== 1 || k < 5) text(80 + k * (colW + 30), y, colW, 520);
    if (block === 1) photo(Math.round(80 + 5 * (colW + 30)), y, Math.round(colW * 3 + 60), 520);
    y += 560;
  }
  return c.toBuffer('image/png');
}

const ENCODERS: [string, (s: Sharp) => Sharp][] = [
  ['WebP q75 effort 2 (taken)', (s) => s.webp({ quality: 75, effort: 2 })],
  ['WebP q75 effort 4', (s) => s.webp({ quality: 75, effort: 4 })],
  ['JPEG q80 (taken)', (s) => s.jpeg({ quality: 80 })],
  ['JPEG q80 mozjpeg', (s) => s.jpeg({ quality: 80, mozjpeg: true })],
  ['AVIF q50 effort 2', (s) => s.avif({ quality: 50, effort: 2 })],
];

async function main(): Promise<void> {
  const { values } = parseOptions(process.argv.slice(2), { values: ['--file'], flags: [] });
  const file = values.get('--file');
  const input = file ? fs.readFileSync(file) : drawPage();
  const { data, info } = await sharp(input).flatten({ background: '#ffffff' }).toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  const raw = { raw: { width: info.width, height: info.height, channels: info.channels } };
  const widths = [...new Set([THUMBNAIL_WIDTH, ...PAGE_WIDTHS].map((w) => Math.min(w, info.width)))];
  console.log(`page ${info.width} × ${info.height}; widths ${widths.join(', ')}`);
  for (const [name, encode] of ENCODERS) {
    let bytes = 0;
    const at800: number[] = [];
    const started = process.hrtime.bigint();
    for (const w of widths) {
      const out = await encode(sharp(data, raw).resize({ width: w })).toBuffer();
      bytes += out.length;
      if (w === 800) at800.push(out.length);
    }
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    console.log(`${name.padEnd(28)} ${(bytes / 1e6).toFixed(2)} MB in ${(ms / 1000).toFixed(2)} s${at800.length ? ` (800 px: ${(at800[0]! / 1e3).toFixed(0)} KB)` : ''}`);
  }
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'page-image-bench-'));
  try {
    for (const size of [256, 512]) {
      const out = path.join(scratch, String(size));
      const started = process.hrtime.bigint();
      await sharp(data, raw).jpeg({ quality: 80 }).tile({ layout: 'iiif3', size }).toFile(out);
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const files = fs.readdirSync(out, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
      const bytes = files.reduce((n, e) => n + fs.statSync(path.join(e.parentPath, e.name)).size, 0);
      console.log(`IIIF tiles ${size} px${size === 512 ? ' (taken)' : ''}`.padEnd(29) + `${(bytes / 1e6).toFixed(2)} MB in ${files.length} files, ${(ms / 1000).toFixed(2)} s`);
    }
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  console.log(`load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} on ${os.availableParallelism()} CPUs`);
}

runCli(main, USAGE);
