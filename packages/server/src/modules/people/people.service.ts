import type { BlockList, ContactList, FollowList } from '@natter/protocol';
import type { Change, NewEvent } from '../../ports/index.ts';
import { fail } from '../app-error.ts';
import type { Caller } from '../auth/auth-context.ts';
import type { ChatDeps } from '../chat-deps.ts';
import { profileOr, publicUsers } from '../users/user-lookup.ts';

const iso = (ms: number): string => new Date(ms).toISOString();

/** A user event for each of the two people concerned. */
function toBoth(
  a: string,
  b: string,
  type: string,
  actorId: string,
  data: (self: string, other: string) => unknown,
): NewEvent[] {
  return [
    { stream: { user: a }, type, actorId, data: data(a, b) },
    { stream: { user: b }, type, actorId, data: data(b, a) },
  ];
}

/** Contacts, requests, follows and blocks. Both people hear about every change that concerns them. */
export class PeopleService {
  readonly #d: ChatDeps;
  constructor(deps: ChatDeps) {
    this.#d = deps;
  }

  async #commit(changes: Change[], events: NewEvent[]): Promise<void> {
    await this.#d.committer.commit({ require: [], changes, events, at: this.#d.clock.now() });
  }

  /** The other person must exist, be someone else, and not have blocked the caller (nor be blocked by them). */
  async #reachable(caller: Caller, userId: string): Promise<void> {
    if (userId === caller.userId) throw fail('invalid_target', 'You cannot do this to yourself.');
    const user = await this.#d.storage.users.findById(userId);
    if (!user || user.disabled) throw fail('user_not_found', 'No such user.');
    const { people } = this.#d.storage;
    if ((await people.hasBlocked(userId, caller.userId)) || (await people.hasBlocked(caller.userId, userId))) {
      throw fail('user_unavailable', 'You cannot reach this person.');
    }
  }

  /** Contacts and pending requests both ways. */
  async contacts(caller: Caller): Promise<ContactList> {
    const { people, users } = this.#d.storage;
    const [contacts, requests] = await Promise.all([people.contacts(caller.userId), people.requests(caller.userId)]);
    const ids = [
      caller.userId,
      ...contacts.map((c) => c.userId),
      ...requests.incoming.map((r) => r.userId),
      ...requests.outgoing.map((r) => r.userId),
    ];
    const profiles = await publicUsers(users, ids);
    const me = profileOr(profiles, caller.userId);
    return {
      contacts: contacts.map((c) => ({ user: profileOr(profiles, c.userId), since: iso(c.since) })),
      incoming: requests.incoming.map((r) => ({
        from: profileOr(profiles, r.userId),
        to: me,
        createdAt: iso(r.since),
      })),
      outgoing: requests.outgoing.map((r) => ({
        from: me,
        to: profileOr(profiles, r.userId),
        createdAt: iso(r.since),
      })),
    };
  }

  /** Asks `userId` to be a contact; if they already asked the caller, both become contacts. */
  async request(caller: Caller, userId: string): Promise<void> {
    await this.#reachable(caller, userId);
    const { people, users } = this.#d.storage;
    if (await people.isContact(caller.userId, userId)) throw fail('already_contacts', 'You are contacts already.');
    if (await people.hasRequest(userId, caller.userId)) return this.accept(caller, userId);
    if (await people.hasRequest(caller.userId, userId)) throw fail('request_pending', 'Your request is pending.');
    const profiles = await publicUsers(users, [caller.userId, userId]);
    const data = { from: profileOr(profiles, caller.userId), to: profileOr(profiles, userId) };
    await this.#commit(
      [{ op: 'contact.request', fromId: caller.userId, toId: userId, at: this.#d.clock.now() }],
      toBoth(caller.userId, userId, 'contact.requested', caller.userId, () => data),
    );
  }

  /** Accepts the request `userId` sent the caller. */
  async accept(caller: Caller, userId: string): Promise<void> {
    const { people, users } = this.#d.storage;
    if (!(await people.hasRequest(userId, caller.userId)))
      throw fail('request_not_found', 'No pending request from that person.');
    const profiles = await publicUsers(users, [caller.userId, userId]);
    await this.#commit(
      [
        { op: 'contact.request.delete', fromId: userId, toId: caller.userId },
        { op: 'contact.add', a: caller.userId, b: userId, at: this.#d.clock.now() },
      ],
      toBoth(caller.userId, userId, 'contact.added', caller.userId, (_self, other) => ({
        user: profileOr(profiles, other),
      })),
    );
  }

  /** Rejects the request `userId` sent the caller. */
  reject(caller: Caller, userId: string): Promise<void> {
    return this.#endRequest(caller, userId, caller.userId, 'rejected');
  }

  /** Withdraws the request the caller sent `userId`. */
  cancel(caller: Caller, userId: string): Promise<void> {
    return this.#endRequest(caller, caller.userId, userId, 'cancelled');
  }

  async #endRequest(caller: Caller, fromId: string, toId: string, reason: 'rejected' | 'cancelled'): Promise<void> {
    if (!(await this.#d.storage.people.hasRequest(fromId, toId)))
      throw fail('request_not_found', 'No such pending request.');
    await this.#commit(
      [{ op: 'contact.request.delete', fromId, toId }],
      toBoth(fromId, toId, 'contact.request_ended', caller.userId, () => ({ fromId, toId, reason })),
    );
  }

  /** Removes a contact for both people. */
  async remove(caller: Caller, userId: string): Promise<void> {
    if (!(await this.#d.storage.people.isContact(caller.userId, userId)))
      throw fail('contact_not_found', 'Not in your contacts.');
    await this.#commit(
      [{ op: 'contact.remove', a: caller.userId, b: userId }],
      toBoth(caller.userId, userId, 'contact.removed', caller.userId, (_self, other) => ({ userId: other })),
    );
  }

  /** Followers and following. */
  async follows(caller: Caller): Promise<FollowList> {
    const { people, users } = this.#d.storage;
    const [followers, following] = await Promise.all([
      people.followers(caller.userId),
      people.following(caller.userId),
    ]);
    const profiles = await publicUsers(
      users,
      [...followers, ...following].map((f) => f.userId),
    );
    const show = (f: { userId: string; since: number }) => ({
      user: profileOr(profiles, f.userId),
      since: iso(f.since),
    });
    return { followers: followers.map(show), following: following.map(show) };
  }

  /** Follows someone; following twice is not an error. */
  async follow(caller: Caller, userId: string): Promise<void> {
    await this.#reachable(caller, userId);
    if (await this.#d.storage.people.isFollowing(caller.userId, userId)) return;
    const profiles = await publicUsers(this.#d.storage.users, [caller.userId, userId]);
    const data = { follower: profileOr(profiles, caller.userId), followee: profileOr(profiles, userId) };
    await this.#commit(
      [{ op: 'follow.add', followerId: caller.userId, followeeId: userId, at: this.#d.clock.now() }],
      toBoth(caller.userId, userId, 'follow.added', caller.userId, () => data),
    );
  }

  /** Stops following someone; not following is not an error. */
  async unfollow(caller: Caller, userId: string): Promise<void> {
    if (!(await this.#d.storage.people.isFollowing(caller.userId, userId))) return;
    await this.#commit(
      [{ op: 'follow.remove', followerId: caller.userId, followeeId: userId }],
      toBoth(caller.userId, userId, 'follow.removed', caller.userId, () => ({
        followerId: caller.userId,
        followeeId: userId,
      })),
    );
  }

  /** Whom the caller blocked. */
  async blocks(caller: Caller): Promise<BlockList> {
    const blocked = await this.#d.storage.people.blocked(caller.userId);
    const profiles = await publicUsers(
      this.#d.storage.users,
      blocked.map((b) => b.userId),
    );
    return { blocked: blocked.map((b) => ({ user: profileOr(profiles, b.userId), since: iso(b.since) })) };
  }

  /**
   * Blocks someone: they can no longer open a direct room with the caller, send requests, follow or
   * see the caller's presence. Contact, requests and follows between the two end with it.
   */
  async block(caller: Caller, userId: string): Promise<void> {
    if (userId === caller.userId) throw fail('invalid_target', 'You cannot block yourself.');
    const { people, users } = this.#d.storage;
    if (!(await users.findById(userId))) throw fail('user_not_found', 'No such user.');
    if (await people.hasBlocked(caller.userId, userId)) return;
    const me = caller.userId;
    const changes: Change[] = [{ op: 'block.add', blockerId: me, blockedId: userId, at: this.#d.clock.now() }];
    const events: NewEvent[] = [{ stream: { user: me }, type: 'block.added', actorId: me, data: { userId } }];
    if (await people.isContact(me, userId)) {
      changes.push({ op: 'contact.remove', a: me, b: userId });
      events.push(...toBoth(me, userId, 'contact.removed', me, (_self, other) => ({ userId: other })));
    }
    for (const [fromId, toId] of [
      [me, userId],
      [userId, me],
    ] as const) {
      if (await people.hasRequest(fromId, toId)) {
        changes.push({ op: 'contact.request.delete', fromId, toId });
        events.push(
          ...toBoth(me, userId, 'contact.request_ended', me, () => ({
            fromId,
            toId,
            reason: fromId === me ? 'cancelled' : 'rejected',
          })),
        );
      }
      if (await people.isFollowing(fromId, toId)) {
        changes.push({ op: 'follow.remove', followerId: fromId, followeeId: toId });
        events.push(...toBoth(me, userId, 'follow.removed', me, () => ({ followerId: fromId, followeeId: toId })));
      }
    }
    await this.#commit(changes, events);
  }

  /** Unblocks someone; not blocked is not an error. */
  async unblock(caller: Caller, userId: string): Promise<void> {
    if (!(await this.#d.storage.people.hasBlocked(caller.userId, userId))) return;
    await this.#commit(
      [{ op: 'block.remove', blockerId: caller.userId, blockedId: userId }],
      [{ stream: { user: caller.userId }, type: 'block.removed', actorId: caller.userId, data: { userId } }],
    );
  }

  /** Whether `watcherId` may see `targetId`'s presence: not when the target blocked the watcher. */
  async maySeePresence(watcherId: string, targetId: string): Promise<boolean> {
    return !(await this.#d.storage.people.hasBlocked(targetId, watcherId));
  }
}
