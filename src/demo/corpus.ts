// Benchmark corpus: many issue folders with exactly N articles in total, written folder by folder
// with bounded memory. Page images come from a small set of pre-rendered templates that are
// hard-linked (or copied) into each folder; no PDFs.
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { addDays, toIssueDate, type IssueDate } from '../domain/date';
import type { ManifestInput, ManifestPageInput } from '../importer/manifest';
import { articleManifest, bodyWithPhoto, DEMO_PUBLICATIONS, issueManifestHeader, type DemoPublication } from './generate';
import { DEFAULT_PAGE_HEIGHT, DEFAULT_PAGE_WIDTH, layoutPage, MAX_ARTICLES_PER_PAGE, rectToHotspot, type PageLayout } from './layout';
import { renderPageImage } from './page-image';
import { renderPhoto } from './photo';
import { createRng, deriveSeed } from './random';
import { generateArticleText, topicsForPage } from './text';

export interface CorpusOptions {
  /** Exact total number of articles to write. */
  articles: number;
  seed?: number;
  /** 1–3 publications; issues alternate between them (default: 1 below 1,000 articles, 2 below 500,000, else 3). */
  publications?: number;
  /** First issue date YYYY-MM-DD (default 2000-01-01); dates are consecutive per publication. */
  startDate?: string;
  /** Print progress every 1,000 folders. */
  verbose?: boolean;
}

export interface CorpusResult {
  folders: number;
  articles: number;
}

export const CORPUS_PUBLICATIONS: readonly DemoPublication[] = [
  ...DEMO_PUBLICATIONS,
  {
    slug: 'binjiang-business',
    name: '滨江商报',
    description: '滨江区经济生活类日报，关注产业、消费与营商环境（演示用虚构报纸）',
    firstIssueDate: '1993-01-01',
  },
];

const PAGE_NAMES = ['要闻', '要闻', '综合', '综合', '城区', '城区', '民生', '民生', '教育', '经济', '科技', '健康', '文体', '文体', '专版', '副刊'];
const VARIANTS_PER_PAGE = 3;
const MIN_ARTICLES_PER_PAGE = 4;
const ARTICLE_CHARS: readonly [number, number] = [800, 1300];
const PHOTO_POOL_SIZE = 8;
const DEFAULT_SEED = 1;
const DEFAULT_START_DATE = '2000-01-01';
const FOLDERS_IN_FLIGHT = 4;
const PROGRESS_EVERY = 1000;

interface PageTemplate {
  layout: PageLayout;
  photoBlocks: boolean[];
  file: string;
}

/** Renders each template once, on first use, and places copies of it into issue folders. */
class TemplateStore {
  private readonly templates = new Map<string, PageTemplate>();
  private readonly photos = new Map<number, Promise<string>>();
  private useHardLinks = true;

  constructor(
    private readonly dir: string,
    private readonly seed: number,
  ) {}

  /** Article count of a (page, variant) template: 4–8, stable for a seed. */
  articleCount(pageNumber: number, variant: number): number {
    const span = MAX_ARTICLES_PER_PAGE - MIN_ARTICLES_PER_PAGE + 1;
    return MIN_ARTICLES_PER_PAGE + (deriveSeed(this.seed, 'count', pageNumber, variant) % span);
  }

  async page(pageNumber: number, articles: number, variant: number): Promise<PageTemplate> {
    const key = `p${pageNumber}-a${articles}-v${variant}`;
    let template = this.templates.get(key);
    if (!template) {
      const rng = createRng(deriveSeed(this.seed, 'template', key));
      const layout = layoutPage({ width: DEFAULT_PAGE_WIDTH, height: DEFAULT_PAGE_HEIGHT, articles, masthead: pageNumber === 1 }, rng);
      const photoBlocks = layout.blocks.map((_, i) => rng.chance(i === 0 ? 0.5 : 0.2));
      const file = path.join(this.dir, `${key}.png`);
      await fsp.writeFile(file, renderPageImage({ layout, pageNumber, photoBlocks }));
      template = { layout, photoBlocks, file };
      this.templates.set(key, template);
    }
    return template;
  }

  /** Memoised as a promise: folders written concurrently must not render the same photo twice. */
  photo(index: number): Promise<string> {
    let file = this.photos.get(index);
    if (!file) {
      const target = path.join(this.dir, `photo-${index}.png`);
      file = fsp.writeFile(target, renderPhoto(deriveSeed(this.seed, 'photo', index))).then(() => target);
      this.photos.set(index, file);
    }
    return file;
  }

  /** Hard link when the file system allows it (no extra disk space), else copy. */
  async place(source: string, target: string): Promise<void> {
    if (this.useHardLinks) {
      try {
        await fsp.link(source, target);
        return;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EEXIST') {
          await fsp.rm(target, { force: true });
          return this.place(source, target);
        }
        // Cross-device or no hard-link support: copy from now on.
        this.useHardLinks = false;
      }
    }
    await fsp.copyFile(source, target);
  }
}

interface PlannedIssue {
  folder: string;
  manifest: ManifestInput;
  pageFiles: Array<{ source: string; target: string }>;
  photoFiles: Map<number, string>;
}

export async function generateCorpus(outDir: string, opts: CorpusOptions): Promise<CorpusResult> {
  const total = opts.articles;
  if (!Number.isSafeInteger(total) || total < 1) throw new Error(`articles must be a positive integer, got ${total}`);
  const publicationCount = opts.publications ?? (total < 1000 ? 1 : total < 500_000 ? 2 : 3);
  if (!Number.isInteger(publicationCount) || publicationCount < 1 || publicationCount > CORPUS_PUBLICATIONS.length) {
    throw new Error(`publications must be 1–${CORPUS_PUBLICATIONS.length}, got ${publicationCount}`);
  }
  const startDate = toIssueDate(opts.startDate ?? DEFAULT_START_DATE);
  const seed = opts.seed ?? DEFAULT_SEED;
  const publications = CORPUS_PUBLICATIONS.slice(0, publicationCount);

  await fsp.mkdir(outDir, { recursive: true });
  // Templates live inside outDir so hard links stay on one file system; removed at the end.
  const templateDir = await fsp.mkdtemp(path.join(outDir, '.templates-'));
  const store = new TemplateStore(templateDir, seed);
  const started = Date.now();
  let written = 0;
  let folders = 0;
  let failure: unknown;
  const inFlight = new Set<Promise<void>>();

  try {
    while (written < total && failure === undefined) {
      const publication = publications[folders % publicationCount] as DemoPublication;
      const date = addDays(startDate, Math.floor(folders / publicationCount));
      const folder = path.join(outDir, publication.slug, date);
      const { issue, articles } = await planIssue(store, seed, folder, publication, date, total - written);
      written += articles;
      folders++;

      // Overlap disk writes of a few folders with generating the next one; memory stays bounded.
      const task: Promise<void> = writeIssue(store, issue)
        .catch((error: unknown) => {
          failure ??= error;
        })
        .finally(() => inFlight.delete(task));
      inFlight.add(task);
      if (inFlight.size >= FOLDERS_IN_FLIGHT) await Promise.race(inFlight);

      if (opts.verbose && folders % PROGRESS_EVERY === 0) {
        const seconds = ((Date.now() - started) / 1000).toFixed(1);
        console.log(`corpus: ${folders} folders, ${written} articles, ${seconds}s`);
      }
    }
    await Promise.all(inFlight);
  } finally {
    await Promise.allSettled(inFlight);
    await fsp.rm(templateDir, { recursive: true, force: true });
  }
  if (failure !== undefined) throw failure;
  return { folders, articles: written };
}

/** Builds one issue's manifest holding at most `budget` articles (16 pages × 4–8 when the budget allows). */
async function planIssue(
  store: TemplateStore,
  seed: number,
  folder: string,
  publication: DemoPublication,
  date: IssueDate,
  budget: number,
): Promise<{ issue: PlannedIssue; articles: number }> {
  const rng = createRng(deriveSeed(seed, publication.slug, date));
  const pages: ManifestPageInput[] = [];
  const pageFiles: PlannedIssue['pageFiles'] = [];
  const photoFiles = new Map<number, string>();
  let remaining = budget;

  for (let index = 0; index < PAGE_NAMES.length && remaining > 0; index++) {
    const pageNumber = index + 1;
    const name = PAGE_NAMES[index] as string;
    let variant = rng.int(0, VARIANTS_PER_PAGE - 1);
    let count = store.articleCount(pageNumber, variant);
    if (count > remaining) {
      // The very last issue: a page with exactly the articles left.
      count = remaining;
      variant = 0;
    }
    const template = await store.page(pageNumber, count, variant);
    const label = String(pageNumber).padStart(2, '0');
    const articles = template.layout.blocks.map((rect, i) => {
      const text = generateArticleText(rng, { date, topics: topicsForPage(name), chars: ARTICLE_CHARS });
      let photoSrc: string | undefined;
      if (template.photoBlocks[i]) {
        const photoIndex = rng.int(0, PHOTO_POOL_SIZE - 1);
        photoSrc = `images/photo-${photoIndex}.png`;
        photoFiles.set(photoIndex, photoSrc);
      }
      return articleManifest(i + 1, text, rectToHotspot(rect), bodyWithPhoto(text, photoSrc));
    });
    pages.push({ number: pageNumber, name, image: `pages/${label}.png`, articles });
    pageFiles.push({ source: template.file, target: path.join(folder, 'pages', `${label}.png`) });
    remaining -= count;
  }

  const manifest: ManifestInput = { ...issueManifestHeader(publication, date), pages };
  return { issue: { folder, manifest, pageFiles, photoFiles }, articles: budget - remaining };
}

async function writeIssue(store: TemplateStore, issue: PlannedIssue): Promise<void> {
  await fsp.mkdir(path.join(issue.folder, 'pages'), { recursive: true });
  if (issue.photoFiles.size > 0) await fsp.mkdir(path.join(issue.folder, 'images'), { recursive: true });
  const photos = [...issue.photoFiles].map(async ([index, rel]) => store.place(await store.photo(index), path.join(issue.folder, rel)));
  await Promise.all([
    ...issue.pageFiles.map(({ source, target }) => store.place(source, target)),
    ...photos,
    // Compact JSON: at ~100 articles of ~1,000 characters per issue, indentation only costs disk.
    fsp.writeFile(path.join(issue.folder, 'issue.json'), JSON.stringify(issue.manifest)),
  ]);
}
