import type { PublicUser } from '@natter/protocol';
import type { UserStore } from '../../ports/index.ts';
import { toPublicUser } from './user-views.ts';

/** Public profiles of the given users, by id; deleted accounts are left out. */
export async function publicUsers(users: UserStore, ids: Iterable<string>): Promise<Map<string, PublicUser>> {
  const unique = [...new Set(ids)];
  const found = await Promise.all(unique.map((id) => users.findById(id)));
  const out = new Map<string, PublicUser>();
  for (const user of found) if (user) out.set(user.id, toPublicUser(user));
  return out;
}

/** One public profile, or a stand-in for a deleted account so views never break. */
export function profileOr(map: ReadonlyMap<string, PublicUser>, id: string): PublicUser {
  return map.get(id) ?? { id, username: 'deleted', displayName: 'Deleted account', bio: '' };
}
