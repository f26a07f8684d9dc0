import type { ErrorBody, ErrorCode } from '@natter/protocol';
import { errorCodes } from '@natter/protocol';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../modules/app-error.ts';
import { toProblems } from './validation.ts';

/** Fastify's own error codes for bad requests, mapped to ours. */
const fastifyCodes: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'bad_request',
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
  FST_ERR_BAD_URL: 'bad_request',
  FST_ERR_ASYNC_CONSTRAINT: 'bad_request',
};

/** Sends the one error shape every failure uses. */
export function sendError(
  reply: FastifyReply,
  request: FastifyRequest,
  code: ErrorCode,
  message: string,
  details?: unknown,
): FastifyReply {
  const body: ErrorBody = { error: { code, message, requestId: request.id } };
  if (details !== undefined) body.error.details = details;
  const retry = (details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
  if (typeof retry === 'number') void reply.header('retry-after', String(retry));
  return reply.code(errorCodes[code].status).type('application/json; charset=utf-8').send(body);
}

function present(error: FastifyError | AppError | Error, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error instanceof AppError) return sendError(reply, request, error.code, error.message, error.details);
  const fe = error as FastifyError;
  if (fe.validation) {
    const part = fe.validationContext ?? 'body';
    return sendError(reply, request, 'validation_failed', `The request ${part} is not valid.`, {
      problems: toProblems(part, fe.validation as never),
    });
  }
  const mapped = fe.code ? fastifyCodes[fe.code] : undefined;
  if (mapped) return sendError(reply, request, mapped, fe.message);
  // JSON.parse failures and prototype-poisoning refusals arrive as plain SyntaxErrors with 400.
  if (error instanceof SyntaxError && fe.statusCode === 400) {
    return sendError(reply, request, 'invalid_json', 'The body is not valid JSON.');
  }
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    request.log.info({ err: error }, 'client error without a specific code');
    return sendError(
      reply,
      request,
      fe.statusCode === 413 ? 'payload_too_large' : 'bad_request',
      'The request is not valid.',
    );
  }
  request.log.error({ err: error }, 'unexpected error');
  return sendError(
    reply,
    request,
    'internal_error',
    'Something went wrong on our side. Quote the requestId when reporting it.',
  );
}

/** Installs the error presenter and the not-found answer. */
export function installErrorPresenter(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => present(error as FastifyError, request, reply));
  app.setNotFoundHandler((request, reply) => sendError(reply, request, 'not_found', 'No such endpoint.'));
}
