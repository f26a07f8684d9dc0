/**
 * Stable error codes. A code never changes meaning once published; new codes may be added.
 * Each carries the HTTP status REST answers with and a one-line description for the docs.
 */
export const errorCodes = {
  // Request shape
  validation_failed: { status: 400, description: 'The request does not match its schema; details name each problem.' },
  invalid_json: { status: 400, description: 'The body is not valid JSON, or is empty where JSON is required.' },
  unsupported_media_type: { status: 415, description: 'The Content-Type is not one this endpoint accepts.' },
  payload_too_large: { status: 413, description: 'The body is larger than the configured limit.' },
  bad_request: { status: 400, description: 'The request is malformed in a way no more specific code covers.' },
  not_found: { status: 404, description: 'No such endpoint.' },
  method_not_allowed: { status: 405, description: 'The endpoint exists but not with this method.' },
  // Authentication and sessions
  unauthenticated: { status: 401, description: 'No valid access token was presented.' },
  token_expired: { status: 401, description: 'The access token has expired; refresh it.' },
  session_revoked: { status: 401, description: 'The session this token belongs to has ended.' },
  invalid_credentials: { status: 401, description: 'The login or password is wrong.' },
  invalid_refresh_token: {
    status: 401,
    description: 'The refresh token is unknown, expired or belongs to an ended session.',
  },
  refresh_token_reused: {
    status: 401,
    description: 'A refresh token was used twice; its whole session has been revoked. Log in again.',
  },
  account_disabled: { status: 403, description: 'An administrator has disabled this account.' },
  too_many_attempts: { status: 429, description: 'Too many failed attempts; wait details.retryAfterSeconds.' },
  rate_limited: { status: 429, description: 'Too many requests; wait details.retryAfterSeconds.' },
  // Accounts
  registration_closed: { status: 403, description: 'This server does not accept new registrations.' },
  account_exists: { status: 409, description: 'That username or email cannot be registered.' },
  password_too_common: {
    status: 400,
    description: 'The password is too easy to guess: one of the 10,000 most common, or a repeat or a run.',
  },
  password_incorrect: { status: 403, description: 'The confirmation password is wrong.' },
  invalid_reset_token: { status: 400, description: 'The reset token is unknown, used or expired.' },
  // Objects and permissions
  forbidden: { status: 403, description: 'The caller may not do this.' },
  user_not_found: { status: 404, description: 'No such user.' },
  session_not_found: { status: 404, description: 'No such session among the caller’s sessions.' },
  last_admin: { status: 409, description: 'The last active administrator cannot be demoted, disabled or deleted.' },
  // People
  invalid_target: { status: 400, description: 'You cannot do this to yourself.' },
  user_unavailable: { status: 403, description: 'This person cannot be reached by you (for example, blocked).' },
  already_contacts: { status: 409, description: 'You are contacts already.' },
  request_pending: { status: 409, description: 'A contact request between you is already pending.' },
  request_not_found: { status: 404, description: 'No such pending contact request.' },
  contact_not_found: { status: 404, description: 'That person is not in your contacts.' },
  // Rooms
  room_not_found: { status: 404, description: 'No such room, or a private room you are not in.' },
  not_a_member: { status: 403, description: 'Only members of the room may do this.' },
  banned: { status: 403, description: 'You are banned from this room.' },
  muted: { status: 403, description: 'You are muted in this room; details.mutedUntil says until when.' },
  cannot_post: { status: 403, description: 'Only the owner and admins post in a channel.' },
  room_full: { status: 409, description: 'The room has reached its member cap.' },
  join_failed: { status: 403, description: 'The join code or the room password is wrong.' },
  owner_cannot_leave: { status: 409, description: 'The owner must transfer ownership or delete the room first.' },
  not_in_room: { status: 404, description: 'That person is not a member of this room.' },
  // Messages
  message_not_found: { status: 404, description: 'No such message in this room.' },
  message_too_long: {
    status: 400,
    description: 'The message is longer than the server’s byte limit; details.maxBytes.',
  },
  message_empty: { status: 400, description: 'A message needs text, a forward, or a file.' },
  invalid_emoji: { status: 400, description: 'A reaction must be a single emoji.' },
  reaction_limit: { status: 409, description: 'The message already has the most distinct emoji allowed.' },
  txn_id_conflict: {
    status: 409,
    description: 'This transaction id was already used for a different room; choose a new id for a new message.',
  },
  conflict: {
    status: 409,
    description:
      'The change collided with another made at the same moment; read the current state, then retry if still needed.',
  },
  // Server
  service_unavailable: { status: 503, description: 'The server is starting, stopping or cannot reach its storage.' },
  internal_error: { status: 500, description: 'Something unexpected failed; the requestId identifies it in the logs.' },
} as const satisfies Record<string, { status: number; description: string }>;

/** Every error code a Natter server can answer with. */
export type ErrorCode = keyof typeof errorCodes;

/** True when `value` is a known error code. */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(errorCodes, value);
}
