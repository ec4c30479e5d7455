import { performance } from 'node:perf_hooks';
import { dateInZone, DEFAULT_TIME_ZONE } from '../domain/date';
import type { Queries } from '../db/queries';

import { DEFAULT_CONTENT_CHECK_MS } from '../config';

/**
 * The version of everything readers can see: it changes when an import bumps
 * the content version or when the clock passes an embargo. Rendered pages are
 * cached under it, and under the day, since pages print today's date.
 *
 * Every request asks for it (render-cache hits too), so asking must cost next
 * to nothing: reading the content version is a SQLite read transaction (~3.5
 * µs and 3 system calls, the largest single cost of a hit), so it is read at
 * most every `checkMs` of wall time: an import becomes visible within that
 * bound. The embargo end and the day change are compared against the
 * injected clock on every call and take effect exactly. The same string is
 * returned while nothing changed, so callers compare it by identity.
 */
export function createFreshness(queries: Queries, now: () => number, checkMs: number = DEFAULT_CONTENT_CHECK_MS) {
  let lastContentVersion: string | null = null;
  let nextEmbargoEnd: number | null = null;
  let embargoEpoch = 0;
  let checkedAt = -Infinity; // performance.now() of the last content-version read
  let checkedClock = 0; // the injected clock at that read
  let day = '';
  let dayFrom = Infinity; // the minute (injected clock) `day` was read in: [dayFrom, dayEnds)
  let dayEnds = -Infinity;
  let version = '';

  return function currentVersion(): string {
    const t = now();
    const mono = performance.now();
    // A clock moved backwards or far forwards (tests, or a corrected system clock) reads afresh too.
    const due = mono - checkedAt >= checkMs || t < checkedClock || t - checkedClock >= checkMs;
    const embargoPassed = nextEmbargoEnd !== null && t >= nextEmbargoEnd;
    const sameMinute = t >= dayFrom && t < dayEnds;
    if (!due && !embargoPassed && sameMinute) return version;

    let content = lastContentVersion;
    if (due || embargoPassed || lastContentVersion === null) {
      content = queries.contentVersion();
      checkedAt = mono;
      checkedClock = t;
    }
    if (content !== lastContentVersion || embargoPassed) {
      if (content === lastContentVersion) embargoEpoch += 1;
      lastContentVersion = content;
      nextEmbargoEnd = queries.nextEmbargoEnd(t);
    }
    if (!sameMinute) {
      // Re-read once a minute: every zone's date changes on a whole minute.
      day = dateInZone(t, DEFAULT_TIME_ZONE);
      dayFrom = t - (t % 60_000);
      dayEnds = dayFrom + 60_000;
    }
    const next = `${content}:${embargoEpoch}:${day}`;
    if (next !== version) version = next;
    return version;
  };
}
