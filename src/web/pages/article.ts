import { plainText, splitListBullet, type Block } from '../../domain/blocks';
import { chicago, gbt7714, highwireTags, type CitationInput } from '../../domain/citation';
import { clipAround, formatClipRect } from '../../domain/clip';
import { dateInZone, isoInZone } from '../../domain/date';
import { pageLabel } from '../../domain/page-number';
import { NotFound } from '../errors';
import { parsePageSegment, parsePositionSegment, resolveIssue, resolvePaper } from '../params';
import type { Request } from 'express';
import type { AppContext } from '../context';
import { page as pageAnswer } from '../delivery/answers';
import { urls } from '../urls';
import {
  absoluteUrl, articleRegions, headModel, hotspotPoints, isolated, issueDateLabel, issueJsonLd, pageTitle, paperCrumbs, publisherJsonLd,
} from '../view-model';
import type { Polygon } from '../../domain/blocks';
import type { Rendition } from '../../domain/page-images';
import { issueCachePolicy, loadChrome, paperData } from './common';
import { articleHits, highlightOf } from '../search-hits';

/**
 * The page as a small picture beside the article: the import's thumbnail
 * rendition (WebP with a JPEG fallback) when it made one, else the page image.
 */
function pageThumbnail(renditions: Rendition[], page: { image_path: string; image_width: number; image_height: number }) {
  const thumbs = renditions.filter((r) => r.purpose === 'thumbnail');
  const jpeg = thumbs.find((r) => r.format === 'jpeg');
  const webp = thumbs.find((r) => r.format === 'webp');
  const fallback = jpeg ?? webp;
  const viewBox = `0 0 ${page.image_width} ${page.image_height}`;
  if (!fallback) return { src: urls.media(page.image_path), webp: null, width: page.image_width, height: page.image_height, viewBox };
  return {
    src: urls.media(fallback.path),
    webp: webp && webp !== fallback ? urls.media(webp.path) : null,
    width: fallback.width,
    height: fallback.height,
    viewBox,
  };
}

/** A list's item: the bullet the text opened with (drawn once, as the marker) and the text after it. */
type ListItem = ReturnType<typeof splitListBullet>;
type BodyPart =
  | { type: 'paragraph' | 'heading' | 'quote'; text: string }
  | Extract<Block, { type: 'image' }>
  | { type: 'list'; items: ListItem[] };

/** The body as the template draws it: image paths as URLs, and consecutive list lines as one list. */
function bodyModel(blocks: Block[]): BodyPart[] {
  const parts: BodyPart[] = [];
  for (const b of blocks) {
    const last = parts[parts.length - 1];
    if (b.type === 'image') {
      parts.push({ ...b, src: urls.media(b.src) });
    } else if (b.type === 'list') {
      const item = splitListBullet(b.text);
      if (last?.type === 'list') last.items.push(item);
      else parts.push({ type: 'list', items: [item] });
    } else {
      parts.push({ type: b.type, text: b.text });
    }
  }
  return parts;
}

/** `/{paper}/{date}/{NN}/{k}`: one article, with 上一篇 / 下一篇 in reading order across the whole issue. */
export function articleView(req: Request, ctx: AppContext) {
  const paper = resolvePaper(req, ctx);
  const issue = resolveIssue(req, ctx, paper);
  const pageNumber = parsePageSegment(req, paper, issue);
  const position = parsePositionSegment(req, paper, issue);
  const article = ctx.queries.articleAt(issue.id, pageNumber, position);
  if (!article) throw new NotFound(`本版没有第${position}篇文章`, paper, issue);
  const pages = ctx.queries.pagesOfIssue(issue.id);
  const page = pages.find((p) => p.number === pageNumber)!;
  const onThisPage = ctx.queries.articlesOnPage(issue.id, pageNumber);
  const { prev, next } = ctx.queries.articleNeighbours(issue.id, article.seq);
  const link = (a: { page_number: number; position: number; title: string }) => ({
    path: urls.article(paper.slug, issue.date, a.page_number, a.position),
    title: a.title,
  });
  const body = JSON.parse(article.body_json) as Block[];
  const path = urls.article(paper.slug, issue.date, pageNumber, position);
  const crumbs = [...paperCrumbs(paper, issue, page), { name: article.title, path }];
  const dateLabel = issueDateLabel(issue.date);
  const image = article.image_path ?? page.image_path;
  // Reached from a search result (?hl=): the hits drawn on the page thumbnail, and passed on to the page view.
  const hl = highlightOf(req);
  const hits = hl ? articleHits({ ...article, boxes: ctx.queries.textBoxesOf(article.id) }, hl) : null;
  // Where each part was printed (转版): the article's own page first, then its continuations.
  const regions = ctx.queries.regionsOfArticle(article.id);
  const pageNumbers = regions.length > 0 ? regions.map((r) => r.page_number) : [pageNumber];
  const printedOn = pageNumbers.map((n) => ({
    label: `第${pageLabel(n)}版`,
    name: pages.find((q) => q.number === n)!.name,
    path: urls.page(paper.slug, issue.date, n),
    current: n === pageNumber,
  }));
  // The share card shows the article as printed: its region cut from the page, else its photo or the page.
  const clip = article.hotspot_json ? clipAround(JSON.parse(article.hotspot_json) as Polygon, page.image_width, page.image_height) : null;
  const url = absoluteUrl(ctx, path);
  const citation: CitationInput = {
    title: article.title,
    byline: article.byline,
    paperName: paper.name,
    language: paper.language,
    date: issue.date,
    pages: pageNumbers,
    issueNumber: issue.number,
    url,
    pdfUrl: page.pdf_path ? absoluteUrl(ctx, urls.media(page.pdf_path)) : null,
  };
  // The date this page is rendered (the render cache keeps pages a day at most); static/cite.js puts the reader's own date in.
  const accessed = dateInZone(ctx.now(), paper.timezone);
  return pageAnswer('article', {
    head: headModel(ctx, {
      title: `${article.title} – ${paper.name} – ${dateLabel}`,
      description: article.lead || article.title,
      path,
      crumbs,
      paper,
      json: urls.json(path),
      ogType: 'article',
      ogImage: image,
      ogImagePath: clip ? urls.clipImage(paper.slug, issue.date, pageNumber, formatClipRect(clip)) : null,
      meta: highwireTags(citation),
      jsonLd: [{
        '@context': 'https://schema.org',
        '@type': 'NewsArticle',
        headline: article.title.slice(0, 110),
        alternativeHeadline: article.subtitle ?? undefined,
        description: article.lead || undefined,
        datePublished: isoInZone(issue.publish_at, paper.timezone),
        dateModified: isoInZone(issue.modified_at, paper.timezone),
        author: article.byline ? { '@type': 'Person', name: article.byline } : { '@type': 'Organization', name: paper.name },
        publisher: publisherJsonLd(ctx, paper),
        image: [absoluteUrl(ctx, urls.media(image))],
        mainEntityOfPage: absoluteUrl(ctx, path),
        isPartOf: issueJsonLd(ctx, paper, issue),
        pageStart: String(pageNumber),
        pageEnd: pageNumbers.length > 1 ? String(pageNumbers[pageNumbers.length - 1]) : undefined,
        printEdition: issue.number ? `总第${issue.number}期` : dateLabel,
        printPage: pageNumbers.join(', '),
        printSection: page.name,
        inLanguage: paper.language,
      }],
    }),
    chrome: loadChrome(ctx, paper, issue),
    crumbs,
    paper: { name: paper.name, slug: paper.slug },
    issue: { date: issue.date, label: dateLabel, path: urls.issue(paper.slug, issue.date) },
    page: {
      label: pageTitle(page),
      path: urls.withHits(urls.page(paper.slug, issue.date, pageNumber), hits ? hl!.q : null),
      /** The search hits of ?hl= on the thumbnail: rectangles of the matched characters (page image pixels). */
      hits: hits ? hits.rects : [],
      thumbnail: pageThumbnail(ctx.queries.pageImages(page.id).renditions, page),
      /** This article's region, in page image pixels (the thumbnail's SVG viewBox). */
      region: hotspotPoints(article.hotspot_json),
    },
    pages: pages.map((p) => ({ label: pageTitle(p), path: urls.page(paper.slug, issue.date, p.number), current: p.number === pageNumber })),
    onThisPage: onThisPage.map((a) => ({
      title: a.title,
      kicker: a.kicker,
      path: urls.article(paper.slug, issue.date, pageNumber, a.position),
      current: a.position === position,
    })),
    archivePath: urls.archive(paper.slug),
    article: {
      kicker: article.kicker,
      title: article.title,
      subtitle: article.subtitle,
      byline: article.byline,
      body: bodyModel(body),
      /** 本文刊于第01版、第03版: only for a story printed on more than one page (转版). */
      printedOn: printedOn.length > 1 ? printedOn : null,
    },
    /** 引用: ready-made references, plain text a reader can select and copy. */
    cite: {
      gbt: gbt7714(citation, accessed, isolated),
      chicago: chicago(citation, isolated),
      accessed,
    },
    citeJs: ctx.assets.citeJs,
    prev: prev ? link(prev) : null,
    next: next ? link(next) : null,
  }, { cache: issueCachePolicy(ctx, paper, issue), lastModified: issue.modified_at }, (m) => {
    const abs = (p: string) => absoluteUrl(ctx, p);
    const neighbour = (n: { path: string; title: string } | null) => n && { title: n.title, url: abs(n.path), json: abs(urls.json(n.path)) };
    return {
      paper: paperData(ctx, paper),
      issue: { date: issue.date, label: dateLabel, url: abs(m.issue.path), json: abs(urls.json(m.issue.path)), manifest: abs(urls.issueManifest(paper.slug, issue.date)) },
      page: { number: pageNumber, label: pageLabel(pageNumber), name: page.name, title: m.page.label, url: abs(m.page.path), json: abs(urls.json(m.page.path)) },
      article: {
        position,
        kicker: article.kicker,
        title: article.title,
        subtitle: article.subtitle,
        byline: article.byline,
        url: abs(path),
        json: abs(urls.json(path)),
        regions: articleRegions(article, regions).map((r) => ({
          page: r.pageNumber,
          pageUrl: abs(urls.page(paper.slug, issue.date, r.pageNumber)),
          polygon: r.polygon,
        })),
        body: m.article.body.map((b) => (b.type === 'image'
          ? { type: 'image', src: abs(b.src), caption: b.caption ?? null, width: b.width ?? null, height: b.height ?? null }
          : b)),
        text: plainText(body),
      },
      previous: neighbour(m.prev),
      next: neighbour(m.next),
    };
  });
}
