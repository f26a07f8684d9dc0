import { errorCodes, type ErrorCode } from '@natter/protocol';

/**
 * An expected failure with a stable code. Services throw it; one presenter per transport turns it
 * into an HTTP answer, a WebSocket error frame or a gRPC status. Anything else thrown is a bug and
 * is presented as internal_error without its details.
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: unknown;
  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.status = errorCodes[code].status;
    this.details = details;
  }
}

/** Shorthand for `new AppError(...)`, to read as `throw fail('forbidden', '...')`. */
export function fail(code: ErrorCode, message: string, details?: unknown): AppError {
  return new AppError(code, message, details);
}
