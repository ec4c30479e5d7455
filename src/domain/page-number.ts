/** A page (版面) number 1..99; shown and linked as two digits (01, 02, …). */
export type PageNumber = number & { readonly __brand: 'PageNumber' };

export const MAX_PAGE_NUMBER = 99;

export function toPageNumber(n: number): PageNumber | null {
  return Number.isInteger(n) && n >= 1 && n <= MAX_PAGE_NUMBER ? (n as PageNumber) : null;
}

export function pageLabel(n: number): string {
  return String(n).padStart(2, '0');
}
