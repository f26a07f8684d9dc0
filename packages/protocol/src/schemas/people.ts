import { Type, type Static } from 'typebox';
import { Closed, Id, Timestamp } from './common.ts';
import { PublicUser } from './users.ts';

/** Someone in the caller's contacts. */
export const Contact = Closed({ user: PublicUser, since: Timestamp });
export type Contact = Static<typeof Contact>;

/** A pending contact request, sent or received. */
export const ContactRequest = Closed({ from: PublicUser, to: PublicUser, createdAt: Timestamp });
export type ContactRequest = Static<typeof ContactRequest>;

/** GET /contacts. */
export const ContactList = Closed({
  contacts: Type.Array(Contact),
  incoming: Type.Array(ContactRequest),
  outgoing: Type.Array(ContactRequest),
});
export type ContactList = Static<typeof ContactList>;

/** A person in a follower or following list. */
export const Follow = Closed({ user: PublicUser, since: Timestamp });
export type Follow = Static<typeof Follow>;

/** GET /follows. */
export const FollowList = Closed({ followers: Type.Array(Follow), following: Type.Array(Follow) });
export type FollowList = Static<typeof FollowList>;

/** GET /blocks: whom the caller has blocked. */
export const BlockList = Closed({ blocked: Type.Array(Follow) });
export type BlockList = Static<typeof BlockList>;

/** The person a people operation is about. */
export const PersonParams = Closed({ userId: Id });
export type PersonParams = Static<typeof PersonParams>;
