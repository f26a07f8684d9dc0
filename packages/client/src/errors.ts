import type { ErrorCode } from '@natter/protocol';

/** A known error code, or one a newer server added (`string & {}` keeps editor completion for known ones). */
export type ApiErrorCode = ErrorCode | (string & NonNullable<unknown>);

/** Code given to a non-2xx answer whose body is not a Natter error (a proxy's 502 page, for instance). */
export const unexpectedResponseCode = 'unexpected_response';

/** The fields of a Natter error answer. */
export interface ApiErrorFields {
  readonly code: ApiErrorCode;
  readonly status: number;
  readonly message: string;
  readonly details?: unknown;
  readonly requestId?: string | undefined;
}

/** The server answered with an error: `{"error":{"code","message","details"?,"requestId"}}`. */
export class NatterApiError extends Error {
  override readonly name = 'NatterApiError';
  /** Stable snake_case code from the protocol's error table. */
  readonly code: ApiErrorCode;
  /** HTTP status of the answer. */
  readonly status: number;
  /** Extra facts some codes carry (validation problems, `retryAfterSeconds`); `undefined` if none. */
  readonly details: unknown;
  /** Identifies the request in the server's logs; `undefined` when the answer did not carry one. */
  readonly requestId: string | undefined;

  constructor(fields: ApiErrorFields) {
    super(fields.message);
    this.code = fields.code;
    this.status = fields.status;
    this.details = fields.details;
    this.requestId = fields.requestId;
  }
}

/** The request never got an HTTP answer: DNS, refused connection, reset, CORS. `cause` says which. */
export class NatterNetworkError extends Error {
  override readonly name = 'NatterNetworkError';

  constructor(message: string, cause: unknown) {
    super(message, { cause });
  }
}

/** The server answered 2xx but not with the JSON the endpoint promises (often: baseUrl is not a Natter API). */
export class NatterResponseError extends Error {
  override readonly name = 'NatterResponseError';
  /** HTTP status of the answer. */
  readonly status: number;

  constructor(message: string, status: number, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.status = status;
  }
}

/** True when `error` is a NatterApiError, optionally with one of the given codes. */
export function isNatterApiError(error: unknown, ...codes: ApiErrorCode[]): error is NatterApiError {
  return error instanceof NatterApiError && (codes.length === 0 || codes.includes(error.code));
}
