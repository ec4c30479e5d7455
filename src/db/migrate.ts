import fs from 'node:fs';
import path from 'node:path';
import { DatabaseUnavailableError, type Db } from './connection';
import { MIGRATIONS_DIR } from '../paths';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Migrations are files named NNN_description.sql, applied in numeric order. */
export function readMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  return fs
    .readdirSync(dir)
    .map((file) => /^(\d+)_([\w-]+)\.sql$/.exec(file))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ version: Number(m[1]), name: m[0], sql: fs.readFileSync(path.join(dir, m[0]), 'utf8') }))
    .sort((a, b) => a.version - b.version);
}

/** The schema version is SQLite's user_version: no extra table, readable by any tool. */
export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Applies every pending migration, each in its own transaction; returns the names applied. */
export function migrate(db: Db, migrations: Migration[] = readMigrations()): string[] {
  const seen = new Set<number>();
  for (const m of migrations) {
    if (seen.has(m.version)) throw new Error(`two migrations share version ${m.version}`);
    seen.add(m.version);
  }
  refuseNewerSchema(db, migrations);
  const applied: string[] = [];
  for (const m of migrations) {
    if (m.version <= schemaVersion(db)) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    }).immediate();
    applied.push(m.name);
  }
  return applied;
}

/**
 * A database migrated by a newer release has tables and meanings this code
 * does not know: serving, importing or "migrating" it would misread or damage
 * it, so every entry point stops here (they all migrate first).
 */
function refuseNewerSchema(db: Db, migrations: Migration[]): void {
  const known = migrations.reduce((max, m) => Math.max(max, m.version), 0);
  const version = schemaVersion(db);
  if (version > known) {
    throw new DatabaseUnavailableError(
      `database ${db.name} has schema version ${version}, newer than this code knows (version ${known}): run the release that wrote it, or point DATABASE_PATH at a database of this release`,
    );
  }
}
