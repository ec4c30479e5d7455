/**
 * A calendar date that has been checked to exist (no 2023-02-30).
 * The brand makes it impossible to pass an unchecked string where a date is expected.
 */
export type IssueDate = string & { readonly __brand: 'IssueDate' };

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function parseIssueDate(text: string): IssueDate | null {
  const m = ISO_DATE.exec(text);
  if (!m) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (year < 1800 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  return text as IssueDate;
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

export function formatIssueDate(year: number, month: number, day: number): IssueDate {
  return `${String(year).padStart(4, '0')}-${pad2(month)}-${pad2(day)}` as IssueDate;
}

export function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

export function dateParts(date: IssueDate): { year: number; month: number; day: number } {
  return { year: Number(date.slice(0, 4)), month: Number(date.slice(5, 7)), day: Number(date.slice(8, 10)) };
}

export function addDays(date: IssueDate, days: number): IssueDate {
  const { year, month, day } = dateParts(date);
  const d = new Date(Date.UTC(year, month - 1, day + days));
  return formatIssueDate(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
}

const WEEKDAYS = ['星期日', '星期一', '星期二', '星期三', '星期四', '星期五', '星期六'];

/** 星期X of a calendar date (the weekday does not depend on a time zone). */
export function weekdayName(date: IssueDate): string {
  const { year, month, day } = dateParts(date);
  return WEEKDAYS[new Date(Date.UTC(year, month - 1, day)).getUTCDay()];
}

/** The calendar date of an instant in an IANA time zone. */
export function dateInZone(instant: number, timeZone: string): IssueDate {
  return formatter(dateFormats, timeZone, () => new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })).format(instant) as IssueDate;
}

// Building an Intl.DateTimeFormat costs far more than using one (it was the top self-time
// function of an uncached article page): one per time zone, made on first use.
const dateFormats = new Map<string, Intl.DateTimeFormat>();
const offsetFormats = new Map<string, Intl.DateTimeFormat>();

function formatter(cache: Map<string, Intl.DateTimeFormat>, timeZone: string, make: () => Intl.DateTimeFormat): Intl.DateTimeFormat {
  let f = cache.get(timeZone);
  if (!f) {
    f = make(); // throws RangeError for an unknown zone, before anything is cached
    cache.set(timeZone, f);
  }
  return f;
}

/** Offset of a time zone at an instant, in minutes east of UTC. */
export function zoneOffsetMinutes(instant: number, timeZone: string): number {
  const f = formatter(offsetFormats, timeZone, () => new Intl.DateTimeFormat('en-US', {
    timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
  }));
  const p = Object.fromEntries(f.formatToParts(instant).map((x) => [x.type, x.value]));
  const asUtc = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second));
  return Math.round((asUtc - Math.floor(instant / 1000) * 1000) / 60000);
}

/** Epoch ms of local midnight starting `date` in `timeZone`. */
export function startOfDateInZone(date: IssueDate, timeZone: string): number {
  const { year, month, day } = dateParts(date);
  const guess = Date.UTC(year, month - 1, day);
  return guess - zoneOffsetMinutes(guess, timeZone) * 60000;
}

/** ISO 8601 with the zone's offset, e.g. 2026-11-20T06:00:00+08:00 (what structured data wants). */
export function isoInZone(instant: number, timeZone: string): string {
  const offset = zoneOffsetMinutes(instant, timeZone);
  const local = new Date(Math.floor(instant / 1000) * 1000 + offset * 60000).toISOString().slice(0, 19);
  const sign = offset >= 0 ? '+' : '-';
  const abs = Math.abs(offset);
  return `${local}${sign}${pad2(Math.floor(abs / 60))}:${pad2(abs % 60)}`;
}
