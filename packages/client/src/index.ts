export { NatterClient, type NatterAdminApi, type NatterClientOptions } from './natter-client.ts';
export { buildUrl, callEndpoint, type EndpointCallOptions, type FetchLike, type Transport } from './call-endpoint.ts';
export type { CallOptions, EndpointArgs, EndpointInput, EndpointResponse } from './endpoint-types.ts';
export {
  isNatterApiError,
  NatterApiError,
  NatterNetworkError,
  NatterResponseError,
  unexpectedResponseCode,
  type ApiErrorCode,
  type ApiErrorFields,
} from './errors.ts';
export { endsSession, refreshLeewayMs, type Session, type SessionListener } from './session-manager.ts';
// The protocol's wire types and names, so SDK users need not depend on @natter/protocol themselves.
export {
  apiBase,
  endpoints,
  errorCodes,
  isErrorCode,
  limits,
  protocolVersion,
  type Accepted,
  type AdminUpdateUserRequest,
  type AdminUser,
  type AdminUserListQuery,
  type AdminUserPage,
  type AuthResult,
  type ChangePasswordRequest,
  type DeleteAccountRequest,
  type EndpointName,
  type ErrorCode,
  type LoginRequest,
  type PublicUser,
  type RegisterRequest,
  type ResetConfirmRequest,
  type ResetRequest,
  type RetryDetails,
  type RevokedCount,
  type Role,
  type SelfUser,
  type SessionIdParams,
  type SessionInfo,
  type SessionList,
  type UpdateProfileRequest,
  type UserIdParams,
  type UserList,
  type UserSearchQuery,
} from '@natter/protocol';
// Realtime: one WebSocket connection that resumes from a cursor and sends exactly once in effect.
// The MessagePack codec is imported from '@natter/client/msgpack', so JSON-only apps never load it.
export { RealtimeConnection, realtimeUrl } from './realtime/connection.ts';
export type {
  AckedInfo,
  ConnectionState,
  EndedInfo,
  EndReason,
  FailedInfo,
  GapInfo,
  RealtimeEvents,
  RealtimeOptions,
  RoomSnapshotInfo,
  WebSocketConstructor,
} from './realtime/connection-types.ts';
export { backoffDelay, defaultBackoff, type BackoffOptions } from './realtime/backoff.ts';
export type { RealtimeCodec, WireData } from './realtime/codec.ts';
export type { Handler } from './realtime/emitter.ts';
export { jsonCodec } from './realtime/json-codec.ts';
export type { OpArgs, OpInput, OpResponse, RealtimeOpName } from './realtime/op-types.ts';
export type { PendingSend, SendBody } from './realtime/outbox.ts';
// Client-side state: a deterministic reducer over events, snapshots and REST answers.
export { bindChatState } from './state/bind-connection.ts';
export { ChatState } from './state/chat-state.ts';
export type { ChatSnapshot, ComparableRoom, MemberSnapshot, Relation, RoomSnapshot } from './state/chat-state-types.ts';
export { fetchChatState, fromFetch, type FetchedChat, type FetchedPage, type OpCaller } from './state/from-fetch.ts';
// The protocol's realtime and chat names and wire types.
export {
  closeCodes,
  realtimePath,
  resumeCloseCodes,
  subprotocols,
  type AnyEvent,
  type BlockList,
  type ContactList,
  type Cursor,
  type FollowList,
  type HelloFrame,
  type HistoryPage,
  type HistoryQuery,
  type Member,
  type MemberPage,
  type Membership,
  type Message,
  type MyRoom,
  type MyRoomList,
  type PresenceFrame,
  type Reaction,
  type Room,
  type RoomEvent,
  type RoomSync,
  type SendMessageRequest,
  type SendResult,
  type SyncResponse,
  type TypingFrame,
  type UserEvent,
} from '@natter/protocol';
