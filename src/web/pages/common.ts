import fs from 'node:fs';
import type { Db } from '../../db/connection';
import type { IssueRow, PublicationRow } from '../../db/queries';
import { createSitemapQueries, type SitemapQueries } from '../../db/sitemap-queries';
import type { AppContext } from '../context';
import type { CachePolicy } from '../delivery/http-cache';
import { urls } from '../urls';
import { chromeModel, issueDateLabel, type ChromeModel } from '../view-model';

/** Model pieces several page modules load from the database (page modules do not import each other). */

/** The header and footer every page shows, with the list of papers for the switcher; `query` refills the search box. */
export function loadChrome(ctx: AppContext, paper: PublicationRow | null, issue: IssueRow | null, query = ''): ChromeModel {
  return chromeModel(ctx.queries.publications(), paper, issue, ctx.now(), query);
}

/** Past issues change only by correction; the latest one gets a short cache. */
export function issueCachePolicy(ctx: AppContext, paper: PublicationRow, issue: IssueRow): CachePolicy {
  const latest = ctx.queries.latestIssue(paper.id, ctx.now());
  return latest && latest.id === issue.id ? 'latest' : 'archive';
}

/** 上一期 / 下一期 of an issue. */
export function issueNavigation(ctx: AppContext, paper: PublicationRow, issue: IssueRow) {
  const now = ctx.now();
  const prev = ctx.queries.previousIssue(paper.id, issue.date, now);
  const next = ctx.queries.nextIssue(paper.id, issue.date, now);
  return {
    prev: prev ? { path: urls.issue(paper.slug, prev.date), label: issueDateLabel(prev.date), modified: prev.modified_at } : null,
    next: next ? { path: urls.issue(paper.slug, next.date), label: issueDateLabel(next.date), modified: next.modified_at } : null,
  };
}

/** The hidden fields of the 本期检索 form. */
export function searchThisIssue(paper: PublicationRow, issue: IssueRow) {
  return { paper: paper.slug, from: issue.date, to: issue.date };
}

const sitemapQueriesByDb = new WeakMap<Db, SitemapQueries>();

/** The named queries of sitemaps and feeds, prepared once per database connection. */
export function sitemapQueries(ctx: AppContext): SitemapQueries {
  let q = sitemapQueriesByDb.get(ctx.db);
  if (!q) {
    q = createSitemapQueries(ctx.db);
    sitemapQueriesByDb.set(ctx.db, q);
  }
  return q;
}

/** The file's stats when it is a regular file; null when it is missing or cannot be looked up (a name too long, a path through a file). */
export function regularFile(file: string): fs.Stats | null {
  try {
    const stat = fs.statSync(file);
    return stat.isFile() ? stat : null;
  } catch {
    return null;
  }
}
