// Typesets the demo newspaper's page PDFs into demo/pdf (committed, so that `npm start` needs no
// browser): npm run demo:typeset. Needs Chromium with Noto CJK fonts (scripts/install-browser.sh).
import path from 'node:path';
import { runCli } from '../src/cli';
import { DEMO_PDF_ROOT } from '../src/demo/build';
import { typesetDemo } from '../src/demo/typeset';
import { PROJECT_ROOT } from '../src/paths';

runCli(async () => {
  const started = Date.now();
  const pages = await typesetDemo(DEMO_PDF_ROOT, process.env.DEMO_FONT_DIR || undefined, (line) => console.log(line));
  console.log(`demo: ${pages} pages typeset into ${path.relative(PROJECT_ROOT, DEMO_PDF_ROOT)} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}, 'npm run demo:typeset');
