import {
  endpoints,
  type Accepted,
  type AdminUpdateUserRequest,
  type AdminUser,
  type AdminUserListQuery,
  type AdminUserPage,
  type ChangePasswordRequest,
  type DeleteAccountRequest,
  type EndpointName,
  type LoginRequest,
  type PublicUser,
  type RegisterRequest,
  type ResetConfirmRequest,
  type ResetRequest,
  type RevokedCount,
  type SelfUser,
  type SessionIdParams,
  type SessionList,
  type UpdateProfileRequest,
  type UserIdParams,
  type UserList,
  type UserSearchQuery,
} from '@natter/protocol';
import { callEndpoint, type FetchLike, type Transport } from './call-endpoint.ts';
import type { CallOptions, EndpointArgs, EndpointInput, EndpointResponse } from './endpoint-types.ts';
import { NatterApiError } from './errors.ts';
import { endsSession, SessionManager, type Session, type SessionListener } from './session-manager.ts';

/** How to reach the server and where the session comes from and goes to. */
export interface NatterClientOptions {
  /** Server origin, optionally with a path prefix; `/api/v1` is added by the client. */
  readonly baseUrl: string;
  /** Replaces the global fetch (tests, custom agents, other runtimes). */
  readonly fetch?: FetchLike;
  /** A session saved earlier, to resume without signing in again. */
  readonly session?: Session | null;
  /** Told about every session change so the app can persist it; `null` when the session ends. */
  readonly onSessionChange?: SessionListener;
}

/** Administrator operations; the server answers `forbidden` to anyone else. */
export interface NatterAdminApi {
  /** Every account, oldest first; pass the previous page's `nextAfter` as `after` for the next one. */
  listUsers(query?: AdminUserListQuery): Promise<AdminUserPage>;
  /** Changes a user's role or disables them (which ends their sessions). */
  updateUser(input: UserIdParams & AdminUpdateUserRequest): Promise<AdminUser>;
}

/**
 * The Natter REST API with its session kept for you: credentials from sign-in are stored, access
 * tokens are refreshed before they expire (and once more if the server says one has), and the session
 * is forgotten when the server says it is over.
 */
export class NatterClient {
  /** Administrator operations. */
  readonly admin: NatterAdminApi;
  readonly #transport: Transport;
  readonly #sessions: SessionManager;

  constructor(options: NatterClientOptions) {
    new URL(options.baseUrl); // fail at construction, not at the first call, on a malformed URL
    // Look the global up per call so an unbound browser fetch is never called with the wrong `this`.
    const fetch: FetchLike = options.fetch ?? ((url, init) => globalThis.fetch(url, init));
    this.#transport = { baseUrl: options.baseUrl, fetch };
    this.#sessions = new SessionManager(
      options.session ?? null,
      (refreshToken) => callEndpoint(this.#transport, 'refresh', { body: { refreshToken } }),
      options.onSessionChange,
    );
    this.admin = {
      listUsers: (query = {}) => this.request('adminListUsers', { query }),
      updateUser: ({ userId, ...body }) => this.request('adminUpdateUser', { params: { userId }, body }),
    };
  }

  /** The server origin this client was made for, as given; the realtime connection derives its URL from it. */
  get baseUrl(): string {
    return this.#transport.baseUrl;
  }

  /** The current session, or `null` when signed out. */
  get session(): Session | null {
    return this.#sessions.current;
  }

  /** Replaces the stored session (restore one, or `null` to forget it locally); tells onSessionChange. */
  setSession(session: Session | null): void {
    this.#sessions.set(session);
  }

  /**
   * Calls any endpoint by operation id with typed input and answer. Non-public endpoints get the
   * session's access token, refreshed as needed; a `token_expired` answer is refreshed and retried once.
   * Sessions returned by auth endpoints are not stored here: use the named methods for those.
   */
  async request<N extends EndpointName>(name: N, ...args: EndpointArgs<N>): Promise<EndpointResponse<N>> {
    const [input, options = {}] = args as [EndpointInput<N> | undefined, CallOptions | undefined];
    if (endpoints[name].access === 'public') return callEndpoint<N>(this.#transport, name, input, options);

    const used = await this.#sessions.forRequest();
    try {
      return await this.#authorized<N>(name, input, options, used);
    } catch (error) {
      if (used === null || !(error instanceof NatterApiError) || error.code !== 'token_expired') throw error;
      // Safe to retry even a POST: the server refused the token before doing anything.
      const next = await this.#sessions.afterExpired(used);
      if (next === null) throw error;
      return await this.#authorized<N>(name, input, options, next);
    }
  }

  /** Creates an account and signs in; the first account on a server is an administrator. */
  async register(input: RegisterRequest): Promise<Session> {
    return this.#signedIn(await this.request('register', { body: input }));
  }

  /** Signs in with a username or email and a password. */
  async login(input: LoginRequest): Promise<Session> {
    return this.#signedIn(await this.request('login', { body: input }));
  }

  /** Rotates the refresh token now (joining a rotation already under way) and stores the new session. */
  async refresh(): Promise<Session> {
    await this.#sessions.refresh();
    const session = this.#sessions.current;
    if (session === null) {
      throw new NatterApiError({ code: 'unauthenticated', status: 401, message: 'Signed out during refresh' });
    }
    return session;
  }

  /**
   * Ends the current session and forgets it locally, even if the server cannot be reached. A session
   * the server already ended counts as success: either way the user is signed out.
   */
  async logout(): Promise<void> {
    const used = this.#sessions.current;
    if (used === null) return;
    try {
      await this.request('logout');
    } catch (error) {
      if (!endsSession(error)) throw error;
    } finally {
      this.#sessions.endIfCurrent(used);
    }
  }

  /** Emails a reset link if the address belongs to an account; the answer is the same either way. */
  async requestPasswordReset(input: ResetRequest): Promise<Accepted> {
    return this.request('requestPasswordReset', { body: input });
  }

  /** Sets a new password with a reset token; every session ends and the new one is stored. */
  async confirmPasswordReset(input: ResetConfirmRequest): Promise<Session> {
    return this.#signedIn(await this.request('confirmPasswordReset', { body: input }));
  }

  /** The caller's own account; also refreshes the user stored in the session. */
  async getMe(): Promise<SelfUser> {
    const user = await this.request('getMe');
    this.#sessions.updateUser(user);
    return user;
  }

  /** Changes display name or bio; also refreshes the user stored in the session. */
  async updateMe(input: UpdateProfileRequest): Promise<SelfUser> {
    const user = await this.request('updateMe', { body: input });
    this.#sessions.updateUser(user);
    return user;
  }

  /** Changes the password; every other session ends, this one stays. */
  async changePassword(input: ChangePasswordRequest): Promise<void> {
    await this.request('changePassword', { body: input });
  }

  /** Deletes the account (confirmed with the password) and forgets the session. */
  async deleteMe(input: DeleteAccountRequest): Promise<void> {
    const used = this.#sessions.current;
    await this.request('deleteMe', { body: input });
    this.#sessions.endIfCurrent(used);
  }

  /** The caller's signed-in devices. */
  async listSessions(): Promise<SessionList> {
    return this.request('listSessions');
  }

  /** Ends one of the caller's sessions; ending the current one forgets it locally too. */
  async revokeSession(input: SessionIdParams): Promise<void> {
    const used = this.#sessions.current;
    await this.request('revokeSession', { params: input });
    if (used?.sessionId === input.sessionId) this.#sessions.endIfCurrent(used);
  }

  /** Ends every session but the current one. */
  async revokeOtherSessions(): Promise<RevokedCount> {
    return this.request('revokeOtherSessions');
  }

  /** Finds people by username or display-name prefix. */
  async searchUsers(query: UserSearchQuery): Promise<UserList> {
    return this.request('searchUsers', { query });
  }

  /** One person's public profile. */
  async getUser(input: UserIdParams): Promise<PublicUser> {
    return this.request('getUser', { params: input });
  }

  async #authorized<N extends EndpointName>(
    name: N,
    input: EndpointInput<N> | undefined,
    options: CallOptions,
    session: Session | null,
  ): Promise<EndpointResponse<N>> {
    try {
      return await callEndpoint<N>(this.#transport, name, input, { ...options, accessToken: session?.accessToken });
    } catch (error) {
      if (endsSession(error)) this.#sessions.endIfCurrent(session);
      throw error;
    }
  }

  #signedIn(session: Session): Session {
    this.#sessions.received(session);
    return session;
  }
}
