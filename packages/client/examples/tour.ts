// A two-minute tour of Natter from a script: two people, a room, live messages, a reply, a
// reaction, and a resume that misses nothing. Run it against a server:
//   node packages/client/examples/tour.ts http://localhost:8080
import { randomUUID } from 'node:crypto';
import { NatterClient, RealtimeConnection } from '@natter/client';

const baseUrl = process.argv[2] ?? 'http://localhost:8080';
const suffix = randomUUID().slice(0, 8);

// 1. Two people sign up. The client keeps each session and refreshes its tokens by itself.
const ada = new NatterClient({ baseUrl });
const bob = new NatterClient({ baseUrl });
await ada.register({
  username: `ada-${suffix}`,
  email: `ada-${suffix}@example.com`,
  password: 'analytical engine notes',
});
const bobSession = await bob.register({
  username: `bob-${suffix}`,
  email: `bob-${suffix}@example.com`,
  password: 'difference engine parts',
});

// 2. Ada makes a group with Bob in it. Every REST operation is `request(operationId, input)`.
const { room } = await ada.request('createRoom', {
  body: { kind: 'group', name: 'Tour', memberIds: [bobSession.user.id] },
});

// 3. Bob goes live: the connection syncs, then pushes events as they happen.
const live = new RealtimeConnection(bob);
const heard = new Promise<void>((resolve) => {
  live.on('event', (event) => {
    if (event.type === 'message.created') {
      console.log(`bob hears #${event.seq}: ${event.data.message.body}`);
      if (event.data.message.body.startsWith('hello')) resolve();
    }
  });
});
await new Promise<void>((resolve) => {
  live.on('state', (state) => {
    if (state === 'live') resolve();
  });
});

// 4. Ada sends. The txnId makes a retry safe: sending it again returns the same message.
const txnId = randomUUID();
const sent = await ada.request('sendMessage', { params: { roomId: room.id }, body: { txnId, body: 'hello from ada' } });
const again = await ada.request('sendMessage', {
  params: { roomId: room.id },
  body: { txnId, body: 'hello from ada' },
});
console.log(`ada sent #${sent.message.seq}; the retry was a duplicate: ${again.duplicate}`);
await heard;

// 5. Bob replies over the socket and reacts; his sends wait in an outbox until acknowledged.
const reply = await live.send(room.id, { body: 'hi ada!', replyTo: sent.message.id });
await live.call('addReaction', { params: { roomId: room.id, messageId: sent.message.id }, body: { emoji: '👋' } });
console.log(`bob replied #${reply.message.seq} to "${reply.message.replyTo?.preview ?? ''}"`);

// 6. Bob goes away; Ada writes twice; Bob comes back from his cursor and gets exactly those.
const cursor = live.cursor;
live.close();
for (const body of ['are you there?', 'see you tomorrow']) {
  await ada.request('sendMessage', { params: { roomId: room.id }, body: { txnId: randomUUID(), body } });
}
const back = new RealtimeConnection(bob, { cursor });
const missed: string[] = [];
back.on('event', (event) => {
  if (event.type === 'message.created') missed.push(event.data.message.body);
});
await new Promise<void>((resolve) => {
  back.on('state', (state) => {
    if (state === 'live') resolve();
  });
});
console.log(`bob resumed and caught up on: ${missed.join(' / ')}`);
back.close();
