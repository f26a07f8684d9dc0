import { apiBase, ErrorBody, endpoints, type EndpointName } from '@natter/protocol';
import type { FastifyInstance, FastifyRequest, RouteShorthandOptions } from 'fastify';
import { fail } from '../modules/app-error.ts';
import { forTransports, type Operations, type TransportOperation } from '../api/operation.ts';
import type { Caller, Origin } from '../modules/auth/auth-context.ts';
import { requireAdmin } from '../modules/users/user.service.ts';

/** Establishes the caller from an access token; provided by the session service. */
export type Authenticator = (accessToken: string) => Promise<Caller>;

function bearerToken(request: FastifyRequest): string {
  const header = request.headers.authorization;
  const match = header === undefined ? null : /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i.exec(header);
  if (!match?.[1]) throw fail('unauthenticated', 'Send an access token as "Authorization: Bearer <token>".');
  return match[1];
}

/** The client's address (X-Forwarded-For counts only from trusted proxies) and user agent. */
export function originOf(request: FastifyRequest): Origin {
  const ua = request.headers['user-agent'];
  return { ip: request.ip, userAgent: typeof ua === 'string' && ua !== '' ? ua : null };
}

/**
 * Registers one operation of the protocol's endpoint table: path, schemas for validation and
 * OpenAPI, access check, then the handler. Every REST route goes through here, so each reads as
 * "authenticate, validate, call the service, present the result".
 */
export function route(
  app: FastifyInstance,
  authenticate: Authenticator,
  name: EndpointName,
  operation: TransportOperation,
): void {
  const def: import('@natter/protocol').Endpoint = endpoints[name];
  const url = apiBase + def.path.replace(/\{(\w+)\}/g, ':$1');
  const schema: Record<string, unknown> = {
    operationId: name,
    summary: def.summary,
    tags: [def.tag],
    response: {
      [def.status]: def.response ?? { type: 'null', description: 'No content' },
      '4xx': ErrorBody,
      '5xx': ErrorBody,
    },
  };
  if (def.body) schema.body = def.body;
  if (def.query) schema.querystring = def.query;
  if (def.params) schema.params = def.params;
  if (def.access !== 'public') schema.security = [{ bearerAuth: [] }];

  const options: RouteShorthandOptions = { schema };
  app.route({
    method: def.method,
    url,
    ...options,
    handler: async (request, reply) => {
      let caller: Caller | undefined;
      if (def.access !== 'public') {
        caller = await authenticate(bearerToken(request));
        request.log = request.log.child({ userId: caller.userId });
        if (def.access === 'admin') requireAdmin(caller);
      }
      const result = await operation({
        body: request.body,
        query: request.query,
        params: request.params,
        caller,
        origin: originOf(request),
      });
      void reply.code(def.status);
      return def.status === 204 ? reply.send() : result;
    },
  });
}

/** Registers every operation of the endpoint table. */
export function routeAll(app: FastifyInstance, authenticate: Authenticator, operations: Operations): void {
  const byName = forTransports(operations);
  for (const name of Object.keys(endpoints) as EndpointName[]) route(app, authenticate, name, byName[name]);
}
