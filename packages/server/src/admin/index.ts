import type { AdminUser } from '@natter/protocol';
import { openStorage } from '../adapters/open-storage.ts';
import type { Config } from '../config/index.ts';
import { createLogger } from '../logger.ts';
import { buildServices, openMailer } from '../main.ts';
import { fail } from '../modules/app-error.ts';
import { isGuessablePassword } from '../modules/auth/password-policy.ts';
import { toAdminUser } from '../modules/users/user-views.ts';
import { systemClock, type Storage } from '../ports/index.ts';

/** Operator tasks run from the command line against the database, with no server running. */
export interface AdminTools {
  createUser(input: {
    username: string;
    email: string;
    password: string;
    displayName?: string;
    admin: boolean;
  }): Promise<AdminUser>;
  listUsers(): Promise<AdminUser[]>;
  setRole(username: string, role: 'admin' | 'user'): Promise<AdminUser>;
  setDisabled(username: string, disabled: boolean): Promise<AdminUser>;
  close(): Promise<void>;
}

/** Opens storage from config and returns the operator tasks. */
export async function openAdminTools(config: Config): Promise<AdminTools> {
  const logger = createLogger({ level: 'warn', format: config.logFormat });
  const storage: Storage = await openStorage(config.databaseUrl, { poolSize: 2 });
  const mailer = openMailer(config, logger);
  const { accounts, sessions } = await buildServices(config, { storage, mailer, clock: systemClock, logger });

  async function byName(username: string) {
    const user = await storage.users.findByUsername(username.toLowerCase());
    if (!user) throw fail('user_not_found', `No user named ${username}.`);
    return user;
  }

  return {
    async createUser(input) {
      if (isGuessablePassword(input.password))
        throw fail('password_too_common', 'That password is one of the most common ones.');
      const role = input.admin ? 'admin' : 'user';
      return toAdminUser(await accounts.createUser({ ...input, role }, { adminIfFirst: true }));
    },
    async listUsers() {
      const all: AdminUser[] = [];
      let after: string | undefined;
      for (;;) {
        const page = await storage.users.list({ limit: 500, ...(after === undefined ? {} : { after }) });
        all.push(...page.map(toAdminUser));
        const last = page.at(-1);
        if (page.length < 500 || !last) return all;
        after = last.id;
      }
    },
    async setRole(username, role) {
      const user = await byName(username);
      if (
        role === 'user' &&
        user.role === 'admin' &&
        !user.disabled &&
        (await storage.users.countActiveAdmins()) <= 1
      ) {
        throw fail('last_admin', 'That is the last active administrator.');
      }
      const updated = await storage.users.update(user.id, { role }, Date.now());
      return toAdminUser(updated ?? user);
    },
    async setDisabled(username, disabled) {
      const user = await byName(username);
      if (disabled && user.role === 'admin' && !user.disabled && (await storage.users.countActiveAdmins()) <= 1) {
        throw fail('last_admin', 'That is the last active administrator.');
      }
      const updated = await storage.users.update(user.id, { disabled }, Date.now());
      if (disabled) await sessions.endAll(user.id);
      return toAdminUser(updated ?? user);
    },
    async close() {
      await Promise.allSettled([storage.close(), mailer.close()]);
    },
  };
}
