// Forgot password, through the UI, with the link from the mail the server wrote to its outbox.
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import { NatterApiError, NatterClient } from '@natter/client';
import type { Browser } from 'playwright-core';
import { registerViaApi } from '../helpers/api.ts';
import { browserSkip, eventually, identity, launchBrowser, Person, storySteps, visible } from '../helpers/browser.ts';
import { startNatter, Teardown, type Natter } from '../helpers/natter.ts';

/** The mails in the outbox, as text (the folder appears with the first mail). */
async function outboxMails(folder: string): Promise<string[]> {
  let names: string[];
  try {
    names = (await readdir(folder)).filter((name) => name.endsWith('.eml')).sort();
  } catch {
    return [];
  }
  return await Promise.all(names.map((name) => readFile(join(folder, name), 'utf8')));
}

describe('a forgotten password, reset through the UI', { skip: browserSkip }, () => {
  const teardown = new Teardown();
  let natter: Natter;
  let browser: Browser;
  let alice: Person;
  let token = '';
  const newPassword = 'lighthouse-keeper-1897';
  const step = storySteps(() => [alice]);

  before(async () => {
    natter = teardown.add(await startNatter(), (n) => n.close());
    browser = teardown.add(await launchBrowser(), (b) => b.close());
    const id = identity('alice', 'Alice Martin');
    await registerViaApi(natter.url, id);
    alice = await Person.open(browser, id);
  });

  after(() => teardown.run());

  step('"Forgot password?" asks for the email and says a link is on its way', async () => {
    const page = alice.page;
    await page.goto(`${natter.url}/signin`);
    await page.getByRole('link', { name: 'Forgot password?' }).click();
    await page.getByLabel('Email').fill(alice.id.email);
    await page.getByRole('button', { name: 'Send reset link' }).click();
    await visible(page.getByRole('status').filter({ hasText: /reset link is on its way/ }));
  });

  step('the mail in the outbox carries a reset link for the public address', async () => {
    let mails: string[] = [];
    await eventually(async () => (mails = await outboxMails(natter.outbox)).length === 1, 'one mail in the outbox');
    const mail = mails[0] ?? '';
    assert.match(mail, new RegExp(`^To: ${alice.id.email}`, 'm'));
    const link = /http:\/\/chat\.example\.test\/reset-password#token=([A-Za-z0-9_.~-]+)/.exec(mail);
    assert.ok(link?.[1], `no reset link in:\n${mail}`);
    token = link[1];
  });

  step('the link (on this server) sets a new password and signs her in', async () => {
    const page = alice.page;
    await page.goto(`${natter.url}/reset-password#token=${token}`);
    await page.getByLabel('New password').fill(newPassword);
    await page.getByRole('button', { name: 'Set password and sign in' }).click();
    await alice.waitSignedIn();
    // The token left the address bar.
    assert.equal(new URL(page.url()).hash, '');
  });

  step('the new password works and the old one does not', async () => {
    const client = new NatterClient({ baseUrl: natter.url });
    await client.login({ login: 'alice', password: newPassword });
    await assert.rejects(
      new NatterClient({ baseUrl: natter.url }).login({ login: 'alice', password: alice.id.password }),
      (e: unknown) => e instanceof NatterApiError && e.code === 'invalid_credentials',
    );
  });
});
