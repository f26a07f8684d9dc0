// Script and markup in messages, display names, room names and topics render as text and run
// nothing; the page is served under a Content-Security-Policy without inline script, and the app
// never trips it.
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { browserSkip, identity, launchBrowser, Person, storySteps, visible } from '../helpers/browser.ts';
import { startNatter, Teardown, type Natter } from '../helpers/natter.ts';

const evilName = '<img src=x onerror="window.__xss=1">';
const evilRoom = '<script>window.__xss=1</script>';
const evilTopic = '<svg onload="window.__xss=1"></svg> see javascript:window.__xss=1';
const payloads = [
  '<img src=x onerror="window.__xss=1">',
  '<script>window.__xss=1</script>',
  '[click me](javascript:window.__xss=1)',
  'javascript:window.__xss=1',
  '<a href="javascript:window.__xss=1">harmless link</a>',
  '<iframe srcdoc="<script>parent.__xss=1</script>"></iframe>',
  'https://example.com/"><img src=x onerror=window.__xss=1>',
  '<style>body{display:none}</style><b onmouseover="window.__xss=1">bold?</b>',
];

/** Everything on the page that would mean markup from a user became live DOM. */
async function liveMarkup(page: Page): Promise<string[]> {
  return await page.evaluate(() => {
    const found: string[] = [];
    if ((window as unknown as { __xss?: unknown }).__xss !== undefined) found.push('window.__xss is set');
    for (const script of document.querySelectorAll('script')) {
      if (!script.src) found.push(`inline script: ${script.text}`);
    }
    for (const selector of ['img[src="x"]', 'iframe', 'svg[onload]', 'b[onmouseover]', 'body style']) {
      if (document.querySelector(selector)) found.push(`element ${selector}`);
    }
    for (const element of document.querySelectorAll('*')) {
      for (const attribute of element.attributes) {
        if (/^on/i.test(attribute.name)) found.push(`${element.tagName} ${attribute.name}="${attribute.value}"`);
      }
    }
    for (const link of document.querySelectorAll('a[href]')) {
      const href = (link.getAttribute('href') ?? '').trim().toLowerCase();
      if (!/^(https?:|mailto:|\/|#)/.test(href)) found.push(`link to ${href}`);
    }
    return found;
  });
}

describe('markup from people stays text', { skip: browserSkip }, () => {
  const teardown = new Teardown();
  let natter: Natter;
  let browser: Browser;
  let alice: Person;
  let mallory: Person;
  const step = storySteps(() => [alice, mallory]);

  before(async () => {
    natter = teardown.add(await startNatter(), (n) => n.close());
    browser = teardown.add(await launchBrowser(), (b) => b.close());
    alice = await Person.open(browser, identity('alice', 'Alice Martin'));
    mallory = await Person.open(browser, identity('mallory', evilName));
  });

  after(() => teardown.run());

  step('the page comes with a policy that allows no inline script or style', async () => {
    const response = await fetch(`${natter.url}/`, { headers: { accept: 'text/html' } });
    assert.equal(response.status, 200);
    const csp = response.headers.get('content-security-policy') ?? '';
    assert.match(csp, /(^|;)\s*script-src 'self'\s*(;|$)/);
    assert.match(csp, /(^|;)\s*style-src 'self'\s*(;|$)/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    assert.match(csp, /default-src 'self'/);
  });

  step('Mallory, named with markup, makes a room named and described with markup and posts payloads', async () => {
    await Promise.all([alice.signUp(natter.url), mallory.signUp(natter.url)]);
    await mallory.go('New conversation', 'New conversation');
    await mallory.page.getByLabel('Group', { exact: true }).check();
    await mallory.page.getByLabel('Name', { exact: true }).fill(evilRoom);
    await mallory.page.getByLabel('Topic', { exact: true }).fill(evilTopic);
    await mallory.page.getByLabel('Add members').fill('alice');
    await mallory.page.getByRole('button', { name: 'Add Alice Martin' }).click();
    await mallory.page.getByRole('button', { name: 'Create', exact: true }).click();
    await visible(mallory.page.getByRole('heading', { level: 1, name: evilRoom, exact: true }));
    for (const payload of payloads) await mallory.send(payload);
    await mallory.send('Docs: https://example.com/docs or mail team@example.com via mailto:team@example.com');
  });

  step('Alice sees every name, topic and message as the literal text', async () => {
    await alice.openRoom(evilRoom);
    const page = alice.page;
    await visible(page.getByRole('heading', { level: 1, name: evilRoom, exact: true }));
    await visible(page.getByText(evilTopic));
    for (const payload of payloads) {
      const message = alice.message(payload);
      await visible(message);
      assert.equal(
        (await message.locator('.message-body').innerText()).trim(),
        payload,
        `shown differently: ${payload}`,
      );
    }
    const senders = await alice.messages.locator('.message-sender').allInnerTexts();
    assert.ok(senders.length > 0 && senders.every((name) => name.trim() === evilName), senders.join(' | '));
  });

  step('only http(s) and mailto became links', async () => {
    const message = alice.message(
      'Docs: https://example.com/docs or mail team@example.com via mailto:team@example.com',
    );
    await visible(message.locator('a[href="https://example.com/docs"]'));
    await visible(message.locator('a[href="mailto:team@example.com"]'));
    // The quote-breaking URL stays one link whose address is text, never an element.
    const tricky = alice.message('https://example.com/"><img src=x onerror=window.__xss=1>');
    for (const href of await tricky.locator('a').evaluateAll((links) => links.map((a) => a.getAttribute('href')))) {
      assert.match(href ?? '', /^https:\/\/example\.com\//);
    }
  });

  step('nothing ran and nothing became markup, for either of them, also after hovering', async () => {
    // Hover every message (a mouseover handler would fire) and visit the room list and settings.
    for (const message of await alice.messages.all()) await message.hover();
    for (const person of [alice, mallory]) {
      assert.deepEqual(await liveMarkup(person.page), [], person.id.username);
    }
    await alice.go('Contacts', 'Contacts');
    await alice.page.getByLabel('Search people').fill('mallory');
    await visible(alice.page.getByText(evilName, { exact: true }));
    assert.deepEqual(await liveMarkup(alice.page), []);
  });

  step('no Content-Security-Policy violation and no script error happened', async () => {
    for (const person of [alice, mallory]) {
      assert.deepEqual(await person.cspViolations(), [], person.id.username);
      assert.deepEqual(person.pageErrors, [], person.id.username);
      const cspErrors = person.consoleErrors.filter((text) => /Content Security Policy/i.test(text));
      assert.deepEqual(cspErrors, [], person.id.username);
    }
  });
});
