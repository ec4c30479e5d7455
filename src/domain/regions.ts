import { z } from 'zod';
import { polygonSchema, type Polygon } from './blocks';

/**
 * Stories across pages (转版): an article printed in parts on several 版 is
 * one article with one region on each page it touches. Its own page holds
 * the first part (the article's hotspot); each continuation names another
 * page of the issue and the outline of the part printed there.
 */

/** At most this many continuations per article: a story rarely jumps more than once or twice. */
export const MAX_CONTINUATIONS = 8;

export const continuationSchema = z.strictObject({
  /** The page (版) the part is printed on: another page of the same issue. */
  page: z.number().int().min(1).max(99),
  /** The part's outline on that page image, in its pixels; absent when not known. */
  hotspot: polygonSchema.optional().nullable(),
});

export const continuationsSchema = z.array(continuationSchema).max(MAX_CONTINUATIONS);

export type Continuation = z.infer<typeof continuationSchema>;

/** One part of an article as stored (migrations/010_article_region.sql): ord 1 is its own page. */
export interface Region {
  ord: number;
  pageNumber: number;
  polygon: Polygon | null;
}

/** The box around a polygon, in its pixels. */
export function boundingBox(polygon: readonly (readonly [number, number])[]): { x: number; y: number; w: number; h: number } {
  const xs = polygon.map((p) => p[0]);
  const ys = polygon.map((p) => p[1]);
  const x = Math.min(...xs);
  const y = Math.min(...ys);
  return { x, y, w: Math.max(...xs) - x, h: Math.max(...ys) - y };
}

const CHINESE_DIGITS: Record<string, number> = { 〇: 0, 零: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };

/** A page number written in digits (3, 03, ３) or Chinese numerals (三, 十二, 二十, 二十四); null otherwise or out of 1..99. */
export function parsePageNumeral(text: string): number | null {
  const t = text.normalize('NFKC').trim();
  let n: number | null = null;
  if (/^\d{1,2}$/.test(t)) n = Number(t);
  else {
    const m = /^([一二两三四五六七八九])?(十)?([一二三四五六七八九])?$/.exec(t);
    if (m && t !== '') {
      if (m[2]) n = (m[1] ? CHINESE_DIGITS[m[1]]! : 1) * 10 + (m[3] ? CHINESE_DIGITS[m[3]]! : 0);
      else if (m[1] && !m[3]) n = CHINESE_DIGITS[m[1]]!;
    }
  }
  return n !== null && n >= 1 && n <= 99 ? n : null;
}

const NUMERAL = '([0-9０-９]{1,2}|[一二两三四五六七八九十]{1,3})';
/** 下转第3版 / 转第三版 / (转3版), at the foot of a part, in brackets or not. */
const JUMP_TO = new RegExp(`[（(【〔\\[]?\\s*(?:下转|转)\\s*(?:第\\s*)?${NUMERAL}\\s*版\\s*[）)】〕\\]]?\\s*$`);
/** 上接第1版 / 接第一版 / (接1版), at the head of a continuation. */
const JUMP_FROM = new RegExp(`^\\s*[（(【〔\\[]?\\s*(?:上接|接)\\s*(?:第\\s*)?${NUMERAL}\\s*版\\s*[）)】〕\\]]?`);

/** The jump line ending a part (下转第X版): the page it continues on and the text without the line. */
export function jumpTo(text: string): { page: number; rest: string } | null {
  const m = JUMP_TO.exec(text);
  const page = m ? parsePageNumeral(m[1]!) : null;
  return m && page !== null ? { page, rest: text.slice(0, m.index).trimEnd() } : null;
}

/** The jump line opening a continuation (上接第X版): the page it continues from and the text after the line. */
export function jumpFrom(text: string): { page: number; rest: string } | null {
  const m = JUMP_FROM.exec(text);
  const page = m ? parsePageNumeral(m[1]!) : null;
  return m && page !== null ? { page, rest: text.slice(m[0].length).trimStart() } : null;
}
