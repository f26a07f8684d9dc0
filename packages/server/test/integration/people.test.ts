import assert from 'node:assert/strict';
import { it } from 'node:test';
import { people } from '../helpers/chat.ts';
import { errorCode } from '../helpers/people.ts';
import { onEveryEngine } from '../helpers/suite.ts';

onEveryEngine('people', {}, (server) => {
  it('sends, accepts, rejects, cancels and removes contact requests', async () => {
    const [ada, bob, cy] = await people(server().url, 3);
    const p = (userId: string) => ({ params: { userId } });
    await ada.client.request('requestContact', p(bob.userId));
    assert.equal(await errorCode(() => ada.client.request('requestContact', p(bob.userId))), 'request_pending');
    let bobs = await bob.client.request('listContacts');
    assert.deepEqual(
      bobs.incoming.map((r) => r.from.id),
      [ada.userId],
    );
    assert.deepEqual(
      (await ada.client.request('listContacts')).outgoing.map((r) => r.to.id),
      [bob.userId],
    );
    await bob.client.request('acceptContact', p(ada.userId));
    bobs = await bob.client.request('listContacts');
    assert.deepEqual(
      bobs.contacts.map((c) => c.user.id),
      [ada.userId],
    );
    assert.equal(bobs.incoming.length, 0);
    assert.equal(await errorCode(() => ada.client.request('requestContact', p(bob.userId))), 'already_contacts');

    await cy.client.request('requestContact', p(ada.userId));
    await ada.client.request('rejectContact', p(cy.userId));
    assert.equal((await cy.client.request('listContacts')).outgoing.length, 0);
    await cy.client.request('requestContact', p(ada.userId));
    await cy.client.request('cancelContactRequest', p(ada.userId));
    assert.equal(await errorCode(() => ada.client.request('acceptContact', p(cy.userId))), 'request_not_found');
    // Asking someone who already asked you makes you contacts.
    await cy.client.request('requestContact', p(bob.userId));
    await bob.client.request('requestContact', p(cy.userId));
    assert.deepEqual(
      (await cy.client.request('listContacts')).contacts.map((c) => c.user.id),
      [bob.userId],
    );

    await ada.client.request('removeContact', p(bob.userId));
    assert.deepEqual(
      (await bob.client.request('listContacts')).contacts.map((c) => c.user.id),
      [cy.userId],
    );
    assert.equal(await errorCode(() => ada.client.request('removeContact', p(bob.userId))), 'contact_not_found');
    assert.equal(await errorCode(() => ada.client.request('requestContact', p(ada.userId))), 'invalid_target');
  });

  it('follows and unfollows, idempotently', async () => {
    const [ada, bob] = await people(server().url, 2);
    await ada.client.request('follow', { params: { userId: bob.userId } });
    await ada.client.request('follow', { params: { userId: bob.userId } });
    assert.deepEqual(
      (await bob.client.request('listFollows')).followers.map((f) => f.user.id),
      [ada.userId],
    );
    assert.deepEqual(
      (await ada.client.request('listFollows')).following.map((f) => f.user.id),
      [bob.userId],
    );
    await ada.client.request('unfollow', { params: { userId: bob.userId } });
    assert.equal((await bob.client.request('listFollows')).followers.length, 0);
  });

  it('blocks: no direct room, no requests, no follows; existing ties end', async () => {
    const [ada, bob] = await people(server().url, 2);
    await ada.client.request('requestContact', { params: { userId: bob.userId } });
    await bob.client.request('acceptContact', { params: { userId: ada.userId } });
    await bob.client.request('follow', { params: { userId: ada.userId } });
    const dm = await bob.client.request('openDirect', { body: { userId: ada.userId } });

    await ada.client.request('block', { params: { userId: bob.userId } });
    assert.deepEqual(
      (await ada.client.request('listBlocks')).blocked.map((b) => b.user.id),
      [bob.userId],
    );
    assert.equal((await bob.client.request('listContacts')).contacts.length, 0);
    assert.equal((await ada.client.request('listFollows')).followers.length, 0);
    assert.equal(
      await errorCode(() => bob.client.request('requestContact', { params: { userId: ada.userId } })),
      'user_unavailable',
    );
    assert.equal(
      await errorCode(() => bob.client.request('follow', { params: { userId: ada.userId } })),
      'user_unavailable',
    );
    assert.equal(
      await errorCode(() => bob.client.request('openDirect', { body: { userId: ada.userId } })),
      'user_unavailable',
    );
    assert.equal(
      await errorCode(() =>
        bob.client.request('sendMessage', { params: { roomId: dm.room.id }, body: { txnId: 't1', body: 'hey' } }),
      ),
      'user_unavailable',
    );
    await ada.client.request('unblock', { params: { userId: bob.userId } });
    await bob.client.request('sendMessage', {
      params: { roomId: dm.room.id },
      body: { txnId: 't2', body: 'hey again' },
    });
  });
});
