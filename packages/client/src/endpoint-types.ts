import type { Static, TSchema } from 'typebox';
import type { EndpointName, endpoints } from '@natter/protocol';

type Spec<N extends EndpointName> = (typeof endpoints)[N];

type Part = 'params' | 'query' | 'body';

// A part the endpoint has is required unless every field in it is optional (an all-optional query
// or body may be left out); a part it does not have may not be passed at all.
type Field<E, K extends Part> = E extends { readonly [P in K]: infer S extends TSchema }
  ? Partial<Static<S>> extends Static<S>
    ? { readonly [P in K]?: Static<S> }
    : { readonly [P in K]: Static<S> }
  : { readonly [P in K]?: never };

type Flatten<T> = { [K in keyof T]: T[K] };

/** What one endpoint takes: its `params`, `query` and `body`, typed from the protocol schemas. */
export type EndpointInput<N extends EndpointName> = Flatten<
  Field<Spec<N>, 'params'> & Field<Spec<N>, 'query'> & Field<Spec<N>, 'body'>
>;

/**
 * What one endpoint answers with on success; `undefined` when it answers without a body.
 * NoInfer: the endpoint is chosen by its name, never guessed from where the answer goes. Without
 * it, a call whose result meets an expected type (a callback returning Promise<Session>) made tsc
 * try every endpoint's answer against it, which cost most of the project's typecheck time.
 */
export type EndpointResponse<N extends EndpointName> = NoInfer<
  Spec<N> extends { readonly response: infer R extends TSchema } ? Static<R> : undefined
>;

/** Per-call options that are not part of the endpoint's input. */
export interface CallOptions {
  /** Aborts the request; the abort reason is thrown as is, not wrapped. */
  readonly signal?: AbortSignal | undefined;
}

/** The arguments after the endpoint name: the input may be left out when nothing in it is required. */
export type EndpointArgs<N extends EndpointName> =
  Partial<EndpointInput<N>> extends EndpointInput<N>
    ? [input?: EndpointInput<N>, options?: CallOptions]
    : [input: EndpointInput<N>, options?: CallOptions];
