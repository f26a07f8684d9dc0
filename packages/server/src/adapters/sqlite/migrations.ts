import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DatabaseSync } from 'node:sqlite';
import { transaction } from './sqlite-support.ts';

/** One schema change, applied once and in version order. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** What a migration run found and left. */
export interface MigrationReport {
  /** The schema version before the run (0 for an empty database). */
  from: number;
  /** The schema version after the run. */
  to: number;
}

const fileName = /^(\d{3})-([a-z0-9-]+)\.sql$/;

/** The migrations in `dir` (`001-accounts.sql`, ...), checked to be numbered 1, 2, 3... without gaps. */
export function loadMigrations(dir: string = join(import.meta.dirname, 'sql')): Migration[] {
  const migrations = readdirSync(dir)
    .flatMap((file) => {
      const match = fileName.exec(file);
      if (match === null) return [];
      return [{ version: Number(match[1]), name: match[2] ?? file, sql: readFileSync(join(dir, file), 'utf8') }];
    })
    .sort((a, b) => a.version - b.version);
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new Error(`migrations in ${dir} must be numbered 1, 2, 3... without gaps; found ${migration.version}`);
    }
  });
  return migrations;
}

/** The refusal when a database was migrated by a newer Natter than this one. */
export function newerSchemaMessage(found: number, known: number): string {
  return (
    `database schema is at version ${found}, newer than this Natter knows (${known}); ` +
    'refusing to open it: run the Natter version that migrated it, or a later one'
  );
}

/**
 * Brings the schema up to date in one IMMEDIATE transaction: either every pending migration is
 * applied and recorded or none is, and a second process opening the same file waits for the
 * write lock and then finds nothing left to do.
 */
export function migrateSqlite(db: DatabaseSync, migrations: Migration[] = loadMigrations()): MigrationReport {
  return transaction(db, () => {
    db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER PRIMARY KEY,
      name TEXT NOT NULL,
      applied_at INTEGER NOT NULL
    ) STRICT`);
    const row = db.prepare('SELECT coalesce(max(version), 0) AS version FROM schema_migrations').get();
    const from = Number(row?.version ?? 0);
    const known = migrations.at(-1)?.version ?? 0;
    if (from > known) throw new Error(newerSchemaMessage(from, known));
    const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
    for (const migration of migrations.filter((m) => m.version > from)) {
      db.exec(migration.sql);
      record.run(migration.version, migration.name, Date.now());
    }
    return { from, to: Math.max(from, known) };
  });
}
