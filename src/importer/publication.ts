import type { Db } from '../db/connection';
import type { StoredPublication } from '../domain/publication';
import type { ImportProblem } from './problems';

/** Stored papers by slug: what an issue's publication block is checked against. */
export type StoredPublications = Record<string, StoredPublication>;

/** The fields that make a paper's identity; an issue may not change them in passing. */
const IDENTITY_FIELDS = ['name', 'description', 'language', 'timezone', 'firstIssueDate', 'publisher', 'copyright', 'contact'] as const;

/** The flag of `npm run import` that lets an issue change its paper's identity on purpose. */
export const UPDATE_PUBLICATION_FLAG = '--update-publication';

export function readStoredPublications(db: Db): StoredPublications {
  const rows = db.prepare('SELECT slug, name, description, language, timezone, first_issue_date AS firstIssueDate, publisher, copyright, contact FROM publication').all() as StoredPublication[];
  return Object.fromEntries(rows.map((p) => [p.slug, p]));
}

const shown = (v: string | null): string => (v === null ? '(none)' : JSON.stringify(v));

/** The identity fields in which two statements of a paper differ. */
function differingFields(a: StoredPublication, b: StoredPublication) {
  return IDENTITY_FIELDS.filter((f) => a[f] !== b[f]);
}

/**
 * One problem per identity field in which `given` differs from the stored
 * paper of the same slug (none for a new paper): an issue that renamed its
 * paper would rename it on every past issue, without a word.
 */
export function publicationMismatches(stored: StoredPublication | undefined, given: StoredPublication): { field: string; message: string }[] {
  if (!stored) return [];
  return differingFields(stored, given).map((f) => ({
    field: `publication.${f}`,
    message:
      `differs from the stored paper ${stored.slug}: stored ${shown(stored[f])}, given ${shown(given[f])}; ` +
      `correct issue.json, or import with ${UPDATE_PUBLICATION_FLAG} to change the paper on purpose (docs/operations.md)`,
  }));
}

/**
 * Issues of one import that state a paper differently from the first issue
 * of that paper in it (which one would win is an accident of order): one
 * problem per field, naming the other issue's manifest. Issues without a
 * publication (they have problems of their own) are skipped.
 */
export function conflictingPublications(issues: readonly { file: string; publication: StoredPublication | null }[]): ImportProblem[] {
  const first = new Map<string, { file: string; publication: StoredPublication }>();
  const problems: ImportProblem[] = [];
  for (const { file, publication } of issues) {
    if (!publication) continue;
    const earlier = first.get(publication.slug);
    if (!earlier) {
      first.set(publication.slug, { file, publication });
      continue;
    }
    for (const f of differingFields(earlier.publication, publication)) {
      problems.push({
        file,
        field: `publication.${f}`,
        message:
          `differs from ${earlier.file} in the same import: ${shown(earlier.publication[f])} there, ` +
          `${shown(publication[f])} here; one import states a paper one way`,
      });
    }
  }
  return problems;
}
