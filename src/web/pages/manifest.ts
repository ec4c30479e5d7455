// `/{paper}/{date}/manifest.json`: an issue as a IIIF Presentation 3
// manifest (docs/api.md, "IIIF manifest"), for IIIF viewers and libraries.

import type { Request } from 'express';
import { plainText, polygonBounds, type Block, type Polygon } from '../../domain/blocks';
import { isoInZone } from '../../domain/date';
import { pageLabel } from '../../domain/page-number';
import type { PageDerivatives } from '../../domain/page-images';
import type { ArticleTextRow, PageRow } from '../../db/queries';
import type { AppContext } from '../context';
import { jsonBody, OPEN_TO_OTHER_ORIGINS, type DocumentAnswer } from '../delivery/answers';
import { resolveIssue, resolvePaper } from '../params';
import { urls } from '../urls';
import { absoluteUrl, articleRegions, IIIF_MANIFEST_TYPE, issueDateLabel, issueNumberLabel, pageTitle, type ArticleRegion } from '../view-model';
import { issueCachePolicy } from './common';

const PRESENTATION3_CONTEXT = 'http://iiif.io/api/presentation/3/context.json';
/** Labels are the site's own Simplified Chinese words and the paper's titles. */
const LABEL_LANGUAGE = 'zh-Hans';

const IMAGE_FORMATS: Record<string, string> = { png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', webp: 'image/webp' };

/** A IIIF language map. */
function label(text: string): Record<string, string[]> {
  return { [LABEL_LANGUAGE]: [text] };
}

function imageFormat(storePath: string): string {
  return IMAGE_FORMATS[storePath.slice(storePath.lastIndexOf('.') + 1).toLowerCase()] ?? 'image/png';
}

/** The region as a Web Annotation selector: its bounding box (xywh, which every viewer reads) and the polygon itself (SVG). */
function regionSelectors(polygon: Polygon) {
  const b = polygonBounds(polygon);
  const points = polygon.map(([x, y]) => `${x},${y}`).join(' ');
  return [
    { type: 'FragmentSelector', conformsTo: 'http://www.w3.org/TR/media-frags/', value: `xywh=${b.x},${b.y},${b.width},${b.height}` },
    { type: 'SvgSelector', value: `<svg xmlns="http://www.w3.org/2000/svg"><polygon points="${points}"/></svg>` },
  ];
}

/** The manifest of one issue: each 版 a Canvas, each article a Range over its regions with its text as an annotation. */
export function iiifManifest(req: Request, ctx: AppContext): DocumentAnswer {
  const paper = resolvePaper(req, ctx);
  const issue = resolveIssue(req, ctx, paper);
  const pages = ctx.queries.pagesOfIssue(issue.id);
  const articles = ctx.queries.articleTextsOfIssue(issue.id);
  const derived = ctx.queries.pageImagesOfIssue(issue.id);
  const abs = (path: string) => absoluteUrl(ctx, path);
  const dateLabel = issueDateLabel(issue.date);
  const issuePath = urls.issue(paper.slug, issue.date);
  // Ids of the manifest's own resources: under the issue's URL, not dereferenceable on their own.
  const base = `${abs(issuePath)}/iiif`;
  const canvasId = (page: number) => `${base}/canvas/${pageLabel(page)}`;
  const articleKey = (a: ArticleTextRow) => `${pageLabel(a.page_number)}-${a.position}`;

  /** A region as a target: the part of its canvas, or the whole canvas when the article has no outline. */
  const regionTarget = (r: ArticleRegion) => (r.polygon
    ? { type: 'SpecificResource', source: { id: canvasId(r.pageNumber), type: 'Canvas' }, selector: regionSelectors(r.polygon) }
    : null);
  const regionsOf = new Map(articles.map((a) => [a.id, articleRegions(a, ctx.queries.regionsOfArticle(a.id))]));

  /** The article's text, on the canvas where it starts, targeting every region it was printed in. */
  const textAnnotation = (a: ArticleTextRow) => {
    const regions = regionsOf.get(a.id)!;
    const targets = regions.map((r) => regionTarget(r) ?? canvasId(r.pageNumber));
    const text = [a.kicker, a.title, a.subtitle, a.byline, plainText(JSON.parse(a.body_json) as Block[])].filter((t) => t).join('\n');
    return {
      id: `${base}/annotation/${articleKey(a)}`,
      type: 'Annotation',
      motivation: 'supplementing',
      label: label(a.title),
      body: { type: 'TextualBody', value: text, format: 'text/plain', language: paper.language },
      target: targets.length === 1 ? targets[0] : targets,
    };
  };

  const canvas = (p: PageRow, images: PageDerivatives | undefined) => {
    const id = canvasId(p.number);
    const thumb = images?.renditions.find((r) => r.purpose === 'thumbnail' && r.format === 'jpeg');
    const starting = articles.filter((a) => regionsOf.get(a.id)![0]!.pageNumber === p.number);
    const pagePath = urls.page(paper.slug, issue.date, p.number);
    return {
      id,
      type: 'Canvas',
      label: label(pageTitle(p)),
      width: p.image_width,
      height: p.image_height,
      thumbnail: thumb ? [{ id: abs(urls.media(thumb.path)), type: 'Image', format: 'image/jpeg', width: thumb.width, height: thumb.height }] : undefined,
      homepage: [{ id: abs(pagePath), type: 'Text', label: label(pageTitle(p)), format: 'text/html', language: [LABEL_LANGUAGE] }],
      seeAlso: [{ id: abs(urls.json(pagePath)), type: 'Dataset', label: label(`${pageTitle(p)} 数据`), format: 'application/json' }],
      rendering: p.pdf_path ? [{ id: abs(urls.media(p.pdf_path)), type: 'Text', label: label(`${pageTitle(p)} PDF`), format: 'application/pdf' }] : undefined,
      items: [{
        id: `${id}/page`,
        type: 'AnnotationPage',
        items: [{
          id: `${id}/image`,
          type: 'Annotation',
          motivation: 'painting',
          body: {
            id: abs(urls.media(p.image_path)),
            type: 'Image',
            format: imageFormat(p.image_path),
            width: p.image_width,
            height: p.image_height,
            // Only pages imported with tiles have an image service; the others are painted by their master alone.
            service: images?.tiles ? [{ id: abs(urls.iiif(images.tiles.id)), type: 'ImageService3', profile: 'level0' }] : undefined,
          },
          target: id,
        }],
      }],
      annotations: starting.length ? [{ id: `${id}/text`, type: 'AnnotationPage', items: starting.map(textAnnotation) }] : undefined,
    };
  };

  const articleRange = (a: ArticleTextRow) => {
    const path = urls.article(paper.slug, issue.date, a.page_number, a.position);
    return {
      id: `${base}/range/${articleKey(a)}`,
      type: 'Range',
      label: label(a.title),
      homepage: [{ id: abs(path), type: 'Text', label: label(a.title), format: 'text/html', language: [LABEL_LANGUAGE] }],
      seeAlso: [{ id: abs(urls.json(path)), type: 'Dataset', label: label(`${a.title} 数据`), format: 'application/json' }],
      items: regionsOf.get(a.id)!.map((r) => regionTarget(r) ?? { id: canvasId(r.pageNumber), type: 'Canvas' }),
    };
  };

  const manifest = {
    '@context': PRESENTATION3_CONTEXT,
    id: abs(urls.issueManifest(paper.slug, issue.date)),
    type: 'Manifest',
    label: label(`${paper.name} ${dateLabel}`),
    summary: label(`${paper.name}${dateLabel}共${issue.page_count}版,${issue.article_count}篇文章。`),
    metadata: [
      { label: label('报纸'), value: label(paper.name) },
      { label: label('出版日期'), value: label(dateLabel) },
      ...(issueNumberLabel(issue) ? [{ label: label('期号'), value: label(issueNumberLabel(issue)!) }] : []),
      { label: label('版数'), value: label(`共${issue.page_count}版`) },
    ],
    requiredStatement: paper.copyright ? { label: label('版权'), value: label(paper.copyright) } : undefined,
    navDate: isoInZone(issue.publish_at, paper.timezone),
    viewingDirection: 'left-to-right',
    behavior: ['individuals'],
    homepage: [{ id: abs(issuePath), type: 'Text', label: label(`${paper.name} ${dateLabel}`), format: 'text/html', language: [LABEL_LANGUAGE] }],
    seeAlso: [{ id: abs(urls.json(issuePath)), type: 'Dataset', label: label('本期数据'), format: 'application/json' }],
    rendering: issue.pdf_path
      ? [{ id: abs(urls.issuePdf(paper.slug, issue.date)), type: 'Text', label: label('整期 PDF'), format: 'application/pdf' }]
      : undefined,
    provider: [{
      id: abs(urls.paper(paper.slug)),
      type: 'Agent',
      label: label(paper.publisher ?? paper.name),
      homepage: [{ id: abs(urls.paper(paper.slug)), type: 'Text', label: label(paper.name), format: 'text/html' }],
    }],
    items: pages.map((p) => canvas(p, derived.get(p.id))),
    // 版面目录: a range for each 版, holding its canvas and the ranges of the articles that start on it.
    structures: pages.map((p) => ({
      id: `${base}/range/${pageLabel(p.number)}`,
      type: 'Range',
      label: label(pageTitle(p)),
      items: [
        { id: canvasId(p.number), type: 'Canvas' },
        ...articles.filter((a) => regionsOf.get(a.id)![0]!.pageNumber === p.number).map(articleRange),
      ],
    })),
  };
  return {
    type: 'document',
    body: jsonBody(manifest),
    contentType: IIIF_MANIFEST_TYPE,
    cache: issueCachePolicy(ctx, paper, issue),
    lastModified: issue.modified_at,
    headers: OPEN_TO_OTHER_ORIGINS,
  };
}
