import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One schema change, applied once and in version order. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** What a migration run found and left. Shared by the SQLite and PostgreSQL adapters. */
export interface MigrationReport {
  /** The schema version before the run (0 for an empty database or schema). */
  from: number;
  /** The schema version after the run. */
  to: number;
}

const fileName = /^(\d{3})-([a-z0-9-]+)\.sql$/;

/** The migrations in `dir` (`001-accounts.sql`, ...), checked to be numbered 1, 2, 3... without gaps. */
export function loadMigrations(dir: string): Migration[] {
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
