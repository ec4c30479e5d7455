import type { Request } from 'express';
import type { AppContext } from '../context';
import type { DocumentAnswer } from '../delivery/answers';
import { urls } from '../urls';
import { element, XML_DECLARATION, xmlEscape } from '../xml';

export const SITE_NAME = '数字报刊平台';
export const OPENSEARCH_CONTENT_TYPE = 'application/opensearchdescription+xml; charset=utf-8';

/** `/robots.txt`: everything may be crawled but search results; the sitemaps are named with absolute URLs. */
export function robotsTxt(_req: Request, ctx: AppContext): DocumentAnswer {
  return {
    type: 'document',
    body: [
      'User-agent: *',
      'Allow: /',
      `Disallow: ${urls.search()}`,
      '',
      `Sitemap: ${ctx.config.baseUrl}${urls.sitemapIndex()}`,
      `Sitemap: ${ctx.config.baseUrl}${urls.newsSitemap()}`,
      '',
    ].join('\n'),
    contentType: 'text/plain; charset=utf-8',
    cache: 'latest',
    lastModified: null,
  };
}

/** `/opensearch.xml`: lets browsers add the site search (linked from every page's head). */
export function openSearch(_req: Request, ctx: AppContext): DocumentAnswer {
  const base = ctx.config.baseUrl;
  const body = [
    XML_DECLARATION,
    '<OpenSearchDescription xmlns="http://a9.com/-/spec/opensearch/1.1/">\n',
    element('ShortName', SITE_NAME), '\n',
    element('Description', `在${SITE_NAME}的全部报纸中检索文章`), '\n',
    element('InputEncoding', 'UTF-8'), '\n',
    element('OutputEncoding', 'UTF-8'), '\n',
    element('Language', 'zh-CN'), '\n',
    `<Image type="image/svg+xml">${xmlEscape(`${base}${urls.icon()}`)}</Image>\n`,
    `<Url type="text/html" method="get" template="${xmlEscape(`${base}${urls.search()}?q={searchTerms}`)}"/>\n`,
    `<Url type="application/opensearchdescription+xml" rel="self" template="${xmlEscape(`${base}${urls.opensearch()}`)}"/>\n`,
    '</OpenSearchDescription>\n',
  ].join('');
  return { type: 'document', body, contentType: OPENSEARCH_CONTENT_TYPE, cache: 'latest', lastModified: null };
}
