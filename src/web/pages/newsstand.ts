import type { Request } from 'express';
import type { AppContext } from '../context';
import { page } from '../delivery/answers';
import { issueDateWithWeekday, headModel, absoluteUrl } from '../view-model';
import { loadChrome, pagePicture } from './common';

/** A card's front page is as wide as the card (static/site.css .newsstand, .paper-card): about 300 px, or the phone's width less the padding. */
const FRONT_SIZES = '(min-width: 600px) 300px, calc(100vw - 3.5rem)';
import { urls } from '../urls';

/** `/`: every publication with its latest issue's front page. */
export function newsstand(_req: Request, ctx: AppContext) {
  const rows = ctx.queries.newsstand(ctx.now());
  const papers = rows.map((p) => ({
    name: p.name,
    description: p.description,
    path: urls.paper(p.slug),
    archivePath: urls.archive(p.slug),
    issuePath: p.issue_date ? urls.issue(p.slug, p.issue_date) : null,
    frontPath: p.issue_date ? urls.page(p.slug, p.issue_date, 1) : null,
    date: p.issue_date ? issueDateWithWeekday(p.issue_date) : null,
    number: p.issue_number ? `总第${p.issue_number}期` : null,
    // A rendition the width of the card, not the 2,400 px master (which stays the fallback for a page imported before renditions).
    picture: p.front_image_path && p.front_page_id !== null
      ? pagePicture({ image_path: p.front_image_path, image_width: p.front_image_width!, image_height: p.front_image_height! }, ctx.queries.pageImages(p.front_page_id), 'page', FRONT_SIZES)
      : null,
  }));
  const modified = rows.reduce((m, r) => Math.max(m, r.issue_modified_at ?? 0), 0);
  return page('newsstand', {
    head: headModel(ctx, {
      title: '数字报刊平台 · 电子报',
      description: `在线阅读${rows.map((r) => r.name).join('、')}的每一期、每一版、每一篇。`,
      path: urls.home(),
      crumbs: [{ name: '首页', path: urls.home() }],
      jsonLd: [{ '@context': 'https://schema.org', '@type': 'WebSite', name: '数字报刊平台', url: absoluteUrl(ctx, urls.home()),
        potentialAction: { '@type': 'SearchAction', target: `${absoluteUrl(ctx, urls.search())}?q={search_term_string}`, 'query-input': 'required name=search_term_string' } }],
    }),
    chrome: loadChrome(ctx, null, null),
    crumbs: [],
    papers,
  }, { cache: 'latest', lastModified: modified || null });
}
