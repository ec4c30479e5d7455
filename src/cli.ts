import { ConfigError } from './config';
import { DatabaseUnavailableError, isDamaged } from './db/connection';
import { ImportValidationError } from './importer/problems';

/** Thrown for wrong command-line usage; printed with the usage text, exit code 2. */
export class UsageError extends Error {}

/**
 * Runs a command-line entry point: expected failures print a clear message and
 * exit non-zero without a stack trace; only real bugs show one.
 */
export function runCli(main: () => Promise<void> | void, usage?: string): void {
  Promise.resolve()
    .then(main)
    .catch((err: unknown) => {
      if (err instanceof UsageError) {
        process.stderr.write(`${err.message}\n${usage ? `usage: ${usage}\n` : ''}`);
        process.exitCode = 2;
      } else if (err instanceof ImportValidationError) {
        process.stderr.write(`import failed, nothing was written:\n${err.message}\n`);
        process.exitCode = 1;
      } else if (err instanceof ConfigError || err instanceof DatabaseUnavailableError) {
        process.stderr.write(`error: ${err.message}\n`);
        process.exitCode = 1;
      } else if (isDamaged(err)) {
        // Corruption found past the header (a migration or a query read a bad page).
        process.stderr.write(`error: the database is damaged (${(err as Error).message}): restore it from a backup (see docs/operations.md) or move it away to start afresh\n`);
        process.exitCode = 1;
      } else {
        process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
        process.exitCode = 1;
      }
    });
}

export interface ParsedOptions {
  values: Map<string, string>;
  flags: Set<string>;
  /** A numeric option within [min, max] (underscores and commas allowed as separators), or the fallback when absent. */
  number(name: string, fallback: number, min: number, max: number, integer?: boolean): number;
}

/**
 * Parses `--name value`, `--name=value` and bare `--flag` options against a
 * fixed list; anything else is a UsageError naming the argument.
 */
export function parseOptions(argv: readonly string[], spec: { values: readonly string[]; flags: readonly string[] }): ParsedOptions {
  const flags = new Set<string>();
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    if (spec.flags.includes(name)) {
      flags.add(name);
      continue;
    }
    if (!spec.values.includes(name)) throw new UsageError(`unknown argument "${arg}"`);
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined || value === '') throw new UsageError(`${name} needs a value`);
    values.set(name, value);
  }
  const number = (name: string, fallback: number, min: number, max: number, integer = true): number => {
    const raw = values.get(name);
    if (raw === undefined) return fallback;
    const v = Number(raw.replace(/[_,]/g, ''));
    if (!Number.isFinite(v) || v < min || v > max || (integer && !Number.isInteger(v))) {
      throw new UsageError(`${name} must be ${integer ? 'an integer' : 'a number'} ${min}–${max}, got "${raw}"`);
    }
    return v;
  };
  return { values, flags, number };
}
