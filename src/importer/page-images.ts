// The preparation stage's image work: renditions and tiles of every page
// image, made before the issue's transaction (src/importer/prepare.ts) and
// recorded in it (src/importer/write.ts).

import path from 'node:path';
import type { PageDerivatives } from '../domain/page-images';
import { openPageSource, type PageSource } from './page-source';
import { makeRenditions } from './renditions';
import { makeTiles } from './tiles';
import type { ValidatedIssue } from './validate';

export interface PageImageOptions {
  /** Make IIIF tiles (on by default; `npm run demo -- --no-tiles` turns them off). */
  tiles: boolean;
  /**
   * Make renditions (and tiles) at all (on by default). Off only for bulk
   * loads that measure something else (the benchmark corpus, `npm run import
   * -- --no-renditions`): pages then show their master image, as pages
   * imported before migration 007 do.
   */
  renditions: boolean;
}
export const DEFAULT_PAGE_IMAGE_OPTIONS: PageImageOptions = { tiles: true, renditions: true };

/** The 32 hex digits of a stored file's name: the start of its content's SHA-256. */
function contentHash(storePath: string): string {
  return path.basename(storePath).replace(/\..*$/, '');
}

/** Renditions and tiles of every page of the issue, in page order, stored under content-derived names. */
export async function derivePageImages(issue: ValidatedIssue, mediaDir: string, opts: PageImageOptions = DEFAULT_PAGE_IMAGE_OPTIONS): Promise<PageDerivatives[]> {
  const out: PageDerivatives[] = [];
  for (const page of issue.pages) {
    const { sourcePath, storePath, width, height } = page.image;
    // Decoded at most once, and only when something is missing from the store.
    let opened: Promise<PageSource> | null = null;
    const source = (): Promise<PageSource> => (opened ??= openPageSource(sourcePath, width, height));
    const hash = contentHash(storePath);
    const [renditions, tiles] = await Promise.all([makeRenditions(mediaDir, hash, width, source), opts.tiles ? makeTiles(mediaDir, hash, source) : null]);
    out.push({ renditions, tiles });
  }
  return out;
}
