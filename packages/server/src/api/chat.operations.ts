import type { ActivityService } from '../modules/messages/activity.service.ts';
import type { MessageService } from '../modules/messages/message.service.ts';
import type { PeopleService } from '../modules/people/people.service.ts';
import type { MembershipService } from '../modules/rooms/membership.service.ts';
import type { RoomService } from '../modules/rooms/room.service.ts';
import type { SyncService } from '../modules/sync/sync.service.ts';
import type { Operations } from './operation.ts';
import type { chatEndpoints } from '@natter/protocol';

/** The services behind the chat operations. */
export interface ChatServices {
  people: PeopleService;
  rooms: RoomService;
  members: MembershipService;
  messages: MessageService;
  activity: ActivityService;
  sync: SyncService;
}

/** Runs `fn` and answers "no content". */
async function done(fn: () => Promise<unknown>): Promise<undefined> {
  await fn();
  return undefined;
}

/** People, rooms, messages and sync. */
export function chatOperations(s: ChatServices): Pick<Operations, keyof typeof chatEndpoints> {
  return {
    listContacts: ({ caller }) => s.people.contacts(caller),
    requestContact: ({ caller, params }) => done(() => s.people.request(caller, params.userId)),
    acceptContact: ({ caller, params }) => done(() => s.people.accept(caller, params.userId)),
    rejectContact: ({ caller, params }) => done(() => s.people.reject(caller, params.userId)),
    cancelContactRequest: ({ caller, params }) => done(() => s.people.cancel(caller, params.userId)),
    removeContact: ({ caller, params }) => done(() => s.people.remove(caller, params.userId)),
    listFollows: ({ caller }) => s.people.follows(caller),
    follow: ({ caller, params }) => done(() => s.people.follow(caller, params.userId)),
    unfollow: ({ caller, params }) => done(() => s.people.unfollow(caller, params.userId)),
    listBlocks: ({ caller }) => s.people.blocks(caller),
    block: ({ caller, params }) => done(() => s.people.block(caller, params.userId)),
    unblock: ({ caller, params }) => done(() => s.people.unblock(caller, params.userId)),

    listMyRooms: async ({ caller }) => ({ rooms: await s.rooms.list(caller) }),
    createRoom: ({ caller, body }) => s.rooms.create(caller, body),
    openDirect: ({ caller, body }) => s.rooms.openDirect(caller, body.userId),
    roomDirectory: ({ query }) => s.rooms.directory(query.q ?? '', query.after, query.limit ?? 50),
    joinByCode: ({ caller, body }) => s.members.joinByCode(caller, body.code, body.password),
    getRoom: ({ caller, params }) => s.rooms.get(caller, params.roomId),
    updateRoom: ({ caller, params, body }) => s.rooms.update(caller, params.roomId, body),
    deleteRoom: ({ caller, params }) => done(() => s.rooms.delete(caller, params.roomId)),
    setRoomPassword: ({ caller, params, body }) => s.rooms.setPassword(caller, params.roomId, body.password),
    joinRoom: ({ caller, params }) => s.members.join(caller, params.roomId),
    leaveRoom: ({ caller, params }) => done(() => s.members.leave(caller, params.roomId)),
    listMembers: ({ caller, params, query }) => s.members.list(caller, params.roomId, query.after, query.limit ?? 100),
    inviteMembers: async ({ caller, params, body }) => ({
      added: await s.members.invite(caller, params.roomId, body.userIds),
    }),
    updateMember: ({ caller, params, body }) => s.members.update(caller, params.roomId, params.userId, body),
    kickMember: ({ caller, params }) => done(() => s.members.kick(caller, params.roomId, params.userId)),
    listBans: async ({ caller, params }) => ({ users: await s.members.bans(caller, params.roomId) }),
    banMember: ({ caller, params }) => done(() => s.members.ban(caller, params.roomId, params.userId)),
    unbanMember: ({ caller, params }) => done(() => s.members.unban(caller, params.roomId, params.userId)),
    transferOwnership: ({ caller, params, body }) => done(() => s.members.transfer(caller, params.roomId, body.userId)),

    sendMessage: ({ caller, params, body }) => s.messages.send(caller, params.roomId, body),
    listMessages: ({ caller, params, query }) => s.messages.history(caller, params.roomId, query),
    getMessage: ({ caller, params }) => s.messages.get(caller, params.roomId, params.messageId),
    editMessage: ({ caller, params, body }) => s.messages.edit(caller, params.roomId, params.messageId, body.body),
    deleteMessage: ({ caller, params }) => done(() => s.messages.delete(caller, params.roomId, params.messageId)),
    addReaction: ({ caller, params, body }) =>
      done(() => s.activity.react(caller, params.roomId, params.messageId, body.emoji, true)),
    removeReaction: ({ caller, params, body }) =>
      done(() => s.activity.react(caller, params.roomId, params.messageId, body.emoji, false)),
    markRead: ({ caller, params, body }) => done(() => s.activity.markRead(caller, params.roomId, body.seq)),
    setTyping: ({ caller, params, body }) => done(() => s.activity.typing(caller, params.roomId, body.typing)),
    searchMessages: async ({ caller, query }) => ({
      messages: await s.activity.search(caller, query.q, query.roomId, query.limit ?? 20),
    }),
    sync: async ({ caller, body }) => (await s.sync.sync(caller, body)).response,
  };
}
