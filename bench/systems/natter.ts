import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { uuidv7 } from '../../packages/server/src/lib/ids.ts';
import { createMemoryBus } from '../../packages/server/src/adapters/bus/memory-bus.ts';
import { openStorage } from '../../packages/server/src/adapters/open-storage.ts';
import { loadConfig } from '../../packages/server/src/config/index.ts';
import { createLogger } from '../../packages/server/src/logger.ts';
import { buildChatServices, buildServices } from '../../packages/server/src/main.ts';
import { Committer } from '../../packages/server/src/modules/sync/committer.ts';
import type { UserRecord, Write } from '../../packages/server/src/ports/index.ts';
import { sourceAddress, type ConnSpec } from '../load/plan.ts';
import { spawnServer, type ServerProcess } from '../lib/processes.ts';
import type { Topology } from './topology.ts';

const natterBin = join(import.meta.dirname, '..', '..', 'packages', 'cli', 'bin', 'natter.js');

/**
 * Settings the bench changes from the defaults, and why. Everything else is as deployed: SQLite
 * with synchronous=FULL, every message persisted before its ack, authenticated connections.
 */
export const benchSettings: Record<string, string> = {
  // The open-loop publishers of S2 send far more than a person types.
  NATTER_WS_FRAMES_PER_SECOND: '10000',
  // Tokens are minted once per scenario; the longest scenario must not outlive them.
  NATTER_ACCESS_TOKEN_TTL: '900',
  NATTER_LOG_LEVEL: 'warn',
  // Not reached by the bench, but stated: S2's room is exactly the default group cap.
  NATTER_GROUP_MEMBER_CAP: '1000',
};

/** A shared argon2id hash: bench users never sign in, and 19,500 real hashes take ten minutes. */
const sharedPasswordHash =
  '$argon2id$v=19$m=19456,t=2,p=1$YmVuY2hiZW5jaGJlbmNo$0000000000000000000000000000000000000000000';

/** A Natter data folder seeded for a topology, and the specs to connect to it. */
export interface SeededNatter {
  dataDir: string;
  env: Record<string, string>;
  specs: ConnSpec[];
}

/**
 * Creates the users, sessions and rooms of `topology` directly through the storage and services
 * (not through register, which hashes), before the server starts. Memberships are committed as
 * concurrent writes so group commit batches them.
 */
export async function seedNatter(topology: Topology): Promise<SeededNatter> {
  const dataDir = await mkdtemp(join(tmpdir(), 'natter-bench-'));
  const env = {
    ...benchSettings,
    NATTER_DATA_DIR: dataDir,
    NATTER_DATABASE_URL: `sqlite:${join(dataDir, 'natter.db')}`,
    NATTER_JWT_SECRET: `bench-secret-${uuidv7()}-0123456789abcdef`,
    NATTER_PUBLIC_URL: 'http://127.0.0.1:8080',
    NATTER_HOST: '127.0.0.1',
  };
  const config = loadConfig({ env, envFile: join(dataDir, 'no.env') });
  const logger = createLogger({ level: 'warn', format: 'json' });
  const storage = await openStorage(config.databaseUrl, { poolSize: 2 });
  try {
    const bus = createMemoryBus(logger);
    const clock = { now: () => Date.now() };
    const mailer = { send: () => Promise.resolve(), close: () => Promise.resolve() };
    const { sessions } = await buildServices(config, { storage, mailer, clock, logger, bus });
    const committer = new Committer({ log: storage.log, bus, logger });
    const chat = buildChatServices({
      storage,
      committer,
      bus,
      clock,
      presence: { isOnline: () => false },
      limits: {
        messageMaxBytes: config.messageMaxBytes,
        groupMemberCap: config.groupMemberCap,
        channelMemberCap: config.channelMemberCap,
        syncLimit: config.syncLimit,
      },
    });

    const users: UserRecord[] = [];
    for (let i = 0; i < topology.connections; i++) {
      const now = Date.now();
      users.push(
        await storage.users.create(
          {
            id: uuidv7(now),
            username: `bench${i}`,
            email: `bench${i}@bench.test`,
            displayName: `Bench ${i}`,
            bio: '',
            passwordHash: sharedPasswordHash,
            role: 'user',
            createdAt: now,
          },
          { adminIfFirst: false },
        ),
      );
    }
    const tokens = await Promise.all(
      users.map(async (user) => {
        const auth = await sessions.open(user, { ip: '127.0.0.1', userAgent: 'natter-bench' }, 'bench');
        return auth.accessToken;
      }),
    );

    const specs: ConnSpec[] = [];
    await Promise.all(
      topology.rooms.map(async (room) => {
        const [ownerIndex, ...rest] = room.members;
        const owner = users[ownerIndex ?? -1];
        if (owner === undefined) return;
        const caller = { userId: owner.id, sessionId: '', role: 'user' as const };
        const created = await chat.rooms.create(caller, { kind: 'group', name: room.name });
        const roomId = created.room.id;
        const joins = rest.map((index) => {
          const user = users[index];
          if (user === undefined) throw new Error('no such bench user');
          return committer.submit(joinWrite(roomId, user, owner.id));
        });
        for (const result of await Promise.all(joins)) if (!result.ok) throw new Error(`seed join: ${result.code}`);
        const lastSeq = (await storage.rooms.room(roomId))?.lastSeq ?? 0;
        for (const index of room.members) {
          const user = users[index];
          if (user === undefined) continue;
          specs.push({
            id: index,
            room: roomId,
            token: tokens[index] ?? '',
            cursor: { user: await storage.log.userSeq(user.id), rooms: { [roomId]: lastSeq } },
            publisher: topology.publishers.has(index),
            full: topology.full.has(index),
            source: sourceAddress(index),
          });
        }
      }),
    );
    await committer.drain();
    return { dataDir, env, specs: specs.sort((a, b) => a.id - b.id) };
  } finally {
    await storage.close();
  }
}

/** The write an invite commits, built here so that a whole room's joins go in a few batches. */
function joinWrite(roomId: string, user: UserRecord, ownerId: string): Write {
  const now = Date.now();
  const profile = { id: user.id, username: user.username, displayName: user.displayName, bio: user.bio };
  return {
    require: [
      { check: 'room.live', roomId },
      { check: 'not.member', roomId, userId: user.id },
    ],
    changes: [{ op: 'member.add', roomId, userId: user.id, role: 'member', at: now }],
    events: [
      {
        stream: { room: roomId },
        type: 'member.joined',
        actorId: ownerId,
        data: { user: profile, role: 'member', invitedBy: ownerId },
      },
      {
        stream: { user: user.id },
        type: 'room.joined',
        actorId: ownerId,
        data: { roomId, role: 'member' },
        roomSeqField: 'seq',
      },
    ],
    at: now,
  };
}

/** `natter serve` on the seeded data, pinned to the server core, once /readyz answers. */
export async function startNatter(
  seeded: SeededNatter,
  port: number,
  nodeArgs: readonly string[] = [],
): Promise<ServerProcess> {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('NATTER_')));
  const server = spawnServer(
    [...nodeArgs, natterBin, 'serve', '--port', String(port)],
    // The public URL stays the seeded one: it is the tokens' issuer.
    { ...inherited, ...seeded.env },
    seeded.dataDir,
  );
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (server.child.exitCode !== null) throw new Error(`natter serve exited:\n${server.output()}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/readyz`)).ok) return server;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      await server.stop();
      throw new Error(`natter serve was not ready in time:\n${server.output()}`);
    }
    await sleep(50);
  }
}

/** Removes a seeded data folder. */
export async function removeNatter(seeded: SeededNatter): Promise<void> {
  await rm(seeded.dataDir, { recursive: true, force: true });
}
