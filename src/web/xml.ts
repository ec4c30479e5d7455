/**
 * XML for sitemaps, feeds and OpenSearch, built as plain strings: every
 * value goes through xmlEscape, which is safe both in text and in
 * double- or single-quoted attributes.
 */

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Characters XML 1.0 cannot carry at all, not even as references: C0 controls (but tab, LF, CR), lone surrogates, U+FFFE/U+FFFF. */
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

export function xmlEscape(value: string | number): string {
  return String(value).replace(NOT_XML_CHAR, '').replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

export const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';

/** `<name>escaped text</name>` */
export function element(name: string, text: string | number): string {
  return `<${name}>${xmlEscape(text)}</${name}>`;
}

/** When a reader-visible issue last changed: its last import, or the end of its embargo if that came later. */
export function visibleModifiedAt(issue: { modified_at: number; publish_at: number }): number {
  return Math.max(issue.modified_at, issue.publish_at);
}
