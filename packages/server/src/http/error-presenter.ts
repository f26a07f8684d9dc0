import type { ErrorBody, ErrorCode } from '@natter/protocol';
import { errorCodes } from '@natter/protocol';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../modules/app-error.ts';
import type { PageFallback } from './web-app.ts';
import { toProblems } from '../api/validation.ts';

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
  // Errors raised before the onRequest hooks ran (framework errors) must carry the id too.
  void reply.header('x-request-id', request.id);
  if (details !== undefined) body.error.details = details;
  const retry = (details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
  if (typeof retry === 'number') void reply.header('retry-after', String(retry));
  return reply.code(errorCodes[code].status).type('application/json; charset=utf-8').send(body);
}

/** Turns any error into the one error shape; unknown errors are logged and hidden. */
export function present(
  error: FastifyError | AppError | Error,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  if (error instanceof AppError) return sendError(reply, request, error.code, error.message, error.details);
  const fe = error as FastifyError;
  // The router refuses an over-long path parameter before validation sees it; every parameter is
  // an id, so it is the same mistake as an id a little over its schema's limit.
  if (fe.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    return sendError(reply, request, 'validation_failed', 'The request params is not valid.', {
      problems: [{ path: 'params', message: 'is too long' }],
    });
  }
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

/** `/api/v1/users/:userId` → a pattern matching the paths the router sends there (`/users/` too). */
function routePattern(url: string): RegExp {
  const escaped = url.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  // The wildcard first: the parameter's own `*` must stay a quantifier.
  return new RegExp(`^${escaped.replace(/\*/g, '.*').replace(/:\w+/g, '[^/]*')}$`);
}

/**
 * Installs the error presenter and the answers for unrouted requests: 405 with `Allow` when the
 * path exists with other methods, 404 otherwise. Must run before any route is added.
 */
export function installErrorPresenter(app: FastifyInstance, pages: () => PageFallback | null = () => null): void {
  app.setErrorHandler((error, request, reply) => present(error as FastifyError, request, reply));

  // OPTIONS is left out: CORS answers it on every path, which would make every path "exist".
  const routes: { method: string; pattern: RegExp }[] = [];
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      if (method !== 'OPTIONS') routes.push({ method, pattern: routePattern(route.url) });
    }
  });
  const unrouted = (request: FastifyRequest, reply: FastifyReply): FastifyReply => {
    const page = pages()?.(request, reply);
    if (page) return page;
    const path = request.url.split('?', 1)[0] ?? '';
    const allowed = [...new Set(routes.filter((r) => r.pattern.test(path)).map((r) => r.method))];
    if (allowed.length === 0) return sendError(reply, request, 'not_found', 'No such endpoint.');
    void reply.header('allow', allowed.join(', '));
    return sendError(reply, request, 'method_not_allowed', `This endpoint answers ${allowed.join(', ')}.`);
  };
  // Fastify reads and parses a body even when no route matches. Answering before that makes a
  // wrong URL or method say so, rather than blame a body (its type, size or JSON) nothing would read.
  app.addHook('preParsing', (request, reply, payload, done) => {
    if (request.is404) void unrouted(request, reply);
    else done(null, payload);
  });
  app.setNotFoundHandler(unrouted);
}
