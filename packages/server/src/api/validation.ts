// Request validation shared by every transport (REST, the WebSocket): the same ajv settings, the
// same NUL guard and the same problem list.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

// ajv-formats ships CommonJS whose default export TypeScript sees one level deep.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

function makeAjv(coerceTypes: boolean): Ajv {
  const ajv = new Ajv({
    // Unknown fields are an error, never silently dropped: a typo should be loud.
    removeAdditional: false,
    useDefaults: true,
    // Bodies are JSON and keep their types ("1" is not 1); query strings and path parameters are
    // text by nature and are coerced.
    coerceTypes,
    allErrors: true,
    strict: false,
  });
  addFormats(ajv);
  return ajv;
}

/** Validates bodies: no coercion. */
export const strictAjv = makeAjv(false);
/** Validates query strings and path parameters: text coerced to numbers and booleans. */
export const coercingAjv = makeAjv(true);

/**
 * Where the first string (value or key) holding U+0000 sits, as a JSON pointer; undefined if none.
 * NUL is valid JSON but no text column takes it (PostgreSQL refuses the whole statement), so it is
 * refused at the edge for every field rather than field by field.
 */
export function nulPath(value: unknown, path = ''): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path || '/' : undefined;
  if (typeof value !== 'object' || value === null) return undefined;
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    if (key.includes('\u0000')) return `${path}/${key.replaceAll('\u0000', '\\u0000')}`;
    const found = nulPath(child, `${path}/${key}`);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** A validator that refuses NUL anywhere, then applies the schema. */
export function guarded(validate: ValidateFunction): ValidateFunction {
  const check = ((data: unknown) => {
    const where = nulPath(data);
    if (where !== undefined) {
      check.errors = [
        {
          instancePath: where,
          schemaPath: '',
          keyword: 'nul',
          params: {},
          message: 'must not contain the NUL character',
        },
      ];
      return false;
    }
    const ok = validate(data);
    check.errors = validate.errors ?? null;
    return ok;
  }) as ValidateFunction;
  return check;
}

/** One problem with a request, as the error's details list it. */
export interface Problem {
  /** Where: `body`, `body/username`, `query/limit`... */
  path: string;
  message: string;
}

/** Turns ajv errors into stable, readable problems without echoing the submitted values. */
export function toProblems(part: string, errors: readonly ErrorObject[]): Problem[] {
  return errors.slice(0, 20).map((e) => {
    const where = `${part}${e.instancePath}`;
    const params = e.params as Record<string, unknown>;
    if (e.keyword === 'additionalProperties') {
      return { path: `${where}/${String(params.additionalProperty)}`, message: 'is not a known field' };
    }
    if (e.keyword === 'required') {
      return { path: `${where}/${String(params.missingProperty)}`, message: 'is required' };
    }
    return { path: where, message: e.message ?? 'is not valid' };
  });
}
