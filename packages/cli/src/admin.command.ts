import { parseArgs } from 'node:util';
import type { AdminUser } from '@natter/protocol';
import { ConfigError, loadConfig, settings } from '@natter/server';
import { openAdminTools, type AdminTools } from '@natter/server/admin';
import { readPassword } from './read-password.ts';

const configOptions = Object.fromEntries(
  Object.values(settings).map((s) => [s.flag.slice(2), { type: 'string' as const }]),
);

function show(user: AdminUser): string {
  const flags = [user.role, user.disabled ? 'disabled' : ''].filter(Boolean).join(', ');
  return `${user.username}\t${user.email}\t${user.displayName}\t(${flags})\t${user.id}`;
}

type Sub = (
  tools: AdminTools,
  values: Record<string, string | boolean | undefined>,
  positionals: string[],
) => Promise<string>;

const subcommands: Record<string, Sub> = {
  'create-user': async (tools, values) => {
    const { username, email } = values;
    if (typeof username !== 'string' || typeof email !== 'string') {
      throw new UsageError('create-user needs --username and --email');
    }
    const password = await readPassword(`Password for ${username}: `);
    const displayName = typeof values['display-name'] === 'string' ? values['display-name'] : undefined;
    const user = await tools.createUser({
      username,
      email,
      password,
      admin: values.admin === true,
      ...(displayName === undefined ? {} : { displayName }),
    });
    return `created ${show(user)}`;
  },
  'list-users': async (tools) => (await tools.listUsers()).map(show).join('\n'),
  'set-role': async (tools, _values, [name, role]) => {
    if (name === undefined || (role !== 'admin' && role !== 'user'))
      throw new UsageError('usage: set-role NAME admin|user');
    return show(await tools.setRole(name, role));
  },
  disable: async (tools, _values, [name]) => {
    if (name === undefined) throw new UsageError('usage: disable NAME');
    return show(await tools.setDisabled(name, true));
  },
  enable: async (tools, _values, [name]) => {
    if (name === undefined) throw new UsageError('usage: enable NAME');
    return show(await tools.setDisabled(name, false));
  },
};

class UsageError extends Error {}

/** `natter admin ...`: operator tasks straight against the database. */
export async function adminCommand(args: string[]): Promise<number> {
  const [name, ...rest] = args;
  const sub = name === undefined ? undefined : subcommands[name];
  if (!sub) {
    process.stderr.write(`natter admin: expected one of ${Object.keys(subcommands).join(', ')}\n`);
    return 2;
  }
  let tools: AdminTools | undefined;
  try {
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      options: {
        ...configOptions,
        username: { type: 'string' },
        email: { type: 'string' },
        'display-name': { type: 'string' },
        admin: { type: 'boolean' },
      },
    });
    const given = values as Record<string, string | boolean | undefined>;
    const configArgs = Object.values(settings).flatMap((s) => {
      const v = given[s.flag.slice(2)];
      return typeof v === 'string' ? [s.flag, v] : [];
    });
    tools = await openAdminTools(loadConfig({ argv: configArgs }));
    process.stdout.write(`${await sub(tools, values, positionals)}\n`);
    return 0;
  } catch (error) {
    const known =
      error instanceof UsageError || error instanceof ConfigError || (error as { code?: unknown }).code !== undefined;
    process.stderr.write(`natter admin ${name}: ${known ? (error as Error).message : String(error)}\n`);
    return 1;
  } finally {
    await tools?.close();
  }
}
