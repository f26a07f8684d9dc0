import type { FastifyError, FastifyInstance } from 'fastify';
import { fail } from '../modules/app-error.ts';

/**
 * Where the first key that could poison a prototype sits in already parsed JSON: `__proto__`, or
 * `constructor` holding `prototype`. Walks with an explicit stack, since a body within the size
 * limit can nest deeper than the call stack allows.
 */
function poisonedKeyPath(value: unknown): string | undefined {
  const stack: { value: unknown; path: string }[] = [{ value, path: 'body' }];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    if (typeof item.value !== 'object' || item.value === null) continue;
    for (const [key, child] of Object.entries(item.value as Record<string, unknown>)) {
      const path = `${item.path}/${key}`;
      if (key === '__proto__') return path;
      if (key === 'constructor' && typeof child === 'object' && child !== null && Object.hasOwn(child, 'prototype')) {
        return `${path}/prototype`;
      }
      stack.push({ value: child, path });
    }
  }
  return undefined;
}

/**
 * Bodies are JSON or nothing. Fastify's text/plain parser is removed so that any other type is
 * refused as unsupported_media_type rather than validated as a string. JSON keeps Fastify's parser,
 * which refuses prototype-poisoning keys; such a body is valid JSON, though, so it is answered as
 * validation_failed naming the key, like any other field the schema does not know, and not as
 * invalid_json.
 */
export function installJsonBodyParser(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser(['application/json', 'text/plain']);
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, text, done) => {
    void parseJson(request, text as string, (error: Error | null, body?: unknown) => {
      if ((error as FastifyError | null)?.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
        let path: string | undefined;
        try {
          // Fastify's parser also skips a byte-order mark.
          path = poisonedKeyPath(JSON.parse((text as string).replace(/^\uFEFF/, '')));
        } catch {
          // Not JSON at all: Fastify's invalid_json answer stands.
        }
        if (path !== undefined) {
          done(
            fail('validation_failed', 'The request body is not valid.', {
              problems: [{ path, message: 'is not allowed' }],
            }),
          );
          return;
        }
      }
      done(error, body);
    });
  });
}
