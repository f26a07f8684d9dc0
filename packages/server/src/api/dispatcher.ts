import { endpoints, type Endpoint, type EndpointName } from '@natter/protocol';
import type { ValidateFunction } from 'ajv';
import { coercingAjv, guarded, strictAjv, toProblems } from './validation.ts';
import { fail } from '../modules/app-error.ts';
import type { Caller, Origin } from '../modules/auth/auth-context.ts';
import { requireAdmin } from '../modules/users/user.service.ts';
import type { OperationDispatcher } from '../realtime/gateway-deps.ts';
import { forTransports, type Operations } from './operation.ts';

type Part = 'params' | 'query' | 'body';
const parts: readonly Part[] = ['params', 'query', 'body'];

interface Compiled {
  def: Endpoint;
  validate: Partial<Record<Part, ValidateFunction>>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Runs operations for transports other than REST (the WebSocket today): the same schemas, the same
 * access rules and the same operation as the REST route, so behaviour cannot drift between them.
 * Public operations (sign-in and the like) stay REST-only.
 */
export function createDispatcher(operations: Operations): OperationDispatcher {
  const byName = forTransports(operations);
  const compiled = new Map<string, Compiled>();
  for (const [name, def] of Object.entries(endpoints) as [EndpointName, Endpoint][]) {
    if (def.access === 'public') continue;
    const validate: Compiled['validate'] = {};
    if (def.params) validate.params = guarded(coercingAjv.compile(def.params));
    if (def.query) validate.query = guarded(coercingAjv.compile(def.query));
    if (def.body) validate.body = guarded(strictAjv.compile(def.body));
    compiled.set(name, { def, validate });
  }

  return {
    has: (op) => compiled.has(op),
    async dispatch(op: string, input: unknown, caller: Caller, origin: Origin): Promise<unknown> {
      const entry = compiled.get(op);
      if (!entry) throw fail('not_found', `There is no operation "${op.slice(0, 64)}".`);
      if (input !== undefined && !isRecord(input)) throw fail('validation_failed', 'input must be an object.');
      const given = input ?? {};
      const values: Partial<Record<Part, unknown>> = {};
      for (const part of parts) {
        const validate = entry.validate[part];
        const value = given[part];
        if (!validate) {
          if (value !== undefined) {
            throw fail('validation_failed', `This operation takes no ${part}.`, {
              problems: [{ path: part, message: 'is not expected' }],
            });
          }
          continue;
        }
        // A part may be left out when nothing in it is required.
        const candidate = value ?? {};
        if (!validate(candidate)) {
          throw fail('validation_failed', `The ${part} is not valid.`, {
            problems: toProblems(part, validate.errors ?? []),
          });
        }
        values[part] = candidate;
      }
      if (entry.def.access === 'admin') requireAdmin(caller);
      const operation = byName[op as EndpointName];
      return operation({ body: values.body, query: values.query, params: values.params, caller, origin });
    },
  };
}
