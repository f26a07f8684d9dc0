// Debian's Chromium driven by playwright-core, and people who use Natter through it.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';

/** Debian's package; NATTER_CHROMIUM points elsewhere. Nothing here ever downloads a browser. */
export const chromiumPath = process.env.NATTER_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Why the browser suites are skipped, or false to run them. In CI (the CI variable set) a missing
 * browser is a failure, not a skip: `.ci/run` installs it, so its absence means the install broke.
 */
export const browserSkip: string | false = (() => {
  if (existsSync(chromiumPath) || process.env.CI) return false;
  const reason = `no Chromium at ${chromiumPath} (apt-get install chromium, or set NATTER_CHROMIUM): browser tests skipped`;
  process.stdout.write(`note: ${reason}\n`);
  return reason;
})();

/** Starts headless Chromium with the flags a container without a GPU or sandbox needs. */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(chromiumPath)) {
    throw new Error(`Chromium is missing at ${chromiumPath}: .ci/run installs it with apt-get install chromium`);
  }
  return await chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

/** Default wait for anything the app should show. Generous: two browsers share two cores. */
export const patience = 15_000;

/**
 * Polls `check` until it holds (an expect-like wait, never a fixed sleep as an assertion); on
 * timeout throws with `what` and, when given, `explain()`'s description of what was there instead.
 */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  what: string,
  options: { timeoutMs?: number; explain?: () => Promise<string> | string } = {},
): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? patience);
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) {
      const detail = options.explain ? `\n${await options.explain()}` : '';
      throw new Error(`timed out waiting for ${what}${detail}`);
    }
    await sleep(50);
  }
}

/** Waits until `locator` matches a visible element. */
export async function visible(locator: Locator, timeout = patience): Promise<Locator> {
  await locator.first().waitFor({ state: 'visible', timeout });
  return locator;
}

/** Waits until `locator` matches nothing (or nothing visible). */
export async function gone(locator: Locator, timeout = patience): Promise<void> {
  await eventually(
    async () => (await locator.count()) === 0 || !(await locator.first().isVisible()),
    `${locator.toString()} to go`,
    {
      timeoutMs: timeout,
    },
  );
}

/**
 * `it` for the steps of one story: once a step fails, the later ones are skipped (with a note)
 * rather than each waiting out its own timeout on a screen that is not there.
 */
export function storySteps(
  people: () => readonly (Person | undefined)[] = () => [],
): (name: string, run: () => Promise<void>) => void {
  let broken: string | undefined;
  return (name, run) => {
    it(name, async (t) => {
      if (broken !== undefined) {
        t.skip(`an earlier step failed: ${broken}`);
        return;
      }
      try {
        await run();
      } catch (error) {
        broken = name;
        await keepEvidence(name, people());
        throw error;
      }
    });
  };
}

/** Screenshots of every person's page after a failed step, in the temp folder; the paths are printed. */
async function keepEvidence(step: string, people: readonly (Person | undefined)[]): Promise<void> {
  const dir = join(tmpdir(), 'natter-e2e-failures');
  await mkdir(dir, { recursive: true });
  for (const [i, person] of people.entries()) {
    if (person === undefined || person.page.isClosed()) continue;
    const path = join(dir, `${step.replace(/\W+/g, '-').slice(0, 60)}-${String(i + 1)}-${person.id.username}.png`);
    try {
      await person.page.screenshot({ path, fullPage: true, timeout: 5000 });
      process.stdout.write(`note: after the failure, ${person.id.username}'s page at ${person.page.url()}: ${path}\n`);
    } catch {
      // The page may be gone with the failure; the error itself is what matters.
    }
  }
}

/** A string as a RegExp source. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** What a person signs up with. */
export interface Identity {
  readonly username: string;
  readonly displayName: string;
  readonly password: string;
  readonly email: string;
}

/** An identity with an email and a password derived from the username. */
export function identity(username: string, displayName: string): Identity {
  return { username, displayName, password: `Tr0ub4dor-${username}-horse`, email: `${username}@example.test` };
}

const cspRecorder = `
  window.__cspViolations = [];
  document.addEventListener('securitypolicyviolation', (e) => {
    window.__cspViolations.push(e.violatedDirective + ' ' + (e.blockedURI || '') + ' ' + (e.sample || ''));
  });
`;

/** One person using Natter in their own browser context (own storage, own session). */
export class Person {
  readonly id: Identity;
  readonly context: BrowserContext;
  readonly page: Page;
  readonly consoleErrors: string[] = [];
  readonly pageErrors: string[] = [];

  private constructor(id: Identity, context: BrowserContext, page: Page) {
    this.id = id;
    this.context = context;
    this.page = page;
    page.on('console', (message) => {
      if (message.type() === 'error') this.consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => {
      this.pageErrors.push(String(error));
    });
  }

  /** Opens a new context and page (desktop size unless told) at `url`, not signed in yet. */
  static async open(
    browser: Browser,
    id: Identity,
    options: { viewport?: { width: number; height: number } } = {},
  ): Promise<Person> {
    const context = await browser.newContext({ viewport: options.viewport ?? { width: 1280, height: 800 } });
    context.setDefaultTimeout(patience);
    // Init scripts run outside the page's CSP, so this recorder itself violates nothing.
    await context.addInitScript(cspRecorder);
    const page = await context.newPage();
    return new Person(id, context, page);
  }

  /** CSP violations reported so far on the current document. */
  async cspViolations(): Promise<string[]> {
    return await this.page.evaluate(() => (window as unknown as { __cspViolations?: string[] }).__cspViolations ?? []);
  }

  /** Signs up through the form at /signup and waits for the signed-in app. */
  async signUp(base: string): Promise<void> {
    const page = this.page;
    await page.goto(`${base}/signup`);
    await page.getByLabel('Username', { exact: true }).fill(this.id.username);
    await page.getByLabel('Email', { exact: true }).fill(this.id.email);
    await page.getByLabel('Display name', { exact: true }).fill(this.id.displayName);
    await page.getByLabel('Password', { exact: true }).fill(this.id.password);
    await page.getByRole('button', { name: 'Create account' }).click();
    await this.waitSignedIn();
  }

  /** Signs in through the form at /signin. */
  async signIn(base: string): Promise<void> {
    const page = this.page;
    await page.goto(`${base}/signin`);
    await page.getByLabel('Username or email').fill(this.id.username);
    await page.getByLabel('Password', { exact: true }).fill(this.id.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await this.waitSignedIn();
  }

  /** The sidebar's room list: present once the app is signed in and loaded. */
  get rooms(): Locator {
    return this.page.getByRole('navigation', { name: 'Rooms' });
  }

  async waitSignedIn(): Promise<void> {
    await visible(this.rooms);
  }

  /**
   * Follows one of the sidebar's links ("Contacts", "New conversation", "Join by code", "Search
   * messages", "Profile") and waits for the page's heading, `heading`.
   */
  async go(link: string, heading: string): Promise<void> {
    await this.page.getByRole('link', { name: link, exact: true }).first().click();
    await visible(this.page.getByRole('heading', { level: 1, name: heading, exact: true }));
  }

  /** The room list's link for a room, by its title (the link's name starts with it). */
  roomLink(title: string): Locator {
    return this.rooms.getByRole('link', { name: new RegExp(`^${escapeRegExp(title)}`) });
  }

  /** Opens a room from the sidebar and waits for its heading. */
  async openRoom(title: string): Promise<void> {
    await visible(this.roomLink(title));
    await this.roomLink(title).first().click();
    await visible(this.page.getByRole('heading', { level: 1, name: title }));
  }

  /** The message list of the open room. */
  get log(): Locator {
    return this.page.getByRole('log', { name: 'Messages' });
  }

  /** Every message article in the open room. */
  get messages(): Locator {
    return this.log.locator('article[data-message-id]');
  }

  /** The article of the message whose body is exactly `body` (an "(edited)" mark after it aside). */
  message(body: string): Locator {
    return this.messages.filter({
      has: this.page.locator('.message-body', {
        hasText: new RegExp(`^\\s*${escapeRegExp(body)}(\\s*\\(edited\\))?\\s*$`),
      }),
    });
  }

  /** The message bodies in the open room, in display order. */
  async bodies(): Promise<string[]> {
    return (await this.messages.locator('.message-body').allInnerTexts()).map((text) =>
      text.replace(/\s*\(edited\)\s*$/, '').trim(),
    );
  }

  /** The composer. */
  get composer(): Locator {
    return this.page.getByRole('textbox', { name: 'Message', exact: true });
  }

  /** Types `text` into the composer, sends it with Enter and waits until the server acknowledged it. */
  async send(text: string): Promise<void> {
    await this.composer.fill(text);
    await this.composer.press('Enter');
    await this.sent(text);
  }

  /** Waits until the message `body` shows as sent (acknowledged, with a sequence number). */
  async sent(body: string): Promise<Locator> {
    const article = this.message(body);
    await visible(article.and(this.page.locator('[data-state="sent"][data-seq]')));
    return article;
  }

  /** Shows a message's action buttons (they appear on hover) and clicks the one named `action`. */
  async act(body: string, action: 'Reply' | 'React' | 'Edit' | 'Delete' | 'Forward'): Promise<void> {
    const article = this.message(body).first();
    await article.hover();
    await article.getByRole('button', { name: action, exact: true }).click();
  }

  /** Closes the context (and its page). */
  async close(): Promise<void> {
    await this.context.close();
  }
}
