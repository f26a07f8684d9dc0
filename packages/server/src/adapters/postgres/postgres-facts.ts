import type { PoolClient } from 'pg';
import type { Requirement, Write } from '../../ports/event-log.ts';
import type { Facts, MemberFact, MessageFact, RoomFact, TxnFact } from '../log-writes.ts';

type Key = readonly string[];

/** What the requirements and txns of some writes need read. */
class Needs {
  readonly rooms = new Set<string>();
  readonly members: Key[] = [];
  readonly bans: Key[] = [];
  readonly messages = new Set<string>();
  readonly reactions: Key[] = [];
  readonly emojis = new Set<string>();
  readonly txns: Key[] = [];
  readonly blocks: Key[] = [];
}

type Collector<C extends Requirement['check']> = (
  requirement: Extract<Requirement, { check: C }>,
  needs: Needs,
) => void;

const collectors: { [C in Requirement['check']]: Collector<C> } = {
  'room.live': (r, n) => n.rooms.add(r.roomId),
  member: (r, n) => n.members.push([r.roomId, r.userId]),
  'not.member': (r, n) => n.members.push([r.roomId, r.userId]),
  role: (r, n) => n.members.push([r.roomId, r.userId]),
  'can.post': (r, n) => {
    n.rooms.add(r.roomId);
    n.members.push([r.roomId, r.userId]);
  },
  'not.banned': (r, n) => n.bans.push([r.roomId, r.userId]),
  'not.blocked': (r, n) => n.blocks.push([r.roomId, r.userId]),
  capacity: (r, n) => n.rooms.add(r.roomId),
  'message.live': (r, n) => n.messages.add(r.messageId),
  'message.unchanged': (r, n) => n.messages.add(r.messageId),
  'reaction.absent': (r, n) => n.reactions.push([r.messageId, r.userId, r.emoji]),
  'reaction.present': (r, n) => n.reactions.push([r.messageId, r.userId, r.emoji]),
  'reaction.room': (r, n) => n.emojis.add(r.messageId),
  'read.ahead': (r, n) => n.members.push([r.roomId, r.userId]),
};

/** The i-th element of every key, as one array parameter for unnest. */
const column = (keys: readonly Key[], i: number) => keys.map((key) => key[i] ?? '');

/** One kind of fact: its SELECT (over its array parameters, $1.. renumbered) and their values. */
interface Branch {
  select: (p: (i: number) => string) => string;
  values: (needs: Needs) => string[][];
}

const branches: Branch[] = [
  {
    select: (p) => `SELECT 'room', r.id, '', '',
        json_build_object('kind', r.kind, 'hidden', r.kind = 'direct' OR r.visibility = 'private',
          'directKey', r.direct_key, 'deletedAt', r.deleted_at, 'memberCount', r.member_count)
      FROM rooms r WHERE r.id = ANY (${p(0)}::text[])`,
    values: (n) => [[...n.rooms]],
  },
  {
    select: (p) => `SELECT 'member', m.room_id, m.user_id, '',
        json_build_object('role', m.role, 'mutedUntil', m.muted_until, 'readSeq', m.read_seq)
      FROM unnest(${p(0)}::text[], ${p(1)}::text[]) AS k (room_id, user_id)
      JOIN memberships m ON m.room_id = k.room_id AND m.user_id = k.user_id AND m.left_seq IS NULL`,
    values: (n) => [column(n.members, 0), column(n.members, 1)],
  },
  {
    select: (p) => `SELECT 'ban', b.room_id, b.user_id, '', NULL
      FROM unnest(${p(0)}::text[], ${p(1)}::text[]) AS k (room_id, user_id)
      JOIN bans b ON b.room_id = k.room_id AND b.user_id = k.user_id`,
    values: (n) => [column(n.bans, 0), column(n.bans, 1)],
  },
  {
    select: (
      p,
    ) => `SELECT 'message', m.id, '', '', json_build_object('roomId', m.room_id, 'editedAt', m.edited_at, 'deletedAt', m.deleted_at)
      FROM messages m WHERE m.id = ANY (${p(0)}::text[])`,
    values: (n) => [[...n.messages]],
  },
  {
    select: (p) => `SELECT 'reaction', r.message_id, r.user_id, r.emoji, NULL
      FROM unnest(${p(0)}::text[], ${p(1)}::text[], ${p(2)}::text[]) AS k (message_id, user_id, emoji)
      JOIN reactions r ON r.message_id = k.message_id AND r.user_id = k.user_id AND r.emoji = k.emoji`,
    values: (n) => [0, 1, 2].map((i) => column(n.reactions, i)),
  },
  {
    select: (p) => `SELECT 'emojis', r.message_id, '', '', json_agg(DISTINCT r.emoji)
      FROM reactions r WHERE r.message_id = ANY (${p(0)}::text[]) GROUP BY r.message_id`,
    values: (n) => [[...n.emojis]],
  },
  {
    select: (p) => `SELECT 'txn', t.sender_id, t.txn_id, '', json_build_object('roomId', t.room_id,
        'event', json_build_object('stream', 'room', 'streamId', e.room_id, 'seq', e.seq, 'type', e.type,
          'actorId', e.actor_id, 'data', e.data, 'at', e.at))
      FROM unnest(${p(0)}::text[], ${p(1)}::text[], ${p(2)}::bigint[]) AS k (user_id, txn_id, since)
      JOIN messages t ON t.sender_id = k.user_id AND t.txn_id = k.txn_id AND t.created_at >= k.since
      JOIN room_events e ON e.room_id = t.room_id AND e.seq = t.seq`,
    values: (n) => [column(n.txns, 0), column(n.txns, 1), column(n.txns, 2)],
  },
  {
    // The peer is the direct room's key without the user's id (the rule of lib/direct-key.ts, in SQL,
    // so that the batch's facts stay one round trip).
    select: (p) => `SELECT 'blocked', k.room_id, k.user_id, '', NULL
      FROM unnest(${p(0)}::text[], ${p(1)}::text[]) AS k (room_id, user_id)
      JOIN rooms r ON r.id = k.room_id AND r.kind = 'direct'
      JOIN blocks b ON b.blocked_id = k.user_id
        AND b.blocker_id = replace(replace(r.direct_key, k.user_id || ':', ''), ':' || k.user_id, '')`,
    values: (n) => [column(n.blocks, 0), column(n.blocks, 1)],
  },
];

/**
 * Every fact some writes need in one round trip: a UNION ALL of the branches that have keys, each
 * reading one kind of fact for all its keys (given as arrays). Leaving the empty branches out
 * keeps planning cheap; each combination is prepared once per connection under its own name.
 */
function factsQuery(needs: Needs): { name: string; text: string; values: string[][] } | undefined {
  const selects: string[] = [];
  const values: string[][] = [];
  let mask = 0;
  branches.forEach((branch, i) => {
    const arrays = branch.values(needs);
    if (arrays.every((array) => array.length === 0)) return;
    const offset = values.length;
    selects.push(branch.select((n) => `$${offset + n + 1}`));
    values.push(...arrays);
    mask |= 1 << i;
  });
  return selects.length === 0
    ? undefined
    : {
        name: `natter_facts_${mask}`,
        text: `SELECT * FROM (${selects.join(' UNION ALL ')}) AS f (kind, k1, k2, k3, v)`,
        values,
      };
}

interface FactRow {
  kind: string;
  k1: string;
  k2: string;
  k3: string;
  v: unknown;
}

/**
 * Facts for the requirements and txns of a group of writes, read in one statement. Valid while
 * nothing they describe changes: the event log reads them for a run of writes that only append
 * messages (answered by `pending`, the messages appended but not yet flushed) or for one write.
 */
export class PostgresFacts implements Facts {
  readonly #found = new Map<string, unknown>();
  readonly #pending: (messageId: string) => MessageFact | undefined;

  private constructor(pending: (messageId: string) => MessageFact | undefined) {
    this.#pending = pending;
  }

  /** Reads every fact the writes' requirements and txns need. */
  static async load(
    client: PoolClient,
    writes: readonly Write[],
    pending: (messageId: string) => MessageFact | undefined,
  ): Promise<PostgresFacts> {
    const needs = new Needs();
    for (const write of writes) {
      for (const requirement of write.require) {
        (collectors[requirement.check] as Collector<Requirement['check']>)(requirement, needs);
      }
      if (write.txn !== undefined) needs.txns.push([write.txn.userId, write.txn.txnId, String(write.txn.since)]);
    }
    const facts = new PostgresFacts(pending);
    const query = factsQuery(needs);
    const rows = query === undefined ? [] : (await client.query<FactRow>(query)).rows;
    for (const row of rows) facts.#found.set(key(row.kind, row.k1, row.k2, row.k3), row.v ?? true);
    return facts;
  }

  room(roomId: string): RoomFact | undefined {
    return this.#found.get(key('room', roomId)) as RoomFact | undefined;
  }

  member(roomId: string, userId: string): MemberFact | undefined {
    return this.#found.get(key('member', roomId, userId)) as MemberFact | undefined;
  }

  banned(roomId: string, userId: string): boolean {
    return this.#found.has(key('ban', roomId, userId));
  }

  message(messageId: string): MessageFact | undefined {
    return this.#pending(messageId) ?? (this.#found.get(key('message', messageId)) as MessageFact | undefined);
  }

  reacted(messageId: string, userId: string, emoji: string): boolean {
    return this.#found.has(key('reaction', messageId, userId, emoji));
  }

  emojis(messageId: string): readonly string[] {
    return (this.#found.get(key('emojis', messageId)) as string[] | undefined) ?? [];
  }

  blockedByPeer(roomId: string, userId: string): boolean {
    return this.#found.has(key('blocked', roomId, userId));
  }

  /** The txn as stored, if it was used before this batch. */
  txn(userId: string, txnId: string): TxnFact | undefined {
    return this.#found.get(key('txn', userId, txnId)) as TxnFact | undefined;
  }
}

function key(kind: string, k1: string, k2 = '', k3 = ''): string {
  return JSON.stringify([kind, k1, k2, k3]);
}
