import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Db } from '../db/connection';
import { importIssues, type ImportSummary } from '../importer';
import { generateDemoIssues } from './generate';

/**
 * Builds the demo newspaper the way a real one arrives: generate issue folders,
 * then run them through the importer, so the demo also exercises validation.
 */
export async function buildDemo(db: Db, mediaDir: string, opts: { days?: number; endDate?: string; tiles?: boolean } = {}): Promise<ImportSummary> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'epaper-demo-'));
  try {
    await generateDemoIssues(dir, opts);
    return await importIssues([dir], { db, mediaDir, pageImages: { tiles: opts.tiles ?? true } });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
