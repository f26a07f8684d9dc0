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
