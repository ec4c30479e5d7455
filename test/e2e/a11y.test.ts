/// <reference lib="dom" />
import fs from 'node:fs';
import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import type { Result } from 'axe-core';
import type { Browser } from 'playwright-core';
import {
  discoverDemo, launchBrowser, SETUP_TIMEOUT, newContext, pageTypes, ROOT, startServer, watchProblems, WIDTHS, type DemoUrls, type RunningServer,
} from './helpers';

/**
 * axe-core on every page type at phone and desktop width: no serious or
 * critical violation. Every finding (all impacts) is also written to
 * test-output/axe.json for review.
 */

let server: RunningServer;
let browser: Browser;
let urls: DemoUrls;
const report: Record<string, { id: string; impact: string | null | undefined; help: string; nodes: string[] }[]> = {};

beforeAll(async () => {
  // One after the other, so afterAll can clean up whichever of them started.
  server = await startServer();
  browser = await launchBrowser();
  urls = await discoverDemo(server.baseUrl);
}, SETUP_TIMEOUT);

afterAll(async () => {
  fs.mkdirSync(path.join(ROOT, 'test-output'), { recursive: true });
  fs.writeFileSync(path.join(ROOT, 'test-output', 'axe.json'), `${JSON.stringify(report, null, 2)}\n`);
  await browser?.close();
  await server?.stop();
});

function describeViolation(v: Result): string {
  return `${v.impact} ${v.id}: ${v.help}\n    ${v.nodes.slice(0, 5).map((n) => `${n.target.join(' ')} — ${n.failureSummary?.replace(/\s+/g, ' ')}`).join('\n    ')}`;
}

test.each(WIDTHS)('no serious or critical axe violation on any page type at $name width', async ({ name: width, options }) => {
  const context = await newContext(browser, server, options);
  const problems = await watchProblems(context);
  const page = await context.newPage();
  const serious: string[] = [];
  for (const type of pageTypes(urls)) {
    problems.expectStatus(type.path.split('?')[0]!, type.status);
    const res = await page.goto(type.path);
    expect([type.name, res?.status()]).toEqual([type.name, type.status]);
    const results = await new AxeBuilder({ page }).analyze();
    report[`${width} ${type.name} ${type.path}`] = results.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => n.target.join(' ')),
    }));
    for (const v of results.violations) {
      if (v.impact === 'serious' || v.impact === 'critical') serious.push(`${type.name} (${type.path}): ${describeViolation(v)}`);
    }
  }
  await context.close();
  expect(serious).toEqual([]);
  expect(problems.take()).toEqual([]);
}, 180_000);
