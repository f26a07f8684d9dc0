import { randomInt } from 'node:crypto';
import { NatterClient, type FetchLike, type RegisterRequest } from '@natter/client';

let counter = 0;

/** A username no other test uses (lower-case, at most 32 characters). */
export function uniqueName(prefix = 'u'): string {
  counter += 1;
  return `${prefix}${process.pid.toString(36)}${Date.now().toString(36)}${counter.toString(36)}`.slice(0, 32);
}

/** A password that passes the policy. */
export const goodPassword = 'correct horse battery staple';

/** A random documentation-range address, so per-address limits do not bleed between tests. */
export function randomIp(): string {
  return `198.51.${randomInt(0, 256)}.${randomInt(1, 255)}`;
}

/**
 * An SDK client that says it comes from `ip`. Test servers trust 127.0.0.1 as a proxy, so the
 * server believes the X-Forwarded-For header, which is how one test machine plays many people.
 */
export function clientFrom(baseUrl: string, ip: string = randomIp()): NatterClient {
  const forwarding: FetchLike = (url, init) => {
    const headers = new Headers(init.headers);
    headers.set('x-forwarded-for', ip);
    return fetch(url, { ...init, headers });
  };
  return new NatterClient({ baseUrl, fetch: forwarding });
}

/** Registration input for a fresh person. */
export function newPerson(overrides: Partial<RegisterRequest> = {}): RegisterRequest {
  const username = uniqueName();
  return { username, email: `${username}@example.test`, password: goodPassword, ...overrides };
}

/** Registers a fresh person and returns their signed-in client and registration input. */
export async function signUp(
  baseUrl: string,
  overrides: Partial<RegisterRequest> = {},
): Promise<{ client: NatterClient; person: RegisterRequest; userId: string }> {
  const client = clientFrom(baseUrl);
  const person = newPerson(overrides);
  const session = await client.register(person);
  return { client, person, userId: session.user.id };
}

/** Runs `fn` and returns the API error code it throws; fails when it does not throw one. */
export async function errorCode(fn: () => Promise<unknown>): Promise<string> {
  try {
    await fn();
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    throw error;
  }
  throw new Error('expected the call to fail, but it succeeded');
}
