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
