import { dateInZone, DEFAULT_TIME_ZONE } from '../domain/date';
import type { Queries } from '../db/queries';

/**
 * The version of everything readers can see: it changes when an import bumps
 * the content version or when the clock passes an embargo. Rendered pages are
 * cached under it, and under the day, since pages print today's date. The embargo end is looked up only when it may have passed.
 */
export function createFreshness(queries: Queries, now: () => number) {
  let lastContentVersion: string | null = null;
  let nextEmbargoEnd: number | null = null;
  let embargoEpoch = 0;

  return function currentVersion(): string {
    const content = queries.contentVersion();
    const t = now();
    if (content !== lastContentVersion || (nextEmbargoEnd !== null && t >= nextEmbargoEnd)) {
      if (content === lastContentVersion) embargoEpoch += 1;
      lastContentVersion = content;
      nextEmbargoEnd = queries.nextEmbargoEnd(t);
    }
    return `${content}:${embargoEpoch}:${dateInZone(t, DEFAULT_TIME_ZONE)}`;
  };
}
