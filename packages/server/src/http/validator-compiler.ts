import type { FastifySchemaCompiler } from 'fastify';
import { coercingAjv, guarded, strictAjv } from '../api/validation.ts';

/** Fastify validator compiler: strict for bodies, coercing for query strings and parameters. */
export const validatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) => {
  const ajv = httpPart === 'body' ? strictAjv : coercingAjv;
  return guarded(ajv.compile(schema as object));
};
