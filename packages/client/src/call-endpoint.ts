import { apiBase, endpoints, type EndpointName } from '@natter/protocol';
import type { CallOptions, EndpointInput, EndpointResponse } from './endpoint-types.ts';
import { NatterApiError, NatterNetworkError, NatterResponseError, unexpectedResponseCode } from './errors.ts';

/** The subset of `fetch` the SDK uses, so tests and other runtimes can inject their own. */
export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

/** Where and how requests are sent. */
export interface Transport {
  /** Server origin, optionally with a path prefix: `https://chat.example.com` or `http://host/natter`. */
  readonly baseUrl: string;
  readonly fetch: FetchLike;
}

/** Options for one low-level call: the caller decides which access token, if any, to present. */
export interface EndpointCallOptions extends CallOptions {
  /** Sent as `Authorization: Bearer` to non-public endpoints; never sent to public ones. */
  readonly accessToken?: string | undefined;
}

interface LooseInput {
  readonly params?: Readonly<Record<string, unknown>>;
  readonly query?: Readonly<Record<string, unknown>>;
  readonly body?: unknown;
}

function queryValue(name: string, value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new TypeError(`Query parameter "${name}" must be a string, number or boolean`);
}

/** The absolute URL of an endpoint: `{param}`s filled in and encoded, undefined query values left out. */
export function buildUrl(
  baseUrl: string,
  path: string,
  params: Readonly<Record<string, unknown>> = {},
  query: Readonly<Record<string, unknown>> = {},
): string {
  const filled = path.replace(/\{(\w+)\}/g, (_match, key: string) => {
    const value = params[key];
    if (typeof value !== 'string' && typeof value !== 'number') {
      throw new TypeError(`Path parameter "${key}" is missing for ${path}`);
    }
    return encodeURIComponent(value);
  });
  const url = new URL(baseUrl.replace(/\/+$/, '') + apiBase + filled);
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    for (const item of Array.isArray(value) ? (value as unknown[]) : [value]) {
      url.searchParams.append(key, queryValue(key, item));
    }
  }
  return url.href;
}

function isErrorBody(value: unknown): value is { error: Record<string, unknown> & { code: string; message: string } } {
  if (typeof value !== 'object' || value === null || !('error' in value)) return false;
  const error = value.error;
  return (
    typeof error === 'object' &&
    error !== null &&
    'code' in error &&
    typeof error.code === 'string' &&
    'message' in error &&
    typeof error.message === 'string'
  );
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false; cause: unknown } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (cause) {
    return { ok: false, cause };
  }
}

function apiError(response: Response, text: string): NatterApiError {
  const parsed = parseJson(text);
  const headerId = response.headers.get('x-request-id') ?? undefined;
  if (parsed.ok && isErrorBody(parsed.value)) {
    const { code, message, details, requestId } = parsed.value.error;
    return new NatterApiError({
      code,
      message,
      status: response.status,
      details,
      requestId: typeof requestId === 'string' ? requestId : headerId,
    });
  }
  const reason = response.statusText ? ` ${response.statusText}` : '';
  return new NatterApiError({
    code: unexpectedResponseCode,
    status: response.status,
    message: `HTTP ${response.status}${reason} without a Natter error body`,
    details: { contentType: response.headers.get('content-type'), body: text.slice(0, 500) },
    requestId: headerId,
  });
}

async function send(
  transport: Transport,
  url: string,
  init: RequestInit,
): Promise<{ response: Response; text: string }> {
  const { fetch } = transport;
  try {
    const response = await fetch(url, init);
    // Reading the body can fail too (connection reset mid-answer); that is a network failure as well.
    return { response, text: await response.text() };
  } catch (cause) {
    // An abort is the caller's own decision, not a network failure: hand their reason back unchanged.
    if (init.signal?.aborted) throw init.signal.reason;
    throw new NatterNetworkError(`${String(init.method)} ${url} failed: no answer from the server`, cause);
  }
}

/**
 * Calls one endpoint and returns its typed answer. Does no session handling: the caller passes the
 * access token. Throws NatterApiError, NatterNetworkError or NatterResponseError.
 */
export async function callEndpoint<N extends EndpointName>(
  transport: Transport,
  name: N,
  input?: EndpointInput<N>,
  options: EndpointCallOptions = {},
): Promise<EndpointResponse<N>> {
  const endpoint = endpoints[name];
  const loose = (input ?? {}) as LooseInput;
  const url = buildUrl(transport.baseUrl, endpoint.path, loose.params, loose.query);
  const headers: Record<string, string> = { accept: 'application/json' };
  const init: RequestInit = { method: endpoint.method, headers, signal: options.signal ?? null };
  if ('body' in endpoint) {
    headers['content-type'] = 'application/json';
    // An all-optional body (PATCH /me) may be left out by the caller; the server still wants an object.
    init.body = JSON.stringify(loose.body ?? {});
  }
  if (endpoint.access !== 'public' && options.accessToken !== undefined) {
    headers.authorization = `Bearer ${options.accessToken}`;
  }

  const { response, text } = await send(transport, url, init);
  if (!response.ok) throw apiError(response, text);
  if (endpoint.response === null) return undefined as EndpointResponse<N>;

  const parsed = parseJson(text);
  if (!parsed.ok || typeof parsed.value !== 'object' || parsed.value === null) {
    const type = response.headers.get('content-type') ?? 'no content-type';
    throw new NatterResponseError(
      `${endpoint.method} ${url} answered ${response.status} with ${type} instead of a JSON object; is baseUrl a Natter server?`,
      response.status,
      parsed.ok ? undefined : parsed.cause,
    );
  }
  return parsed.value as EndpointResponse<N>;
}
