import { z } from 'zod';
import { isTimeZone, parseIssueDate } from './date';
import { checkedString, optionalText, relativePath, requiredText } from './fields';

/** A newspaper as an issue's manifest names it; the slug is its URL segment and its identity. */
export const publicationSchema = z.strictObject({
  slug: checkedString()
    .max(64)
    .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'lowercase letters, digits and single hyphens, e.g. jiangcheng-daily'),
  name: requiredText(100),
  description: optionalText(500),
  language: checkedString().regex(/^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/, 'a BCP 47 language tag such as zh-CN').optional(),
  timezone: checkedString().refine(isTimeZone, { message: 'an IANA time zone such as Asia/Shanghai' }).optional(),
  /** The date of the paper's real first issue (创刊号), which the archive may or may not hold. */
  firstIssueDate: checkedString().refine((s) => parseIssueDate(s) !== null, { message: 'a date YYYY-MM-DD' }).optional(),
  /** 主办: who publishes the paper, for the footer (e.g. 中共江城市委). */
  publisher: optionalText(200),
  /** 版权: the paper's copyright line, for the footer. */
  copyright: optionalText(200),
  /** 联系: address, telephone or mail of the newsroom, for the footer. */
  contact: optionalText(200),
  /**
   * The paper's logo (报头 artwork) for the masthead: a PNG, JPEG or WebP file of
   * the issue folder. Without one the masthead sets the name in type. Not part
   * of the paper's identity: the latest issue that gives one sets it.
   */
  logo: relativePath.optional(),
});

/** A publication as an issue.json may write it. */
export type PublicationInput = z.input<typeof publicationSchema>;
export type Publication = z.infer<typeof publicationSchema>;

/** A publication as the importer stores it: an omitted text field or first issue date is null, language and time zone are filled in. */
export const storedPublicationSchema = publicationSchema.omit({ logo: true }).extend({
  description: z.string().nullable(),
  firstIssueDate: z.string().nullable(),
  publisher: z.string().nullable(),
  copyright: z.string().nullable(),
  contact: z.string().nullable(),
  language: z.string(),
  timezone: z.string(),
});
export type StoredPublication = z.infer<typeof storedPublicationSchema>;
