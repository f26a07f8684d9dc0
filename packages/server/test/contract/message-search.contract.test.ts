import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Write } from '../../src/ports/event-log.ts';
import type { Storage } from '../../src/ports/storage.ts';
import {
  commitOk,
  createRoomWrite,
  createUsers,
  messageWrite,
  newRoom,
  seedRoom,
  sentMessage,
  storageEngines,
} from '../helpers/storage.ts';

// The same expectations run on both engines: a person's words find the same messages whether
// the server keeps them in SQLite (FTS5) or PostgreSQL (tsvector).

const now = 1_700_000_000_000;

const texts = [
  'Hello world, this is the first message',
  'Crème brûlée à la française',
  'Meet Élodie at the café',
  'The Ångström unit is tiny',
  'Việt Nam and Łódź are far apart',
  'pi is 3.14 and mail bob@example.com',
  'an e-mail with hyphen-ated words and snake_case',
  'Say "hello" OR goodbye (maybe) - or not * really',
  'NEAR the column: body matches nothing special',
  'hello again from the second room',
];

for (const engine of storageEngines) {
  describe(`RoomReader search on ${engine.name}`, { skip: engine.skip }, () => {
    let storage: Storage;
    let ada: string;
    let main: string;
    let other: string;
    const ids = new Map<string, string>();
    before(async () => {
      storage = await engine.open();
      [ada = ''] = await createUsers(storage, 1);
      main = (await seedRoom(storage, ada, [], { createdAt: now })).id;
      other = (await seedRoom(storage, ada, [], { createdAt: now })).id;
      const writes = texts.map((body, i) =>
        messageWrite(i === texts.length - 1 ? other : main, ada, body, { at: now + i }),
      );
      await commitOk(storage, ...writes);
      writes.forEach((write, i) => ids.set(texts[i] ?? '', sentMessage(write).id));
    });
    after(async () => {
      await storage.close();
    });

    /** The bodies found in both rooms, newest first. */
    const find = async (query: string, rooms: string[] = [main, other], limit = 20) =>
      (await storage.rooms.search(rooms, query, limit)).map((m) => m.body);

    it('finds messages containing every word, any case, newest first', async () => {
      assert.deepEqual(await find('hello'), [texts[9], texts[7], texts[0]]);
      assert.deepEqual(await find('HELLO world'), [texts[0]]);
      assert.deepEqual(await find('hello planet'), []);
      assert.deepEqual(await find('hello', [main, other], 2), [texts[9], texts[7]]);
    });

    it('matches the last word as a prefix, the others whole', async () => {
      assert.deepEqual(await find('wor'), [texts[6], texts[0]]);
      assert.deepEqual(await find('hello wor'), [texts[0]]);
      assert.deepEqual(await find('hel world'), []);
    });

    it('ignores accents on Latin letters, in the text and in the query', async () => {
      assert.deepEqual(await find('creme brulee'), [texts[1]]);
      assert.deepEqual(await find('CRÈME'), [texts[1]]);
      assert.deepEqual(await find('elodie cafe'), [texts[2]]);
      assert.deepEqual(await find('élo'), [texts[2]]);
      assert.deepEqual(await find('angstrom'), [texts[3]]);
      assert.deepEqual(await find('viet'), [texts[4]]);
      assert.deepEqual(await find('Łódź'), [texts[4]]);
      assert.deepEqual(await find('francaise'), [texts[1]]);
    });

    it('splits on punctuation the way the index does', async () => {
      assert.deepEqual(await find('3.14'), [texts[5]]);
      assert.deepEqual(await find('14'), [texts[5]]);
      assert.deepEqual(await find('example'), [texts[5]]);
      assert.deepEqual(await find('bob@example.com'), [texts[5]]);
      assert.deepEqual(await find('hyphen ated'), [texts[6]]);
      assert.deepEqual(await find('e-mail'), [texts[6]]);
      assert.deepEqual(await find('snake'), [texts[6]]);
    });

    it('takes operator characters and words as plain text, never as query syntax', async () => {
      assert.deepEqual(await find('"hello'), [texts[9], texts[7], texts[0]]);
      assert.deepEqual(await find('hello OR goodbye'), [texts[7]]);
      assert.deepEqual(await find('hello OR planet'), []);
      assert.deepEqual(await find('-goodbye'), [texts[7]]);
      assert.deepEqual(await find('(maybe'), [texts[7]]);
      assert.deepEqual(await find("maybe) 'or"), [texts[7]]);
      assert.deepEqual(await find('NEAR(hello world)'), []);
      assert.deepEqual(await find('body: matches'), [texts[8]]);
      assert.deepEqual(await find('hello AND NOT world'), []);
      assert.deepEqual(await find('hel*'), [texts[9], texts[7], texts[0]]);
      for (const nothing of ['*', '"', '-', '()', "'", ':', '&|!', '   ', ''])
        assert.deepEqual(await find(nothing), []);
    });

    it('searches only the rooms given', async () => {
      assert.deepEqual(await find('hello', [main]), [texts[7], texts[0]]);
      assert.deepEqual(await find('hello', [other]), [texts[9]]);
      assert.deepEqual(await find('hello', []), []);
    });

    it('finds a batch’s messages when a write after them was rolled back', async () => {
      const [bob = ''] = await createUsers(storage, 1);
      const directKey = [ada, bob].sort().join(':');
      const direct = () => createRoomWrite(newRoom(null, { kind: 'direct', name: '', directKey, createdAt: now }), ada);
      await commitOk(storage, direct());
      const crossing = messageWrite(main, ada, 'zebra crossing', { at: now + 30 });
      const crossingId = sentMessage(crossing).id;
      const deleteCrossing = (at: number): Write['changes'][number] => ({
        op: 'message.delete',
        messageId: crossingId,
        at,
      });
      // Deletes the message, then collides: the whole write, deletion included, is undone.
      const doomed = direct();
      doomed.changes.unshift(deleteCrossing(now + 31));
      const results = await storage.log.commit([
        crossing,
        doomed,
        messageWrite(main, ada, 'zebra stripes', { at: now + 32 }),
      ]);
      assert.deepEqual(
        results.map((r) => (r.ok ? 'ok' : r.code)),
        ['ok', 'unique_violation', 'ok'],
      );
      assert.deepEqual(await find('zebra'), ['zebra stripes', 'zebra crossing']);
      const deletion: Write = {
        require: [],
        changes: [deleteCrossing(now + 40)],
        events: [{ stream: { room: main }, type: 'test', actorId: null, data: {} }],
        at: now + 40,
      };
      await commitOk(storage, deletion);
      assert.deepEqual(await find('zebra'), ['zebra stripes']);
      assert.deepEqual(await find('crossing'), []);
    });

    it('finds edited text by its new words and never finds deleted messages', async () => {
      const edited = ids.get(texts[3] ?? '') ?? '';
      const deleted = ids.get(texts[2] ?? '') ?? '';
      const write: Write = {
        require: [],
        changes: [
          { op: 'message.edit', messageId: edited, body: 'The parsec unit is huge', mentions: [], at: now + 50 },
          { op: 'message.delete', messageId: deleted, at: now + 50 },
        ],
        events: [{ stream: { room: main }, type: 'test', actorId: null, data: {} }],
        at: now + 50,
      };
      await commitOk(storage, write);
      assert.deepEqual(await find('angstrom'), []);
      assert.deepEqual(await find('parsec unit'), ['The parsec unit is huge']);
      assert.deepEqual(await find('elodie'), []);
      assert.deepEqual(await find('cafe'), []);
      const [found] = await storage.rooms.search([main], 'parsec', 10);
      assert.equal(found?.editedAt, now + 50);
    });
  });
}
