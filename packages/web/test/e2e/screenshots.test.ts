// The main screens with realistic content, at desktop and phone width, light and dark. Always
// brought up at every size (so a layout that breaks at 375 px fails here); saved as
// docs/screenshots/<screen>-<desktop|phone>-<light|dark>.png only with NATTER_SCREENSHOTS=1.
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import type { Browser } from 'playwright-core';
import { makeContacts, registerViaApi, sendViaApi, type ApiUser } from '../helpers/api.ts';
import { browserSkip, eventually, identity, launchBrowser, Person, storySteps, visible } from '../helpers/browser.ts';
import { startNatter, Teardown, type Natter } from '../helpers/natter.ts';
import { capture, sizes } from '../helpers/screenshots.ts';

describe('the main screens at desktop and phone width, light and dark', { skip: browserSkip }, () => {
  const teardown = new Teardown();
  let natter: Natter;
  let browser: Browser;
  let alice: Person;
  let direct = '';
  let group = '';
  const step = storySteps(() => [alice]);

  async function react(user: ApiUser, roomId: string, messageId: string, emoji: string): Promise<void> {
    await user.client.request('addReaction', { params: { roomId, messageId }, body: { emoji } });
  }

  async function readAll(user: ApiUser, roomId: string): Promise<void> {
    const answer = await user.client.request('listMessages', { params: { roomId }, query: {} });
    const seq = Math.max(0, ...answer.messages.map((m) => m.seq));
    await user.client.request('markRead', { params: { roomId }, body: { seq } });
  }

  before(async () => {
    natter = teardown.add(await startNatter(), (n) => n.close());
    browser = teardown.add(await launchBrowser(), (b) => b.close());
    const id = identity('alice', 'Alice Martin');
    const a = await registerViaApi(natter.url, id);
    const bob = await registerViaApi(natter.url, identity('bob', 'Bob Chen'));
    const carol = await registerViaApi(natter.url, identity('carol', 'Carol Diaz'));
    const dan = await registerViaApi(natter.url, identity('dan', 'Dan Okafor'));
    const priya = await registerViaApi(natter.url, identity('priya', 'Priya Shah'));
    for (const other of [bob, carol, dan]) await makeContacts(a, other);
    await priya.client.request('requestContact', { params: { userId: a.id } });

    // A channel with news Alice has not read yet.
    const news = await dan.client.request('createRoom', {
      body: { kind: 'channel', name: 'announcements', topic: 'Releases and office news', visibility: 'public' },
    });
    await dan.client.request('inviteMembers', {
      params: { roomId: news.room.id },
      body: { userIds: [a.id, bob.id, carol.id] },
    });
    await sendViaApi(dan, news.room.id, 'Natter 0.4 ships on Thursday. Release notes are in the wiki.');
    await sendViaApi(dan, news.room.id, 'The office is closed on Monday for the public holiday.');

    // A password-protected group with a mention, a reply and reactions.
    const design = await a.client.request('createRoom', {
      body: {
        kind: 'group',
        name: 'Design review',
        topic: 'Icons, colours and the new sidebar',
        password: 'pixels-and-coffee',
        memberIds: [bob.id, carol.id, dan.id],
      },
    });
    group = design.room.id;
    const icons = await sendViaApi(carol, group, 'I pushed the new icon set to the shared folder.');
    const contrast = await sendViaApi(dan, group, 'Looks great! The contrast in the dark theme is much better.');
    await react(a, group, contrast, '👍');
    await react(bob, group, contrast, '👍');
    await sendViaApi(a, group, '@carol could we also get the sidebar icons at 20 px?', icons);
    const sure = await sendViaApi(carol, group, "Sure, I'll export them this afternoon.");
    await react(a, group, sure, '🙏');
    await readAll(bob, group);

    // The direct conversation with Bob.
    const room = await a.client.request('openDirect', { body: { userId: bob.id } });
    direct = room.room.id;
    const morning = await sendViaApi(bob, direct, 'Morning! Are we still on for the 0.4 release today?');
    await sendViaApi(a, direct, "Yes! I'm finishing the changelog now.", morning);
    const typos = await sendViaApi(bob, direct, 'Great. I fixed the two typos in the API section, by the way.');
    await react(a, direct, typos, '🎉');
    await react(a, direct, typos, '❤️');
    await sendViaApi(a, direct, 'Thanks! I will merge it after lunch and tag the release around 3.', typos);
    await sendViaApi(bob, direct, 'Perfect. Ping me if the build acts up.');
    await sendViaApi(a, direct, 'Will do 👍');
    await readAll(bob, direct);

    // One unread direct message from Carol.
    const carolRoom = await carol.client.request('openDirect', { body: { userId: a.id } });
    await sendViaApi(carol, carolRoom.room.id, 'Lunch at 12:30? The new place on Rue Oberkampf.');

    alice = await Person.open(browser, id);
  });

  after(() => teardown.run());

  step('sign in', async () => {
    await alice.page.goto(`${natter.url}/signin`);
    await capture(alice.page, 'signin', async () => {
      await visible(alice.page.getByRole('heading', { level: 1, name: 'Sign in to Natter' }));
    });
    await alice.signIn(natter.url);
  });

  step('the room list', async () => {
    await visible(alice.roomLink('announcements'));
    await capture(alice.page, 'rooms', async () => {
      await visible(alice.rooms);
    });
  });

  step('a direct conversation with replies and reactions', async () => {
    await alice.page.goto(`${natter.url}/r/${direct}`);
    await capture(alice.page, 'direct', async () => {
      await visible(alice.message('Will do 👍'));
      await visible(alice.log.locator('.seen'));
    });
  });

  step('a group', async () => {
    await alice.page.goto(`${natter.url}/r/${group}`);
    await capture(alice.page, 'group', async () => {
      await visible(alice.message("Sure, I'll export them this afternoon."));
    });
  });

  step('contacts', async () => {
    await alice.page.goto(`${natter.url}/contacts`);
    await capture(alice.page, 'contacts', async () => {
      await visible(alice.page.getByRole('button', { name: 'Accept' }));
    });
  });

  step('new conversation', async () => {
    await alice.page.goto(`${natter.url}/new?kind=group`);
    await visible(alice.page.getByLabel('Name', { exact: true }));
    await alice.page.getByLabel('Name', { exact: true }).fill('Offsite planning');
    await alice.page.getByLabel('Topic', { exact: true }).fill('Where, when, and who brings the board games');
    await capture(alice.page, 'new-conversation', async () => {
      await visible(alice.page.getByRole('heading', { level: 1, name: 'New conversation' }));
    });
  });

  step('room settings', async () => {
    await alice.page.goto(`${natter.url}/r/${group}/settings`);
    await capture(alice.page, 'room-settings', async () => {
      await visible(alice.page.getByRole('heading', { level: 1, name: 'Room settings' }));
      await eventually(async () => (await alice.page.getByText('Dan Okafor').count()) > 0, 'the member list');
    });
  });

  step('on a phone the room list and a room take turns', async () => {
    const page = alice.page;
    await page.setViewportSize(sizes.phone);
    await page.goto(`${natter.url}/`);
    await visible(alice.roomLink('Bob Chen'));
    await alice.roomLink('Bob Chen').click();
    await visible(page.getByRole('heading', { level: 1, name: 'Bob Chen' }));
    await visible(alice.composer);
    assert.equal(await alice.rooms.isVisible(), false, 'the room list is hidden behind the room');
    // Nothing sticks out sideways at 375 px.
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth));
    await page.getByRole('link', { name: 'Back to rooms' }).click();
    await visible(alice.roomLink('Bob Chen'));
  });
});
