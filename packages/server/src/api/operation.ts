import type { endpoints, EndpointName } from '@natter/protocol';
import type { Static, TSchema } from 'typebox';
import type { Caller, Origin } from '../modules/auth/auth-context.ts';

type Def<N extends EndpointName> = (typeof endpoints)[N];
type Part<D, K extends string> = D extends { [P in K]: infer S extends TSchema } ? Static<S> : undefined;

/** What an operation gets: validated input, the caller (for non-public endpoints) and the origin. */
export interface OperationInput<N extends EndpointName> {
  body: Part<Def<N>, 'body'>;
  query: Part<Def<N>, 'query'>;
  params: Part<Def<N>, 'params'>;
  caller: Def<N>['access'] extends 'public' ? undefined : Caller;
  origin: Origin;
}

/** What an operation returns: the response body, or nothing for 204 endpoints. */
export type OperationOutput<N extends EndpointName> = Def<N>['response'] extends TSchema
  ? Static<Def<N>['response']>
  : undefined;

/** One endpoint's behaviour, independent of the transport that carries it. */
export type Operation<N extends EndpointName> = (input: OperationInput<N>) => Promise<OperationOutput<N>>;

/** Every endpoint's behaviour. REST, the WebSocket and (later) gRPC all run these. */
export type Operations = { [N in EndpointName]: Operation<N> };

/** An operation as a transport calls it: with input its endpoint's schemas validated at run time. */
export type TransportOperation = (input: {
  body: unknown;
  query: unknown;
  params: unknown;
  caller: Caller | undefined;
  origin: Origin;
}) => Promise<unknown>;

/**
 * The operations as transports see them. `Operations` pairs each name with its own input and
 * output where they are written; a transport only hands over what that endpoint's schemas
 * accepted, so it needs no per-name types. (Asking tsc to check a cast from the union of all
 * operations to a per-name type compared every operation with every other, seconds per check.)
 */
export function forTransports(operations: Operations): Readonly<Record<EndpointName, TransportOperation>> {
  return operations as unknown as Record<EndpointName, TransportOperation>;
}
