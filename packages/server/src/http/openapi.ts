import { errorCodes, protocolVersion } from '@natter/protocol';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';

const errorTable = [
  '| code | HTTP | meaning |',
  '|---|---|---|',
  ...Object.entries(errorCodes).map(([code, e]) => `| \`${code}\` | ${e.status} | ${e.description} |`),
].join('\n');

const description = `Natter's REST API (protocol version ${protocolVersion}). Authenticate with
\`Authorization: Bearer <accessToken>\` from register, login or refresh.

Every failure answers \`{"error":{"code","message","details"?,"requestId"}}\`. Codes are stable:

${errorTable}`;

/** Serves the OpenAPI 3.1 document at /api/openapi.json and a browsable reference at /api/docs. */
export async function registerOpenApi(app: FastifyInstance, publicUrl: string): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Natter API', version: `${protocolVersion}.0.0`, description },
      servers: [{ url: publicUrl }],
      components: {
        securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      },
      tags: [
        { name: 'auth', description: 'Accounts, sessions and password reset' },
        { name: 'me', description: 'The caller’s own account' },
        { name: 'users', description: 'People' },
        { name: 'admin', description: 'Administration' },
      ],
    },
  });
  await app.register(swaggerUi, {
    routePrefix: '/api/docs',
    // swagger-ui's own policy (with its script hashes), tightened: nothing from other hosts, no
    // framing, and no upgrade-insecure-requests, which breaks a plain-HTTP localhost install.
    staticCSP: true,
    transformStaticCSP: (header) =>
      header
        .replace(/ https:/g, '')
        .replace(' validator.swagger.io', '')
        .replace("frame-ancestors 'self'", "frame-ancestors 'none'")
        .replace(/ ?upgrade-insecure-requests;/, ''),
    uiConfig: { deepLinking: true, validatorUrl: null },
  });
  app.get('/api/openapi.json', { schema: { hide: true } }, () => app.swagger());
}
