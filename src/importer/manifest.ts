import { z } from 'zod';
import { bodyBlockSchema, polygonSchema } from '../domain/blocks';
import { parseIssueDate } from '../domain/date';
import { checkedString, optionalText, relativePath, requiredText } from '../domain/fields';
import { publicationSchema } from '../domain/publication';
import { continuationsSchema } from '../domain/regions';

/**
 * The issue.json schema (docs/import-format.md). docs/issue.schema.json is
 * generated from it. Every object is strict: an unknown key (a typo such as
 * publishAT) is an error, not a field silently dropped.
 */

/** Array bounds of the format; the content checks of a manifest the schema refused stay within them too. */
export const MAX_PAGES = 99;
export const MAX_ARTICLES_PER_PAGE = 50;
export const MAX_BLOCKS_PER_ARTICLE = 2000;

export const articleSchema = z.strictObject({
  position: z.number().int().min(1).max(50),
  kicker: optionalText(200),
  title: requiredText(200),
  subtitle: optionalText(200),
  byline: optionalText(200),
  hotspot: polygonSchema.optional().nullable(),
  body: z.array(bodyBlockSchema).min(1).max(MAX_BLOCKS_PER_ARTICLE),
  /** How sure the PDF/scan importer's segmentation was (0..1); absent for hand-made articles. */
  confidence: z.number().min(0).max(1).optional().nullable(),
  /** The article's text boxes on the page image, packed (migrations/006_article_layout.sql) and base64-encoded. */
  textBoxes: z.string().max(4_000_000).regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64 text').optional().nullable(),
  /** Parts printed on other pages (转版), in reading order: the page and the part's hotspot there. */
  continuations: continuationsSchema.optional().nullable(),
});

export const pageSchema = z.strictObject({
  number: z.number().int().min(1).max(99),
  name: requiredText(50),
  image: relativePath,
  pdf: relativePath.optional().nullable(),
  articles: z.array(articleSchema).max(MAX_ARTICLES_PER_PAGE),
});

export const manifestSchema = z.strictObject({
  format: z.literal(1).optional(),
  publication: publicationSchema,
  date: checkedString().refine((d) => parseIssueDate(d) !== null, { message: 'a real calendar date YYYY-MM-DD' }),
  number: z.number().int().positive().optional().nullable(),
  publishAt: checkedString().check(z.iso.datetime({ offset: true })).optional().nullable(),
  pages: z.array(pageSchema).min(1).max(MAX_PAGES),
});

export type Manifest = z.infer<typeof manifestSchema>;
export type ManifestPage = z.infer<typeof pageSchema>;
export type ManifestArticle = z.infer<typeof articleSchema>;

/** What an issue.json may hold, as the demo and the benchmark generator write it. */
export type ManifestInput = z.input<typeof manifestSchema>;
export type ManifestPageInput = z.input<typeof pageSchema>;
export type ManifestArticleInput = z.input<typeof articleSchema>;
