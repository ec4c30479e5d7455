// Static IIIF Image API 3 level-0 tiles of a page image, for deep zoom
// (docs/import-format.md, "Renditions and tiles").

import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { iiifInfoSchema, type IiifInfo, type TileSet } from '../domain/page-images';
import type { PageSource } from './page-source';

/** Media store folder of the tile sets: `iiif/{id}/info.json`, `iiif/{id}/{region}/{size}/0/default.jpg`. */
export const TILES_DIR = 'iiif';
/**
 * 512 px tiles: on a 2,400 × 3,400 page, 53 files (2.4 MB) in 0.17 s, where
 * 256 px tiles made 193 files (2.5 MB) in 0.29 s (`npm run bench:page-images`):
 * fewer files to store, back up and request.
 */
export const TILE_SIZE = 512;
const TILE_JPEG_QUALITY = 80;
const RECIPE = `iiif3:t${TILE_SIZE}:jpeg:q${TILE_JPEG_QUALITY}:r1`;

/** The info.json `id` as stored: a path; the site makes it absolute when it serves it (src/web/pages/iiif.ts). */
export function storedIiifId(id: string): string {
  return `/${TILES_DIR}/${id}`;
}

/** The tile set's id: derived from the master's content hash and the tiling recipe, so a master tiled before is not tiled again. */
export function tileSetId(masterHash: string): string {
  return crypto.createHash('sha256').update(`${masterHash}:${RECIPE}`).digest('hex').slice(0, 32);
}

function folderStats(dir: string): { files: number; bytes: number } {
  let files = 0;
  let bytes = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile()) continue;
    files += 1;
    bytes += fs.statSync(path.join(e.parentPath, e.name)).size;
  }
  return { files, bytes };
}

export function readStoredInfo(folder: string): IiifInfo {
  return iiifInfoSchema.parse(JSON.parse(fs.readFileSync(path.join(folder, 'info.json'), 'utf8')));
}

/**
 * Completes libvips' info.json: its id becomes the path the site serves it
 * under, and `sizes` lists the whole-image sizes written as files (a level-0
 * server can answer only those).
 */
function completeInfo(folder: string, id: string): void {
  const raw = JSON.parse(fs.readFileSync(path.join(folder, 'info.json'), 'utf8')) as Record<string, unknown>;
  const sizes = fs
    .readdirSync(path.join(folder, 'full'))
    .map((s) => /^(\d+),(\d+)$/.exec(s))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ width: Number(m[1]), height: Number(m[2]) }))
    .sort((a, b) => a.width - b.width);
  const info = iiifInfoSchema.parse({ ...raw, id: storedIiifId(id), sizes });
  fs.writeFileSync(path.join(folder, 'info.json'), `${JSON.stringify(info, null, 2)}\n`);
}

/** The system errors libvips reports in words ("system error: No space left on device"), with their errno codes. */
const VIPS_SYSTEM_ERRORS: [RegExp, string][] = [
  [/No space left on device/, 'ENOSPC'],
  [/Disk quota exceeded/, 'EDQUOT'],
  [/Read-only file system/, 'EROFS'],
  [/Permission denied/, 'EACCES'],
];

/**
 * A libvips write error as the errno error it reports, with the folder it
 * was writing, so that a full or read-only media volume is told as one
 * (src/faults.ts) rather than as libvips' message.
 */
function asErrno(err: unknown, folder: string): unknown {
  const message = err instanceof Error ? err.message : String(err);
  const found = VIPS_SYSTEM_ERRORS.find(([words]) => words.test(message));
  if (!found) return err;
  return Object.assign(new Error(`${found[1]}: writing the tiles in ${folder}`, { cause: err }), { code: found[1], syscall: 'write', path: folder });
}

/**
 * Makes (or finds in the store) the tile set of one page image. The tiles
 * are written into a private temporary folder and renamed into place whole,
 * so a reader (or a crash) never sees half a tile set.
 */
export async function makeTiles(mediaDir: string, masterHash: string, source: () => Promise<PageSource>): Promise<TileSet> {
  const id = tileSetId(masterHash);
  const root = path.join(mediaDir, TILES_DIR);
  const target = path.join(root, id);
  if (!fs.existsSync(target)) {
    fs.mkdirSync(root, { recursive: true });
    // libvips also writes vips-properties.xml beside the output folder: keep it out of the store.
    const scratch = fs.mkdtempSync(path.join(root, `.${id}.`));
    try {
      const out = path.join(scratch, id);
      try {
        await (await source()).pipeline().jpeg({ quality: TILE_JPEG_QUALITY }).tile({ layout: 'iiif3', size: TILE_SIZE }).toFile(out);
      } catch (err) {
        throw asErrno(err, out);
      }
      completeInfo(out, id);
      try {
        fs.renameSync(out, target);
      } catch (err) {
        // Another import made the same tile set meanwhile: identical by construction.
        const code = (err as NodeJS.ErrnoException).code;
        if (!(code === 'ENOTEMPTY' || code === 'EEXIST') || !fs.existsSync(target)) throw err;
      }
    } finally {
      fs.rmSync(scratch, { recursive: true, force: true });
    }
  }
  const info = readStoredInfo(target);
  return { id, width: info.width, height: info.height, tileSize: info.tiles[0]!.width, ...folderStats(target) };
}
