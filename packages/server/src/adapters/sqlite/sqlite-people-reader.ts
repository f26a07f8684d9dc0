import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { PeopleReader, Since } from '../../ports/room-reader.ts';
import { toSince, type SinceRow } from '../log-rows.ts';
import { settleRead } from './sqlite-support.ts';

/** PeopleReader on one node:sqlite connection. Lists are oldest first, then by user id. */
export class SqlitePeopleReader implements PeopleReader {
  readonly #db: DatabaseSync;
  readonly #sql: ReturnType<typeof prepareStatements>;

  constructor(db: DatabaseSync) {
    this.#db = db;
    this.#sql = prepareStatements(db);
  }

  contacts(userId: string): Promise<Since[]> {
    return this.#list(this.#sql.contacts, userId);
  }

  isContact(a: string, b: string): Promise<boolean> {
    return this.#exists(this.#sql.isContact, a, b);
  }

  requests(userId: string): Promise<{ outgoing: Since[]; incoming: Since[] }> {
    return settleRead(this.#db, () => ({
      outgoing: (this.#sql.outgoing.all(userId) as unknown as SinceRow[]).map(toSince),
      incoming: (this.#sql.incoming.all(userId) as unknown as SinceRow[]).map(toSince),
    }));
  }

  hasRequest(fromId: string, toId: string): Promise<boolean> {
    return this.#exists(this.#sql.hasRequest, fromId, toId);
  }

  followers(userId: string): Promise<Since[]> {
    return this.#list(this.#sql.followers, userId);
  }

  following(userId: string): Promise<Since[]> {
    return this.#list(this.#sql.following, userId);
  }

  isFollowing(followerId: string, followeeId: string): Promise<boolean> {
    return this.#exists(this.#sql.isFollowing, followerId, followeeId);
  }

  blocked(userId: string): Promise<Since[]> {
    return this.#list(this.#sql.blocked, userId);
  }

  hasBlocked(blockerId: string, blockedId: string): Promise<boolean> {
    return this.#exists(this.#sql.hasBlocked, blockerId, blockedId);
  }

  #list(statement: StatementSync, userId: string): Promise<Since[]> {
    return settleRead(this.#db, () => (statement.all(userId) as unknown as SinceRow[]).map(toSince));
  }

  #exists(statement: StatementSync, a: string, b: string): Promise<boolean> {
    return settleRead(this.#db, () => statement.get(a, b) !== undefined);
  }
}

function prepareStatements(db: DatabaseSync) {
  return {
    contacts: db.prepare(
      'SELECT contact_id AS user_id, since FROM contacts WHERE user_id = +? ORDER BY since, contact_id',
    ),
    isContact: db.prepare('SELECT 1 FROM contacts WHERE user_id = ? AND contact_id = ?'),
    outgoing: db.prepare(
      'SELECT to_id AS user_id, at AS since FROM contact_requests WHERE from_id = +? ORDER BY at, to_id',
    ),
    incoming: db.prepare(
      'SELECT from_id AS user_id, at AS since FROM contact_requests WHERE to_id = +? ORDER BY at, from_id',
    ),
    hasRequest: db.prepare('SELECT 1 FROM contact_requests WHERE from_id = ? AND to_id = ?'),
    followers: db.prepare(
      'SELECT follower_id AS user_id, at AS since FROM follows WHERE followee_id = +? ORDER BY at, follower_id',
    ),
    following: db.prepare(
      'SELECT followee_id AS user_id, at AS since FROM follows WHERE follower_id = +? ORDER BY at, followee_id',
    ),
    isFollowing: db.prepare('SELECT 1 FROM follows WHERE follower_id = ? AND followee_id = ?'),
    blocked: db.prepare(
      'SELECT blocked_id AS user_id, at AS since FROM blocks WHERE blocker_id = +? ORDER BY at, blocked_id',
    ),
    hasBlocked: db.prepare('SELECT 1 FROM blocks WHERE blocker_id = ? AND blocked_id = ?'),
  };
}
