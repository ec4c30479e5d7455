import type { Request } from 'express';
import { dateParts, daysInMonth, formatIssueDate, parseIssueDate, type IssueDate } from '../../domain/date';
import type { PublicationRow } from '../../db/queries';
import type { AppContext } from '../context';
import { HttpRedirect, NotFound, BadRequest } from '../errors';
import { resolvePaper } from '../params';
import { page } from '../delivery/answers';
import { loadChrome, paperData } from './common';
import { urls } from '../urls';
import { absoluteUrl, headModel, issueDateLabel, paperCrumbs, type Crumb } from '../view-model';

/** 往期回顾: years → a year of month calendars → one month. Days with an issue link to it. */

interface CalendarDay {
  day: number;
  path: string | null;
}

export interface MonthCalendar {
  year: number;
  month: number;
  title: string;
  issueCount: number;
  path: string;
  /** Weeks start on Monday, as Chinese calendars do; null pads the first and last week. */
  weeks: (CalendarDay | null)[][];
}

function monthCalendar(paper: PublicationRow, year: number, month: number, issueDates: Set<string>): MonthCalendar {
  const first = new Date(Date.UTC(year, month - 1, 1)).getUTCDay();
  const lead = (first + 6) % 7;
  const cells: (CalendarDay | null)[] = Array.from({ length: lead }, () => null);
  let issueCount = 0;
  for (let day = 1; day <= daysInMonth(year, month); day += 1) {
    const date = formatIssueDate(year, month, day);
    const has = issueDates.has(date);
    if (has) issueCount += 1;
    cells.push({ day, path: has ? urls.issue(paper.slug, date) : null });
  }
  while (cells.length % 7 !== 0) cells.push(null);
  const weeks: (CalendarDay | null)[][] = [];
  for (let i = 0; i < cells.length; i += 7) weeks.push(cells.slice(i, i + 7));
  return { year, month, title: `${year}年${month}月`, path: urls.archiveMonth(paper.slug, year, month), issueCount, weeks };
}

/**
 * The first and latest issue held. The first is 创刊号 only when the paper's
 * data names that date as its first issue: the oldest issue an archive holds
 * is often not the paper's first.
 */
function archiveBase(ctx: AppContext, paper: PublicationRow) {
  const now = ctx.now();
  const first = ctx.queries.firstIssue(paper.id, now);
  const last = ctx.queries.latestIssue(paper.id, now);
  return {
    first: first ? {
      path: urls.issue(paper.slug, first.date),
      label: issueDateLabel(first.date),
      date: first.date,
      inaugural: paper.first_issue_date === first.date,
    } : null,
    last: last ? { path: urls.issue(paper.slug, last.date), label: issueDateLabel(last.date), date: last.date } : null,
    modified: last?.modified_at ?? null,
  };
}

/** A link of the archive's JSON (docs/api.md): the page and its `.json` twin, absolute. */
function jsonLink(ctx: AppContext, path: string) {
  return { url: absoluteUrl(ctx, path), json: absoluteUrl(ctx, urls.json(path)) };
}

/** The first and latest issue as the JSON names them. */
function baseData(ctx: AppContext, base: ReturnType<typeof archiveBase>) {
  return {
    first: base.first && { date: base.first.date, inaugural: base.first.inaugural, ...jsonLink(ctx, base.first.path) },
    latest: base.last && { date: base.last.date, ...jsonLink(ctx, base.last.path) },
  };
}

/** The issues of a month calendar, in date order. */
function calendarIssues(ctx: AppContext, calendar: MonthCalendar) {
  return calendar.weeks.flat().filter((d): d is CalendarDay & { path: string } => d !== null && d.path !== null)
    .map((d) => ({ date: formatIssueDate(calendar.year, calendar.month, d.day), ...jsonLink(ctx, d.path) }));
}

function parseYear(raw: string): number | null {
  return /^\d{4}$/.test(raw) && Number(raw) >= 1800 ? Number(raw) : null;
}

function archiveCrumbs(paper: PublicationRow, year?: number, month?: number): Crumb[] {
  const crumbs = [...paperCrumbs(paper), { name: '往期回顾', path: urls.archive(paper.slug) }];
  if (year) crumbs.push({ name: `${year}年`, path: urls.archiveYear(paper.slug, year) });
  if (year && month) crumbs.push({ name: `${month}月`, path: urls.archiveMonth(paper.slug, year, month) });
  return crumbs;
}

/** The months that have issues, oldest first, as `YYYY-MM` with their issue counts. */
function monthsWithIssues(ctx: AppContext, paper: PublicationRow) {
  return ctx.queries.issueCountsByMonth(paper.id, ctx.now()).map((row) => ({
    key: row.month,
    year: Number(row.month.slice(0, 4)),
    month: Number(row.month.slice(5, 7)),
    issues: row.issues,
  }));
}

/** The go-to-date form: that date's issue or the nearest earlier one, saying so. */
function goToDate(req: Request, ctx: AppContext, paper: PublicationRow): never {
  const raw = typeof req.query.date === 'string' ? req.query.date.trim() : '';
  const date = parseIssueDate(raw);
  if (!date) throw new BadRequest('请输入有效日期,格式为 YYYY-MM-DD');
  const now = ctx.now();
  const exact = ctx.queries.issueByDate(paper.id, date, now);
  if (exact) throw new HttpRedirect(urls.issue(paper.slug, exact.date), 302);
  const earlier = ctx.queries.issueOnOrBefore(paper.id, date, now);
  if (!earlier) throw new NotFound(`${issueDateLabel(date)}之前没有出版${paper.name}`, paper, ctx.queries.firstIssue(paper.id, now));
  throw new HttpRedirect(`${urls.issue(paper.slug, earlier.date)}?requested=${date}`, 302);
}

export function archiveIndex(req: Request, ctx: AppContext) {
  const paper = resolvePaper(req, ctx);
  if (req.query.date !== undefined) goToDate(req, ctx, paper);
  const base = archiveBase(ctx, paper);
  const byMonth = ctx.queries.issueCountsByMonth(paper.id, ctx.now());
  const years = new Map<number, { year: number; path: string; issues: number; months: { month: number; path: string; issues: number }[] }>();
  for (const row of byMonth) {
    const year = Number(row.month.slice(0, 4));
    const month = Number(row.month.slice(5, 7));
    const y = years.get(year) ?? { year, path: urls.archiveYear(paper.slug, year), issues: 0, months: [] };
    y.issues += row.issues;
    y.months.push({ month, path: urls.archiveMonth(paper.slug, year, month), issues: row.issues });
    years.set(year, y);
  }
  const crumbs = archiveCrumbs(paper);
  return page('archive-index', {
    head: headModel(ctx, { title: `往期回顾 – ${paper.name}`, description: `${paper.name}全部往期报纸,按年月浏览。`, path: urls.archive(paper.slug), crumbs, paper, json: urls.json(urls.archive(paper.slug)) }),
    chrome: loadChrome(ctx, paper, null),
    crumbs,
    paper: { name: paper.name, slug: paper.slug, archivePath: urls.archive(paper.slug) },
    ...base,
    years: [...years.values()].sort((a, b) => b.year - a.year),
  }, { cache: 'latest', lastModified: base.modified }, (m) => ({
    paper: paperData(ctx, paper),
    ...baseData(ctx, base),
    years: m.years.map((y) => ({
      year: y.year,
      issueCount: y.issues,
      ...jsonLink(ctx, y.path),
      months: y.months.map((mo) => ({ month: mo.month, issueCount: mo.issues, ...jsonLink(ctx, mo.path) })),
    })),
  }));
}

export function archiveYear(req: Request, ctx: AppContext) {
  const paper = resolvePaper(req, ctx);
  const year = parseYear(String(req.params.year));
  const base = archiveBase(ctx, paper);
  if (year === null || !base.first || !base.last || year < dateParts(base.first.date).year || year > dateParts(base.last.date).year) {
    throw new NotFound(`没有${req.params.year}年的报纸`, paper, ctx.queries.latestIssue(paper.id, ctx.now()));
  }
  const dates = new Set<string>(ctx.queries.issueDatesBetween(paper.id, formatIssueDate(year, 1, 1), formatIssueDate(year, 12, 31), ctx.now()));
  const withIssues = monthsWithIssues(ctx, paper);
  // Only months that have issues, newest first: a reader looks for recent papers, and empty months are noise.
  const months = withIssues.filter((m) => m.year === year).reverse().map((m) => monthCalendar(paper, year, m.month, dates));
  const earlierYear = [...withIssues].reverse().find((m) => m.year < year)?.year;
  const laterYear = withIssues.find((m) => m.year > year)?.year;
  const crumbs = archiveCrumbs(paper, year);
  return page('archive-year', {
    head: headModel(ctx, {
      title: `${year}年往期 – ${paper.name}`, description: `${paper.name}${year}年共${dates.size}期。`, path: urls.archiveYear(paper.slug, year), crumbs, paper,
      json: urls.json(urls.archiveYear(paper.slug, year)),
    }),
    chrome: loadChrome(ctx, paper, null),
    crumbs,
    paper: { name: paper.name, slug: paper.slug, archivePath: urls.archive(paper.slug) },
    ...base,
    year,
    issueCount: dates.size,
    months,
    prevYear: earlierYear ? { year: earlierYear, path: urls.archiveYear(paper.slug, earlierYear) } : null,
    nextYear: laterYear ? { year: laterYear, path: urls.archiveYear(paper.slug, laterYear) } : null,
  }, { cache: 'latest', lastModified: base.modified }, (m) => ({
    paper: paperData(ctx, paper),
    ...baseData(ctx, base),
    year: m.year,
    issueCount: m.issueCount,
    months: m.months.map((c) => ({ month: c.month, issueCount: c.issueCount, ...jsonLink(ctx, c.path), issues: calendarIssues(ctx, c) })),
    previousYear: m.prevYear && { year: m.prevYear.year, ...jsonLink(ctx, m.prevYear.path) },
    nextYear: m.nextYear && { year: m.nextYear.year, ...jsonLink(ctx, m.nextYear.path) },
  }));
}

export function archiveMonth(req: Request, ctx: AppContext) {
  const paper = resolvePaper(req, ctx);
  const year = parseYear(String(req.params.year));
  const rawMonth = String(req.params.month);
  const month = /^\d{1,2}$/.test(rawMonth) ? Number(rawMonth) : NaN;
  if (year === null || !(month >= 1 && month <= 12)) throw new NotFound('月份无效', paper);
  if (rawMonth.length !== 2) throw new HttpRedirect(urls.archiveMonth(paper.slug, year, month));
  const base = archiveBase(ctx, paper);
  const key = (y: number, m: number) => y * 12 + m;
  const firstKey = base.first ? key(dateParts(base.first.date).year, dateParts(base.first.date).month) : Infinity;
  const lastKey = base.last ? key(dateParts(base.last.date).year, dateParts(base.last.date).month) : -Infinity;
  if (key(year, month) < firstKey || key(year, month) > lastKey) {
    throw new NotFound(`没有${year}年${month}月的报纸`, paper, ctx.queries.latestIssue(paper.id, ctx.now()));
  }
  const from: IssueDate = formatIssueDate(year, month, 1);
  const dates = new Set<string>(ctx.queries.issueDatesBetween(paper.id, from, formatIssueDate(year, month, daysInMonth(year, month)), ctx.now()));
  const calendar = monthCalendar(paper, year, month, dates);
  // 上个月 / 下个月 skip months without issues.
  const withIssues = monthsWithIssues(ctx, paper);
  const here = `${year}-${String(month).padStart(2, '0')}`;
  const prev = [...withIssues].reverse().find((m) => m.key < here);
  const next = withIssues.find((m) => m.key > here);
  const crumbs = archiveCrumbs(paper, year, month);
  return page('archive-month', {
    head: headModel(ctx, {
      title: `${year}年${month}月往期 – ${paper.name}`, description: `${paper.name}${year}年${month}月共${dates.size}期。`, path: calendar.path, crumbs, paper,
      json: urls.json(calendar.path),
    }),
    chrome: loadChrome(ctx, paper, null),
    crumbs,
    paper: { name: paper.name, slug: paper.slug, archivePath: urls.archive(paper.slug) },
    ...base,
    calendar,
    defaultDate: base.last && base.last.date < from ? base.last.date : from,
    prevMonth: prev ? { label: `${prev.year}年${prev.month}月`, path: urls.archiveMonth(paper.slug, prev.year, prev.month) } : null,
    nextMonth: next ? { label: `${next.year}年${next.month}月`, path: urls.archiveMonth(paper.slug, next.year, next.month) } : null,
    yearPath: urls.archiveYear(paper.slug, year),
  }, { cache: 'latest', lastModified: base.modified }, (m) => ({
    paper: paperData(ctx, paper),
    ...baseData(ctx, base),
    year,
    month,
    issueCount: m.calendar.issueCount,
    issues: calendarIssues(ctx, m.calendar),
    previousMonth: prev ? { year: prev.year, month: prev.month, ...jsonLink(ctx, urls.archiveMonth(paper.slug, prev.year, prev.month)) } : null,
    nextMonth: next ? { year: next.year, month: next.month, ...jsonLink(ctx, urls.archiveMonth(paper.slug, next.year, next.month)) } : null,
  }));
}

