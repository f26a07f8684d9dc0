import type { NewUser, UserPatch, UserRecord, UserStore } from '../../ports/user-store.ts';
import { changed, firstRow, type PostgresDatabase, withUniqueFields } from './postgres-support.ts';
import { toUser, userColumns as columns, type UserRow } from '../sql-rows.ts';

// The first-admin decision is serialised per schema with a transaction-scoped advisory lock. A
// registration that may become the first admin takes it exclusively; every other insert takes it
// shared, so no account can be committed between "is the table empty?" and the insert.
const lockFirstAdmin = "SELECT pg_advisory_xact_lock(hashtext('natter:first-admin'), hashtext(current_schema()))";
const lockFirstAdminShared =
  "SELECT pg_advisory_xact_lock_shared(hashtext('natter:first-admin'), hashtext(current_schema()))";

/** `prefix` as a LIKE pattern matching itself literally, then anything. */
function startsWith(prefix: string): string {
  return `${prefix.replace(/[\\%_]/g, '\\$&')}%`;
}

/** UserStore on a pg pool. */
export class PostgresUserStore implements UserStore {
  readonly #db: PostgresDatabase;

  constructor(db: PostgresDatabase) {
    this.#db = db;
  }

  create(user: NewUser, options: { adminIfFirst: boolean }): Promise<UserRecord> {
    return withUniqueFields(() =>
      this.#db.transaction(async (client) => {
        await client.query(options.adminIfFirst ? lockFirstAdmin : lockFirstAdminShared);
        // Read committed: this statement's snapshot is taken after the lock is granted, so it sees
        // every account committed by earlier holders.
        const empty = options.adminIfFirst
          ? (await client.query<{ empty: boolean }>('SELECT NOT EXISTS (SELECT 1 FROM users) AS empty')).rows[0]?.empty
          : false;
        const { rows } = await client.query<UserRow>(
          `INSERT INTO users (${columns}, display_name_lower)
           VALUES ($1, $2, $3, $4, $5, $6, $7, false, $8, $8, $9)
           RETURNING ${columns}`,
          [
            user.id,
            user.username,
            user.email,
            user.displayName,
            user.bio,
            user.passwordHash,
            empty === true ? 'admin' : user.role,
            user.createdAt,
            user.displayName.toLowerCase(),
          ],
        );
        return toUser(firstRow(rows));
      }),
    );
  }

  findById(id: string): Promise<UserRecord | undefined> {
    return this.#one(`SELECT ${columns} FROM users WHERE id = $1`, id);
  }

  findByUsername(username: string): Promise<UserRecord | undefined> {
    return this.#one(`SELECT ${columns} FROM users WHERE username = $1`, username);
  }

  findByEmail(email: string): Promise<UserRecord | undefined> {
    return this.#one(`SELECT ${columns} FROM users WHERE email = $1`, email);
  }

  async update(id: string, patch: UserPatch, now: number): Promise<UserRecord | undefined> {
    // One statement for every patch shape: a NULL parameter keeps the column as it is.
    const { rows } = await this.#db.query<UserRow>(
      `UPDATE users SET
         display_name = coalesce($2, display_name),
         display_name_lower = coalesce($3, display_name_lower),
         bio = coalesce($4, bio),
         password_hash = coalesce($5, password_hash),
         role = coalesce($6, role),
         disabled = coalesce($7, disabled),
         updated_at = $8
       WHERE id = $1
       RETURNING ${columns}`,
      [
        id,
        patch.displayName ?? null,
        patch.displayName?.toLowerCase() ?? null,
        patch.bio ?? null,
        patch.passwordHash ?? null,
        patch.role ?? null,
        patch.disabled ?? null,
        now,
      ],
    );
    return rows[0] === undefined ? undefined : toUser(rows[0]);
  }

  async delete(id: string): Promise<boolean> {
    // Sessions, their refresh tokens and reset tokens go with it through ON DELETE CASCADE.
    return changed(await this.#db.query('DELETE FROM users WHERE id = $1', [id])) > 0;
  }

  async search(prefix: string, limit: number): Promise<UserRecord[]> {
    // The exact match needs no rank of its own: a username equal to the prefix sorts before every
    // longer username that starts with it ("C" collation, so byte order).
    const { rows } = await this.#db.query<UserRow>(
      `SELECT ${columns} FROM users
       WHERE NOT disabled AND (username LIKE $1 ESCAPE '\\' OR display_name_lower LIKE $1 ESCAPE '\\')
       ORDER BY CASE WHEN username LIKE $1 ESCAPE '\\' THEN 0 ELSE 1 END, username
       LIMIT $2`,
      [startsWith(prefix.toLowerCase()), Math.max(0, limit)],
    );
    return rows.map(toUser);
  }

  async list(options: { after?: string; limit: number }): Promise<UserRecord[]> {
    const { rows } = await this.#db.query<UserRow>(`SELECT ${columns} FROM users WHERE id > $1 ORDER BY id LIMIT $2`, [
      options.after ?? '',
      Math.max(0, options.limit),
    ]);
    return rows.map(toUser);
  }

  async countActiveAdmins(): Promise<number> {
    const { rows } = await this.#db.query<{ n: number }>(
      "SELECT count(*) AS n FROM users WHERE role = 'admin' AND NOT disabled",
    );
    return rows[0]?.n ?? 0;
  }

  async #one(sql: string, value: string): Promise<UserRecord | undefined> {
    const { rows } = await this.#db.query<UserRow>(sql, [value]);
    return rows[0] === undefined ? undefined : toUser(rows[0]);
  }
}
