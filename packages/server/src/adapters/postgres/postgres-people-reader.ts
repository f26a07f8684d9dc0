import type { PeopleReader, Since } from '../../ports/room-reader.ts';
import { toSince, type SinceRow } from '../log-rows.ts';
import type { PostgresDatabase } from './postgres-support.ts';

/** PeopleReader on a pg pool. Lists are oldest first, then by user id. */
export class PostgresPeopleReader implements PeopleReader {
  readonly #db: PostgresDatabase;

  constructor(db: PostgresDatabase) {
    this.#db = db;
  }

  contacts(userId: string): Promise<Since[]> {
    return this.#list(
      'SELECT contact_id AS user_id, since FROM contacts WHERE user_id = $1 ORDER BY since, contact_id',
      userId,
    );
  }

  isContact(a: string, b: string): Promise<boolean> {
    return this.#exists('SELECT 1 FROM contacts WHERE user_id = $1 AND contact_id = $2', a, b);
  }

  async requests(userId: string): Promise<{ outgoing: Since[]; incoming: Since[] }> {
    const [outgoing, incoming] = await Promise.all([
      this.#list(
        'SELECT to_id AS user_id, at AS since FROM contact_requests WHERE from_id = $1 ORDER BY at, to_id',
        userId,
      ),
      this.#list(
        'SELECT from_id AS user_id, at AS since FROM contact_requests WHERE to_id = $1 ORDER BY at, from_id',
        userId,
      ),
    ]);
    return { outgoing, incoming };
  }

  hasRequest(fromId: string, toId: string): Promise<boolean> {
    return this.#exists('SELECT 1 FROM contact_requests WHERE from_id = $1 AND to_id = $2', fromId, toId);
  }

  followers(userId: string): Promise<Since[]> {
    return this.#list(
      'SELECT follower_id AS user_id, at AS since FROM follows WHERE followee_id = $1 ORDER BY at, follower_id',
      userId,
    );
  }

  following(userId: string): Promise<Since[]> {
    return this.#list(
      'SELECT followee_id AS user_id, at AS since FROM follows WHERE follower_id = $1 ORDER BY at, followee_id',
      userId,
    );
  }

  isFollowing(followerId: string, followeeId: string): Promise<boolean> {
    return this.#exists('SELECT 1 FROM follows WHERE follower_id = $1 AND followee_id = $2', followerId, followeeId);
  }

  blocked(userId: string): Promise<Since[]> {
    return this.#list(
      'SELECT blocked_id AS user_id, at AS since FROM blocks WHERE blocker_id = $1 ORDER BY at, blocked_id',
      userId,
    );
  }

  hasBlocked(blockerId: string, blockedId: string): Promise<boolean> {
    return this.#exists('SELECT 1 FROM blocks WHERE blocker_id = $1 AND blocked_id = $2', blockerId, blockedId);
  }

  async #list(sql: string, userId: string): Promise<Since[]> {
    return (await this.#db.query<SinceRow>(sql, [userId])).rows.map(toSince);
  }

  async #exists(sql: string, a: string, b: string): Promise<boolean> {
    return ((await this.#db.query(sql, [a, b])).rowCount ?? 0) > 0;
  }
}
