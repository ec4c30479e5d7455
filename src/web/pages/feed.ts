import type { Request } from 'express';
import { isoInZone } from '../../domain/date';
import type { AppContext } from '../context';
import { NotFound } from '../errors';
import { resolvePaper } from '../params';
import { urls } from '../urls';
import { issueDateLabel, pageTitle } from '../view-model';
import type { DocumentAnswer } from '../delivery/answers';
import { element, visibleModifiedAt, XML_DECLARATION, xmlEscape } from '../xml';
import { sitemapQueries } from './common';

export const ATOM_CONTENT_TYPE = 'application/atom+xml; charset=utf-8';

/**
 * `/{paper}/feed.xml`: an Atom feed (RFC 4287) of the latest published
 * issue, one entry per article in reading order. Entry ids are the
 * article's absolute URL, which never changes. `updated` is when readers
 * could last see a change: the issue's last import, or its embargo end if
 * it was imported ahead of publication.
 */
export function paperFeed(req: Request, ctx: AppContext): DocumentAnswer {
  const paper = resolvePaper(req, ctx);
  const issue = ctx.queries.latestIssue(paper.id, ctx.now());
  if (!issue) throw new NotFound(`${paper.name}还没有出版`, paper);
  const abs = (path: string) => ctx.config.baseUrl + path;
  const tz = paper.timezone;
  const updated = isoInZone(visibleModifiedAt(issue), tz);
  const published = isoInZone(issue.publish_at, tz);
  const entries = sitemapQueries(ctx).feedArticles(issue.id).map((a) => {
    const url = abs(urls.article(paper.slug, issue.date, a.page_number, a.position));
    return [
      '<entry>',
      element('id', url),
      element('title', a.title),
      `<link rel="alternate" type="text/html" href="${xmlEscape(url)}"/>`,
      element('published', published),
      element('updated', updated),
      `<author>${element('name', a.byline?.trim() || paper.name)}</author>`,
      `<category term="${xmlEscape(pageTitle({ number: a.page_number, name: a.page_name }))}"/>`,
      a.lead ? element('summary', a.lead) : '',
      '</entry>\n',
    ].join('');
  });
  const body = [
    XML_DECLARATION,
    `<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${xmlEscape(paper.language)}">\n`,
    element('id', abs(urls.feed(paper.slug))), '\n',
    element('title', paper.name), '\n',
    element('subtitle', `${paper.name} ${issueDateLabel(issue.date)}${paper.description ? ` · ${paper.description}` : ''}`), '\n',
    element('updated', updated), '\n',
    `<link rel="self" type="application/atom+xml" href="${xmlEscape(abs(urls.feed(paper.slug)))}"/>\n`,
    `<link rel="alternate" type="text/html" href="${xmlEscape(abs(urls.issue(paper.slug, issue.date)))}"/>\n`,
    `<author>${element('name', paper.name)}</author>\n`,
    element('icon', abs(urls.icon())), '\n',
    `<generator uri="${xmlEscape(abs(urls.home()))}">数字报刊平台</generator>\n`,
    ...entries,
    '</feed>\n',
  ].join('');
  return { type: 'document', body, contentType: ATOM_CONTENT_TYPE, cache: 'latest', lastModified: visibleModifiedAt(issue) };
}
