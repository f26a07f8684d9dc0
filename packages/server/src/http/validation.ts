import { Ajv, type ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';

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

const strictAjv = makeAjv(false);
const coercingAjv = makeAjv(true);

/** Fastify validator compiler: strict for bodies, coercing for query strings and parameters. */
export const validatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) => {
  const ajv = httpPart === 'body' ? strictAjv : coercingAjv;
  return ajv.compile(schema as object);
};

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
