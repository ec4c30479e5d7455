import type { RequestHandler } from 'express';
import type { AppContext } from '../context';
import { urls } from '../urls';
import { element, sendDocument, XML_DECLARATION, xmlEscape } from '../xml';

export const SITE_NAME = '数字报刊平台';
export const OPENSEARCH_CONTENT_TYPE = 'application/opensearchdescription+xml; charset=utf-8';

/** `/robots.txt`: everything may be crawled but search results; the sitemaps are named with absolute URLs. */
export function robotsTxt(ctx: AppContext): RequestHandler {
  return (req, res) => {
    sendDocument(ctx, req, res, () => ({
      body: [
        'User-agent: *',
        'Allow: /',
        `Disallow: ${urls.search()}`,
        '',
        `Sitemap: ${ctx.config.baseUrl}/sitemap.xml`,
        `Sitemap: ${ctx.config.baseUrl}/news-sitemap.xml`,
        '',
      ].join('\n'),
      contentType: 'text/plain; charset=utf-8',
      cache: 'latest',
      lastModified: null,
    }));
  };
}

/** `/opensearch.xml`: lets browsers add the site search (linked from every page's head). */
export function openSearch(ctx: AppContext): RequestHandler {
  return (req, res) => {
    sendDocument(ctx, req, res, () => {
      const base = ctx.config.baseUrl;
      const body = [
        XML_DECLARATION,
        '<OpenSearchDescription xmlns="http://a9.com/-/spec/opensearch/1.1/">\n',
        element('ShortName', SITE_NAME), '\n',
        element('Description', `在${SITE_NAME}的全部报纸中检索文章`), '\n',
        element('InputEncoding', 'UTF-8'), '\n',
        element('OutputEncoding', 'UTF-8'), '\n',
        element('Language', 'zh-CN'), '\n',
        `<Image type="image/svg+xml">${xmlEscape(`${base}/static/icon.svg`)}</Image>\n`,
        `<Url type="text/html" method="get" template="${xmlEscape(`${base}${urls.search()}?q={searchTerms}`)}"/>\n`,
        `<Url type="application/opensearchdescription+xml" rel="self" template="${xmlEscape(`${base}/opensearch.xml`)}"/>\n`,
        '</OpenSearchDescription>\n',
      ].join('');
      return { body, contentType: OPENSEARCH_CONTENT_TYPE, cache: 'latest', lastModified: null };
    });
  };
}
