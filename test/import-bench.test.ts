import { formatImportBench, runImportBench } from '../src/bench/import-bench';

/** The import bench on a tiny generated corpus, so it cannot rot; no timing is asserted. */
describe('npm run bench:import', () => {
  test('imports one generated corpus with and without the worker, and reports both against the target', async () => {
    const r = await runImportBench(300, 1);
    expect(r.articles).toBe(300);
    expect(r.issues).toBeGreaterThanOrEqual(3);
    expect(r.runs.map((x) => x.mode)).toEqual(['serial', 'worker']);
    for (const run of r.runs) {
      expect(run.seconds).toBeGreaterThan(0);
      expect(run.articlesPerSecond).toBeCloseTo(300 / run.seconds);
      expect(run.stolenCpuSeconds).toBeGreaterThanOrEqual(0); // Linux: /proc/stat is there
    }
    const doc = formatImportBench(r, '2026-01-01', 'test');
    expect(doc).toMatch(/\| worker thread prepares issues \(default\) \| [\d,]+ \| [\d,]+ \(\d+\.\d s\) \| \d+ MB \|/);
    expect(doc).toMatch(/\| `--serial`: everything on one thread \| [\d,]+ \|/);
    expect(doc).toMatch(/Worker \/ serial: \*\*\d+\.\d\d×\*\*/);
    expect(doc).toMatch(/\| ≥ 2,000 articles\/s including the search index \| [\d,]+ articles\/s \| (yes|\*\*no\*\*) \|/);
  }, 120_000);
});
