import { formatTable, REQUIRED, runLighthouseAudit, type AuditReport } from '../src/audit/lighthouse';

/**
 * Lighthouse (driving Debian's Chromium headless) on the four reader views of
 * the compiled server, mobile form factor: SEO must be 100 and Best Practices
 * at least 95 on each. The same code as `npm run audit:lighthouse`, which also
 * runs desktop and records the figures in docs/lighthouse.md. Needs dist/
 * (`npm test` builds first) and Chromium (scripts/install-browser.sh).
 */
describe('Lighthouse: SEO and Best Practices', () => {
  let report: AuditReport;

  beforeAll(async () => {
    report = await runLighthouseAudit({
      formFactors: ['mobile'],
      categories: ['seo', 'best-practices'],
      days: 2,
      timeoutMs: 170_000,
      runTimeoutMs: 60_000,
      log: () => {},
    });
    console.log(`${formatTable(report)}\n\n${(report.totalMs / 1000).toFixed(1)} s with Lighthouse ${report.lighthouseVersion}, ${report.chromiumVersion}`);
  }, 180_000);

  it('audits the newsstand, an issue, a page and an article', () => {
    expect(report.runs.map((r) => r.view)).toEqual(['newsstand', 'issue', 'page', 'article']);
  });

  it.each(['newsstand', 'issue', 'page', 'article'])(`%s: SEO = ${REQUIRED.seo} and Best Practices ≥ ${REQUIRED['best-practices']}`, (view) => {
    const run = report.runs.find((r) => r.view === view)!;
    const bp = run.scores['best-practices'];
    // On a failure the diff shows the received scores and the failed audit ids.
    expect({ path: run.path, seo: run.scores.seo, bestPractices: bp, bestPracticesOk: bp !== null && bp >= REQUIRED['best-practices'], failed: run.failed.map((f) => f.id) }).toEqual({
      path: run.path,
      seo: REQUIRED.seo,
      bestPractices: bp,
      bestPracticesOk: true,
      failed: expect.any(Array),
    });
  });
});
