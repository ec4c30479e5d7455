import type { Polygon } from '../../domain/blocks';
import { pageLabel } from '../../domain/page-number';
import { parsePageSegment, resolveIssue, resolvePaper } from '../params';
import type { Request } from 'express';
import type { AppContext } from '../context';
import { page as pageAnswer } from '../delivery/answers';
import { urls } from '../urls';
import { absoluteUrl, articleRegions, headModel, hotspotPoints, issueDateLabel, issueJsonLd, pageTitle, paperCrumbs } from '../view-model';
import { OPENSEADRAGON } from '../vendor';
import { highlightOf, pageHits } from '../search-hits';
import { issueCachePolicy, issueNavigation, loadChrome, onThisDay, pagePicture, paperData, searchThisIssue } from './common';

/**
 * The page image's displayed width (static/site.css, .page-layout): the
 * width of <main> less its padding on phones, three fifths of it beside the
 * title list from 900 px.
 */
const PAGE_IMAGE_SIZES = '(min-width: 900px) calc((min(100vw, 1280px) - 3.5rem) * .6), calc(100vw - 1.5rem)';

/** `/{paper}/{date}/{NN}`: the page image with a hotspot over every article (热区) and the page navigation. */
export function pageView(req: Request, ctx: AppContext) {
  const paper = resolvePaper(req, ctx);
  const issue = resolveIssue(req, ctx, paper);
  const number = parsePageSegment(req, paper, issue);
  const pages = ctx.queries.pagesOfIssue(issue.id);
  const page = pages.find((p) => p.number === number)!;
  const articles = ctx.queries.articlesOfPage(issue.id, number);
  // Stories of other pages that continue here (转版): their parts lead to the one article URL.
  const continued = ctx.queries.continuationsOnPage(page.id);
  const path = urls.page(paper.slug, issue.date, number);
  const crumbs = paperCrumbs(paper, issue, page);
  const prevPage = pages.find((p) => p.number === number - 1);
  const nextPage = pages.find((p) => p.number === number + 1);
  const dateLabel = issueDateLabel(issue.date);
  const nav = issueNavigation(ctx, paper, issue);
  const derived = ctx.queries.pageImages(page.id);
  // From a search result: the query's hits drawn on the page image; the articles that hold one keep ?hl= in their links.
  const hl = highlightOf(req);
  const hits = hl ? pageHits(ctx.queries.layoutsOfPage(page.id), hl) : [];
  const hitAt = new Map(hits.map((h) => [h.position, h]));
  return pageAnswer('page', {
    head: headModel(ctx, {
      title: `${pageTitle(page)} – ${paper.name} – ${dateLabel}`,
      description: `${paper.name}${dateLabel}${pageTitle(page)}:${articles.map((a) => a.title).join(';')}`,
      path,
      crumbs,
      paper,
      json: urls.json(path),
      ogImage: page.image_path,
      jsonLd: [{
        '@context': 'https://schema.org', '@type': 'CollectionPage', name: `${pageTitle(page)} ${paper.name} ${dateLabel}`, url: absoluteUrl(ctx, path),
        isPartOf: issueJsonLd(ctx, paper, issue),
        image: absoluteUrl(ctx, urls.media(page.image_path)),
        hasPart: [...articles, ...continued].map((a) => ({ '@type': 'NewsArticle', headline: a.title, url: absoluteUrl(ctx, urls.article(paper.slug, issue.date, a.page_number, a.position)) })),
      }],
    }),
    chrome: loadChrome(ctx, paper, issue),
    crumbs,
    paper: { name: paper.name, slug: paper.slug },
    issue: { date: issue.date, path: urls.issue(paper.slug, issue.date), pdfPath: issue.pdf_path ? urls.issuePdf(paper.slug, issue.date) : null },
    page: {
      label: pageTitle(page),
      number: pageLabel(number),
      picture: pagePicture(page, derived, 'page', PAGE_IMAGE_SIZES),
      /** 放大: the master at full resolution; with JavaScript, the deep-zoom viewer over its IIIF tiles. */
      zoom: {
        full: urls.media(page.image_path),
        info: derived.tiles ? `${urls.iiif(derived.tiles.id)}/info.json` : null,
        viewer: urls.openseadragon(OPENSEADRAGON.version, 'openseadragon.min.js'),
        images: urls.openseadragon(OPENSEADRAGON.version, 'images/'),
      },
      pdfPath: page.pdf_path ? urls.media(page.pdf_path) : null,
    },
    articles: articles.map((a) => ({
      /** Ties a title of 本版文章 to its region on the page image (static/page.js). */
      key: `a${a.position}`,
      title: a.title,
      kicker: a.kicker,
      subtitle: a.subtitle,
      path: urls.withHits(urls.article(paper.slug, issue.date, number, a.position), hitAt.has(a.position) ? hl!.q : null),
      points: hotspotPoints(a.hotspot_json),
      hit: hitAt.has(a.position),
      continuedFrom: null as string | null,
    })).concat(continued.map((a) => ({
      key: `c${a.seq}`,
      title: a.title,
      kicker: a.kicker,
      subtitle: a.subtitle,
      path: urls.article(paper.slug, issue.date, a.page_number, a.position),
      points: hotspotPoints(a.region_json),
      hit: false,
      /** 上接第01版: the page the story starts on. */
      continuedFrom: `上接第${pageLabel(a.page_number)}版`,
    }))),
    /** The search hits on this page (?hl=): rectangles of matched characters, or whole regions of articles without text boxes. */
    hits: hl ? {
      q: hl.q,
      rects: hits.flatMap((h) => h.rects),
      regions: hits.flatMap((h) => {
        const points = h.regionOnly ? hotspotPoints(articles.find((a) => a.position === h.position)?.hotspot_json ?? null) : null;
        return points ? [points] : [];
      }),
      articles: hits.length,
      clearPath: path,
    } : null,
    clipTool: { base: urls.clip(paper.slug, issue.date, number, ''), script: ctx.assets.citeJs },
    pages: pages.map((p) => ({ label: pageTitle(p), path: urls.page(paper.slug, issue.date, p.number), current: p.number === number })),
    prevPage: prevPage ? { path: urls.page(paper.slug, issue.date, prevPage.number), label: pageTitle(prevPage) } : null,
    nextPage: nextPage ? { path: urls.page(paper.slug, issue.date, nextPage.number), label: pageTitle(nextPage) } : null,
    nav,
    /** 历史上的今天, beside the front page (where the paper's home lands). */
    onThisDay: number === pages[0]!.number ? onThisDay(ctx, paper, issue) : [],
    searchScope: searchThisIssue(paper, issue),
  }, { cache: issueCachePolicy(ctx, paper, issue), lastModified: issue.modified_at }, (m) => {
    const abs = (p: string) => absoluteUrl(ctx, p);
    const neighbour = (p: typeof prevPage) => p && { number: p.number, title: pageTitle(p), url: abs(urls.page(paper.slug, issue.date, p.number)), json: abs(urls.json(urls.page(paper.slug, issue.date, p.number))) };
    return {
      paper: paperData(ctx, paper),
      issue: { date: issue.date, label: dateLabel, url: abs(m.issue.path), json: abs(urls.json(m.issue.path)), manifest: abs(urls.issueManifest(paper.slug, issue.date)) },
      page: {
        number,
        label: m.page.number,
        name: page.name,
        title: m.page.label,
        url: abs(path),
        json: abs(urls.json(path)),
        image: { url: abs(m.page.zoom.full), width: page.image_width, height: page.image_height },
        iiif: derived.tiles ? abs(urls.iiif(derived.tiles.id)) : null,
        pdf: m.page.pdfPath && abs(m.page.pdfPath),
        previous: neighbour(prevPage),
        next: neighbour(nextPage),
      },
      articles: articles.map((a, i) => ({
        position: a.position,
        kicker: a.kicker,
        title: a.title,
        subtitle: a.subtitle,
        url: abs(m.articles[i]!.path),
        json: abs(urls.json(m.articles[i]!.path)),
        region: articleRegions(a).find((r) => r.pageNumber === number)?.polygon ?? null,
      })),
      // Parts of stories from other pages printed here (转版): each leads to its one article URL.
      continued: continued.map((a) => {
        const articlePath = urls.article(paper.slug, issue.date, a.page_number, a.position);
        return {
          page: a.page_number,
          position: a.position,
          kicker: a.kicker,
          title: a.title,
          subtitle: a.subtitle,
          url: abs(articlePath),
          json: abs(urls.json(articlePath)),
          region: a.region_json ? (JSON.parse(a.region_json) as Polygon) : null,
        };
      }),
    };
  });
}
