// The result pager: 上一页 / 下一页 and a window of page numbers that stays
// short however many pages there are.

/** Page numbers shown at most, the first and last page included. */
export const PAGER_NUMBERS = 9;

/** A page number, or a gap (…) standing for the pages left out. */
export type PagerItem = { page: number } | { gap: true };

export interface Pager {
  previous: number | null;
  next: number | null;
  items: PagerItem[];
}

/**
 * The first page, the last, and the pages around `current`, at most
 * PAGER_NUMBERS numbers in all; a gap where pages are left out.
 */
export function resultPager(current: number, pageCount: number): Pager {
  // Past the last page (an old link), 上一页 leads back to the last one.
  const previous = current > 1 && pageCount > 0 ? Math.min(current - 1, pageCount) : null;
  const next = current < pageCount ? current + 1 : null;
  if (pageCount <= PAGER_NUMBERS) {
    return { previous, next, items: Array.from({ length: pageCount }, (_, i) => ({ page: i + 1 })) };
  }
  // The middle run: the numbers left once the first and last are shown, centred on current.
  const run = PAGER_NUMBERS - 2;
  const start = Math.min(Math.max(current - Math.floor(run / 2), 2), pageCount - run);
  const end = start + run - 1;
  const items: PagerItem[] = [{ page: 1 }];
  if (start > 2) items.push({ gap: true });
  for (let page = start; page <= end; page++) items.push({ page });
  if (end < pageCount - 1) items.push({ gap: true });
  items.push({ page: pageCount });
  return { previous, next, items };
}
