import type { Block } from '../../domain/blocks';
import { jumpFrom, jumpTo } from '../../domain/regions';
import type { ManifestArticle, ManifestPage } from '../manifest';
import { packTextBoxes, unpackTextBoxes } from './boxes';
import { articleText } from './layout';

/** What the jump lines the segmentation took out of the text say about an article (derive.ts jumpHints). */
export interface JumpHint {
  to?: number;
  from?: number;
}
export type JumpHints = Map<ManifestArticle, JumpHint>;

/**
 * Stories across pages (转版) in a derived issue: a part that ends with a
 * jump line 下转第X版 (转第X版) and, on page X, a part that opens with
 * 上接第Y版 (接第Y版) — usually under the repeated headline, which the
 * segmentation reads as the part's title, the jump line as its subtitle,
 * kicker or first paragraph — are one article. The first part keeps its
 * place (its URL); the second is removed from page X, its body appended to
 * the first's, and its outline becomes the article's continuation on X.
 * Returns the number of stories joined.
 */
export function joinContinuedStories(pages: ManifestPage[], hints: JumpHints = new Map()): number {
  let joined = 0;
  for (const page of pages) {
    for (const first of page.articles) {
      const foot = lastTextBlock(first);
      const inText = foot ? jumpTo(foot.block.text) : null;
      const to = inText?.page ?? hints.get(first)?.to;
      if (to === undefined || to === page.number) continue;
      const target = pages.find((p) => p.number === to);
      if (!target) continue;
      const second = pickContinuation(target.articles, page.number, first.title, hints);
      if (!second) continue;
      merge(first, inText ? { ...foot!, rest: inText.rest } : null, second.article, second.strip, target.number);
      target.articles.splice(target.articles.indexOf(second.article), 1);
      target.articles.forEach((a, i) => (a.position = i + 1));
      joined += 1;
    }
  }
  return joined;
}

type TextBlock = Extract<ManifestArticle['body'][number], { text: string }>;

function lastTextBlock(a: ManifestArticle): { block: TextBlock; index: number } | null {
  for (let i = a.body.length - 1; i >= 0; i--) {
    const b = a.body[i]!;
    if (b.type !== 'image') return { block: b, index: i };
  }
  return null;
}

/** Where the 上接 line sits in a part's head: the field and the text left after it; 'none' when it was taken out already. */
type Strip = { field: 'kicker' | 'subtitle' | 'byline' | 'body' | 'none'; rest: string };

/** The part on a page that says it continues from `fromPage`; with several, the one under the same headline. */
function pickContinuation(articles: ManifestArticle[], fromPage: number, title: string, hints: JumpHints): { article: ManifestArticle; strip: Strip } | null {
  const found: { article: ManifestArticle; strip: Strip }[] = [];
  for (const a of articles) {
    if (hints.get(a)?.from === fromPage) {
      found.push({ article: a, strip: { field: 'none', rest: '' } });
      continue;
    }
    const heads: [Strip['field'], string | null | undefined][] = [['subtitle', a.subtitle], ['kicker', a.kicker], ['byline', a.byline]];
    const first = a.body.find((b): b is TextBlock => b.type !== 'image');
    if (first) heads.push(['body', first.text]);
    for (const [field, text] of heads) {
      const j = text ? jumpFrom(text) : null;
      if (j && j.page === fromPage) {
        found.push({ article: a, strip: { field, rest: j.rest } });
        break;
      }
    }
  }
  return found.find((f) => f.article.title === title) ?? found[0] ?? null;
}

function merge(first: ManifestArticle, foot: { block: TextBlock; index: number; rest: string } | null, second: ManifestArticle, strip: Strip, secondPage: number): void {
  // A jump line still in the text leaves the first part's last paragraph (or goes, when it was a line of its own).
  if (foot && foot.rest === '') first.body.splice(foot.index, 1);
  else if (foot) first.body[foot.index] = { ...foot.block, text: foot.rest };
  // Text boxes are kept for the first part only: their offsets count in its own text, on its own page.
  const kept = articleText(asBlocks(first)).length;
  if (first.textBoxes) {
    first.textBoxes = packTextBoxes(unpackTextBoxes(Buffer.from(first.textBoxes, 'base64')).filter((b) => b.offset + b.length <= kept)).toString('base64');
  }
  // The continuation's head (its repeated headline, the 上接 line) is not text of the story.
  const body = [...second.body];
  if (strip.field === 'body') {
    const i = body.findIndex((b) => b.type !== 'image');
    const b = body[i] as TextBlock;
    if (strip.rest === '') body.splice(i, 1);
    else body[i] = { ...b, text: strip.rest };
  }
  // A continuation whose own headline differs from the story's keeps it as a sub-head; a repeated one is dropped.
  if (second.title !== first.title) body.unshift({ type: 'heading', text: second.title });
  first.body.push(...body);
  first.continuations = [...(first.continuations ?? []), { page: secondPage, hotspot: second.hotspot ?? null }];
  if (typeof first.confidence === 'number' && typeof second.confidence === 'number') first.confidence = Math.min(first.confidence, second.confidence);
}

/** The article in the shape articleText() reads. */
function asBlocks(a: ManifestArticle): { kicker: string | null; title: string; subtitle: string | null; byline: string | null; body: Block[] } {
  return {
    kicker: a.kicker ?? null,
    title: a.title,
    subtitle: a.subtitle ?? null,
    byline: a.byline ?? null,
    body: a.body.map((b): Block => (b.type === 'image' ? { type: 'image', src: b.src, caption: b.caption ?? undefined } : b)),
  };
}
