// A tiny stand-in for the Natter API, for the SDK's unit tests only: a real node:http server on
// 127.0.0.1 port 0 that answers a handful of endpoints the way the server does (same paths, shapes
// and error codes, rotating refresh tokens with reuse detection). The real server is exercised
// through the SDK by the integration suite.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AuthResult, SelfUser } from '@natter/protocol';

export interface RecordedRequest {
  readonly method: string;
  /** Path and query exactly as they arrived on the wire. */
  readonly rawUrl: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export interface Reply {
  readonly status: number;
  readonly json?: unknown;
  readonly text?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export type Handler = (request: RecordedRequest) => Reply | Promise<Reply>;

export interface TestServer {
  readonly baseUrl: string;
  readonly requests: RecordedRequest[];
  close(): Promise<void>;
}

/** Starts an HTTP server on an ephemeral port that records every request and answers with `handler`. */
export async function startTestServer(handler: Handler): Promise<TestServer> {
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const rawUrl = req.url ?? '/';
      const url = new URL(rawUrl, 'http://localhost');
      const recorded: RecordedRequest = {
        method: req.method ?? 'GET',
        rawUrl,
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(recorded);
      void Promise.resolve(handler(recorded)).then((reply) => {
        const body = reply.json === undefined ? (reply.text ?? '') : JSON.stringify(reply.json);
        const type = reply.json === undefined ? 'text/plain' : 'application/json; charset=utf-8';
        res.writeHead(reply.status, { 'content-type': type, ...reply.headers });
        res.end(reply.status === 204 ? undefined : body);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => {
          if (error) reject(error);
          else resolve();
        });
      }),
  };
}

let nextRequestId = 1;

/** An error answer in the server's shape. */
export function errorReply(status: number, code: string, message: string, details?: unknown): Reply {
  const requestId = `req-${nextRequestId++}`;
  return { status, json: { error: { code, message, details, requestId } }, headers: { 'x-request-id': requestId } };
}

export const alice: SelfUser = {
  id: 'u1',
  username: 'alice',
  email: 'alice@example.com',
  displayName: 'Alice',
  bio: '',
  role: 'user',
  createdAt: '2025-01-01T00:00:00.000Z',
};

interface SessionState {
  refreshToken: string;
  readonly spent: Set<string>;
  revoked: boolean;
}

export interface FakeNatterOptions {
  /** Lifetime the server advertises for access tokens. */
  readonly accessTtlMs?: number;
  /** How long a refresh takes to answer, so concurrent callers overlap with it. */
  readonly refreshDelayMs?: number;
}

/** A Natter-like API with sessions: login, refresh (rotating, reuse revokes), logout, /me and users. */
export class FakeNatter {
  readonly #sessions = new Map<string, SessionState>();
  readonly #accessTokens = new Map<string, { sessionId: string; expired: boolean }>();
  readonly #accessTtlMs: number;
  readonly #refreshDelayMs: number;
  #counter = 0;
  /** How many POST /auth/refresh requests arrived. */
  refreshCount = 0;

  constructor(options: FakeNatterOptions = {}) {
    this.#accessTtlMs = options.accessTtlMs ?? 15 * 60_000;
    this.#refreshDelayMs = options.refreshDelayMs ?? 20;
  }

  /** Makes the server refuse every access token issued so far with `token_expired`, whatever their advertised expiry. */
  expireAccessTokens(): void {
    for (const token of this.#accessTokens.values()) token.expired = true;
  }

  /** Opens a session the way login does, without a request. */
  issue(sessionId = `s${++this.#counter}`): AuthResult {
    let state = this.#sessions.get(sessionId);
    if (!state) {
      state = { refreshToken: '', spent: new Set(), revoked: false };
      this.#sessions.set(sessionId, state);
    }
    const n = ++this.#counter;
    const accessToken = `access-${n}`;
    state.refreshToken = `refresh-${n}`;
    this.#accessTokens.set(accessToken, { sessionId, expired: false });
    const now = Date.now();
    return {
      user: alice,
      sessionId,
      accessToken,
      accessTokenExpiresAt: new Date(now + this.#accessTtlMs).toISOString(),
      refreshToken: state.refreshToken,
      refreshTokenExpiresAt: new Date(now + 30 * 86_400_000).toISOString(),
    };
  }

  /** The request handler to pass to startTestServer. */
  readonly handle: Handler = async (request) => {
    const route = `${request.method} ${request.path.replace(/^\/api\/v1/, '')}`;
    if (route === 'POST /auth/login') return { status: 200, json: this.issue() };
    if (route === 'POST /auth/refresh') return this.#refresh(request);
    const denied = this.#authenticate(request);
    if (typeof denied !== 'string') return denied;
    if (route === 'POST /auth/logout') {
      const state = this.#sessions.get(denied);
      if (state) state.revoked = true;
      return { status: 204 };
    }
    if (route === 'GET /me') return { status: 200, json: alice };
    if (route === 'GET /users/search') return { status: 200, json: { users: [] } };
    await Promise.resolve();
    return errorReply(404, 'not_found', `No route ${route}`);
  };

  async #refresh(request: RecordedRequest): Promise<Reply> {
    this.refreshCount++;
    await sleep(this.#refreshDelayMs);
    const { refreshToken } = JSON.parse(request.body) as { refreshToken: string };
    for (const [sessionId, state] of this.#sessions) {
      if (state.revoked) continue;
      if (state.refreshToken === refreshToken) {
        state.spent.add(refreshToken);
        return { status: 200, json: this.issue(sessionId) };
      }
      if (state.spent.has(refreshToken)) {
        state.revoked = true;
        return errorReply(401, 'refresh_token_reused', 'Refresh token reused; session revoked');
      }
    }
    return errorReply(401, 'invalid_refresh_token', 'Unknown refresh token');
  }

  /** The caller's session id, or the error answer. */
  #authenticate(request: RecordedRequest): string | Reply {
    const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    const access = token === undefined ? undefined : this.#accessTokens.get(token);
    if (!access) return errorReply(401, 'unauthenticated', 'No valid access token');
    if (this.#sessions.get(access.sessionId)?.revoked) return errorReply(401, 'session_revoked', 'Session ended');
    if (access.expired) return errorReply(401, 'token_expired', 'Access token expired');
    return access.sessionId;
  }
}
