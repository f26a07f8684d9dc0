// Two people sign up in two browsers, become contacts and chat in a direct message: a reply, a
// reaction and an edit, each seen live by the other; a deep link to the room survives a reload.
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import type { Browser, Locator } from 'playwright-core';
import { browserSkip, eventually, identity, launchBrowser, Person, storySteps, visible } from '../helpers/browser.ts';
import { startNatter, Teardown, type Natter } from '../helpers/natter.ts';

/** The entry for `name` in `person`'s contacts list (the one with "Remove"), not in search results. */
function contactOf(person: Person, name: string): Locator {
  return person.page
    .getByRole('listitem')
    .filter({ hasText: name })
    .filter({ has: person.page.getByRole('button', { name: 'Remove' }) });
}

describe('a direct message between two people', { skip: browserSkip }, () => {
  const teardown = new Teardown();
  let natter: Natter;
  let browser: Browser;
  let alice: Person;
  let bob: Person;
  let roomPath = '';
  const step = storySteps(() => [alice, bob]);

  before(async () => {
    natter = teardown.add(await startNatter(), (n) => n.close());
    browser = teardown.add(await launchBrowser(), (b) => b.close());
    alice = await Person.open(browser, identity('alice', 'Alice Martin'));
    bob = await Person.open(browser, identity('bob', 'Bob Chen'));
  });

  after(() => teardown.run());

  step('both sign up through the form', async () => {
    await Promise.all([alice.signUp(natter.url), bob.signUp(natter.url)]);
  });

  step('they become contacts: a request, then an accept, each side updating live', async () => {
    await alice.go('Contacts', 'Contacts');
    await bob.go('Contacts', 'Contacts');

    await alice.page.getByLabel('Search people').fill('bob');
    const result = alice.page.getByRole('listitem').filter({ hasText: '@bob' });
    await visible(result.getByRole('button', { name: 'Add contact' }));
    await result.getByRole('button', { name: 'Add contact' }).click();

    // Bob's page was open before the request: it arrives without a reload.
    const request = bob.page.getByRole('listitem').filter({ hasText: 'Alice Martin' });
    await visible(request.getByRole('button', { name: 'Accept' }));
    await request.getByRole('button', { name: 'Accept' }).click();

    // Alice sees Bob move to her contacts (the list with "Remove" buttons), also live.
    await visible(contactOf(alice, 'Bob Chen'));
  });

  step('Alice opens a direct message with Bob and the first message reaches him live', async () => {
    await contactOf(alice, 'Bob Chen').getByRole('button', { name: 'Message' }).click();
    await visible(alice.page.getByRole('heading', { level: 1, name: 'Bob Chen' }));
    await alice.send('Hi Bob! Did you get a chance to look at the release notes?');
    roomPath = new URL(alice.page.url()).pathname;
    assert.match(roomPath, /^\/r\/[^/]+$/);

    // The room appears in Bob's sidebar under "Direct messages", named after Alice.
    await visible(bob.rooms.getByRole('heading', { name: 'Direct messages' }));
    await bob.openRoom('Alice Martin');
    await visible(bob.message('Hi Bob! Did you get a chance to look at the release notes?'));
  });

  step('Bob replies; Alice sees the reply with its quote, live', async () => {
    await bob.act('Hi Bob! Did you get a chance to look at the release notes?', 'Reply');
    await visible(bob.page.getByRole('button', { name: 'Cancel reply' }));
    await bob.send('Yes, they read well. Two typos in the API section, I fixed them.');
    await bob.page.getByRole('button', { name: 'Cancel reply' }).waitFor({ state: 'detached' });

    const reply = alice.message('Yes, they read well. Two typos in the API section, I fixed them.');
    await visible(reply);
    const quote = reply
      .getByRole('button', { name: 'Jump to original' })
      .or(reply.getByRole('link', { name: 'Jump to original' }));
    await visible(quote);
    assert.match((await quote.first().innerText()).trim(), /release notes/);
    assert.equal(await alice.message('Hi Bob! Did you get a chance to look at the release notes?').count(), 1);
  });

  step('Alice reacts to the reply; Bob sees the reaction live and adds his own', async () => {
    const body = 'Yes, they read well. Two typos in the API section, I fixed them.';
    await alice.act(body, 'React');
    const picker = alice.page.getByRole('dialog', { name: 'Pick a reaction' });
    await visible(picker);
    await picker.getByRole('button', { name: '👍', exact: true }).click();
    await picker.waitFor({ state: 'hidden' });

    const aliceChip = alice.message(body).getByRole('button', { name: '👍 1' });
    await visible(aliceChip);
    assert.equal(await aliceChip.getAttribute('aria-pressed'), 'true');

    const bobChip = bob.message(body).getByRole('button', { name: '👍 1' });
    await visible(bobChip);
    assert.equal(await bobChip.getAttribute('aria-pressed'), 'false');
    await bobChip.click();
    await visible(bob.message(body).getByRole('button', { name: '👍 2' }));
    await visible(alice.message(body).getByRole('button', { name: '👍 2' }));
  });

  step('Alice edits her first message; Bob sees the new text live', async () => {
    const before = 'Hi Bob! Did you get a chance to look at the release notes?';
    const after = 'Hi Bob! Did you get a chance to look at the release notes for 0.4?';
    await alice.act(before, 'Edit');
    const editor = alice.page.getByRole('textbox', { name: 'Edit message' });
    await visible(editor);
    await editor.fill(after);
    await alice.page.getByRole('button', { name: 'Save', exact: true }).click();
    await visible(alice.message(after));
    await visible(bob.message(after));
    assert.equal(await bob.message(before).count(), 0);
    assert.equal(await bob.messages.count(), 2);
  });

  step('a deep link to the room survives a reload', async () => {
    await bob.page.reload();
    await visible(bob.page.getByRole('heading', { level: 1, name: 'Alice Martin' }));
    assert.equal(new URL(bob.page.url()).pathname, roomPath);
    await visible(bob.message('Hi Bob! Did you get a chance to look at the release notes for 0.4?'));
    await eventually(async () => (await bob.messages.count()) === 2, 'both messages after the reload', {
      explain: async () => (await bob.bodies()).join('\n'),
    });
    // And a fresh tab opened straight at the link (no history in this page) lands in the room too.
    const tab = await bob.context.newPage();
    await tab.goto(natter.url + roomPath);
    await visible(tab.getByRole('heading', { level: 1, name: 'Alice Martin' }));
    await tab.close();
  });

  step('Alice sees Bob typing, live', async () => {
    await bob.composer.pressSequentially('Let me check');
    await visible(alice.page.locator('.typing[role="status"]', { hasText: 'Bob Chen is typing' }));
    await bob.composer.fill('');
  });

  step('away from the room, Alice gets an unread badge; opening the room clears it', async () => {
    await alice.go('Contacts', 'Contacts');
    await bob.send('One more thing: the demo moved to 4 pm.');
    await visible(alice.roomLink('Bob Chen').getByLabel('1 unread'));
    await alice.openRoom('Bob Chen');
    await visible(alice.message('One more thing: the demo moved to 4 pm.'));
    await alice
      .roomLink('Bob Chen')
      .getByLabel(/unread/)
      .waitFor({ state: 'detached' });
  });

  step('Bob deletes a message after confirming; it disappears for Alice, live', async () => {
    await bob.act('One more thing: the demo moved to 4 pm.', 'Delete');
    await bob.page.getByRole('button', { name: 'Delete message', exact: true }).click();
    await bob.message('One more thing: the demo moved to 4 pm.').waitFor({ state: 'detached' });
    await alice.message('One more thing: the demo moved to 4 pm.').waitFor({ state: 'detached' });
  });

  step('a search result jumps to the message in its room', async () => {
    await alice.go('Search messages', 'Search messages');
    const box = alice.page.getByRole('searchbox', { name: 'Search messages' });
    await box.fill('typos');
    await box.press('Enter');
    const result = alice.page.getByRole('link').filter({ hasText: 'Two typos in the API section' });
    await visible(result);
    await result.first().click();
    await alice.page.waitForURL(/\/r\/[^/]+\/m\/[^/]+$/);
    const messageId = new URL(alice.page.url()).pathname.split('/').at(-1) ?? '';
    await visible(alice.page.getByRole('heading', { level: 1, name: 'Bob Chen' }));
    const target = alice.log.locator(`article[data-message-id="${messageId}"]`);
    await visible(target);
    assert.match(await target.innerText(), /Two typos in the API section/);
  });

  step('nothing broke the Content-Security-Policy and no script failed', async () => {
    for (const person of [alice, bob]) {
      assert.deepEqual(await person.cspViolations(), [], person.id.username);
      assert.deepEqual(person.pageErrors, [], person.id.username);
    }
  });
});
