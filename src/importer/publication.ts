import type { Db } from '../db/connection';

/** A paper as an issue states it (omitted fields at their defaults) and as the database stores it. */
export interface Publication {
  slug: string;
  name: string;
  description: string | null;
  language: string;
  timezone: string;
}

/** Stored papers by slug: what an issue's publication block is checked against. */
export type StoredPublications = Record<string, Publication>;

/** The fields that make a paper's identity; an issue may not change them in passing. */
const IDENTITY_FIELDS = ['name', 'description', 'language', 'timezone'] as const;

/** The flag of `npm run import` that lets an issue change its paper's identity on purpose. */
export const UPDATE_PUBLICATION_FLAG = '--update-publication';

export function readStoredPublications(db: Db): StoredPublications {
  const rows = db.prepare('SELECT slug, name, description, language, timezone FROM publication').all() as Publication[];
  return Object.fromEntries(rows.map((p) => [p.slug, p]));
}

/**
 * One problem per identity field in which `given` differs from the stored
 * paper of the same slug (none for a new paper): an issue that renamed its
 * paper would rename it on every past issue, without a word.
 */
export function publicationMismatches(stored: Publication | undefined, given: Publication): { field: string; message: string }[] {
  if (!stored) return [];
  const shown = (v: string | null) => (v === null ? '(none)' : JSON.stringify(v));
  return IDENTITY_FIELDS.filter((f) => stored[f] !== given[f]).map((f) => ({
    field: `publication.${f}`,
    message:
      `differs from the stored paper ${stored.slug}: stored ${shown(stored[f])}, given ${shown(given[f])}; ` +
      `correct issue.json, or import with ${UPDATE_PUBLICATION_FLAG} to change the paper on purpose (docs/operations.md)`,
  }));
}
