import { dateParts, type IssueDate } from './date';

/**
 * How an article is cited: the names in its byline, the Highwire Press /
 * Google Scholar `citation_*` tags, and ready-made references in
 * GB/T 7714-2015 (newspaper article, [N/OL] for the online copy) and in the
 * Chicago Manual of Style (17th ed., bibliography, newspaper article).
 */

/** Words a byline puts around names: roles, agencies and the photo / text marks. */
const BYLINE_ROLES = /^(?:本报|本刊|新华社|中新社|人民网|央视|特约|见习|实习生?|首席|驻\S{0,6}|全媒体|融媒体)?(?:记者|通讯员|评论员|编辑|撰稿人|摄影记者|摄影|特派记者)?$/;
const MARK = /^(?:文|图|摄|文图|图文|撰文|口述|整理|供图)[/／:：]?/;

/**
 * The personal names of a byline (本报记者 林晓 通讯员 王敏 → 林晓, 王敏):
 * role words and the 文/ 图/ 摄 marks are dropped; a byline that names only
 * a desk (本报评论员) gives none.
 */
export function bylineNames(byline: string | null): string[] {
  if (!byline) return [];
  const names: string[] = [];
  for (let token of byline.split(/[\s、，,;；|]+/)) {
    token = token.replace(MARK, '').replace(/(?:摄影?|报道|文|图)$/, '').trim();
    // A role glued to a name (记者林晓): the role is cut off the front.
    const glued = /^(?:本报|新华社)?(?:特约|见习|首席)?(?:记者|通讯员|实习生)([\u4e00-\u9fff·]{2,4})$/.exec(token);
    if (glued) token = glued[1]!;
    if (token === '' || BYLINE_ROLES.test(token)) continue;
    // Chinese names of 2–4 characters (a · joins transliterated parts), or Latin-script names.
    if (/^[\u4e00-\u9fff][\u4e00-\u9fff·]{1,5}$/.test(token) || /^[A-Za-z][A-Za-z.'-]{1,40}$/.test(token)) names.push(token);
  }
  return [...new Set(names)];
}

/**
 * How imported text is set inside a reference: the web pages pass their
 * bidi isolation, so a title holding U+202E cannot reorder the rest of the
 * reference (src/web/view-model.ts isolated()).
 */
export type Wrap = (text: string) => string;
const same: Wrap = (text) => text;

export interface CitationInput {
  title: string;
  byline: string | null;
  paperName: string;
  language: string;
  date: IssueDate;
  /** The 版 of each part, in reading order (the article's own page first). */
  pages: number[];
  issueNumber: number | null;
  /** Absolute URLs. */
  url: string;
  pdfUrl: string | null;
}

/**
 * Highwire Press tags (what Google Scholar and Zotero read), in the order
 * Scholar documents them: one citation_title, each author, the date as
 * YYYY/MM/DD, the newspaper as the journal, the first and last page, the
 * full-text URLs.
 */
export function highwireTags(c: CitationInput): { name: string; content: string }[] {
  const { year, month, day } = dateParts(c.date);
  const slashed = `${year}/${String(month).padStart(2, '0')}/${String(day).padStart(2, '0')}`;
  const tags: { name: string; content: string }[] = [{ name: 'citation_title', content: c.title }];
  for (const name of bylineNames(c.byline)) tags.push({ name: 'citation_author', content: name });
  tags.push(
    { name: 'citation_publication_date', content: slashed },
    { name: 'citation_date', content: slashed },
    { name: 'citation_journal_title', content: c.paperName },
    { name: 'citation_publisher', content: c.paperName },
  );
  if (c.issueNumber !== null) tags.push({ name: 'citation_issue', content: String(c.issueNumber) });
  tags.push({ name: 'citation_firstpage', content: String(c.pages[0]) });
  if (c.pages.length > 1) tags.push({ name: 'citation_lastpage', content: String(c.pages[c.pages.length - 1]) });
  tags.push(
    { name: 'citation_language', content: c.language },
    { name: 'citation_public_url', content: c.url },
    { name: 'citation_abstract_html_url', content: c.url },
    { name: 'citation_fulltext_html_url', content: c.url },
  );
  if (c.pdfUrl) tags.push({ name: 'citation_pdf_url', content: c.pdfUrl });
  return tags;
}

/**
 * GB/T 7714-2015 §8 / A.7, a newspaper article read online:
 * 主要责任者. 题名[N/OL]. 报纸名, 出版日期(版次)[引用日期]. 获取和访问路径.
 * More than three authors are cut to three and 等; without one the
 * reference opens with the title (§8.1.1 allows 佚名 or leaving it out).
 */
export function gbt7714(c: CitationInput, accessed: IssueDate, wrap: Wrap = same): string {
  const names = bylineNames(c.byline).map(wrap);
  const authors = names.length > 3 ? `${names.slice(0, 3).join(', ')}, 等` : names.join(', ');
  const pages = c.pages.join(', ');
  return `${authors ? `${authors}. ` : ''}${wrap(c.title)}[N/OL]. ${wrap(c.paperName)}, ${c.date}(${pages})[${accessed}]. ${c.url}`;
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/**
 * Chicago 17th ed. (14.191, 14.198), bibliography entry of a newspaper
 * article consulted online: Author. "Headline." Newspaper, Month Day, Year, page. URL.
 * Chicago wants no access date when the article is dated.
 */
export function chicago(c: CitationInput, wrap: Wrap = same): string {
  const names = bylineNames(c.byline).map(wrap);
  const authors = names.length === 0 ? '' : names.length === 1 ? names[0]! : `${names.slice(0, -1).join(', ')}${names.length > 2 ? ',' : ''} and ${names[names.length - 1]}`;
  const { year, month, day } = dateParts(c.date);
  const pages = c.pages.length > 1 ? `pp. ${c.pages.join(', ')}` : `p. ${c.pages[0]}`;
  return `${authors ? `${authors}. ` : ''}“${wrap(c.title)}.” ${wrap(c.paperName)}, ${MONTHS[month - 1]} ${day}, ${year}, ${pages}. ${c.url}.`;
}
