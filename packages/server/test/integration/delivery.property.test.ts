// The delivery contract as a property: whatever three people do in two or three shared rooms, and
// however their connections fail, every client applies each room's events once and in order,
// loses no acknowledged message, sees what the other members saw, and ends in the state a fresh
// fetch shows. Failures print fast-check's seed and path and the generated scenario; rerun one with
// NATTER_PROPERTY_SEED=<seed> NATTER_PROPERTY_PATH=<path> (and NATTER_PROPERTY_SHRINK=1 to shrink it).
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import fc from 'fast-check';
import { isNatterApiError, NatterNetworkError, type SendResult } from '@natter/client';
import { people, type Person } from '../helpers/chat.ts';
import { eventually } from '../helpers/socket-switch.ts';
import { must, onEveryEngine } from '../helpers/suite.ts';
import { Actor, checkDelivery, fillGaps, type SentMessage, type Via } from '../helpers/delivery.ts';

type UserIx = 0 | 1 | 2;

/** A room made at the start of a run: its owner, kind, and who else is in it from the first event. */
interface RoomPlan {
  readonly owner: UserIx;
  readonly kind: 'group' | 'channel';
  readonly members: readonly UserIx[];
}

interface Target {
  readonly user: UserIx;
  readonly room: number;
  readonly via: Via;
}

/** Each step's fields. Rooms and messages are picked by index, modulo what exists when the step runs. */
interface OpFields {
  /** A new message, perhaps a reply; over the socket it waits in the outbox while offline. */
  send: Target & { readonly replyTo: number | null };
  /** One of the user's earlier sends again, same txnId (through the outbox: as an app restarted from a saved outbox). */
  retry: { readonly user: UserIx; readonly pick: number; readonly via: Via };
  /** Everyone sends to one room at once: u0 over REST, u1 through the outbox, u2 `via`. */
  flurry: { readonly room: number; readonly via: Via };
  edit: Target & { readonly pick: number };
  delete: Target & { readonly pick: number };
  react: Target & { readonly pick: number; readonly emoji: string };
  unreact: Target & { readonly pick: number; readonly emoji: string };
  read: Target;
  join: Target;
  leave: Target;
  rename: Target & { readonly name: string };
  /** The socket dies without a closing handshake; the connection resumes by itself. */
  cut: { readonly user: UserIx };
  /** The socket dies and new ones cannot connect until `online`. */
  offline: { readonly user: UserIx };
  online: { readonly user: UserIx };
  pause: { readonly ms: number };
}

/** One step. */
type Op = { [K in keyof OpFields]: { readonly op: K } & OpFields[K] }[keyof OpFields];

interface Scenario {
  readonly rooms: readonly RoomPlan[];
  readonly ops: readonly Op[];
}

const user = fc.constantFrom<UserIx>(0, 1, 2);
const room = fc.nat({ max: 2 });
const pick = fc.nat({ max: 99 });
const via = fc.constantFrom<Via>('realtime', 'rest');
const anOp: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 10,
    arbitrary: fc.record({ op: fc.constant('send'), user, room, via, replyTo: fc.option(pick, { nil: null }) }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('retry'), user, pick, via }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('flurry'), room, via }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constantFrom('edit', 'delete'), user, room, pick, via }) },
  {
    weight: 4,
    arbitrary: fc.record({
      op: fc.constantFrom('react', 'unreact'),
      user,
      room,
      pick,
      via,
      emoji: fc.constantFrom('👍', '🎉', '❤️'),
    }),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('read'), user, room, via }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constantFrom('join', 'join', 'leave'), user, room, via }) },
  {
    weight: 1,
    arbitrary: fc.record({ op: fc.constant('rename'), user, room, via, name: fc.constantFrom('Ops', 'Dev') }),
  },
  { weight: 4, arbitrary: fc.record({ op: fc.constantFrom('cut', 'offline', 'online'), user }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('pause'), ms: fc.integer({ min: 1, max: 25 }) }) },
);
const everyone: UserIx[] = [0, 1, 2];
const scenarios: fc.Arbitrary<Scenario> = fc.record({
  rooms: fc.array(
    fc.record({
      owner: user,
      // Mostly groups where everyone talks; channels, where only the owner posts, now and then.
      kind: fc.constantFrom('group', 'group', 'group', 'channel'),
      members: fc.oneof(
        { weight: 2, arbitrary: fc.constant(everyone) },
        { weight: 1, arbitrary: fc.subarray(everyone) },
      ),
    }),
    { minLength: 2, maxLength: 3 },
  ),
  ops: fc.array(anOp, { minLength: 10, maxLength: 40 }),
});

/** A send as the test made it, and every acknowledgement it got (several when retried). */
interface SendRecord extends SentMessage {
  readonly sender: UserIx;
  readonly request: { txnId: string; body: string; replyTo?: string };
  readonly results: SendResult[];
}

/** One run: its people, their connections, the rooms, and what was sent. */
class Run {
  readonly actors: Actor[];
  readonly roomIds: string[] = [];
  readonly sends: SendRecord[] = [];
  /** Acknowledged messages per room, to pick from. */
  readonly known = new Map<string, { id: string; sender: UserIx }[]>();
  readonly log: string[] = [];
  /** Outbox sends that failed other than by the server's refusal. */
  readonly givenUp: string[] = [];
  #unsettled = 0;

  constructor(crew: readonly Person[]) {
    this.actors = crew.map((person) => new Actor(person));
  }

  get settled(): boolean {
    return this.#unsettled === 0;
  }

  actor(ix: UserIx): Actor {
    return must(this.actors[ix], `person u${ix}`);
  }

  room(ix: number): string {
    return must(this.roomIds[ix % this.roomIds.length], 'room');
  }

  /** The message at `index` (modulo) among the room's acknowledged ones, optionally only `sender`'s. */
  message(roomId: string, index: number, sender?: UserIx): string | undefined {
    const candidates = (this.known.get(roomId) ?? []).filter((m) => sender === undefined || m.sender === sender);
    return candidates[index % Math.max(1, candidates.length)]?.id;
  }

  acknowledged(record: SendRecord, result: SendResult): void {
    record.results.push(result);
    const list = this.known.get(record.roomId) ?? [];
    if (!list.some((m) => m.id === result.message.id)) list.push({ id: result.message.id, sender: record.sender });
    this.known.set(record.roomId, list);
  }

  /** A new send by `user` to `roomId`, recorded. */
  newSend(user: UserIx, roomId: string, tag: string, replyTo?: string): SendRecord {
    const request = { txnId: `t${tag}`, body: `m${tag} from u${user}`, ...(replyTo ? { replyTo } : {}) };
    const record: SendRecord = { txnId: request.txnId, roomId, sender: user, request, results: [] };
    this.sends.push(record);
    return record;
  }

  /** Sends `record` (again) over REST, or through the outbox, which acknowledges it later. */
  transmit(record: SendRecord, via: Via, step: number): Promise<string> {
    const actor = this.actor(record.sender);
    const { roomId, request } = record;
    if (via === 'realtime') {
      this.follow(record, actor.connection.send(roomId, request), step);
      return Promise.resolve(actor.offline ? 'queued in the outbox' : 'sent');
    }
    return outcome(async () => {
      this.acknowledged(record, await actor.request('sendMessage', { params: { roomId }, body: request }));
    }, 'rest');
  }

  /** Follows a send that settles later (an outbox send); counted until it does. */
  follow(record: SendRecord, sent: Promise<SendResult>, step: number): void {
    this.#unsettled += 1;
    sent
      .then(
        (result) => {
          this.acknowledged(record, result);
        },
        (error: unknown) => {
          this.log.push(`  (step ${step}'s send ${record.txnId} refused: ${describe(error)})`);
          // The outbox gives a send up only when the server refuses it; a drop means "send again".
          if (!isNatterApiError(error)) this.givenUp.push(`${record.txnId}: ${String(error)}`);
        },
      )
      .finally(() => (this.#unsettled -= 1));
  }
}

function describe(error: unknown): string {
  if (isNatterApiError(error)) return error.code;
  if (error instanceof NatterNetworkError) return 'network error';
  return String(error);
}

/** Runs `action`; an API refusal (and, over the socket, a drop mid-call) is an outcome, not a failure. */
async function outcome(action: () => Promise<unknown>, via: Via): Promise<string> {
  try {
    await action();
    return 'ok';
  } catch (error) {
    if (isNatterApiError(error)) return error.code;
    if (via === 'realtime' && error instanceof NatterNetworkError) return 'dropped mid-call';
    throw error;
  }
}

type Handler<K extends Op['op']> = (run: Run, op: Extract<Op, { op: K }>, step: number) => Promise<string>;

const handlers: { readonly [K in Op['op']]: Handler<K> } = {
  send: (run, op, step) => {
    const roomId = run.room(op.room);
    const replyTo = op.replyTo === null ? undefined : run.message(roomId, op.replyTo);
    return run.transmit(run.newSend(op.user, roomId, `${step}`, replyTo), op.via, step);
  },
  retry: (run, op, step) => {
    const mine = run.sends.filter((s) => s.sender === op.user);
    const record = mine[op.pick % Math.max(1, mine.length)];
    return record ? run.transmit(record, op.via, step) : Promise.resolve('nothing to retry');
  },
  flurry: async (run, op, step) => {
    const roomId = run.room(op.room);
    const vias: Via[] = ['rest', 'realtime', op.via];
    const outcomes = await Promise.all(
      vias.map((v, u) => run.transmit(run.newSend(u as UserIx, roomId, `${step}.${u}`), v, step)),
    );
    return outcomes.join(', ');
  },
  edit: (run, op, step) => {
    const roomId = run.room(op.room);
    const messageId = run.message(roomId, op.pick, op.user);
    if (messageId === undefined) return Promise.resolve('no own message');
    const actor = run.actor(op.user);
    const input = { params: { roomId, messageId }, body: { body: `edited at step ${step}` } };
    return outcome(() => actor.call(op.via, 'editMessage', input), op.via);
  },
  delete: (run, op) => {
    const roomId = run.room(op.room);
    const messageId = run.message(roomId, op.pick);
    if (messageId === undefined) return Promise.resolve('no message');
    return outcome(() => run.actor(op.user).call(op.via, 'deleteMessage', { params: { roomId, messageId } }), op.via);
  },
  react: (run, op) => {
    const roomId = run.room(op.room);
    const messageId = run.message(roomId, op.pick);
    if (messageId === undefined) return Promise.resolve('no message');
    const input = { params: { roomId, messageId }, body: { emoji: op.emoji } };
    return outcome(() => run.actor(op.user).call(op.via, 'addReaction', input), op.via);
  },
  unreact: (run, op) => {
    const roomId = run.room(op.room);
    const messageId = run.message(roomId, op.pick);
    if (messageId === undefined) return Promise.resolve('no message');
    const input = { params: { roomId, messageId }, body: { emoji: op.emoji } };
    return outcome(() => run.actor(op.user).call(op.via, 'removeReaction', input), op.via);
  },
  read: (run, op) => {
    const actor = run.actor(op.user);
    const roomId = run.room(op.room);
    // Up to what this client has seen, as an app marks read what it showed.
    const seq = actor.state.room(roomId)?.room?.lastSeq ?? 1;
    return outcome(() => actor.call(op.via, 'markRead', { params: { roomId }, body: { seq } }), op.via);
  },
  join: (run, op) =>
    outcome(() => run.actor(op.user).call(op.via, 'joinRoom', { params: { roomId: run.room(op.room) } }), op.via),
  leave: (run, op) =>
    outcome(() => run.actor(op.user).call(op.via, 'leaveRoom', { params: { roomId: run.room(op.room) } }), op.via),
  rename: (run, op, step) => {
    const input = { params: { roomId: run.room(op.room) }, body: { name: `${op.name} ${step}` } };
    return outcome(() => run.actor(op.user).call(op.via, 'updateRoom', input), op.via);
  },
  cut: (run, op) => Promise.resolve(`${run.actor(op.user).sockets.cut()} socket(s) cut`),
  offline: (run, op) => {
    run.actor(op.user).sockets.block();
    return Promise.resolve('offline');
  },
  online: (run, op) => {
    run.actor(op.user).sockets.unblock();
    return Promise.resolve('online');
  },
  pause: async (_run, op) => {
    await sleep(op.ms);
    return 'paused';
  },
};

function perform(run: Run, op: Op, step: number): Promise<string> {
  const handler = handlers[op.op] as (run: Run, op: Op, step: number) => Promise<string>;
  return handler(run, op, step);
}

/** Plays a scenario on `url` with fresh people and rooms, then checks the contract. */
async function play(url: string, scenario: Scenario): Promise<void> {
  const run = new Run(await people(url, 3));
  try {
    await eventually(() => run.actors.every((a) => a.connection.state === 'live'), { what: 'every connection live' });
    for (const [i, plan] of scenario.rooms.entries()) {
      const owner = run.actor(plan.owner);
      const memberIds = plan.members.filter((m) => m !== plan.owner).map((m) => run.actor(m).person.userId);
      const created = await owner.request('createRoom', {
        body: { kind: plan.kind, name: `Room ${i}`, visibility: 'public', memberIds },
      });
      run.roomIds.push(created.room.id);
    }
    for (const [step, op] of scenario.ops.entries()) {
      // Logged before it runs, so a step that throws is in the report too.
      const line = `${step}: ${JSON.stringify(op)}`;
      const at = run.log.push(line) - 1;
      run.log[at] = `${line} -> ${await perform(run, op, step)}`;
    }
    for (const actor of run.actors) actor.sockets.unblock();
    await eventually(
      async () => {
        if (!run.settled || !run.actors.every((a) => a.connection.state === 'live')) return false;
        for (const actor of run.actors) if (!(await actor.caughtUp())) return false;
        return true;
      },
      {
        timeoutMs: 15_000,
        what: 'every connection live, every send settled, every event delivered',
        explain: () =>
          run.actors.map((a, i) => `u${i}: ${a.connection.state}, ${a.connection.outbox.length} pending`).join('; '),
      },
    );
    assert.deepEqual(run.givenUp, [], 'the outboxes gave up no send the server did not refuse');
    for (const actor of run.actors) await fillGaps(actor);
    await checkDelivery(run.actors, run.roomIds, run.sends);
  } catch (error) {
    const who = run.actors.map((a, i) => `u${i}=${a.person.userId}`).join(' ');
    const rooms = run.roomIds.map((id, i) => `r${i}=${id}`).join(' ');
    throw new Error(`${String(error)}\n${who}\n${rooms}\nsteps:\n${run.log.join('\n')}`, { cause: error });
  } finally {
    for (const actor of run.actors) actor.connection.close();
  }
}

const numRuns = Number(process.env.NATTER_PROPERTY_RUNS ?? 25);
const seed = process.env.NATTER_PROPERTY_SEED === undefined ? undefined : Number(process.env.NATTER_PROPERTY_SEED);
const path = process.env.NATTER_PROPERTY_PATH;

onEveryEngine('delivery under faults, as a property', { NATTER_WS_FRAMES_PER_SECOND: '10000' }, (server) => {
  it(`holds the contract over ${numRuns} random scenarios`, { timeout: 120_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(scenarios, (scenario) => play(server().url, scenario)),
      {
        numRuns,
        ...(seed === undefined ? {} : { seed }),
        ...(path === undefined ? {} : { path }),
        // Each run takes about a second against a real server: shrinking is opt-in.
        endOnFailure: process.env.NATTER_PROPERTY_SHRINK === undefined,
      },
    );
  });
});
