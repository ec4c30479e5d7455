import { z } from 'zod';
import { parseIssueDate } from '../domain/date';
import { cleanText, forbiddenCharacters, formatCodePoint, type TextShape } from '../domain/text-hygiene';

/**
 * The issue.json schema (docs/import-format.md). docs/issue.schema.json is
 * generated from it. Every object is strict: an unknown key (a typo such as
 * publishAT) is an error, not a field silently dropped.
 */

/** A string free of the characters imported text may not hold (src/domain/text-hygiene.ts), each refused by code point. */
const checkedString = (shape: TextShape) =>
  z.string().superRefine((s, ctx) => {
    const found = forbiddenCharacters(s, shape);
    if (found.length === 0) return;
    const { codePoint, position, reason } = found[0]!;
    const more = found.length > 1 ? ` (and ${found.length - 1} more in this field)` : '';
    ctx.addIssue({ code: 'custom', message: `${formatCodePoint(codePoint)} at character ${position} is ${reason}; remove it${more}` });
  });

/** Text readers see, stored in NFC without zero-width characters. */
const readerText = (shape: TextShape) => checkedString(shape).overwrite(cleanText).trim();

const text = (max: number, shape: TextShape = 'line') => readerText(shape).min(1).max(max);
const optionalText = (max: number) => readerText('line').max(max).optional().nullable();

/** A file path names the file as it is on disk: checked, never rewritten (NFC could name another file). */
export const relativePath = checkedString('line')
  .min(1)
  .max(300)
  .refine((p) => !p.startsWith('/') && !p.includes('\\') && !/^[a-zA-Z]:/.test(p) && !p.split('/').includes('..'), {
    message: 'a relative path inside the issue folder (no "..", no leading "/")',
  });

/** Array bounds of the format; the content checks of a manifest the schema refused stay within them too. */
export const MAX_PAGES = 99;
export const MAX_ARTICLES_PER_PAGE = 50;
export const MAX_BLOCKS_PER_ARTICLE = 2000;

const point = z.tuple([z.number().int().min(0), z.number().int().min(0)]);
export const hotspotSchema = z.array(point).min(3).max(64);

const textBlock = z.strictObject({
  type: z.enum(['paragraph', 'heading', 'list', 'quote']),
  text: text(20000, 'multiline'),
});
const imageBlock = z.strictObject({
  type: z.literal('image'),
  src: relativePath,
  caption: optionalText(500),
});

export const articleSchema = z.strictObject({
  position: z.number().int().min(1).max(50),
  kicker: optionalText(200),
  title: text(200),
  subtitle: optionalText(200),
  byline: optionalText(200),
  hotspot: hotspotSchema.optional().nullable(),
  body: z.array(z.discriminatedUnion('type', [textBlock, imageBlock])).min(1).max(MAX_BLOCKS_PER_ARTICLE),
});

export const pageSchema = z.strictObject({
  number: z.number().int().min(1).max(99),
  name: text(50),
  image: relativePath,
  pdf: relativePath.optional().nullable(),
  articles: z.array(articleSchema).max(MAX_ARTICLES_PER_PAGE),
});

// Zones found valid: a DateTimeFormat per manifest cost ~3 % of validating one.
const knownTimeZones = new Set<string>();

const timeZone = checkedString('line').refine(
  (tz) => {
    if (knownTimeZones.has(tz)) return true;
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz });
    } catch {
      return false;
    }
    knownTimeZones.add(tz);
    return true;
  },
  { message: 'an IANA time zone such as Asia/Shanghai' },
);

export const publicationSchema = z.strictObject({
  slug: checkedString('line')
    .max(64)
    .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'lowercase letters, digits and single hyphens, e.g. jiangcheng-daily'),
  name: text(100),
  description: optionalText(500),
  language: checkedString('line').regex(/^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/, 'a BCP 47 language tag such as zh-CN').optional(),
  timezone: timeZone.optional(),
});

export const manifestSchema = z.strictObject({
  format: z.literal(1).optional(),
  publication: publicationSchema,
  date: checkedString('line').refine((d) => parseIssueDate(d) !== null, { message: 'a real calendar date YYYY-MM-DD' }),
  number: z.number().int().positive().optional().nullable(),
  publishAt: checkedString('line').check(z.iso.datetime({ offset: true })).optional().nullable(),
  pages: z.array(pageSchema).min(1).max(MAX_PAGES),
});

export type Manifest = z.infer<typeof manifestSchema>;
export type ManifestPage = z.infer<typeof pageSchema>;
export type ManifestArticle = z.infer<typeof articleSchema>;
