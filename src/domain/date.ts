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

/** parseIssueDate() for a date the caller was given as valid (an option, a constant): throws when it is not. */
export function toIssueDate(text: string): IssueDate {
  const date = parseIssueDate(text);
  if (date === null) throw new Error(`expected a real calendar date YYYY-MM-DD, got "${text}"`);
  return date;
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

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: IssueDate, to: IssueDate): number {
  return dayNumber(to)! - dayNumber(from)!;
}

/** Days since 0000-03-01 of an ISO date (YYYY-MM-DD), or null if not a real date. Pure arithmetic: the search index computes it per article. */
export function dayNumber(date: string): number | null {
  const m = ISO_DATE.exec(date);
  if (!m) return null;
  let y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (mo < 1 || mo > 12 || d < 1) return null;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const monthDays = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][mo - 1]!;
  if (d > monthDays) return null;
  // Howard Hinnant's days_from_civil, counted from 0000-03-01; +306 keeps
  // January and February of year 0 non-negative.
  if (mo <= 2) y -= 1;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (mo > 2 ? mo - 3 : mo + 9) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe + 306;
}

/** Inverse of dayNumber. */
export function dateOfDayNumber(n: number): string {
  const z = n - 306;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return `${String(y).padStart(4, '0')}-${pad2(m)}-${pad2(d)}`;
}

/** The time zone of a paper that names none, and of the site's own pages. */
export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

const WEEKDAYS = ['星期日', '星期一', '星期二', '星期三', '星期四', '星期五', '星期六'];

/** 星期X of a calendar date (the weekday does not depend on a time zone). */
export function weekdayName(date: IssueDate): string {
  const { year, month, day } = dateParts(date);
  return WEEKDAYS[new Date(Date.UTC(year, month - 1, day)).getUTCDay()];
}

/** 2026年12月01日: the one way the site writes a date. */
export function chineseDate(date: IssueDate): string {
  const { year, month, day } = dateParts(date);
  return `${year}年${pad2(month)}月${pad2(day)}日`;
}

/** 2026年12月01日 星期二: a date with its weekday, as a paper's masthead prints it. */
export function chineseDateWithWeekday(date: IssueDate): string {
  return `${chineseDate(date)} ${weekdayName(date)}`;
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

// Zones found valid: a DateTimeFormat per manifest cost ~3 % of validating one.
const knownTimeZones = new Set<string>();

/** Whether `timeZone` is an IANA time zone this runtime knows. */
export function isTimeZone(timeZone: string): boolean {
  if (knownTimeZones.has(timeZone)) return true;
  try {
    new Intl.DateTimeFormat('en', { timeZone });
  } catch {
    return false;
  }
  knownTimeZones.add(timeZone);
  return true;
}

/** Offsets by zone and quarter hour of UTC, for quarters with no transition inside them. */
const OFFSET_QUARTER_MS = 15 * 60_000;
const offsetsByQuarter = new Map<string, number>();

/**
 * Offset of a time zone at an instant, in minutes east of UTC. formatToParts
 * cost ~2-3 % of an uncached article page (every JSON-LD date): offsets are
 * kept per zone and quarter hour, and only for a quarter that begins and ends
 * at the same offset (a transition inside it is computed every time).
 */
export function zoneOffsetMinutes(instant: number, timeZone: string): number {
  const quarter = Math.floor(instant / OFFSET_QUARTER_MS);
  const key = `${timeZone}|${quarter}`;
  const known = offsetsByQuarter.get(key);
  if (known !== undefined) return known;
  const offset = exactZoneOffsetMinutes(instant, timeZone);
  const from = quarter * OFFSET_QUARTER_MS;
  if (exactZoneOffsetMinutes(from, timeZone) === offset && exactZoneOffsetMinutes(from + OFFSET_QUARTER_MS - 1000, timeZone) === offset) {
    if (offsetsByQuarter.size >= 50_000) offsetsByQuarter.clear();
    offsetsByQuarter.set(key, offset);
  }
  return offset;
}

function exactZoneOffsetMinutes(instant: number, timeZone: string): number {
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
