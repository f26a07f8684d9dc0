import {
  limits,
  type BlockList,
  type ContactList,
  type FollowList,
  type HistoryPage,
  type HistoryQuery,
  type MemberPage,
  type MyRoomList,
} from '@natter/protocol';
import type { OpArgs, OpResponse, RealtimeOpName } from '../realtime/op-types.ts';
import { ChatState } from './chat-state.ts';

/** One listMessages answer with the query that fetched it. */
export interface FetchedPage {
  readonly query: HistoryQuery;
  readonly page: HistoryPage;
}

/** REST answers to build a state from; every part but `rooms` may be left out. */
export interface FetchedChat {
  /** The signed-in user's id. */
  readonly me: string;
  readonly rooms: MyRoomList;
  /** listMessages pages per room, in the order they were fetched. */
  readonly history?: Readonly<Record<string, readonly FetchedPage[]>>;
  /** listMembers pages per room, in order (each page's `nextAfter` was the next one's `after`). */
  readonly members?: Readonly<Record<string, readonly MemberPage[]>>;
  readonly contacts?: ContactList;
  readonly follows?: FollowList;
  readonly blocks?: BlockList;
  /** The user stream position the answers reflect, if known (REST does not say). */
  readonly userSeq?: number;
}

/**
 * Builds a state from REST answers, in the same shape events build, so the two can be compared
 * with `snapshot()`. Each room is taken to reflect its events up to its `lastSeq`, so the state's
 * `cursor()` can resume a connection from there. Unread counts are the server's.
 */
export function fromFetch(fetched: FetchedChat): ChatState {
  const state = new ChatState(fetched.me);
  if (fetched.contacts) state.applyContacts(fetched.contacts);
  if (fetched.follows) state.applyFollows(fetched.follows);
  if (fetched.blocks) state.applyBlocks(fetched.blocks);
  for (const myRoom of fetched.rooms.rooms) {
    const roomId = myRoom.room.id;
    for (const { query, page } of fetched.history?.[roomId] ?? []) state.applyHistoryPage(roomId, page, query);
    let after: string | undefined;
    for (const page of fetched.members?.[roomId] ?? []) {
      state.applyMembers(roomId, page, after === undefined ? {} : { after });
      after = page.nextAfter ?? undefined;
    }
    // Last, so that the server's unread count is kept rather than recounted from the pages.
    state.applyMyRoom(myRoom);
  }
  const rooms = Object.fromEntries(fetched.rooms.rooms.map((r) => [r.room.id, r.room.lastSeq]));
  state.markApplied({ user: fetched.userSeq ?? 0, rooms });
  return state;
}

/** Calls operations like RealtimeConnection.call or NatterClient.request (pass either, bound to its object). */
export type OpCaller = <N extends RealtimeOpName>(op: N, ...args: OpArgs<N>) => Promise<OpResponse<N>>;

/**
 * Fetches everything a ChatState holds — rooms, all history, all members, contacts, follows,
 * blocks — and builds the state with fromFetch. Meant for tests and for a first load; a large
 * account is better served by a cursor sync and history on demand.
 */
export async function fetchChatState(call: OpCaller, me: string): Promise<ChatState> {
  const [rooms, contacts, follows, blocks] = await Promise.all([
    call('listMyRooms'),
    call('listContacts'),
    call('listFollows'),
    call('listBlocks'),
  ]);
  const history: Record<string, FetchedPage[]> = {};
  const members: Record<string, MemberPage[]> = {};
  for (const { room } of rooms.rooms) {
    const pages: FetchedPage[] = [];
    let query: HistoryQuery = { limit: limits.historyPageMax };
    for (;;) {
      const page = await call('listMessages', { params: { roomId: room.id }, query });
      pages.push({ query, page });
      const first = page.messages[0];
      if (!page.hasMoreBefore || !first) break;
      query = { before: first.seq, limit: limits.historyPageMax };
    }
    history[room.id] = pages;
    const memberPages: MemberPage[] = [];
    let after: string | null = null;
    do {
      const page: MemberPage = await call('listMembers', {
        params: { roomId: room.id },
        query: after === null ? { limit: limits.pageMax } : { after, limit: limits.pageMax },
      });
      memberPages.push(page);
      after = page.nextAfter;
    } while (after !== null);
    members[room.id] = memberPages;
  }
  return fromFetch({ me, rooms, history, members, contacts, follows, blocks });
}
