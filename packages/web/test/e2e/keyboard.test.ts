// The keyboard-only path: sign in, open a room, send, reply and edit with page.keyboard alone
// (Tab, Shift+Tab, Enter, arrow keys, typing); no click, no locator action on Alice's page.
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { registerViaApi, sendViaApi, type ApiUser } from '../helpers/api.ts';
import { browserSkip, eventually, identity, launchBrowser, Person, storySteps, visible } from '../helpers/browser.ts';
import { startNatter, Teardown, type Natter } from '../helpers/natter.ts';

/** What has the keyboard focus: enough to recognise it, and to explain a failure. */
interface Focused {
  tag: string;
  name: string;
  /** The body of the message the focused element belongs to, if any. */
  message: string | null;
}

async function focused(page: Page): Promise<Focused> {
  return await page.evaluate(() => {
    const element = document.activeElement;
    if (!(element instanceof HTMLElement)) return { tag: '', name: '', message: null };
    const labelledBy = element.getAttribute('aria-labelledby');
    // Text as assistive technology reads it: aria-hidden parts (avatars, icons) left out.
    const readable = (node: Node): string => {
      if (node instanceof HTMLElement && node.getAttribute('aria-hidden') === 'true') return '';
      if (node.nodeType === Node.TEXT_NODE) return node.textContent ?? '';
      return Array.from(node.childNodes, readable).join('');
    };
    const labels = 'labels' in element ? (element.labels as NodeListOf<HTMLLabelElement> | null) : null;
    const name =
      element.getAttribute('aria-label') ??
      (labelledBy
        ? (document.getElementById(labelledBy)?.textContent ?? '')
        : (labels?.[0]?.textContent ?? readable(element)));
    const article = element.closest('article');
    const body = article?.querySelector('.message-body');
    return {
      tag: element.tagName.toLowerCase(),
      name: name.trim(),
      message: body instanceof HTMLElement ? body.innerText.trim() : null,
    };
  });
}

/**
 * Presses Tab (or Shift+Tab) until the focused element satisfies `wanted`, at most `max` times;
 * fails with the path the focus took, so an unreachable control is easy to see.
 */
async function tabTo(
  page: Page,
  what: string,
  wanted: (f: Focused) => boolean,
  options: { backwards?: boolean; max?: number } = {},
): Promise<void> {
  const path: string[] = [];
  for (let i = 0; i < (options.max ?? 60); i++) {
    const now = await focused(page);
    if (wanted(now)) return;
    path.push(`${now.tag}:${now.name.replace(/\s+/g, ' ').slice(0, 30)}`);
    await page.keyboard.press(options.backwards ? 'Shift+Tab' : 'Tab');
  }
  throw new Error(`could not reach ${what} with the keyboard; the focus went: ${path.join(' → ')}`);
}

describe('the keyboard-only path', { skip: browserSkip }, () => {
  const teardown = new Teardown();
  let natter: Natter;
  let browser: Browser;
  let alice: Person;
  let bob: ApiUser;
  let roomId = '';
  const question = 'Can you send me the slides from Tuesday?';
  const step = storySteps(() => [alice]);

  before(async () => {
    natter = teardown.add(await startNatter(), (n) => n.close());
    browser = teardown.add(await launchBrowser(), (b) => b.close());
    const aliceId = identity('alice', 'Alice Martin');
    const aliceApi = await registerViaApi(natter.url, aliceId);
    bob = await registerViaApi(natter.url, identity('bob', 'Bob Chen'));
    const direct = await bob.client.request('openDirect', { body: { userId: aliceApi.id } });
    roomId = direct.room.id;
    await sendViaApi(bob, roomId, question);
    alice = await Person.open(browser, aliceId);
  });

  after(() => teardown.run());

  step('Alice signs in with the keyboard', async () => {
    const page = alice.page;
    await page.goto(`${natter.url}/signin`);
    await tabTo(page, 'the login field', (f) => f.tag === 'input' && /Username or email/.test(f.name));
    await page.keyboard.type(alice.id.username);
    await page.keyboard.press('Tab');
    assert.match((await focused(page)).name, /^Password/);
    await page.keyboard.type(alice.id.password);
    await page.keyboard.press('Enter');
    await alice.waitSignedIn();
  });

  step('she reaches the room in the list with Tab and opens it with Enter', async () => {
    const page = alice.page;
    await visible(alice.roomLink('Bob Chen'));
    await tabTo(page, 'the room link', (f) => f.tag === 'a' && f.name.startsWith('Bob Chen'));
    await page.keyboard.press('Enter');
    await visible(page.getByRole('heading', { level: 1, name: 'Bob Chen' }));
    await visible(alice.message(question));
  });

  step('she sends a message from the composer', async () => {
    const page = alice.page;
    await tabTo(page, 'the composer', (f) => f.tag === 'textarea' && f.name === 'Message');
    await page.keyboard.type('Sure, one moment.');
    await page.keyboard.press('Enter');
    await alice.sent('Sure, one moment.');
    assert.equal((await focused(page)).name, 'Message', 'the composer keeps the focus after sending');
  });

  step("she replies to Bob's question: Shift+Tab to its Reply button, Enter, type, Enter", async () => {
    const page = alice.page;
    await tabTo(page, "the Reply button of Bob's message", (f) => f.name === 'Reply' && f.message === question, {
      backwards: true,
    });
    await page.keyboard.press('Enter');
    await visible(page.getByRole('button', { name: 'Cancel reply' }));
    await tabTo(page, 'the composer', (f) => f.tag === 'textarea' && f.name === 'Message');
    await page.keyboard.type('Here they are: https://example.com/slides/tuesday');
    await page.keyboard.press('Enter');
    const reply = await alice.sent('Here they are: https://example.com/slides/tuesday');
    const quote = reply
      .getByRole('button', { name: 'Jump to original' })
      .or(reply.getByRole('link', { name: 'Jump to original' }));
    await visible(quote);
    assert.match(await quote.first().innerText(), /slides from Tuesday/);

    // Bob's side: the reply points at his question.
    const page1 = await bob.client.request('listMessages', { params: { roomId }, query: {} });
    const stored = page1.messages.find((m) => m.body === 'Here they are: https://example.com/slides/tuesday');
    assert.ok(stored?.replyTo, 'the reply was stored as a reply');
  });

  step('Up in the empty composer edits her last message; Enter saves', async () => {
    const page = alice.page;
    assert.equal((await focused(page)).name, 'Message');
    await page.keyboard.press('ArrowUp');
    await eventually(async () => (await focused(page)).name === 'Edit message', 'the edit box to take the focus');
    await page.keyboard.press('End');
    await page.keyboard.type(' (v2)');
    await page.keyboard.press('Enter');
    await alice.sent('Here they are: https://example.com/slides/tuesday (v2)');
    await eventually(async () => (await focused(page)).name === 'Message', 'the focus back in the composer');
  });
});
