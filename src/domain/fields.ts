import { z } from 'zod';

// Field kinds of the import format (docs/import-format.md), shared by every schema a manifest is made of.

/** Text that must be given: trimmed, 1 to `max` characters. */
export const requiredText = (max: number) => z.string().trim().min(1).max(max);

/** Text that may be missing, null or empty: trimmed, at most `max` characters. */
export const optionalText = (max: number) => z.string().trim().max(max).optional().nullable();

/** A file of the issue folder, named relative to it. */
export const relativePath = z
  .string()
  .min(1)
  .max(300)
  .refine((p) => !p.startsWith('/') && !p.includes('\\') && !/^[a-zA-Z]:/.test(p) && !p.split('/').includes('..'), {
    message: 'a relative path inside the issue folder (no "..", no leading "/")',
  });
