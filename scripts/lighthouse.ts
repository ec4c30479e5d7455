// Lighthouse audit: npm run audit:lighthouse [-- --form-factor mobile|desktop|both --no-doc]
//
// Prints a table, records it in docs/lighthouse.md between markers and exits
// non-zero when a category is below 100 on any audited view (but for the
// expected failures of src/audit/lighthouse.ts)
// (src/audit/lighthouse.ts runs the audit).
import path from 'node:path';
import {
  DOC_PATH,
  formatDocSection,
  formatTable,
  gateFailures,
  expectedFailuresText,
  runLighthouseAudit,
  stopAuditsOnSignals,
  writeDocSection,
  type FormFactor,
} from '../src/audit/lighthouse';
import { runCli, UsageError } from '../src/cli';

const USAGE = `npm run audit:lighthouse [-- options]
  --form-factor F   mobile, desktop or both (default both)
  --no-doc          do not rewrite the results section of docs/lighthouse.md`;

function parseArgs(argv: readonly string[]): { formFactors: FormFactor[]; doc: boolean } {
  let formFactors: FormFactor[] = ['mobile', 'desktop'];
  let doc = true;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    if (arg === '--no-doc') doc = false;
    else if (arg === '--form-factor' || arg.startsWith('--form-factor=')) {
      const value = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[++i];
      if (value === 'both') formFactors = ['mobile', 'desktop'];
      else if (value === 'mobile' || value === 'desktop') formFactors = [value];
      else throw new UsageError('--form-factor must be mobile, desktop or both');
    } else throw new UsageError(`unknown argument "${arg}"`);
  }
  return { formFactors, doc };
}
async function main(): Promise<void> {
  const args = process.argv.slice(2);
  stopAuditsOnSignals();
  const { formFactors, doc } = parseArgs(args);
  const report = await runLighthouseAudit({ formFactors });
  console.log(`\n${formatTable(report)}\n`);
  for (const r of report.runs) for (const f of r.failed) console.log(`failed: ${r.formFactor} ${r.path} ${f.category} ${f.id} (${f.title})`);
  if (doc) {
    const command = ['npm run audit:lighthouse', ...(args.length ? ['--', ...args] : [])].join(' ');
    writeDocSection(DOC_PATH, formatDocSection(report, command));
    console.log(`recorded in ${path.relative(process.cwd(), DOC_PATH) || DOC_PATH}`);
  }
  const problems = gateFailures(report);
  if (problems.length) {
    process.stderr.write(`Lighthouse gate failed:\n${problems.map((p) => `  ${p}`).join('\n')}\n`);
    process.exitCode = 1;
  } else {
    console.log(`Lighthouse gate passed (100 in every category; expected failures: ${expectedFailuresText()}) in ${(report.totalMs / 1000).toFixed(0)} s`);
  }
}

if (require.main === module) runCli(main, USAGE);
