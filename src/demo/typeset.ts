// The demo newspaper as its printer would send it: every page typeset as a PDF (by the
// segmentation benchmark's Chromium typesetter) in a folder per issue with issue.meta.json,
// which the importer's PDF path turns into pages, articles and hotspots.
import fs from 'node:fs';
import type { Page } from 'playwright-core';
import path from 'node:path';
import { dateText, FORMATS, planPage, PhotoPool, type IssuePlan } from '../bench/segment/generate';
import { launchTypesetter, printPages, typesetPage, type ArticleSpec, type PageSpec, type SpecBlock, type TypesetPage } from '../bench/segment/typeset';
import type { IssueDate } from '../domain/date';
import { META_NAME, type IssueMeta } from '../importer/pdf/derive';
import { DEMO_CONTENT_FILE, demoIssueDir, demoPdfDates, type DemoContentArticle } from './build';
import { DEMO_PUBLICATIONS, issueManifestHeader, issueNumber, type DemoPublication } from './generate';
import { createRng, deriveSeed } from './random';
import { PAGE_NAMES } from './text';

const DEMO_PDF_SEED = 20261120;
const ISSUE_PDF = 'issue.pdf';

/** Each paper keeps its own format and size, as a real one does. */
const PAPER_LOOK: Record<string, { format: (typeof FORMATS)[number]; pages: [number, number]; maxArticles: number; supplementDay: number }> = {
  'jiangcheng-daily': { format: FORMATS[0], pages: [4, 5], maxArticles: 7, supplementDay: 0 },
  'yunxi-evening': { format: FORMATS[1], pages: [4, 4], maxArticles: 5, supplementDay: 6 },
};

export function demoMeta(publication: DemoPublication, date: IssueDate): IssueMeta {
  // What the JSON demo's issue.json says of the paper and the issue, less its format version.
  const { format: _format, ...meta } = issueManifestHeader(publication, date);
  return meta;
}

/**
 * Typesets every demo issue into `root` (slug/date/NN.pdf and issue.meta.json). Titles are
 * unique per paper across the days (titleKey), as a reader of the paper expects.
 */
export async function typesetDemo(root: string, fontDir: string | undefined, log: (line: string) => void = () => undefined): Promise<number> {
  const browser = await launchTypesetter();
  let pagesDone = 0;
  const content: DemoContentArticle[] = [];
  try {
    const tab = await browser.newPage();
    const fontCss = await serveFonts(tab, fontDir);
    const photos = new PhotoPool(DEMO_PDF_SEED);
    for (const publication of DEMO_PUBLICATIONS) {
      const look = PAPER_LOOK[publication.slug];
      if (!look) throw new Error(`no page format for demo paper ${publication.slug}`);
      const titles = new Set<string>();
      for (const date of demoPdfDates()) {
        const rng = createRng(deriveSeed(DEMO_PDF_SEED, publication.slug, date));
        const pageCount = rng.int(look.pages[0], look.pages[1]);
        // The 副刊 is weekly, as in most dailies: the last page on the paper's 副刊 day.
        const supplement = new Date(`${date}T00:00:00Z`).getUTCDay() === look.supplementDay;
        const others = rng.sample(PAGE_NAMES.slice(1).filter((n) => n !== '副刊'), pageCount - 1);
        const names = [PAGE_NAMES[0] as string, ...(supplement ? [...others.slice(0, -1), '副刊'] : others)];
        // A front-page story goes on to a news page (下转第N版), never to the 副刊.
        const jumpPages = names.flatMap((n, i) => (i > 0 && n !== '副刊' ? [i + 1] : []));
        const plan: IssuePlan = {
          issue: pagesDone,
          date,
          paperName: publication.name,
          issueNo: issueNumber(publication, date),
          format: look.format,
          colon: ':',
          names,
          adPage: 0,
          jumpPage: jumpPages.length > 0 ? rng.pick(jumpPages) : 0,
          maxArticles: look.maxArticles,
          // Full columns: a story given more than its region holds is shortened by whole paragraphs (typesetFitted).
          textFactor: [1, 1.2],
        };
        const dir = demoIssueDir(root, publication.slug, date);
        fs.rmSync(dir, { recursive: true, force: true });
        fs.mkdirSync(dir, { recursive: true });
        fs.writeFileSync(path.join(dir, META_NAME), `${JSON.stringify(demoMeta(publication, date), null, 2)}\n`);
        let jump: { from: number; article: ArticleSpec; rest: SpecBlock[] } | null = null;
        const sheets: Array<{ spec: PageSpec; sheet: string }> = [];
        for (let number = 1; number <= pageCount; number += 1) {
          const planned = await planPage(rng, plan, number, titles, photos, jump);
          // The 副刊's essays go without a column name over the title: the page's name says it.
          const articles = names[number - 1] === '副刊' ? planned.articles.map((a) => ({ ...a, kicker: null })) : planned.articles;
          const { spec, typeset } = await typesetFitted(tab, { ...planned, articles, ...(fontCss ? { fontCss } : {}) }, `${publication.slug} ${date} page ${number}`);
          sheets.push({ spec, sheet: typeset.sheet });
          spec.articles.forEach((a, i) => {
            const body = typeset.articles[i]!.body.map((b) => (b.type === 'image' ? b.caption : b.text));
            const continuedTo = a.jumpTo !== null && typeset.articles[i]!.leftover.length > 0 ? a.jumpTo : null;
            content.push({ slug: publication.slug, date, page: number, continuedFrom: a.jumpFrom, continuedTo, kicker: a.kicker, title: a.title, subtitle: a.subtitle, body });
          });
          const jumper = spec.articles.findIndex((a) => a.jumpTo !== null);
          const rest = jumper >= 0 ? typeset.articles[jumper]!.leftover : [];
          if (jumper >= 0 && rest.length === 0) throw new Error(`${publication.slug} ${date} page ${number}: the story meant to go on to page ${plan.jumpPage} fits on its page`);
          if (jumper >= 0) jump = { from: number, article: spec.articles[jumper]!, rest };
          pagesDone += 1;
        }
        // One PDF for the issue: its pages share the embedded glyphs (a PDF per page is 5 times the bytes).
        fs.writeFileSync(path.join(dir, ISSUE_PDF), await printPages(tab, sheets));
        log(`${publication.name} ${dateText(date)}: ${pageCount} pages typeset`);
      }
    }
    fs.writeFileSync(path.join(root, DEMO_CONTENT_FILE), `${JSON.stringify(content, null, 1)}\n`);
  } finally {
    await browser.close();
  }
  return pagesDone;
}

/**
 * Typesets a page until every story ends in its own region (or goes on to another page with
 * 下转): a story given more text than its region holds loses its last paragraphs, never
 * mid-sentence at the region's foot, and one whose first paragraph does not fit under its
 * headline loses its photo and subtitle (the subtitle's figures are stated in that paragraph).
 */
async function typesetFitted(tab: Page, first: PageSpec, where: string): Promise<{ spec: PageSpec; typeset: TypesetPage }> {
  let spec = first;
  for (let attempt = 0; attempt < 6; attempt += 1) {
    const typeset = await typesetPage(tab, spec);
    const over = spec.articles.map((a, i) => a.jumpTo === null && typeset.articles[i]!.leftover.length > 0);
    if (!over.includes(true)) return { spec, typeset };
    spec = { ...spec, articles: spec.articles.map((a, i) => (over[i] ? shortened(a, typeset.articles[i]!) : a)) };
  }
  throw new Error(`${where}: a story still runs past its region's foot after shortening`);
}

/**
 * The story without the blocks that did not fit (`t.leftover`); without photo and subtitle when
 * its first paragraph would go; and when even that paragraph alone does not fit, that paragraph
 * up to its last whole sentence on the page.
 */
function shortened(a: ArticleSpec, t: TypesetPage['articles'][number]): ArticleSpec {
  const body = a.body.slice(0, Math.max(0, a.body.length - t.leftover.length));
  // A story does not end on a sub-head.
  while (body.length > 0 && body[body.length - 1]!.type === 'heading') body.pop();
  if (body.some((b) => b.type === 'paragraph')) return { ...a, body };
  const lead = a.body.find((b) => b.type === 'paragraph');
  if (!lead) throw new Error(`story "${a.title}" has no paragraph`);
  if (a.subtitle !== null || a.body.some((b) => b.type === 'image')) return { ...a, subtitle: null, widePhoto: false, body: [lead] };
  const placed = t.body.flatMap((b) => (b.type === 'paragraph' ? [b.text] : []))[0] ?? '';
  const end = placed.lastIndexOf('。');
  if (end < 0) throw new Error(`story "${a.title}": not one sentence of it fits its region`);
  return { ...a, body: [{ type: 'paragraph', text: placed.slice(0, end + 1) }] };
}

/**
 * The page fonts with TrueType outlines, which Chromium embeds as compact font subsets; Debian's
 * Noto CJK (CFF outlines) is embedded glyph by glyph as Type 3 drawings, about 5 times the bytes.
 * `dir` holds Google's static Noto Serif SC and Noto Sans SC files (the npm packages
 * @expo-google-fonts/noto-serif-sc and @expo-google-fonts/noto-sans-sc ship them), served to the
 * page under a name that never reaches a network; without it the system's fonts are used.
 */
const FONT_FILES: Array<{ family: string; weight: number; file: string }> = [
  { family: 'Noto Serif CJK SC', weight: 400, file: 'NotoSerifSC_400Regular.ttf' },
  { family: 'Noto Serif CJK SC', weight: 700, file: 'NotoSerifSC_700Bold.ttf' },
  { family: 'Noto Sans CJK SC', weight: 400, file: 'NotoSansSC_400Regular.ttf' },
  { family: 'Noto Sans CJK SC', weight: 700, file: 'NotoSansSC_700Bold.ttf' },
];
const FONT_ORIGIN = 'http://typeset-fonts.invalid';

async function serveFonts(tab: Page, dir: string | undefined): Promise<string | undefined> {
  if (dir === undefined) return undefined;
  const missing = FONT_FILES.filter((f) => !fs.existsSync(path.join(dir, f.file)));
  if (missing.length > 0) throw new Error(`font folder ${dir}: missing ${missing.map((f) => f.file).join(', ')}`);
  await tab.route(`${FONT_ORIGIN}/**`, (route) => {
    const name = decodeURIComponent(new URL(route.request().url()).pathname.slice(1));
    void route.fulfill({ body: fs.readFileSync(path.join(dir, path.basename(name))), contentType: 'font/ttf' });
  });
  return FONT_FILES.map((f) => `@font-face { font-family: '${f.family}'; font-weight: ${f.weight}; src: url(${FONT_ORIGIN}/${f.file}); }`).join('\n');
}
