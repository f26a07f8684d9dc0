import { join } from 'node:path';
import { escapeIdentifier } from 'pg';
import { loadMigrations, newerSchemaMessage, type Migration, type MigrationReport } from '../sql-migrations.ts';
import type { PostgresDatabase } from './postgres-support.ts';

/**
 * Brings `schema` (the pool's search_path; the connection's default when undefined) up to date in
 * one transaction, creating the schema if it is missing. Instances starting together would
 * otherwise race to apply the same migration: each takes a transaction-scoped advisory lock first,
 * so the later ones wait, then find nothing left to do.
 */
export async function migratePostgres(
  db: PostgresDatabase,
  schema: string | undefined,
  migrations: Migration[] = loadMigrations(join(import.meta.dirname, 'sql')),
): Promise<MigrationReport> {
  return db.transaction(async (client) => {
    await client.query("SELECT pg_advisory_xact_lock(hashtext('natter:migrate'), hashtext($1))", [schema ?? '']);
    if (schema !== undefined) {
      // Checked first because CREATE SCHEMA IF NOT EXISTS still needs CREATE on the database.
      const found = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
      if (found.rowCount === 0) await client.query(`CREATE SCHEMA ${escapeIdentifier(schema)}`);
    }
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      applied_at bigint NOT NULL
    )`);
    const current = await client.query<{ version: number }>(
      'SELECT coalesce(max(version), 0)::integer AS version FROM schema_migrations',
    );
    const from = current.rows[0]?.version ?? 0;
    const known = migrations.at(-1)?.version ?? 0;
    if (from > known) throw new Error(newerSchemaMessage(from, known));
    for (const migration of migrations.filter((m) => m.version > from)) {
      await client.query(migration.sql);
      await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
        migration.version,
        migration.name,
        Date.now(),
      ]);
    }
    return { from, to: Math.max(from, known) };
  });
}
