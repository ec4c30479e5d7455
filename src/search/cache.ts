// Counts and ranked windows of recent queries, so that paging through results
// does not walk the doclists again. Least recently stored entries go first;
// everything is dropped whenever the database changes.

export interface QueryCacheEntry {
  /** Matches counted (capped). */
  total?: number;
  /** Keys of the ranked window, best first. */
  ranked?: number[];
}

export interface QueryCache {
  /** Drops every entry if `version` differs from the one of the last call. */
  validate(version: string): void;
  get(key: string): QueryCacheEntry | undefined;
  /** Merges `entry` into the key's entry and makes it the most recent. */
  remember(key: string, entry: QueryCacheEntry): void;
  /** The key's cached total, or `count()` remembered as it. */
  total(key: string, count: () => number): number;
}

export function createQueryCache(maxEntries: number): QueryCache {
  const entries = new Map<string, QueryCacheEntry>();
  let version = '';
  function remember(key: string, entry: QueryCacheEntry): void {
    const old = entries.get(key);
    entries.delete(key);
    entries.set(key, { ...old, ...entry });
    while (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
  }
  return {
    validate(current) {
      if (current === version) return;
      entries.clear();
      version = current;
    },
    get: (key) => entries.get(key),
    remember,
    total(key, count) {
      let n = entries.get(key)?.total;
      if (n === undefined) {
        n = count();
        remember(key, { total: n });
      }
      return n;
    },
  };
}
