// The durability half of the delivery contract: an acknowledgement is sent only after its commit,
// and a retried txnId returns the original whatever happened in between. A real `natter serve`
// child is killed with SIGKILL in the middle of a burst of sends, three times in a row, and the
// data it comes back with is checked against every acknowledgement the clients received.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  NatterNetworkError,
  NatterResponseError,
  RealtimeConnection,
  type AnyEvent,
  type GapInfo,
  type Message,
  type SendResult,
} from '@natter/client';
import { people, roomWith, type Person } from '../helpers/chat.ts';
import { history } from '../helpers/delivery.ts';
import { childDatabase, freePort, spawnServer, type ChildDatabase, type ChildServer } from '../helpers/child-server.ts';
import { eventually } from '../helpers/socket-switch.ts';
import { storageEngines } from '../helpers/storage.ts';
import { must } from '../helpers/suite.ts';

const cycles = 3;
/** Sends one realtime sender keeps on the wire at once, so acks and commits overlap. */
const window = 4;
const settings = {
  // Fixed, so access tokens signed before a crash are still good after it.
  NATTER_JWT_SECRET: 'crash-test-signing-key-that-outlives-the-process',
  NATTER_LOG_LEVEL: 'warn',
  NATTER_LOG_FORMAT: 'json',
  NATTER_TRUST_PROXY: '127.0.0.1',
  // The burst is the point; the per-connection frame budget is tested elsewhere.
  NATTER_WS_FRAMES_PER_SECOND: '10000',
};

/** One send as the client made it. */
interface Attempt {
  readonly txnId: string;
  readonly roomId: string;
  readonly body: string;
  readonly sender: Person;
  readonly via: 'rest' | 'realtime';
}

/** Every send made and every acknowledgement received, across all crashes. */
class Ledger {
  readonly attempts = new Map<string, Attempt>();
  readonly acks = new Map<string, SendResult[]>();
  readonly failures: string[] = [];
  /** Set just before the kill: from then on a send may die with its server. */
  dying = false;

  attempt(txnId: string, roomId: string, sender: Person, via: Attempt['via']): Attempt {
    const attempt = { txnId, roomId, body: `burst ${txnId}`, sender, via };
    this.attempts.set(txnId, attempt);
    return attempt;
  }

  ack(txnId: string, result: SendResult): void {
    const list = this.acks.get(txnId) ?? [];
    list.push(result);
    this.acks.set(txnId, list);
  }

  /** The message a txnId was acknowledged with; every ack of it must name the same one. */
  acked(txnId: string): Message | undefined {
    const [first, ...rest] = this.acks.get(txnId) ?? [];
    for (const other of rest) {
      assert.deepEqual(
        [other.message.id, other.message.seq],
        [first?.message.id, first?.message.seq],
        `two acknowledgements of ${txnId} disagree`,
      );
    }
    return first?.message;
  }
}

/** Sends numbered messages over REST, one after another, until stopped or the server dies. */
async function restSender(sender: Person, roomId: string, tag: string, ledger: Ledger, stop: AbortSignal) {
  for (let n = 1; !stop.aborted; n++) {
    const { txnId, body } = ledger.attempt(`${tag}-${n}`, roomId, sender, 'rest');
    try {
      ledger.ack(txnId, await sender.client.request('sendMessage', { params: { roomId }, body: { txnId, body } }));
    } catch (error) {
      // The request the kill cut short: the message may or may not be stored; (b) finds out which.
      if (ledger.dying && (error instanceof NatterNetworkError || error instanceof NatterResponseError)) return;
      throw error;
    }
  }
}

/**
 * Sends numbered messages over a RealtimeConnection, `window` at a time, until stopped. Sends still
 * unacknowledged at the kill stay in the connection's outbox, which sends them again (same txnId)
 * once the server is back; their acknowledgements are recorded whenever they come.
 */
async function realtimeSender(
  connection: RealtimeConnection,
  sender: Person,
  roomId: string,
  tag: string,
  ledger: Ledger,
  stop: AbortSignal,
) {
  const { promise: stopped, resolve } = Promise.withResolvers<undefined>();
  stop.addEventListener('abort', () => {
    resolve(undefined);
  });
  const inFlight = new Set<Promise<void>>();
  for (let n = 1; !stop.aborted;) {
    if (inFlight.size >= window) {
      await Promise.race([...inFlight, stopped]);
      continue;
    }
    const { txnId, body } = ledger.attempt(`${tag}-${n++}`, roomId, sender, 'realtime');
    const sent: Promise<void> = connection.send(roomId, { txnId, body }).then(
      (result) => {
        ledger.ack(txnId, result);
        inFlight.delete(sent);
      },
      (error: unknown) => {
        ledger.failures.push(`${txnId}: ${String(error)}`);
        inFlight.delete(sent);
      },
    );
    inFlight.add(sent);
  }
}

/** Runs `work` over `items` with at most `limit` at a time. */
async function inParallel<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(must(items[next++]));
  };
  await Promise.all(Array.from({ length: limit }, worker));
}

/** Per room, the seqs of the room events a connection delivered, and the gaps it reported. */
class Delivered {
  readonly seqs = new Map<string, number[]>();
  readonly gaps: GapInfo[] = [];

  constructor(connection: RealtimeConnection) {
    connection.on('event', (event: AnyEvent) => {
      if (event.stream !== 'room') return;
      const list = this.seqs.get(event.roomId) ?? [];
      list.push(event.seq);
      this.seqs.set(event.roomId, list);
    });
    connection.on('gap', (gap) => this.gaps.push(gap));
  }

  /** Strictly increasing, and every jump is a gap the connection reported (a sync that was limited). */
  check(roomId: string, who: string): void {
    const seqs = this.seqs.get(roomId) ?? [];
    for (let i = 1; i < seqs.length; i++) {
      const [previous, seq] = [must(seqs[i - 1]), must(seqs[i])];
      assert.ok(seq > previous, `${who} got room seq ${seq} after ${previous}`);
      if (seq === previous + 1) continue;
      const reported = this.gaps.some((g) => g.roomId === roomId && g.afterSeq === previous && g.beforeSeq === seq);
      assert.ok(reported, `${who} skipped room seqs ${previous + 1}..${seq - 1} without reporting a gap`);
    }
  }
}

for (const engine of storageEngines) {
  describe(`kill -9 in the middle of a burst of sends [${engine.name}]`, { skip: engine.skip }, () => {
    let server: ChildServer | undefined;
    let database: ChildDatabase | undefined;
    let dataDir: string | undefined;
    const connections: RealtimeConnection[] = [];

    after(async () => {
      for (const connection of connections) connection.close();
      await server?.kill();
      await database?.drop();
      if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
    });

    it(`loses no acknowledged message, ${cycles} crashes in a row`, async (t) => {
      dataDir = await mkdtemp(join(tmpdir(), 'natter-crash-'));
      const db = (database = await childDatabase(engine.name, dataDir));
      const port = await freePort();
      const start = async () => {
        server = await spawnServer({ port, dataDir: must(dataDir), databaseUrl: db.url, env: settings });
        return server;
      };
      const { url } = await start();

      const crew = await people(url, 3);
      const [ada, bob, cy] = crew;
      const rooms = [(await roomWith(ada, [bob, cy])).room, (await roomWith(bob, [ada, cy])).room];
      // Only messages are logged from here on, so each room's messages must fill (base, lastSeq].
      const base = new Map(rooms.map((room) => [room.id, room.lastSeq]));
      const delivered: Delivered[] = [];
      for (const person of crew) {
        const connection = new RealtimeConnection(person.client, {
          backoff: { baseMs: 20, maxMs: 200 },
          heartbeatMs: 0,
        });
        connections.push(connection);
        delivered.push(new Delivered(connection));
      }
      const ledger = new Ledger();
      const settled = () => connections.every((c) => c.state === 'live' && c.outbox.length === 0);
      await eventually(settled, { what: 'every connection live' });

      for (let cycle = 1; cycle <= cycles; cycle++) {
        // The burst: per person and room, one REST sender and one realtime sender.
        const stop = new AbortController();
        ledger.dying = false;
        const senders = crew.flatMap((person, p) =>
          rooms.flatMap((room, r) => [
            restSender(person, room.id, `c${cycle}-rest-u${p}-r${r}`, ledger, stop.signal),
            realtimeSender(must(connections[p]), person, room.id, `c${cycle}-ws-u${p}-r${r}`, ledger, stop.signal),
          ]),
        );
        const delay = 200 + Math.floor(Math.random() * 600);
        await sleep(delay);
        stop.abort();
        ledger.dying = true;
        await must(server).kill();
        await Promise.all(senders);
        const ackedAtKill = new Set(ledger.acks.keys()); // (any ack still in flight at the kill is lost)
        const pendingAtKill = connections.reduce((sum, c) => sum + c.outbox.length, 0);

        await start();
        // The outboxes send what was not acknowledged again, with the same txnIds.
        await eventually(settled, {
          timeoutMs: 20_000,
          what: 'every connection live with an empty outbox after the restart',
          explain: () => connections.map((c) => `${c.state}: ${c.outbox.length} pending`).join('; '),
        });
        assert.deepEqual(ledger.failures, [], 'no realtime send was given up');
        // Sends the outboxes repeated after the restart and the server knew already: committed, ack lost.
        const resentStored = [...ledger.acks].filter(
          ([txnId, results]) => !ackedAtKill.has(txnId) && results.some((r) => r.duplicate),
        ).length;

        // (a) Every acknowledged message is stored, with the id and seq it was acknowledged with.
        for (const room of rooms) {
          const stored = new Map(
            (await history((op, ...args) => ada.client.request(op, ...args), room.id)).map((m) => [m.id, m]),
          );
          for (const [txnId, attempt] of ledger.attempts) {
            const acked = ledger.acked(txnId);
            if (attempt.roomId !== room.id || acked === undefined) continue;
            const found = stored.get(acked.id);
            assert.ok(found, `acknowledged ${txnId} (${acked.id}, seq ${acked.seq}) is not in the store`);
            assert.equal(found.seq, acked.seq, `${txnId} is stored at another seq`);
            assert.equal(found.body, attempt.body, `${txnId} is stored with another body`);
          }
        }

        // (b) Every txnId ever attempted, sent again: acknowledged ones are duplicates of the
        // original; the others were either committed before the kill (their ack was lost) or not.
        let ackLost = 0;
        let neverStored = 0;
        await inParallel([...ledger.attempts.values()], 16, async ({ txnId, roomId, body, sender }) => {
          const known = ledger.acked(txnId);
          const result = await sender.client.request('sendMessage', { params: { roomId }, body: { txnId, body } });
          if (known) {
            assert.equal(result.duplicate, true, `${txnId} was acknowledged, yet its retry stored a new message`);
            assert.deepEqual([result.message.id, result.message.seq], [known.id, known.seq], `${txnId} retry`);
          } else if (result.duplicate) ackLost += 1;
          else neverStored += 1;
          ledger.ack(txnId, result);
        });

        // Then each txnId is in its room exactly once, and (c) the room's seqs run without a gap.
        for (const room of rooms) {
          const messages = await history((op, ...args) => cy.client.request(op, ...args), room.id);
          const counts = new Map<string, number>();
          for (const m of messages) counts.set(m.body, (counts.get(m.body) ?? 0) + 1);
          const expected = [...ledger.attempts.values()].filter((a) => a.roomId === room.id);
          for (const attempt of expected) {
            assert.equal(
              counts.get(attempt.body),
              1,
              `${attempt.txnId} is stored ${counts.get(attempt.body) ?? 0} times`,
            );
          }
          assert.equal(messages.length, expected.length, `room ${room.name} holds only what was sent`);
          const { lastSeq } = (await cy.client.request('getRoom', { params: { roomId: room.id } })).room;
          const first = must(base.get(room.id)) + 1;
          assert.deepEqual(
            messages.map((m) => m.seq),
            Array.from({ length: lastSeq - first + 1 }, (_, i) => first + i),
            `room seqs ${first}..${lastSeq} hold the messages in order, without a gap`,
          );
          // Every connection delivered the room in order, and reached its end.
          await eventually(() => connections.every((c) => c.cursor.rooms[room.id] === lastSeq), {
            what: `every connection at seq ${lastSeq} of ${room.name}`,
          });
          delivered.forEach((d, i) => {
            d.check(room.id, `connection ${i}`);
          });
        }
        const viaThisCycle = (via: Attempt['via']) =>
          [...ledger.attempts.values()].filter((a) => a.via === via && a.txnId.startsWith(`c${cycle}-`)).length;
        t.diagnostic(
          `cycle ${cycle}: killed after ${delay} ms; ${viaThisCycle('rest')} REST and ${viaThisCycle('realtime')} realtime sends; ` +
            `${pendingAtKill} in outboxes at the kill, of which ${resentStored} had been stored (ack lost); ` +
            `retried over REST: ${ackLost} had been stored (ack lost), ${neverStored} had not; ` +
            `${ledger.attempts.size} sends in all`,
        );
      }
    });
  });
}
