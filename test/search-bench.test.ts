import { formatSearchBench, queryChars, runSearchBench, SEARCH_BENCH_QUERIES, summarize } from '../src/bench/search-bench';
import { demoPaths } from './helpers/app';

/** The search bench on the small demo database, so it cannot rot; no timing is asserted. */

describe('npm run bench:search', () => {
  test('the fixed list is 50 queries of 1 to 6 characters', () => {
    expect(SEARCH_BENCH_QUERIES).toHaveLength(50);
    expect(new Set(SEARCH_BENCH_QUERIES).size).toBe(50);
    for (const q of SEARCH_BENCH_QUERIES) expect(queryChars(q)).toBeGreaterThanOrEqual(1);
    for (const q of SEARCH_BENCH_QUERIES) expect(queryChars(q)).toBeLessThanOrEqual(6);
    for (let n = 1; n <= 6; n += 1) expect(SEARCH_BENCH_QUERIES.some((q) => queryChars(q) === n)).toBe(true);
  });

  test('median and p95 by nearest rank', () => {
    expect(summarize([5, 1, 3, 2, 4])).toEqual({ median: 3, p95: 5 });
    expect(summarize(Array.from({ length: 100 }, (_, i) => i + 1))).toEqual({ median: 50, p95: 95 });
  });

  test('runs every query on the demo database and reports latency classes, sizes and both targets', () => {
    const r = runSearchBench(demoPaths().file, 1);
    expect(r.queries).toHaveLength(50);
    for (const t of r.queries) {
      expect(t.wallMs).toHaveLength(1);
      expect(t.total).toBeGreaterThanOrEqual(0);
    }
    expect(r.queries.find((t) => t.q === '滨江')!.total).toBeGreaterThan(0); // the demo paper's district
    expect(r.sizes.indexedTextBytes).toBeGreaterThan(100_000);
    expect(r.sizes.ftsBytes).toBeGreaterThan(0);
    const doc = formatSearchBench(r, '2026-01-01', 'test');
    for (const row of ['| 1 character |', '| 6 characters |', '| two terms |', '| all of 2+ characters |', '| all 50 |']) expect(doc).toContain(row);
    expect(doc).toMatch(/\| p95 ≤ 50 ms for queries of 2\+ characters \| [\d.]+ ms \(wall\) \| (yes|\*\*no\*\*) \|/);
    expect(doc).toMatch(/index = \*\*\d+\.\d\d×\*\* the text/);
  });
});
