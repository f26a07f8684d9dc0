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
