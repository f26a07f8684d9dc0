import type {
  AdminUpdateUserRequest,
  AdminUser,
  AdminUserPage,
  PublicUser,
  SelfUser,
  UpdateProfileRequest,
} from '@natter/protocol';
import type { Clock, Storage, UserRecord } from '../../ports/index.ts';
import { fail } from '../app-error.ts';
import type { Caller } from '../auth/auth-context.ts';
import type { SessionService } from '../auth/session.service.ts';
import { toAdminUser, toPublicUser, toSelfUser } from './user-views.ts';

/** Profiles, people search and account administration. */
export class UserService {
  readonly #storage: Storage;
  readonly #sessions: SessionService;
  readonly #clock: Clock;

  constructor(deps: { storage: Storage; sessions: SessionService; clock: Clock }) {
    this.#storage = deps.storage;
    this.#sessions = deps.sessions;
    this.#clock = deps.clock;
  }

  /** The caller's own account. */
  async me(caller: Caller): Promise<SelfUser> {
    return toSelfUser(await this.#require(caller.userId));
  }

  /** Changes the caller's display name or bio. */
  async updateProfile(caller: Caller, patch: UpdateProfileRequest): Promise<SelfUser> {
    const updated = await this.#storage.users.update(caller.userId, patch, this.#clock.now());
    if (!updated) throw fail('session_revoked', 'This session has ended.');
    return toSelfUser(updated);
  }

  /** People whose username or display name starts with `query`. */
  async search(query: string, limit: number): Promise<PublicUser[]> {
    const found = await this.#storage.users.search(query.trim().toLowerCase(), limit);
    return found.map(toPublicUser);
  }

  /** One person's public profile; disabled accounts are not found. */
  async get(userId: string): Promise<PublicUser> {
    const user = await this.#storage.users.findById(userId);
    if (!user || user.disabled) throw fail('user_not_found', 'No such user.');
    return toPublicUser(user);
  }

  /** Every account, oldest first, a page at a time. */
  async list(caller: Caller, after: string | undefined, limit: number): Promise<AdminUserPage> {
    requireAdmin(caller);
    const users = await this.#storage.users.list({ limit: limit + 1, ...(after === undefined ? {} : { after }) });
    const page = users.slice(0, limit);
    const last = page.at(-1);
    return { users: page.map(toAdminUser), nextAfter: users.length > limit && last ? last.id : null };
  }

  /** Changes a user's role or enabled state. Disabling ends their sessions at once. */
  async adminUpdate(caller: Caller, userId: string, change: AdminUpdateUserRequest): Promise<AdminUser> {
    requireAdmin(caller);
    const target = await this.#require(userId);
    const losesAdmin =
      target.role === 'admin' && !target.disabled && (change.role === 'user' || change.disabled === true);
    if (losesAdmin && (await this.#storage.users.countActiveAdmins()) <= 1) {
      throw fail('last_admin', 'This is the last active administrator.');
    }
    const updated = await this.#storage.users.update(userId, change, this.#clock.now());
    if (!updated) throw fail('user_not_found', 'No such user.');
    if (change.disabled === true) await this.#sessions.endAll(userId);
    return toAdminUser(updated);
  }

  async #require(userId: string): Promise<UserRecord> {
    const user = await this.#storage.users.findById(userId);
    if (!user) throw fail('user_not_found', 'No such user.');
    return user;
  }
}

/** Throws forbidden unless the caller is an administrator. */
export function requireAdmin(caller: Caller): void {
  if (caller.role !== 'admin') throw fail('forbidden', 'Only administrators may do this.');
}
