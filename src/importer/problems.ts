/** One thing wrong with an issue folder: where (file and field path) and what was expected. */
export interface ImportProblem {
  file: string;
  field: string;
  message: string;
}

export function formatProblem(p: ImportProblem): string {
  return p.field ? `${p.file}: ${p.field}: ${p.message}` : `${p.file}: ${p.message}`;
}

export class ImportValidationError extends Error {
  constructor(readonly problems: ImportProblem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'ImportValidationError';
  }
}

/** zod's path array as the field path users read in docs: pages[1].articles[0].title */
export function fieldPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}
