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
