import assert from 'node:assert/strict';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { after, before, describe, it } from 'node:test';
import { openSqliteStorage } from '../../src/adapters/sqlite/sqlite-storage.ts';
import type { Storage } from '../../src/ports/storage.ts';

// Every statement the stores prepare is compiled once, not again each time its parameters are
// bound (why the stores write `+?`: sqlite-support.ts). The test runs each statement twice and
// fails if the second run compiles anything: compiling asks the authorizer about each table, and
// running a compiled statement asks it nothing.

interface Prepared {
  db: DatabaseSync;
  sql: string;
  statement: StatementSync;
}

/** The arguments a statement's text asks for, all null: enough to bind and step it. */
function nullArguments(sql: string): unknown[] {
  const named = [...new Set(sql.match(/[:@$][A-Za-z_][A-Za-z0-9_]*/g) ?? [])];
  if (named.length > 0) return [Object.fromEntries(named.map((name) => [name.slice(1), null]))];
  const positional = (sql.match(/\?/g) ?? []).length;
  return Array.from({ length: positional }, () => null);
}

// setAuthorizer came in Node 24.10.
const authorizer = typeof DatabaseSync.prototype.setAuthorizer === 'function';

describe('SQLite statements', { skip: authorizer ? false : 'node:sqlite has no setAuthorizer here' }, () => {
  const prepared: Prepared[] = [];
  const prototype = DatabaseSync.prototype;
  const prepare = Object.getOwnPropertyDescriptor(prototype, 'prepare')?.value as (
    this: DatabaseSync,
    sql: string,
  ) => StatementSync;
  let storage: Storage;

  before(async () => {
    assert.ok(typeof prepare === 'function');
    // Every statement the stores prepare, as they prepare them.
    Object.defineProperty(prototype, 'prepare', {
      configurable: true,
      writable: true,
      value: function (this: DatabaseSync, sql: string): StatementSync {
        const statement = prepare.call(this, sql);
        prepared.push({ db: this, sql, statement });
        return statement;
      },
    });
    try {
      storage = await openSqliteStorage({ path: ':memory:' });
    } finally {
      Object.defineProperty(prototype, 'prepare', { configurable: true, writable: true, value: prepare });
    }
  });
  after(async () => {
    await storage.close();
  });

  it('are compiled once, not again each time their parameters are bound', () => {
    assert.ok(prepared.length > 50, `the stores prepared ${prepared.length} statements`);
    const recompiled: string[] = [];
    for (const { db, sql, statement } of prepared) {
      const args = nullArguments(sql);
      const run = (): void => {
        try {
          statement.all(...(args as []));
        } catch {
          // A constraint may refuse the nulls; the statement was compiled by then.
        }
      };
      let compiled = 0;
      db.exec('BEGIN');
      try {
        // Setting an authorizer expires every statement: the first run compiles again.
        db.setAuthorizer(() => {
          compiled++;
          return 0;
        });
        run();
        if (compiled === 0) recompiled.push(`never compiled, so never run: ${sql}`);
        compiled = 0;
        run();
      } finally {
        db.setAuthorizer(null);
        if (db.isTransaction) db.exec('ROLLBACK');
      }
      if (compiled > 0) recompiled.push(sql.replace(/\s+/g, ' ').trim());
    }
    assert.deepEqual(recompiled, [], 'these statements were compiled again on their second run');
  });

  // `+?` belongs on the value's side only: on a column's side it would hide the column from every
  // index. This pins the plans down: no statement reads a whole table, except the hourly purge of
  // expired reset tokens (a handful of rows).
  it('find their rows through an index, never by reading a whole table', () => {
    const scans: string[] = [];
    for (const { db, sql } of prepared) {
      if (!/^\s*(SELECT|UPDATE|DELETE|INSERT)/i.test(sql)) continue;
      const plan = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...(nullArguments(sql) as [])) as { detail: string }[];
      for (const { detail } of plan) {
        const table = /^SCAN (\w+)$/.exec(detail)?.[1];
        if (table !== undefined && table !== 'reset_tokens')
          scans.push(`${detail}: ${sql.replace(/\s+/g, ' ').trim()}`);
      }
    }
    assert.deepEqual(scans, []);
  });
});
