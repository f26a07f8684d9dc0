// Setting the scene through the API (the SDK in Node), for tests whose subject is elsewhere.
import { randomUUID } from 'node:crypto';
import { NatterClient } from '@natter/client';
import type { Identity } from './browser.ts';

/** A signed-in SDK client and the user it is signed in as. */
export interface ApiUser {
  readonly client: NatterClient;
  readonly id: string;
  readonly identity: Identity;
}

/** Registers `identity` on the server at `url`. */
export async function registerViaApi(url: string, identity: Identity): Promise<ApiUser> {
  const client = new NatterClient({ baseUrl: url });
  const session = await client.register({
    username: identity.username,
    email: identity.email,
    password: identity.password,
    displayName: identity.displayName,
  });
  return { client, id: session.user.id, identity };
}

/** Makes `a` and `b` contacts (a asks, b accepts). */
export async function makeContacts(a: ApiUser, b: ApiUser): Promise<void> {
  await a.client.request('requestContact', { params: { userId: b.id } });
  await b.client.request('acceptContact', { params: { userId: a.id } });
}

/** Sends `body` (optionally as a reply) and returns the message id. */
export async function sendViaApi(from: ApiUser, roomId: string, body: string, replyTo?: string): Promise<string> {
  const answer = await from.client.request('sendMessage', {
    params: { roomId },
    body: { txnId: randomUUID(), body, ...(replyTo === undefined ? {} : { replyTo }) },
  });
  return answer.message.id;
}
