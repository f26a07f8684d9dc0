import type { ErrorFrame } from '@natter/protocol';
import type { FastifyBaseLogger } from 'fastify';
import { AppError } from '../modules/app-error.ts';

/**
 * The realtime presenter: turns anything thrown into an error frame's body, as the REST presenter
 * does for responses. Unexpected errors are logged with their stack and reach the client only as
 * internal_error.
 */
export function presentError(error: unknown, logger: FastifyBaseLogger): ErrorFrame['error'] {
  if (error instanceof AppError) {
    return error.details === undefined
      ? { code: error.code, message: error.message }
      : { code: error.code, message: error.message, details: error.details };
  }
  logger.error({ err: error }, 'realtime operation failed');
  return {
    code: 'internal_error',
    message: 'Something went wrong on our side. Quote the connectionId from hello when reporting it.',
  };
}
