// A group of three: a mention picked from the autocomplete, highlighted for the one mentioned, and
// "Seen by" receipts. Then a password room, created by one and joined by another with its code.
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import type { Browser } from 'playwright-core';
import { browserSkip, eventually, identity, launchBrowser, Person, storySteps, visible } from '../helpers/browser.ts';
import { startNatter, Teardown, type Natter } from '../helpers/natter.ts';

describe('a group of three and a password room', { skip: browserSkip }, () => {
  const teardown = new Teardown();
  let natter: Natter;
  let browser: Browser;
  let alice: Person;
  let bob: Person;
  let carol: Person;
  let joinCode = '';
  const step = storySteps(() => [alice, bob, carol]);

  before(async () => {
    natter = teardown.add(await startNatter(), (n) => n.close());
    browser = teardown.add(await launchBrowser(), (b) => b.close());
    alice = await Person.open(browser, identity('alice', 'Alice Martin'));
    bob = await Person.open(browser, identity('bob', 'Bob Chen'));
    carol = await Person.open(browser, identity('carol', 'Carol Diaz'));
  });

  after(() => teardown.run());

  step('Alice creates a group with Bob and Carol', async () => {
    await Promise.all([alice.signUp(natter.url), bob.signUp(natter.url), carol.signUp(natter.url)]);
    await alice.go('New conversation', 'New conversation');
    await alice.page.getByLabel('Group', { exact: true }).check();
    await alice.page.getByLabel('Name', { exact: true }).fill('Design review');
    await alice.page.getByLabel('Topic', { exact: true }).fill('Icons, colours and the new sidebar');
    for (const [query, name] of [
      ['bob', 'Bob Chen'],
      ['carol', 'Carol Diaz'],
    ] as const) {
      await alice.page.getByLabel('Add members').fill(query);
      await alice.page.getByRole('button', { name: `Add ${name}` }).click();
    }
    await alice.page.getByRole('button', { name: 'Create', exact: true }).click();
    await visible(alice.page.getByRole('heading', { level: 1, name: 'Design review' }));
    // The others find it under "Groups" without a reload.
    for (const person of [bob, carol]) {
      await visible(person.rooms.getByRole('heading', { name: 'Groups' }));
      await visible(person.roomLink('Design review'));
    }
  });

  step('Alice mentions Bob through the autocomplete; Bob sees it highlighted, Carol does not', async () => {
    await alice.composer.pressSequentially('@bo');
    const suggestions = alice.page.getByRole('listbox');
    await visible(suggestions.getByRole('option', { name: /@bob/ }));
    await suggestions.getByRole('option', { name: /@bob/ }).click();
    await eventually(async () => /^@bob\s$/.test(await alice.composer.inputValue()), 'the mention in the composer', {
      explain: async () => `composer: ${JSON.stringify(await alice.composer.inputValue())}`,
    });
    await alice.composer.pressSequentially('can you check the new icons before Friday?');
    await alice.composer.press('Enter');
    const body = '@bob can you check the new icons before Friday?';
    await alice.sent(body);

    await bob.openRoom('Design review');
    const forBob = bob.message(body);
    await visible(forBob);
    await visible(forBob.locator('.mention.me', { hasText: '@bob' }));

    await carol.openRoom('Design review');
    const forCarol = carol.message(body);
    await visible(forCarol);
    await visible(forCarol.locator('.mention', { hasText: '@bob' }));
    assert.equal(await forCarol.locator('.mention.me').count(), 0);
  });

  step('with the room open, Bob and Carol have seen it: Alice reads "Seen by" both', async () => {
    const seen = alice.log.locator('.seen');
    await eventually(
      async () => {
        const text = (await seen.count()) > 0 ? await seen.first().innerText() : '';
        return /^Seen by/.test(text) && text.includes('Bob') && text.includes('Carol');
      },
      '"Seen by" Bob and Carol',
      { explain: async () => `seen: ${(await seen.allInnerTexts()).join(' | ')}` },
    );
    // Bob answers; the receipt moves under Bob's message for the others (none is Alice's last now).
    await bob.send('Sure, I will look at them this afternoon.');
    await visible(alice.message('Sure, I will look at them this afternoon.'));
    await visible(carol.message('Sure, I will look at them this afternoon.'));
  });

  step('Alice creates a password room and reads its join code', async () => {
    await alice.go('New conversation', 'New conversation');
    await alice.page.getByLabel('Group', { exact: true }).check();
    await alice.page.getByLabel('Name', { exact: true }).fill('Launch plans');
    await alice.page.getByLabel('Protect with a password').check();
    await alice.page.getByLabel('Room password').fill('moonshot-2026-q3');
    await alice.page.getByRole('button', { name: 'Create', exact: true }).click();
    const code = alice.page.getByLabel('Join code', { exact: true });
    await visible(code);
    joinCode = (await code.innerText()).trim();
    assert.match(joinCode, /^\S{6,}$/);
  });

  step('Carol joins with the code and the password; Alice sees her message', async () => {
    await carol.go('Join by code', 'Join a room');
    await carol.page.getByLabel('Join code', { exact: true }).fill(joinCode);
    await carol.page.getByLabel('Room password').fill('moonshot-2026-q3');
    await carol.page.getByRole('button', { name: 'Join', exact: true }).click();
    await visible(carol.page.getByRole('heading', { level: 1, name: 'Launch plans' }));
    await carol.send('Thanks for the invite! Happy to help with the launch.');

    await alice.openRoom('Launch plans');
    await visible(alice.message('Thanks for the invite! Happy to help with the launch.'));
  });

  step('a wrong password is refused with a message', async () => {
    await bob.go('Join by code', 'Join a room');
    await bob.page.getByLabel('Join code', { exact: true }).fill(joinCode);
    await bob.page.getByLabel('Room password').fill('not-the-password');
    await bob.page.getByRole('button', { name: 'Join', exact: true }).click();
    await visible(bob.page.getByRole('alert'));
    assert.equal(await bob.roomLink('Launch plans').count(), 0);
  });

  step("Alice forwards Carol's message to the group; Bob reads it there", async () => {
    await alice.act('Thanks for the invite! Happy to help with the launch.', 'Forward');
    const dialog = alice.page.getByRole('dialog', { name: 'Forward to' });
    await visible(dialog);
    await dialog.getByRole('button', { name: /^Design review/ }).click();
    await dialog.waitFor({ state: 'hidden' });
    await bob.openRoom('Design review');
    await visible(bob.message('Thanks for the invite! Happy to help with the launch.'));
    await alice.openRoom('Launch plans');
  });

  step('the join code stays visible in the room settings for the owner', async () => {
    await alice.page.getByRole('link', { name: 'Room settings' }).click();
    await visible(alice.page.getByRole('heading', { level: 1, name: 'Room settings' }));
    await eventually(
      async () => (await alice.page.getByLabel('Join code', { exact: true }).first().innerText()).includes(joinCode),
      'the join code in the settings',
    );
  });

  step('nothing broke the Content-Security-Policy and no script failed', async () => {
    for (const person of [alice, bob, carol]) {
      assert.deepEqual(await person.cspViolations(), [], person.id.username);
      assert.deepEqual(person.pageErrors, [], person.id.username);
    }
  });
});
