// One person loses the network while the other sends 20 messages; back online, exactly those 20
// appear, in order, once. What they typed while offline goes out when the connection is back.
//
// Going offline: `context.setOffline(true)` alone does not do it in Chromium, whose offline
// emulation leaves an open WebSocket open (see helpers/network-link.ts). So Bob's browser reaches
// the server through a relay the test cuts, which kills the socket the way a dropped Wi-Fi does
// (close 1006, no handshake) and refuses reconnects; the browser is set offline as well, so
// navigator.onLine and the 'offline' event agree with the network.
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import type { Browser } from 'playwright-core';
import { browserSkip, eventually, identity, launchBrowser, Person, storySteps, visible } from '../helpers/browser.ts';
import { startNatter, Teardown, type Natter } from '../helpers/natter.ts';
import { NetworkLink } from '../helpers/network-link.ts';

const burst = Array.from({ length: 20 }, (_, i) => `Status update ${String(i + 1)} of 20`);

describe('a person who goes offline misses nothing and sees nothing twice', { skip: browserSkip }, () => {
  const teardown = new Teardown();
  let natter: Natter;
  let link: NetworkLink;
  let browser: Browser;
  let alice: Person;
  let bob: Person;
  const step = storySteps(() => [alice, bob]);

  before(async () => {
    natter = teardown.add(await startNatter(), (n) => n.close());
    link = teardown.add(await NetworkLink.open(natter.url), (l) => l.close());
    browser = teardown.add(await launchBrowser(), (b) => b.close());
    alice = await Person.open(browser, identity('alice', 'Alice Martin'));
    bob = await Person.open(browser, identity('bob', 'Bob Chen'));
  });

  after(() => teardown.run());

  /** The sent messages Bob's page shows, with their sequence numbers, in display order. */
  async function bobsLog(): Promise<{ seq: number; id: string; body: string }[]> {
    return await bob.messages.evaluateAll((articles) =>
      articles.map((article) => ({
        seq: Number(article.getAttribute('data-seq')),
        id: article.getAttribute('data-message-id') ?? '',
        body: (article.querySelector('.message-body')?.textContent ?? '').replace(/\s*\(edited\)\s*$/, '').trim(),
      })),
    );
  }

  step('Alice opens a direct message with Bob from "New conversation"', async () => {
    await Promise.all([alice.signUp(natter.url), bob.signUp(link.url)]);
    await alice.go('New conversation', 'New conversation');
    await alice.page.getByLabel('Direct message', { exact: true }).check();
    await alice.page.getByLabel('Search people').fill('bob');
    await alice.page.getByRole('button', { name: 'Bob Chen', exact: true }).click();
    await visible(alice.page.getByRole('heading', { level: 1, name: 'Bob Chen' }));
    await alice.send('Are you on the train already?');
    await bob.openRoom('Alice Martin');
    await visible(bob.message('Are you on the train already?'));
  });

  step('Bob loses the network: the banner says so', async () => {
    await bob.context.setOffline(true);
    link.cut();
    await visible(bob.page.getByRole('status').filter({ hasText: /^You are offline/ }));
    assert.equal(await bob.page.evaluate(() => navigator.onLine), false);
  });

  step('Alice sends 20 messages; Bob, offline, types one of his own', async () => {
    for (const body of burst) {
      await alice.composer.fill(body);
      await alice.composer.press('Enter');
    }
    for (const body of burst) await alice.sent(body);
    assert.deepEqual(await alice.bodies(), ['Are you on the train already?', ...burst]);

    await bob.composer.fill('Going into a tunnel, back in a minute');
    await bob.composer.press('Enter');
    const pending = bob.log.locator('article[data-state="pending"]', { hasText: 'Going into a tunnel' });
    await visible(pending);
    // Really cut off: none of Alice's burst reached Bob, and his message did not reach her.
    assert.deepEqual(await bob.bodies(), ['Are you on the train already?']);
    assert.equal(await alice.message('Going into a tunnel, back in a minute').count(), 0);
  });

  step('back online, Bob has exactly those 20, in order, once, and his own message goes out', async () => {
    link.restore();
    await bob.context.setOffline(false);
    // The client retries with jittered backoff (up to 30 s between tries), so this may take a while.
    await visible(bob.message(burst.at(-1) ?? ''), 45_000);
    await bob.sent('Going into a tunnel, back in a minute');
    await bob.page
      .getByRole('status')
      .filter({ hasText: /^You are offline/ })
      .waitFor({ state: 'detached' });

    const expected = ['Are you on the train already?', ...burst, 'Going into a tunnel, back in a minute'];
    // Nothing may trickle in late: the list settles on exactly the expected one.
    await eventually(async () => (await bob.bodies()).length === expected.length, 'the log to settle', {
      explain: async () => (await bob.bodies()).join('\n'),
    });
    const log = await bobsLog();
    assert.deepEqual(
      log.map((m) => m.body),
      expected,
    );
    assert.equal(new Set(log.map((m) => m.id)).size, log.length, 'a message shown twice');
    const seqs = log.map((m) => m.seq);
    assert.ok(
      seqs.every((seq, i) => Number.isInteger(seq) && seq > 0 && (i === 0 || seq > (seqs[i - 1] ?? 0))),
      `sequence numbers not strictly increasing: ${seqs.join(', ')}`,
    );

    // Alice got Bob's message once.
    await alice.sent('Going into a tunnel, back in a minute');
    await visible(alice.message('Going into a tunnel, back in a minute'));
    assert.deepEqual(await alice.bodies(), expected);
  });

  step('after a reload Bob sees the same history', async () => {
    await bob.page.reload();
    await visible(bob.message('Going into a tunnel, back in a minute'));
    await eventually(async () => (await bob.bodies()).length === 22, 'the history after the reload', {
      explain: async () => (await bob.bodies()).join('\n'),
    });
    assert.deepEqual((await bobsLog()).map((m) => m.body).slice(1, 21), burst);
  });
});
