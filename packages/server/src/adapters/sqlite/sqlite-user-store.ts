import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { NewUser, UserPatch, UserRecord, UserStore } from '../../ports/user-store.ts';
import { changed, settle, settleRead, transaction, withUniqueFields } from './sqlite-support.ts';
import { toUser, userColumns as columns, type UserRow } from '../sql-rows.ts';

// Prefix matching by range rather than LIKE: `%` and `_` need no escaping, and the comparison is
// byte order, the same as the index. U+10FFFF sorts after every character a prefix can be followed by.
const prefixMatch = (column: string) => `(${column} >= +:prefix AND ${column} < +:prefix || char(1114111))`;

/** The store's statements, prepared once per connection. */
function prepareStatements(db: DatabaseSync) {
  return {
    anyUser: db.prepare('SELECT EXISTS (SELECT 1 FROM users) AS found'),
    insert: db.prepare(
      `INSERT INTO users (${columns}, display_name_lower)
       VALUES (:id, :username, :email, :displayName, :bio, :passwordHash, :role, 0, :createdAt, :createdAt, :displayNameLower)`,
    ),
    byId: db.prepare(`SELECT ${columns} FROM users WHERE id = ?`),
    byUsername: db.prepare(`SELECT ${columns} FROM users WHERE username = ?`),
    byEmail: db.prepare(`SELECT ${columns} FROM users WHERE email = ?`),
    // One statement for every patch shape: a NULL parameter keeps the column as it is.
    update: db.prepare(
      `UPDATE users SET
         display_name = coalesce(:displayName, display_name),
         display_name_lower = coalesce(:displayNameLower, display_name_lower),
         bio = coalesce(:bio, bio),
         password_hash = coalesce(:passwordHash, password_hash),
         role = coalesce(:role, role),
         disabled = coalesce(:disabled, disabled),
         updated_at = :now
       WHERE id = :id
       RETURNING ${columns}`,
    ),
    delete: db.prepare('DELETE FROM users WHERE id = ?'),
    // The exact match needs no rank of its own: a username equal to the prefix sorts before every
    // longer username that starts with it.
    search: db.prepare(
      `SELECT ${columns} FROM users
       WHERE disabled = 0 AND (${prefixMatch('username')} OR ${prefixMatch('display_name_lower')})
       ORDER BY CASE WHEN ${prefixMatch('username')} THEN 0 ELSE 1 END, username
       LIMIT +:limit`,
    ),
    list: db.prepare(`SELECT ${columns} FROM users WHERE id > +? ORDER BY id LIMIT +?`),
    countActiveAdmins: db.prepare(`SELECT count(*) AS n FROM users WHERE role = 'admin' AND disabled = 0`),
  };
}

/** UserStore on one node:sqlite connection. */
export class SqliteUserStore implements UserStore {
  readonly #db: DatabaseSync;
  readonly #sql: ReturnType<typeof prepareStatements>;

  constructor(db: DatabaseSync) {
    this.#db = db;
    this.#sql = prepareStatements(db);
  }

  create(user: NewUser, options: { adminIfFirst: boolean }): Promise<UserRecord> {
    return settle(() =>
      // Check and insert in one IMMEDIATE transaction: no other writer, in this process or another
      // on the same file, can add an account between "is the table empty?" and the insert.
      transaction(this.#db, () => {
        const first = options.adminIfFirst && this.#sql.anyUser.get()?.found === 0;
        const record: UserRecord = {
          ...user,
          role: first ? 'admin' : user.role,
          disabled: false,
          updatedAt: user.createdAt,
        };
        withUniqueFields(() =>
          this.#sql.insert.run({
            id: record.id,
            username: record.username,
            email: record.email,
            displayName: record.displayName,
            displayNameLower: record.displayName.toLowerCase(),
            bio: record.bio,
            passwordHash: record.passwordHash,
            role: record.role,
            createdAt: record.createdAt,
          }),
        );
        return record;
      }),
    );
  }

  findById(id: string): Promise<UserRecord | undefined> {
    return settleRead(this.#db, () => this.#one(this.#sql.byId, id));
  }

  findByUsername(username: string): Promise<UserRecord | undefined> {
    return settleRead(this.#db, () => this.#one(this.#sql.byUsername, username));
  }

  findByEmail(email: string): Promise<UserRecord | undefined> {
    return settleRead(this.#db, () => this.#one(this.#sql.byEmail, email));
  }

  update(id: string, patch: UserPatch, now: number): Promise<UserRecord | undefined> {
    return settle(() => {
      const row = this.#sql.update.get({
        id,
        now,
        displayName: patch.displayName ?? null,
        displayNameLower: patch.displayName?.toLowerCase() ?? null,
        bio: patch.bio ?? null,
        passwordHash: patch.passwordHash ?? null,
        role: patch.role ?? null,
        disabled: patch.disabled === undefined ? null : Number(patch.disabled),
      });
      return row === undefined ? undefined : toUser(row as unknown as UserRow);
    });
  }

  delete(id: string): Promise<boolean> {
    // Sessions, their refresh tokens and reset tokens go with it through ON DELETE CASCADE.
    return settle(() => changed(this.#sql.delete.run(id)) > 0);
  }

  search(prefix: string, limit: number): Promise<UserRecord[]> {
    return settleRead(this.#db, () =>
      this.#many(this.#sql.search.all({ prefix: prefix.toLowerCase(), limit: Math.max(0, limit) })),
    );
  }

  list(options: { after?: string; limit: number }): Promise<UserRecord[]> {
    return settleRead(this.#db, () => this.#many(this.#sql.list.all(options.after ?? '', Math.max(0, options.limit))));
  }

  countActiveAdmins(): Promise<number> {
    return settleRead(this.#db, () => Number(this.#sql.countActiveAdmins.get()?.n ?? 0));
  }

  #one(statement: StatementSync, value: string): UserRecord | undefined {
    const row = statement.get(value);
    return row === undefined ? undefined : toUser(row as unknown as UserRow);
  }

  #many(rows: unknown[]): UserRecord[] {
    return (rows as UserRow[]).map(toUser);
  }
}
