import { z } from 'zod';
import { parseIssueDate } from '../domain/date';

/** The issue.json schema (docs/import-format.md). docs/issue.schema.json is generated from it. */

const relativePath = z
  .string()
  .min(1)
  .max(300)
  .refine((p) => !p.startsWith('/') && !p.includes('\\') && !/^[a-zA-Z]:/.test(p) && !p.split('/').includes('..'), {
    message: 'a relative path inside the issue folder (no "..", no leading "/")',
  });

const text = (max: number) => z.string().trim().min(1).max(max);
const optionalText = (max: number) => z.string().trim().max(max).optional().nullable();

const point = z.tuple([z.number().int().min(0), z.number().int().min(0)]);

const textBlock = z.object({
  type: z.enum(['paragraph', 'heading', 'list', 'quote']),
  text: text(20000),
});
const imageBlock = z.object({
  type: z.literal('image'),
  src: relativePath,
  caption: optionalText(500),
});

export const articleSchema = z.object({
  position: z.number().int().min(1).max(50),
  kicker: optionalText(200),
  title: text(200),
  subtitle: optionalText(200),
  byline: optionalText(200),
  hotspot: z.array(point).min(3).max(64).optional().nullable(),
  body: z.array(z.discriminatedUnion('type', [textBlock, imageBlock])).min(1).max(2000),
  /** How sure the PDF/scan importer's segmentation was (0..1); absent for hand-made articles. */
  confidence: z.number().min(0).max(1).optional().nullable(),
  /** The article's text boxes on the page image, packed (migrations/006_article_layout.sql) and base64-encoded. */
  textBoxes: z.string().max(4_000_000).regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64 text').optional().nullable(),
});

export const pageSchema = z.object({
  number: z.number().int().min(1).max(99),
  name: text(50),
  image: relativePath,
  pdf: relativePath.optional().nullable(),
  articles: z.array(articleSchema).max(50),
});

// Zones found valid: a DateTimeFormat per manifest cost ~3 % of validating one.
const knownTimeZones = new Set<string>();

const timeZone = z.string().refine(
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

export const manifestSchema = z.object({
  format: z.literal(1).optional(),
  publication: z.object({
    slug: z
      .string()
      .max(64)
      .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'lowercase letters, digits and single hyphens, e.g. jiangcheng-daily'),
    name: text(100),
    description: optionalText(500),
    language: z.string().regex(/^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/, 'a BCP 47 language tag such as zh-CN').optional(),
    timezone: timeZone.optional(),
  }),
  date: z.string().refine((d) => parseIssueDate(d) !== null, { message: 'a real calendar date YYYY-MM-DD' }),
  number: z.number().int().positive().optional().nullable(),
  publishAt: z.iso.datetime({ offset: true }).optional().nullable(),
  pages: z.array(pageSchema).min(1).max(99),
});

export type Manifest = z.infer<typeof manifestSchema>;
export type ManifestPage = z.infer<typeof pageSchema>;
export type ManifestArticle = z.infer<typeof articleSchema>;
