import { isDamaged } from './db/connection';
import { describeSystemFault, ExitCode, Fault } from './faults';
import { ImportValidationError } from './importer/problems';
import { logger } from './log';

/** Thrown for wrong command-line usage; printed with the usage text. */
export class UsageError extends Fault {
  constructor(message: string) {
    super(message, ExitCode.usage);
  }
}

/** What a failed command prints on stderr, and its exit status. */
export interface CliAnswer {
  text: string;
  exitCode: ExitCode;
}

const oneLine = (message: string): string => message.replace(/\s*\n\s*/g, ' ');

/**
 * The one mapping from an error to what the operator reads: a Fault's own
 * line, a file-system error explained with its path, damage with the advice
 * to restore; anything else is a bug, reported in one line with the stack in
 * the debug log. Invalid import folders list every problem, one per line.
 */
export function cliAnswer(err: unknown, usage?: string): CliAnswer {
  if (err instanceof UsageError) return { text: `error: ${oneLine(err.message)}\n${usage ? `usage: ${usage}\n` : ''}`, exitCode: ExitCode.usage };
  if (err instanceof ImportValidationError) return { text: `import failed, nothing was written:\n${err.message}\n`, exitCode: ExitCode.invalidInput };
  if (err instanceof Fault) return { text: `error: ${oneLine(err.message)}\n`, exitCode: err.exitCode };
  const message = err instanceof Error ? err.message : String(err);
  if (isDamaged(err)) {
    // Corruption found past the header (a migration or a query read a bad page).
    return { text: `error: the database is damaged (${oneLine(message)}): restore it from a backup (see docs/operations.md) or move it away to start afresh\n`, exitCode: ExitCode.database };
  }
  const file = (err as { path?: unknown } | null)?.path;
  const system = typeof file === 'string' ? describeSystemFault(err, { path: file }) : null;
  if (system) return { text: `error: ${system}\n`, exitCode: ExitCode.environment };
  return {
    text: `error: ${oneLine(message)} (unexpected: run again with LOG_LEVEL=debug for the stack trace, and report it)\n`,
    exitCode: ExitCode.unexpected,
  };
}

/**
 * Runs a command-line entry point: a failure prints one line on stderr (see
 * cliAnswer) and sets the exit status; the stack goes to the debug log only.
 */
export function runCli(main: () => Promise<void> | void, usage?: string): void {
  Promise.resolve()
    .then(main)
    .catch((err: unknown) => {
      logger.debug({ err }, 'command failed');
      const answer = cliAnswer(err, usage);
      process.stderr.write(answer.text);
      process.exitCode = answer.exitCode;
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
