import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { Canvas } from '../../src/demo/png';
import { openWritableDatabase, type Db } from '../../src/db/connection';
import { upgradeDatabase } from '../../src/db/upgrade';
import { importIssues, ImportValidationError } from '../../src/importer';
import { validationProblems } from '../../src/importer/prepare';

/** Small issue folders and databases made by the tests themselves. */

/** A fresh folder inside the run's scratch folder (removed by the global teardown), or the OS temp dir outside jest. */
export function tempDir(prefix = 'epaper-test-'): string {
  return fs.mkdtempSync(path.join(process.env.EPAPER_TEST_SCRATCH ?? os.tmpdir(), prefix));
}

export function pngBytes(width: number, height: number, shade = 240): Buffer {
  const c = new Canvas(width, height, [shade, shade, shade - 10]);
  c.strokeRect(0, 0, width, height, [60, 60, 60], 2);
  return c.toPng();
}

export async function pdfBytes(label: string): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const page = doc.addPage([200, 280]);
  page.drawText(label, { x: 20, y: 240, size: 18 });
  doc.setCreationDate(new Date(0));
  doc.setModificationDate(new Date(0));
  return Buffer.from(await doc.save());
}

export type ManifestJson = Record<string, any>;

export const PAGE_W = 200;
export const PAGE_H = 280;

/** A valid two-page issue manifest; tests mutate a copy to break one rule at a time. */
export function sampleManifest(opts: { slug?: string; name?: string; date?: string; titlePrefix?: string; publishAt?: string } = {}): ManifestJson {
  const t = opts.titlePrefix ?? '';
  return {
    format: 1,
    publication: { slug: opts.slug ?? 'test-daily', name: opts.name ?? '测试日报', description: '用于测试的报纸' },
    date: opts.date ?? '2026-01-05',
    number: 101,
    ...(opts.publishAt ? { publishAt: opts.publishAt } : {}),
    pages: [
      {
        number: 1,
        name: '要闻',
        image: 'pages/01.png',
        pdf: 'pages/01.pdf',
        articles: [
          {
            position: 1,
            kicker: '引题示例',
            title: `${t}滨江绿地今年新增三处口袋公园`,
            subtitle: '副题示例',
            byline: '本报记者 林晓',
            hotspot: [[10, 10], [190, 10], [190, 120], [10, 120]],
            body: [
              { type: 'paragraph', text: `${t}记者从区绿化部门获悉,滨江沿线今年将新增三处口袋公园,预计年底前全部开放。` },
              { type: 'heading', text: '居民参与设计' },
              { type: 'paragraph', text: '公园设计方案向周边居民公开征集意见,共收到建议二百余条。' },
              { type: 'image', src: 'images/park.png', caption: '口袋公园效果图' },
            ],
          },
          {
            position: 2,
            title: `${t}老旧小区加装电梯提速`,
            hotspot: [[10, 130], [190, 130], [190, 270], [10, 270]],
            body: [
              { type: 'paragraph', text: '今年以来,全区已完成加装电梯四十台,另有六十台正在施工。' },
              { type: 'list', text: '◆ 简化审批流程' },
            ],
          },
        ],
      },
      {
        number: 2,
        name: '民生',
        image: 'pages/02.png',
        pdf: 'pages/02.pdf',
        articles: [
          {
            position: 1,
            title: `${t}地铁20号线站点周边交通优化`,
            body: [{ type: 'paragraph', text: '地铁20号线开通后,站点周边公交线路将同步调整,方便居民换乘。' }],
          },
        ],
      },
    ],
  };
}

/** Writes an issue folder with the manifest and every file it references (PNG pages, PDFs, photos). */
export async function writeIssueFolder(dir: string, manifest: ManifestJson = sampleManifest()): Promise<string> {
  fs.mkdirSync(path.join(dir, 'pages'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'images'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'issue.json'), JSON.stringify(manifest, null, 2));
  // Paths a test made hostile on purpose are not written.
  const inside = (p: unknown): p is string => typeof p === 'string' && !p.includes('..') && !p.startsWith('/');
  for (const [i, page] of (manifest.pages ?? []).entries()) {
    if (inside(page.image)) fs.writeFileSync(path.join(dir, page.image), pngBytes(PAGE_W, PAGE_H, 230 + i));
    if (inside(page.pdf)) fs.writeFileSync(path.join(dir, page.pdf), await pdfBytes(`page ${page.number}`));
    for (const a of page.articles ?? []) {
      for (const b of a.body ?? []) {
        if (b.type === 'image' && inside(b.src)) fs.writeFileSync(path.join(dir, b.src), pngBytes(120, 80, 200));
      }
    }
  }
  return dir;
}

export function freshDatabase(dir: string = tempDir()): { db: Db; file: string; mediaDir: string } {
  const file = path.join(dir, 'test.db');
  const db = openWritableDatabase(file);
  upgradeDatabase(db);
  return { db, file, mediaDir: path.join(dir, 'media') };
}

/** A closed database file in a fresh folder holding the sample issue, for tests that start servers or scripts on it. */
export async function databaseWithSampleIssue(prefix: string): Promise<{ dir: string; file: string; mediaDir: string }> {
  const dir = tempDir(prefix);
  const { db, file, mediaDir } = freshDatabase(dir);
  await importIssues([await writeIssueFolder(path.join(dir, 'issue'))], { db, mediaDir });
  db.close();
  return { dir, file, mediaDir };
}

/** Every row of the content tables, for "the database is unchanged" assertions. */
export function snapshot(db: Db): string {
  const tables = ['publication', 'issue', 'page', 'article', 'media', 'site_meta'];
  return JSON.stringify(tables.map((t) => db.prepare(`SELECT * FROM ${t} ORDER BY 1`).all()));
}

/**
 * Imports `manifest` into a fresh database (after `prepare` changed its
 * folder), expecting it refused: asserts that nothing was written, no media
 * copied, and that the first pass of a multi-folder import, which reads only
 * the start of media files, finds the same problems.
 */
export async function importRefused(
  manifest: ManifestJson,
  prepare?: (folder: string) => void,
  opts: { dryRun?: boolean } = {},
): Promise<{ folder: string; error: ImportValidationError }> {
  const dir = tempDir();
  const folder = await writeIssueFolder(path.join(dir, 'issue'), manifest);
  prepare?.(folder);
  const { db, mediaDir } = freshDatabase(dir);
  const before = snapshot(db);
  const error = await importIssues([folder], { db, mediaDir, dryRun: opts.dryRun }).then(
    () => null,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(ImportValidationError);
  expect(snapshot(db)).toBe(before);
  expect(fs.existsSync(mediaDir)).toBe(false);
  expect(validationProblems(folder)).toEqual((error as ImportValidationError).problems);
  db.close();
  return { folder, error: error as ImportValidationError };
}

