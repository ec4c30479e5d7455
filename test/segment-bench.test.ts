import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { altoBlocksInPoints, altoTextBlocks, scannedFixturesDir } from '../src/bench/segment/alto';
import { scannedCoverage, truthToScored } from '../src/bench/segment/bench';
import { ensureSegmentCorpus, type SegmentCorpus } from '../src/bench/segment/generate';
import { blockCoverage, compactText, contentPoints, editDistance, inversions, regionIoU, scoreCorpus, scorePage, type ScoredArticle, type ScoredPage } from '../src/bench/segment/score';
import { blockTexts } from '../src/domain/blocks';
import { PROJECT_ROOT } from '../src/paths';
import { tempDir } from './helpers/fixtures';

// ---------------------------------------------------------------------------------------------
// The scorer, on made-up predictions.

const box = (x: number, y: number, w: number, h: number) => ({ x, y, w, h });
/** A made-up article whose printed content fills its boxes (a point every 10 pt). */
const article = (title: string, body: string, ...boxes: ReturnType<typeof box>[]): ScoredArticle => ({ title, body, boxes, content: contentPoints({ lines: [], photos: boxes }) });
const header = { number: 3, name: '城区', dateText: '2026年3月2日 星期一' };

/** Four stories on a 2 × 2 grid, plus an L around the last one. */
const truth: ScoredPage = {
  header,
  articles: [
    article('滨江岸线再添三公里公共空间', '记者从区规划和自然资源局获悉，今年将推进十个城市更新项目。', box(0, 0, 200, 100), box(0, 100, 100, 200)),
    article('老街区焕新颜', '走进青石街道，斑驳的院墙已经重新粉刷。', box(100, 100, 100, 95)),
    article('地铁20号线启动试运行', '地铁20号线一期工程近日启动试运行。', box(100, 205, 100, 95)),
    article('社区食堂开进老小区', '家门口的社区食堂让老人吃上热乎饭。', box(0, 310, 200, 90)),
  ],
};

describe('segmentation scorer', () => {
  test('regions: exact IoU of unions of rectangles, overlapping rectangles counted once', () => {
    expect(regionIoU([box(0, 0, 10, 10)], [box(0, 0, 10, 10)])).toBe(1);
    expect(regionIoU([box(0, 0, 10, 10)], [box(5, 0, 10, 10)])).toBeCloseTo(50 / 150, 10);
    expect(regionIoU([box(0, 0, 10, 10), box(5, 0, 10, 10)], [box(0, 0, 15, 10)])).toBe(1);
    expect(regionIoU([box(0, 0, 10, 10)], [box(20, 20, 5, 5)])).toBe(0);
    // An L against its bounding box: the L covers 3 of its 4 quarters.
    expect(regionIoU([box(0, 0, 20, 10), box(0, 10, 10, 10)], [box(0, 0, 20, 20)])).toBeCloseTo(0.75, 10);
  });

  test('perfect predictions score 100 %', () => {
    const s = scoreCorpus([scorePage(truth, truth)]);
    expect(s).toMatchObject({ recall: 1, precision: 1, headlineExact: 1, bodyCer: 0, orderInversions: 0, headerExact: 1, matched: 4 });
  });

  test('a missing article lowers recall only', () => {
    const predicted = { header, articles: truth.articles.filter((_, i) => i !== 2) };
    const page = scorePage(truth, predicted);
    expect(page.missed).toEqual([{ truth: 2, bestIoU: 0 }]);
    expect(scoreCorpus([page])).toMatchObject({ recall: 3 / 4, precision: 1 });
  });

  test('two articles merged into one: neither matches, recall and precision drop', () => {
    const [a, b, c, d] = truth.articles as [ScoredArticle, ScoredArticle, ScoredArticle, ScoredArticle];
    const merged = article(b.title, b.body + c.body, box(100, 100, 100, 200));
    const page = scorePage(truth, { header, articles: [a, merged, d] });
    expect(page.matches.map((m) => m.truth)).toEqual([0, 3]);
    expect(page.missed.map((m) => m.truth)).toEqual([1, 2]);
    expect(page.spurious).toEqual([1]);
    expect(scoreCorpus([page])).toMatchObject({ recall: 2 / 4, precision: 2 / 3 });
  });

  test('an L split into its two rectangles: the L is missed, both halves are spurious', () => {
    const [a, ...rest] = truth.articles as [ScoredArticle, ...ScoredArticle[]];
    const page = scorePage(truth, { header, articles: [article(a.title, a.body, a.boxes[0]!), article('', '', a.boxes[1]!), ...rest] });
    expect(page.missed).toEqual([{ truth: 0, bestIoU: 0.5 }]);
    expect(page.spurious).toEqual([0, 1]);
    expect(scoreCorpus([page])).toMatchObject({ recall: 3 / 4, precision: 3 / 5 });
  });

  test('a region a little off still matches at IoU ≥ 0.8; headline, body and order errors are counted on matches', () => {
    const [a, b, c, d] = truth.articles as [ScoredArticle, ScoredArticle, ScoredArticle, ScoredArticle];
    const shifted = article(b.title, b.body, box(100, 105, 100, 95)); // IoU 90/100
    const retitled = article('地铁20号线启动试运營', c.body, ...c.boxes);
    const typo = article(d.title, d.body.replace('热乎饭', '热呼饭') + ' ', ...d.boxes);
    // Read in the order a, c, b, d: one pair inverted.
    const predicted = { header: { ...header, name: '城 区', dateText: '2026年3月2日' }, articles: [a, retitled, shifted, typo] };
    const page = scorePage(truth, predicted);
    expect(page.matches).toHaveLength(4);
    expect(page.matches[1]!.iou).toBeCloseTo(8 / 9, 5); // its top row of 9 content points is left out
    expect(scorePage(truth, predicted, { mode: 'boxes' }).matches[1]!.iou).toBeCloseTo(0.9, 5);
    const s = scoreCorpus([page]);
    expect(s.headlineExact).toBe(3 / 4);
    const truthChars = truth.articles.reduce((n, x) => n + [...compactText(x.body)].length, 0);
    expect(s.bodyCer).toBeCloseTo(1 / truthChars, 10);
    expect(s).toMatchObject({ orderInversions: 1, orderPairs: 6, pagesWithOrderErrors: 1, headerExact: 1 });
  });

  test('content points: one per character pitch along a line, a 10 pt grid over a photo', () => {
    expect(contentPoints({ lines: [box(0, 0, 100, 10)], photos: [] })).toHaveLength(10);
    expect(contentPoints({ lines: [], photos: [box(0, 0, 100, 50)] })).toHaveLength(50);
  });

  test('a prediction drawn tight around the glyphs matches by content, not by boxes', () => {
    // Truth: a headline block across two columns and two column frames; the text fills 70 % of each.
    const headline = box(0, 0, 200, 40);
    const columns = [box(0, 45, 95, 300), box(105, 45, 95, 300)];
    const printed = { lines: [box(0, 10, 140, 20), ...columns.map((c) => box(c.x, c.y, c.w, 210))], photos: [] };
    const truthPage: ScoredPage = { header, articles: [{ title: 'T', body: '', boxes: [headline, ...columns], content: contentPoints(printed) }] };
    const tight: ScoredPage = { header, articles: [article('T', '', ...printed.lines)] };
    expect(scorePage(truthPage, tight).matches).toHaveLength(1);
    expect(scorePage(truthPage, tight, { mode: 'boxes' }).missed).toEqual([{ truth: 0, bestIoU: expect.closeTo((140 * 20 + 2 * 95 * 210) / (200 * 40 + 2 * 95 * 300), 10) }]);
  });

  test('an ad page: every predicted article is spurious, recall stays 100 %', () => {
    const ad: ScoredPage = { header: { ...header, name: '广告' }, articles: [] };
    const s = scoreCorpus([scorePage(ad, { ...ad, articles: [article('云溪家居广场', '新店开业', box(0, 0, 100, 100))] })]);
    expect(s).toMatchObject({ recall: 1, precision: 0, truthArticles: 0, predictedArticles: 1 });
  });

  test('edit distance equals the textbook dynamic programme', () => {
    const naive = (a: string, b: string) => {
      const s = [...a];
      const t = [...b];
      let prev = t.map((_, j) => j + 1);
      prev.unshift(0);
      for (let i = 1; i <= s.length; i += 1) {
        const cur = [i];
        for (let j = 1; j <= t.length; j += 1) cur[j] = Math.min(prev[j - 1]! + (s[i - 1] === t[j - 1] ? 0 : 1), prev[j]! + 1, cur[j - 1]! + 1);
        prev = cur;
      }
      return prev[t.length]!;
    };
    const text = fc.string({ unit: fc.constantFrom(...'滨江区社区学校公园 ab'), maxLength: 40 });
    fc.assert(fc.property(text, text, (a, b) => editDistance(a, b) === naive(a, b)), { numRuns: 300 });
    expect(editDistance('本报讯'.repeat(2000), `本报讯${'本报讯'.repeat(1999)}。`)).toBe(1);
  });

  test('inversions count the pairs out of order', () => {
    expect(inversions([0, 1, 2, 3])).toBe(0);
    expect(inversions([1, 0, 2, 3])).toBe(1);
    expect(inversions([3, 2, 1, 0])).toBe(6);
  });

  test('ALTO text blocks: in one, in none, in several articles', () => {
    const blocks = [box(0, 0, 10, 10), box(20, 0, 10, 10), box(40, 0, 10, 10)];
    const articles = [[box(0, 0, 12, 12)], [box(35, 0, 20, 20)], [box(38, 0, 20, 20)]];
    expect(blockCoverage(blocks, articles)).toEqual({ blocks: 3, inOne: 1, inNone: 1, inSeveral: 1 });
  });
});

// ---------------------------------------------------------------------------------------------
// The real scanned pages' ALTO.

describe('scanned fixtures', () => {
  const dir = scannedFixturesDir(PROJECT_ROOT);

  test('the fixtures are there', () => {
    expect(dir).not.toBeNull();
  });

  test('every TextBlock of both ALTO pages is read, scaled onto the page', () => {
    const counts = ['1859022101-0007', '1920111501-0007'].map((name) => {
      const alto = altoTextBlocks(fs.readFileSync(path.join(dir!, `${name}.alto.xml`), 'utf8'));
      const boxes = altoBlocksInPoints(alto, 1000, 1500);
      // Real OCR: a block may poke out of the page by up to 2 %.
      for (const b of boxes) {
        expect(b.x).toBeGreaterThanOrEqual(-20);
        expect(b.x + b.w).toBeLessThanOrEqual(1020);
        expect(b.y + b.h).toBeLessThanOrEqual(1530);
      }
      // One article per block: each block lands in exactly one.
      expect(blockCoverage(boxes, boxes.map((b) => [b]))).toMatchObject({ inOne: boxes.length, inNone: 0 });
      return alto.blocks.length;
    });
    expect(counts[0]).toBe(43); // as the fixtures' README says
    expect(counts[1]).toBe(10);
  });

  test('an analysed scanned page: blocks in one article, in none, in several', () => {
    const xml = fs.readFileSync(path.join(dir!, '1859022101-0007.alto.xml'), 'utf8');
    const page = (articles: ReturnType<typeof box>[][]) => ({ widthPt: 1000, heightPt: 1500, header, articles: articles.map((boxes) => ({ title: '', body: [], boxes })) });
    expect(scannedCoverage(xml, page([[box(0, 0, 1100, 1600)]]))).toEqual({ blocks: 43, inOne: 43, inNone: 0, inSeveral: 0 });
    expect(scannedCoverage(xml, page([]))).toMatchObject({ inNone: 43 });
    expect(scannedCoverage(xml, page([[box(0, 0, 1100, 1600)], [box(0, 0, 1100, 1600)]]))).toMatchObject({ inSeveral: 43 });
  });
});

// ---------------------------------------------------------------------------------------------
// A small generated corpus: 3 typeset pages.

/** Each page's text layer, read by pdf.js in a child process (pdf.js is an ES module). */
function pdfTexts(files: string[]): string[] {
  const script = `
    import fs from 'node:fs';
    const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
    const out = [];
    for (const file of JSON.parse(process.argv[1])) {
      const doc = await pdfjs.getDocument({ data: new Uint8Array(fs.readFileSync(file)), isEvalSupported: false }).promise;
      if (doc.numPages !== 1) throw new Error(file + ' has ' + doc.numPages + ' pages');
      const content = await (await doc.getPage(1)).getTextContent();
      out.push(content.items.map((i) => i.str ?? '').join(''));
    }
    process.stdout.write(JSON.stringify(out));`;
  return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script, JSON.stringify(files)], { cwd: PROJECT_ROOT, encoding: 'utf8', maxBuffer: 64 << 20 })) as string[];
}

/**
 * What the text layer holds for a truth text: the same characters, except that Chromium's
 * ToUnicode map names some ideographs by the radical sharing their glyph (⽇ U+2F47 for 日,
 * ⻋ U+2ECB for 车: the font's lowest code point for the glyph), which the analyser must fold back.
 */
function printedAs(truthText: string): RegExp {
  const escape = (c: string) => c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  return new RegExp([...truthText].map((c) => (/\p{Script=Han}/u.test(c) ? `(?:${c}|[\u2E80-\u2FDF])` : escape(c))).join(''), 'u');
}

describe('generated corpus', () => {
  let corpus: SegmentCorpus;

  beforeAll(async () => {
    corpus = await ensureSegmentCorpus(tempDir('segment-corpus-'), { seed: 7, issues: 1, pagesPerIssue: 3 });
  }, 120_000);

  test('three pages: the front page with 报头, an ad page without articles, a story continued across pages', () => {
    const pages = corpus.truth.pages;
    expect(pages.map((p) => p.file)).toEqual(['issue-01/01.pdf', 'issue-01/02.pdf', 'issue-01/03.pdf']);
    expect(pages.map((p) => p.masthead)).toEqual([true, false, false]);
    expect(pages.filter((p) => p.ad).map((p) => p.articles.length)).toEqual([0]);
    for (const p of pages.filter((x) => !x.ad)) {
      expect(p.articles.length).toBeGreaterThanOrEqual(4);
      expect(p.articles.length).toBeLessThanOrEqual(9);
    }
    const from = pages.flatMap((p) => p.articles).find((a) => a.continuedTo !== null)!;
    const to = pages.flatMap((p) => p.articles).find((a) => a.continuedFrom === 1)!;
    expect(to.title).toBe(from.title);
    expect(pages[from.continuedTo! - 1]!.articles).toContain(to);
  });

  test('every article is on its page where the truth says, inside the page and not overlapping another', () => {
    for (const page of corpus.truth.pages) {
      for (const a of page.articles) {
        for (const b of a.boxes) {
          expect(b.w).toBeGreaterThan(20);
          expect(b.x + b.w).toBeLessThanOrEqual(page.widthPt);
          expect(b.y + b.h).toBeLessThanOrEqual(page.heightPt);
        }
        for (const other of page.articles) if (other !== a) expect(regionIoU(a.boxes, other.boxes)).toBe(0);
      }
    }
  });

  test('the PDFs print exactly the truth: 版眉, every headline, byline and body text in the text layer', () => {
    const texts = pdfTexts(corpus.truth.pages.map((p) => path.join(corpus.dir, p.file)));
    corpus.truth.pages.forEach((page, i) => {
      const text = compactText(texts[i]!);
      const printed = (truthText: string) => expect(text).toMatch(printedAs(compactText(truthText)));
      printed(`第0${page.header.number}版`);
      printed(page.header.dateText!);
      for (const a of page.articles) {
        for (const t of [a.kicker, a.title, a.subtitle, a.byline, ...blockTexts(a.body)]) if (t !== null) printed(t);
      }
    });
  });

  test('the truth scored against itself is 100 %, and a second call reuses the cache', async () => {
    const s = scoreCorpus(corpus.truth.pages.map((p) => scorePage(truthToScored(p), truthToScored(p))));
    expect(s).toMatchObject({ recall: 1, precision: 1, headlineExact: 1, bodyCer: 0 });
    expect(s.truthArticles).toBeGreaterThanOrEqual(8);
    const again = await ensureSegmentCorpus(path.dirname(corpus.dir), { seed: 7, issues: 1, pagesPerIssue: 3 });
    expect(again.generated).toBe(false);
    expect(again.truth).toEqual(corpus.truth);
  });
});
