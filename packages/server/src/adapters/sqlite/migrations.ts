import { join } from 'node:path';
import type { DatabaseSync } from 'node:sqlite';
import { loadMigrations, newerSchemaMessage, type Migration, type MigrationReport } from '../sql-migrations.ts';
import { transaction } from './sqlite-support.ts';

/**
 * Brings the schema up to date in one IMMEDIATE transaction: either every pending migration is
 * applied and recorded or none is, and a second process opening the same file waits for the
 * write lock and then finds nothing left to do.
 */
export function migrateSqlite(
  db: DatabaseSync,
  migrations: Migration[] = loadMigrations(join(import.meta.dirname, 'sql')),
): MigrationReport {
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
