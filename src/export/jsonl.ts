// The bulk export (`npm run export -- --jsonl FILE`, docs/api.md "Bulk data"):
// every published article as one JSON line, streamed from one query so that
// memory stays flat however large the archive is.
import type { Writable } from 'node:stream';
import type { Config } from '../config';
import type { Db } from '../db/connection';
import type { RegionRow } from '../db/queries';
import { createExportQueries, type ExportArticleRow } from '../db/export-queries';
import { plainText, type Block } from '../domain/blocks';
import { pageLabel } from '../domain/page-number';
import { urls } from '../web/urls';
import { articleRegions } from '../web/view-model';

/** One line of the export; the fields are documented in docs/api.md. */
export function articleLine(baseUrl: string, row: ExportArticleRow) {
  const path = urls.article(row.slug, row.date, row.page_number, row.position);
  const regions = articleRegions(row, JSON.parse(row.regions_json) as RegionRow[]);
  return {
    paper: row.slug,
    paperName: row.paper_name,
    language: row.language,
    date: row.date,
    issueNumber: row.issue_number,
    page: row.page_number,
    pageLabel: pageLabel(row.page_number),
    pageName: row.page_name,
    position: row.position,
    kicker: row.kicker,
    title: row.title,
    subtitle: row.subtitle,
    byline: row.byline,
    region: regions.find((r) => r.pageNumber === row.page_number)?.polygon ?? null,
    regions: regions.map((r) => ({ page: r.pageNumber, polygon: r.polygon })),
    pageImage: { url: `${baseUrl}${urls.media(row.image_path)}`, width: row.image_width, height: row.image_height },
    text: plainText(JSON.parse(row.body_json) as Block[]),
    url: `${baseUrl}${path}`,
    json: `${baseUrl}${urls.json(path)}`,
  };
}

export type ArticleLine = ReturnType<typeof articleLine>;

export interface JsonlOptions {
  db: Db;
  config: Pick<Config, 'baseUrl'>;
  out: Writable;
  /** Issues published after this instant (embargoed) are left out. */
  now?: () => number;
}

/** Resolves when the stream can take more; rejects when it fails or closes first. */
function drained(out: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (err?: Error) => {
      out.off('drain', onDrain);
      out.off('error', onError);
      out.off('close', onClose);
      if (err) reject(err);
      else resolve();
    };
    const onDrain = () => done();
    const onError = (err: Error) => done(err);
    const onClose = () => done(new Error('the output closed before the export ended'));
    out.once('drain', onDrain);
    out.once('error', onError);
    out.once('close', onClose);
  });
}

/** Writes every published article to `out`, one JSON object a line; does not end `out`. */
export async function exportArticlesJsonl({ db, config, out, now = Date.now }: JsonlOptions): Promise<{ articles: number; bytes: number }> {
  const queries = createExportQueries(db);
  let articles = 0;
  let bytes = 0;
  // One statement is one snapshot: an import committing meanwhile is not half in the file.
  for (const row of queries.articles(now())) {
    const line = `${JSON.stringify(articleLine(config.baseUrl, row))}\n`;
    articles += 1;
    bytes += Buffer.byteLength(line);
    if (!out.write(line)) await drained(out);
  }
  return { articles, bytes };
}
