import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Copies a file into the media store under its content-hash path. Written to a
 * temporary name and renamed, so a reader never sees half a file; an existing
 * file is identical by construction and left alone.
 */
export function putMediaFile(mediaDir: string, storePath: string, source: string | Buffer): void {
  const target = path.join(mediaDir, storePath);
  if (fs.existsSync(target)) return;
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const tmp = `${target}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
  try {
    if (typeof source === 'string') fs.copyFileSync(source, tmp);
    else fs.writeFileSync(tmp, source);
    fs.renameSync(tmp, target);
  } catch (err) {
    fs.rmSync(tmp, { force: true }); // a partial copy (disk full) must not stay in the store
    throw err;
  }
}
