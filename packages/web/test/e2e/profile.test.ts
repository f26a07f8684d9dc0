// Profile and sessions: a new display name others see, "Sign out other devices" ending the other
// browser's session live, a password change, and signing out.
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import type { Browser } from 'playwright-core';
import { browserSkip, eventually, identity, launchBrowser, Person, storySteps, visible } from '../helpers/browser.ts';
import { startNatter, Teardown, type Natter } from '../helpers/natter.ts';

describe('profile and sessions', { skip: browserSkip }, () => {
  const teardown = new Teardown();
  let natter: Natter;
  let browser: Browser;
  /** Alice on her laptop, and Alice on her phone: one account, two browsers. */
  let laptop: Person;
  let phone: Person;
  const id = identity('alice', 'Alice Martin');
  const newPassword = 'quiet-harbour-lights-42';
  const step = storySteps(() => [laptop, phone]);

  before(async () => {
    natter = teardown.add(await startNatter(), (n) => n.close());
    browser = teardown.add(await launchBrowser(), (b) => b.close());
    laptop = await Person.open(browser, id);
    phone = await Person.open(browser, id, { viewport: { width: 375, height: 812 } });
  });

  after(() => teardown.run());

  step('Alice signs up on her laptop and signs in on her phone', async () => {
    await laptop.signUp(natter.url);
    await phone.signIn(natter.url);
  });

  step('she changes her display name and bio', async () => {
    await laptop.go('Profile', 'Profile');
    await laptop.page.getByLabel('Display name').fill('Alice M.');
    await laptop.page.getByLabel('Bio').fill('Release manager. Tea, not coffee.');
    await laptop.page.getByRole('button', { name: 'Save', exact: true }).click();
    await visible(laptop.page.getByText('Saved.'));
    await laptop.page.reload();
    await eventually(
      async () => (await laptop.page.getByLabel('Display name').inputValue()) === 'Alice M.',
      'the saved name',
    );
  });

  step('the laptop lists both sessions and signs the phone out, which the phone notices at once', async () => {
    const sessions = laptop.page.getByRole('list', { name: 'Sessions' }).getByRole('listitem');
    await eventually(async () => (await sessions.count()) === 2, 'two sessions', {
      explain: async () => (await sessions.allInnerTexts()).join(' | '),
    });
    await laptop.page.getByRole('button', { name: 'Sign out other devices' }).click();
    await eventually(async () => (await sessions.count()) === 1, 'one session left');
    await visible(phone.page.getByRole('heading', { level: 1, name: 'Sign in to Natter' }));
  });

  step('she changes her password, signs out, and signs in with the new one', async () => {
    await laptop.page.getByLabel('Current password').fill(id.password);
    await laptop.page.getByLabel('New password').fill(newPassword);
    await laptop.page.getByRole('button', { name: 'Change password' }).click();
    await eventually(
      async () => (await laptop.page.getByLabel('Current password').inputValue()) === '',
      'the password form to clear after the change',
    );
    await laptop.page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await visible(laptop.page.getByRole('heading', { level: 1, name: 'Sign in to Natter' }));

    await laptop.page.getByLabel('Username or email').fill(id.email);
    await laptop.page.getByLabel('Password', { exact: true }).fill(id.password);
    await laptop.page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await visible(laptop.page.getByRole('alert'));
    await laptop.page.getByLabel('Password', { exact: true }).fill(newPassword);
    await laptop.page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await laptop.waitSignedIn();
    // Signed out from /profile, so the sign-in page brought her back there.
    await visible(laptop.page.getByRole('heading', { level: 1, name: 'Profile' }));
    assert.equal(new URL(laptop.page.url()).pathname, '/profile');
  });
});
