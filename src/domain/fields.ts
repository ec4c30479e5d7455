import { z } from 'zod';
import { cleanText, forbiddenCharacters, formatCodePoint, type TextShape } from './text-hygiene';

// Field kinds of the import format (docs/import-format.md), shared by every schema a manifest is made of.

/** A string free of the characters imported text may not hold (text-hygiene.ts), each refused by code point. */
export const checkedString = (shape: TextShape = 'line') =>
  z.string().superRefine((s, ctx) => {
    const found = forbiddenCharacters(s, shape);
    if (found.length === 0) return;
    const { codePoint, position, reason } = found[0]!;
    const more = found.length > 1 ? ` (and ${found.length - 1} more in this field)` : '';
    ctx.addIssue({ code: 'custom', message: `${formatCodePoint(codePoint)} at character ${position} is ${reason}; remove it${more}` });
  });

/** Text readers see: checked, then stored in NFC without zero-width characters, trimmed. */
const readerText = (shape: TextShape) => checkedString(shape).overwrite(cleanText).trim();

/** Text that must be given: 1 to `max` characters after cleaning. One line unless `shape` says otherwise. */
export const requiredText = (max: number, shape: TextShape = 'line') => readerText(shape).min(1).max(max);

/** Text that may be missing, null or empty: one line, at most `max` characters after cleaning. */
export const optionalText = (max: number) => readerText('line').max(max).optional().nullable();

/** A file of the issue folder, named relative to it: checked, never rewritten (NFC could name another file). */
export const relativePath = checkedString()
  .min(1)
  .max(300)
  .refine((p) => !p.startsWith('/') && !p.includes('\\') && !/^[a-zA-Z]:/.test(p) && !p.split('/').includes('..'), {
    message: 'a relative path inside the issue folder (no "..", no leading "/")',
  });
