import { z } from 'zod';
import { fieldPath } from './problems';

/** A schema problem: the field path users read in docs and what was expected there. */
export interface SchemaProblem {
  field: string;
  message: string;
}

/**
 * zod's issues as problems users can act on. An unknown key is named by its
 * own path, with the nearest known key of its object ("publishAT: unknown
 * field; did you mean publishAt?") or, when none is close, the keys allowed there.
 */
export function schemaProblems(schema: z.ZodType, input: unknown, issues: readonly z.core.$ZodIssue[]): SchemaProblem[] {
  return issues.flatMap((issue) => {
    if (issue.code !== 'unrecognized_keys') return [{ field: fieldPath(issue.path), message: expectation(issue.message) }];
    const known = knownKeysAt(schema, issue.path, input);
    return issue.keys.map((key) => ({ field: fieldPath([...issue.path, key]), message: unknownFieldMessage(key, known) }));
  });
}

function unknownFieldMessage(key: string, known: readonly string[]): string {
  const nearest = nearestKey(key, known);
  if (nearest !== null) return `unknown field; did you mean ${nearest}?`;
  return known.length > 0 ? `unknown field; the fields allowed here are ${known.join(', ')}` : 'unknown field';
}

/** zod messages read "Invalid input: expected string, received undefined"; keep them but say "expected". */
function expectation(message: string): string {
  return message.replace(/^Invalid input: /, '').replace(/^Too big: /, 'too big: ').replace(/^Too small: /, 'too small: ');
}

/** The keys of the object schema that `path` leads to in `input` (a union's member chosen by the input's discriminator). */
function knownKeysAt(schema: z.ZodType, path: readonly PropertyKey[], input: unknown): string[] {
  let s = memberFor(schema, input);
  let value = input;
  for (const key of path) {
    value = isRecord(value) || Array.isArray(value) ? (value as Record<PropertyKey, unknown>)[key] : undefined;
    const child =
      s instanceof z.ZodObject && typeof key === 'string' ? (s.shape as Record<string, z.ZodType>)[key]
      : s instanceof z.ZodArray ? (s.element as z.ZodType)
      : undefined;
    if (child === undefined) return [];
    s = memberFor(child, value);
  }
  return s instanceof z.ZodObject ? Object.keys(s.shape) : [];
}

/** The schema that applies to `value`: optional and nullable unwrapped, a discriminated union's matching member. */
function memberFor(schema: z.ZodType, value: unknown): z.ZodType {
  let s = schema;
  for (;;) {
    if (s instanceof z.ZodOptional || s instanceof z.ZodNullable) s = s.unwrap() as z.ZodType;
    else if (s instanceof z.ZodDiscriminatedUnion) {
      const discriminator = (s._zod.def as { discriminator: string }).discriminator;
      const tag = isRecord(value) ? value[discriminator] : undefined;
      const member = (s.options as z.ZodType[]).find(
        (o) => o instanceof z.ZodObject && (o.shape as Record<string, z.ZodType>)[discriminator]?.safeParse(tag).success,
      );
      if (!member) return s;
      s = member;
    } else return s;
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The known key a typo most likely meant: same letters ignoring case, or
 * within an edit distance of a third of its length (a swap counts as one
 * edit: subtitel → subtitle); null when none is that close.
 */
export function nearestKey(key: string, known: readonly string[]): string | null {
  let best: string | null = null;
  let bestDistance = Math.max(1, Math.floor(key.length / 3)) + 1;
  for (const k of known) {
    const d = editDistance(key.toLowerCase(), k.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [k, d];
  }
  return best;
}

/** Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours. */
function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = d;
    }
  }
  return rows[a.length]![b.length]!;
}
