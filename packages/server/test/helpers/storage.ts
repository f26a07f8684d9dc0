import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { Client, TypeOverrides, types } from 'pg';
import { openStorage } from '../../src/adapters/open-storage.ts';
import { openSqliteStorage } from '../../src/adapters/sqlite/sqlite-storage.ts';
import { uuidv7 } from '../../src/lib/ids.ts';
import type { MemberRole } from '@natter/protocol';
import type { Change, NewEvent, StoredEvent, Write, WriteResult } from '../../src/ports/event-log.ts';
import type { SessionRecord } from '../../src/ports/session-store.ts';
import type { Storage } from '../../src/ports/storage.ts';
import type { NewUser } from '../../src/ports/user-store.ts';

/** A database that outlives one Storage: open it several times, poke it with raw SQL, drop it. */
export interface StoragePlace {
  /** Opens (and migrates) a Storage on this database. */
  open(): Promise<Storage>;
  /** Runs one raw SQL statement with no Storage involved and returns its rows. */
  query(sql: string): Promise<Record<string, unknown>[]>;
  /** Removes the database; every Storage on it must be closed first. */
  drop(): Promise<void>;
}

/** One storage engine the contract suites run against. */
export interface StorageEngine {
  name: 'sqlite' | 'postgres';
  /** Why the engine's suites are skipped, or false to run them. */
  skip: string | false;
  /** A fresh, empty, migrated Storage; closing it removes its database. */
  open(): Promise<Storage>;
  /** A fresh database for tests that reopen it or need raw SQL. */
  place(): Promise<StoragePlace>;
}

async function sqlitePlace(): Promise<StoragePlace> {
  const dir = await mkdtemp(join(tmpdir(), 'natter-test-'));
  const path = join(dir, 'nested', 'natter.db'); // the adapter must create the missing folder
  return {
    open: () => openStorage(`sqlite:${path}`),
    query: (sql) => {
      const db = new DatabaseSync(path);
      try {
        // Plain objects, as pg returns, so rows compare equal across engines.
        return Promise.resolve(
          db
            .prepare(sql)
            .all()
            .map((row) => ({ ...row })),
        );
      } finally {
        db.close();
      }
    },
    drop: () => rm(dir, { recursive: true, force: true }),
  };
}

/** Parse int8 as a number, like the adapter does, so raw rows compare the same on both engines. */
function int8AsNumber(): TypeOverrides {
  const overrides = new TypeOverrides();
  overrides.setTypeParser(types.builtins.INT8, Number);
  return overrides;
}

function postgresPlace(url: string): Promise<StoragePlace> {
  const schema = `natter_test_${randomBytes(6).toString('hex')}`;
  const query = async (sql: string) => {
    const client = new Client({ connectionString: url, options: `-c search_path=${schema}`, types: int8AsNumber() });
    await client.connect();
    try {
      return (await client.query<Record<string, unknown>>(sql)).rows;
    } finally {
      await client.end();
    }
  };
  return Promise.resolve({
    open: () => openStorage(url, { schema }),
    query,
    drop: async () => {
      await query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    },
  });
}

/** A Storage whose close() also drops its database. */
async function disposable(place: StoragePlace): Promise<Storage> {
  let storage: Storage;
  try {
    storage = await place.open();
  } catch (error) {
    await place.drop().catch((dropError: unknown) => {
      throw new AggregateError([error, dropError], 'opening the test database failed, and so did removing it');
    });
    throw error;
  }
  return {
    engine: storage.engine,
    users: storage.users,
    sessions: storage.sessions,
    resetTokens: storage.resetTokens,
    attempts: storage.attempts,
    log: storage.log,
    rooms: storage.rooms,
    people: storage.people,
    ping: () => storage.ping(),
    close: async () => {
      await storage.close();
      await place.drop();
    },
  };
}

const postgresUrl = process.env.NATTER_TEST_POSTGRES_URL;

/**
 * The engines every contract suite loops over. PostgreSQL is skipped, visibly, without
 * NATTER_TEST_POSTGRES_URL; with it set, an unreachable server fails the tests.
 */
/** SQLite storage on a file in a folder of its own; `remove` closes it and deletes the folder. */
export interface SqliteFile {
  storage: Storage;
  path: string;
  remove(): Promise<void>;
}

/** Opens a SqliteFile that commits on a writer thread (as `natter serve` does) or in-thread. */
export async function openSqliteFile(commitThread: boolean): Promise<SqliteFile> {
  const dir = await mkdtemp(join(tmpdir(), 'natter-file-'));
  const path = join(dir, 'natter.db');
  const storage = await openSqliteStorage({ path, commitThread });
  return {
    storage,
    path,
    remove: async () => {
      await storage.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export const storageEngines: StorageEngine[] = [
  {
    name: 'sqlite',
    skip: false,
    place: sqlitePlace,
    open: async () => disposable(await sqlitePlace()),
  },
  {
    name: 'postgres',
    skip: postgresUrl === undefined ? 'NATTER_TEST_POSTGRES_URL is not set; PostgreSQL suites skipped' : false,
    place: () => postgresPlace(postgresUrl ?? ''),
    open: async () => disposable(await postgresPlace(postgresUrl ?? '')),
  },
];

let serial = 0;

/** A valid NewUser with a unique username and email; `overrides` win. */
export function newUser(overrides: Partial<NewUser> = {}): NewUser {
  serial += 1;
  const tag = `${serial}-${randomBytes(3).toString('hex')}`;
  const username = overrides.username ?? `user-${tag}`;
  return {
    id: uuidv7(),
    username,
    email: `${username}@example.test`,
    displayName: `User ${tag}`,
    bio: '',
    passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA',
    role: 'user',
    createdAt: Date.now(),
    ...overrides,
  };
}

/** A live session of `userId` created at `now` and expiring a day later; `overrides` win. */
export function newSession(
  userId: string,
  now: number,
  overrides: Partial<Omit<SessionRecord, 'revokedAt'>> = {},
): Omit<SessionRecord, 'revokedAt'> {
  return {
    id: uuidv7(),
    userId,
    deviceLabel: 'Firefox on laptop',
    userAgent: 'Mozilla/5.0',
    ip: '192.0.2.1',
    createdAt: now,
    lastUsedAt: now,
    expiresAt: now + 24 * 60 * 60 * 1000,
    ...overrides,
  };
}

/** A random stand-in for a token hash. */
export function tokenHash(): string {
  return randomBytes(32).toString('base64url');
}

/** A room as room.create takes it. */
export type NewRoom = Extract<Change, { op: 'room.create' }>['room'];

/** A private group named "Room n" owned by `ownerId`; `overrides` win. */
export function newRoom(ownerId: string | null, overrides: Partial<NewRoom> = {}): NewRoom {
  serial += 1;
  const createdAt = overrides.createdAt ?? Date.now();
  return {
    id: uuidv7(createdAt),
    kind: 'group',
    name: `Room ${serial}`,
    topic: '',
    visibility: 'private',
    ownerId,
    passwordHash: null,
    joinCode: null,
    directKey: null,
    createdAt,
    ...overrides,
  };
}

/** The write that creates `room` with its owner as the first member (seq 1: room.created). */
export function createRoomWrite(room: NewRoom, ownerId: string, at: number = room.createdAt): Write {
  return {
    require: [],
    changes: [
      { op: 'room.create', room },
      { op: 'member.add', roomId: room.id, userId: ownerId, role: 'owner', at },
    ],
    events: [
      { stream: { room: room.id }, type: 'room.created', actorId: ownerId, data: { name: room.name } },
      roomJoined(room.id, ownerId, 'owner'),
    ],
    at,
  };
}

function roomJoined(roomId: string, userId: string, role: MemberRole): NewEvent {
  return {
    stream: { user: userId },
    type: 'room.joined',
    actorId: userId,
    data: { roomId, role },
    roomSeqField: 'seq',
  };
}

/** The write that makes `userId` a member (checked: live, not banned, not a member yet). */
export function joinWrite(roomId: string, userId: string, at: number, role: MemberRole = 'member'): Write {
  return {
    require: [
      { check: 'room.live', roomId },
      { check: 'not.banned', roomId, userId },
      { check: 'not.member', roomId, userId },
    ],
    changes: [{ op: 'member.add', roomId, userId, role, at }],
    events: [
      { stream: { room: roomId }, type: 'member.joined', actorId: userId, data: { userId, role } },
      roomJoined(roomId, userId, role),
    ],
    at,
  };
}

/** The write that ends `userId`'s membership (checked: a member). */
export function leaveWrite(roomId: string, userId: string, at: number): Write {
  return {
    require: [{ check: 'member', roomId, userId }],
    changes: [{ op: 'member.remove', roomId, userId }],
    events: [
      { stream: { room: roomId }, type: 'member.left', actorId: userId, data: { userId, reason: 'left' } },
      { stream: { user: userId }, type: 'room.left', actorId: userId, data: { roomId }, roomSeqField: 'seq' },
    ],
    at,
  };
}

/** A text message as message.insert takes it. */
export type NewMessage = Extract<Change, { op: 'message.insert' }>['message'];

/** The write that sends `body` (checked: live room, may post), idempotent under `txnId` when given. */
export function messageWrite(
  roomId: string,
  senderId: string,
  body: string,
  options: { at?: number; txnId?: string; txnSince?: number; message?: Partial<NewMessage> } = {},
): Write {
  const at = options.at ?? Date.now();
  const message: NewMessage = {
    id: uuidv7(at),
    roomId,
    senderId,
    kind: 'text',
    body,
    replyToId: null,
    forwardedFrom: null,
    file: null,
    mentions: [],
    createdAt: at,
    editedAt: null,
    deletedAt: null,
    ...options.message,
  };
  return {
    ...(options.txnId === undefined
      ? {}
      : { txn: { userId: senderId, txnId: options.txnId, roomId, since: options.txnSince ?? 0 } }),
    require: [
      { check: 'room.live', roomId },
      { check: 'can.post', roomId, userId: senderId, now: at },
    ],
    changes: [{ op: 'message.insert', message }],
    events: [{ stream: { room: roomId }, type: 'message.created', actorId: senderId, data: { message } }],
    at,
  };
}

/** A write of `changes` with one room event in `roomId`, so changes that take a room seq have one. */
export function changeWrite(roomId: string, at: number, ...changes: Change[]): Write {
  return { require: [], changes, events: [{ stream: { room: roomId }, type: 'test', actorId: null, data: {} }], at };
}

/** The message a messageWrite sends. */
export function sentMessage(write: Write): NewMessage {
  const change = write.changes.find((c) => c.op === 'message.insert');
  if (change?.op !== 'message.insert') throw new Error('the write sends no message');
  return change.message;
}

/** Commits one write alone and returns what became of it. */
export async function commitOne(storage: Storage, write: Write): Promise<WriteResult> {
  const [result] = await storage.log.commit([write]);
  if (result === undefined) throw new Error('commit answered no result');
  return result;
}

/** Commits writes that must all succeed; returns each write's stored events. */
export async function commitOk(storage: Storage, ...writes: Write[]): Promise<StoredEvent[][]> {
  const results = await storage.log.commit(writes);
  return results.map((result, i) => {
    if (!result.ok)
      throw new Error(`write ${i} was refused: ${result.code}${result.field ? ` (${result.field})` : ''}`);
    return result.events;
  });
}

/** Creates `count` accounts and returns their ids, in creation (and id) order. */
export async function createUsers(storage: Storage, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) ids.push((await storage.users.create(newUser(), { adminIfFirst: false })).id);
  return ids;
}

/** Creates a room owned by `ownerId` with `memberIds` joined after it; returns the room. */
export async function seedRoom(
  storage: Storage,
  ownerId: string,
  memberIds: readonly string[] = [],
  overrides: Partial<NewRoom> = {},
): Promise<NewRoom> {
  const room = newRoom(ownerId, overrides);
  await commitOk(storage, createRoomWrite(room, ownerId));
  if (memberIds.length > 0) {
    await commitOk(storage, ...memberIds.map((id) => joinWrite(room.id, id, room.createdAt)));
  }
  return room;
}
