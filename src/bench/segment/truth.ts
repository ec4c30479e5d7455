// The ground truth the segmentation benchmark scores against: what the typesetter put on every
// generated page, measured in the browser. One JSON file (truth.json) beside the page PDFs.
import { z } from 'zod';
import { storedBlockSchema } from '../../domain/blocks';

/** A rectangle in PDF points, origin at the page's top-left corner. */
export const boxSchema = z.object({
  x: z.number(),
  y: z.number(),
  w: z.number().nonnegative(),
  h: z.number().nonnegative(),
});
export type Box = z.infer<typeof boxSchema>;

export const truthArticleSchema = z.object({
  /** Stable within the corpus, e.g. "i2-p03-a4". */
  id: z.string(),
  kicker: z.string().nullable(),
  title: z.string(),
  subtitle: z.string().nullable(),
  byline: z.string().nullable(),
  /** The body as typeset, in the blocks an imported article stores (photos with their captions); jump lines (转第X版) excluded. */
  body: z.array(storedBlockSchema).min(1),
  /** Everything of the article on the page (headline, columns, photo, jump line), as a few rectangles. */
  boxes: z.array(boxSchema).min(1),
  /** The story goes on (转第N版) or comes from (接第N版) another page of the issue. */
  continuedTo: z.number().int().nullable(),
  continuedFrom: z.number().int().nullable(),
  /** What it printed: one rectangle per line of text, and its photos (what content IoU samples). */
  ink: z.object({ lines: z.array(boxSchema), photos: z.array(boxSchema) }),
  /** The article's frames follow an L (a dogleg around another story). */
  lShaped: z.boolean(),
});
export type TruthArticle = z.infer<typeof truthArticleSchema>;

export const pageHeaderSchema = z.object({
  number: z.number().int().nullable(),
  name: z.string().nullable(),
  dateText: z.string().nullable(),
});
export type PageHeader = z.infer<typeof pageHeaderSchema>;

export const truthPageSchema = z.object({
  /** The page's PDF, relative to the corpus folder. */
  file: z.string(),
  issue: z.number().int().min(1),
  widthPt: z.number().positive(),
  heightPt: z.number().positive(),
  header: pageHeaderSchema,
  /** A page of advertisements (广告): it holds no articles. */
  ad: z.boolean(),
  masthead: z.boolean(),
  columns: z.number().int().min(1),
  /** In reading order. */
  articles: z.array(truthArticleSchema),
});
export type TruthPage = z.infer<typeof truthPageSchema>;

export const corpusTruthSchema = z.object({
  version: z.number().int(),
  seed: z.number().int(),
  pages: z.array(truthPageSchema),
});
export type CorpusTruth = z.infer<typeof corpusTruthSchema>;
