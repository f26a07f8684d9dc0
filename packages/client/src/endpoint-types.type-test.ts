// Compile-time checks of the types the SDK infers from the protocol: `tsc` fails when they drift.
// Nothing here runs; the function is exported only so it is not reported as unused.
import type { AuthResult } from '@natter/protocol';
import type { EndpointInput, EndpointResponse } from './endpoint-types.ts';
import type { NatterClient } from './natter-client.ts';

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/** Type assertions for EndpointInput and EndpointResponse; never called. */
export async function endpointTypeChecks(client: NatterClient): Promise<void> {
  const user = await client.request('getUser', { params: { userId: 'u1' } });
  user.bio satisfies string;
  // @ts-expect-error an answer has only the fields of its schema
  user.email satisfies string;

  const page = await client.request('adminListUsers'); // all-optional query may be left out
  page.nextAfter satisfies string | null;
  await client.request('adminListUsers', { query: { limit: 10 } });
  await client.request('updateMe'); // all-optional body too

  true satisfies Same<EndpointResponse<'logout'>, undefined>;
  true satisfies Same<EndpointResponse<'login'>, AuthResult>;
  true satisfies Same<
    EndpointInput<'getMe'>,
    { readonly params?: never; readonly query?: never; readonly body?: never }
  >;

  await client.request('adminUpdateUser', { params: { userId: 'u1' }, body: { role: 'admin' } });
  // @ts-expect-error role is a closed union
  await client.request('adminUpdateUser', { params: { userId: 'u1' }, body: { role: 'root' } });
  // @ts-expect-error the search term is required
  await client.request('searchUsers', { query: {} });
  // @ts-expect-error so is the input that carries it
  await client.request('searchUsers');
  // @ts-expect-error GET /me takes no body
  await client.request('getMe', { body: {} });
  // @ts-expect-error the path parameter is userId
  await client.request('getUser', { params: { id: 'u1' } });
}
