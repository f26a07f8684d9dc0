import { readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { SettingError } from './parse.ts';
import { settings, type Setting, type SettingName } from './settings.ts';

/** Natter's validated configuration. Settings without a default are undefined when unset. */
export type Config = { [K in SettingName]: (typeof settings)[K] extends Setting<infer T> ? T : never };

/** A setting that could not be used; the message is one line naming it and what is wrong. */
export class ConfigError extends Error {}

/** Where configuration comes from, highest precedence first: flags, environment, .env file. */
export interface ConfigSources {
  argv?: readonly string[];
  env?: Record<string, string | undefined>;
  /** Path of a .env file; missing is fine. Defaults to ./.env. */
  envFile?: string;
}

function readEnvFile(path: string): Record<string, string> {
  let content: string;
  try {
    content = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new ConfigError(`cannot read ${path}: ${(error as Error).message}`);
  }
  return parseEnv(content) as Record<string, string>;
}

function parseFlags(argv: readonly string[]): Record<string, string> {
  const byFlag = new Map(Object.values(settings).map((s) => [s.flag, s.env]));
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const eq = arg.indexOf('=');
    const flag = eq === -1 ? arg : arg.slice(0, eq);
    const env = byFlag.get(flag);
    if (env === undefined) throw new ConfigError(`unknown option ${flag}; \`natter serve --help\` lists them`);
    const value = eq === -1 ? argv[++i] : arg.slice(eq + 1);
    if (value === undefined) throw new ConfigError(`option ${flag} needs a value`);
    out[env] = value;
  }
  return out;
}

/** Reads, merges and validates every setting. Throws ConfigError with a one-line message. */
export function loadConfig(sources: ConfigSources = {}): Config {
  const env = sources.env ?? process.env;
  const fromFile = readEnvFile(sources.envFile ?? '.env');
  const fromFlags = parseFlags(sources.argv ?? []);
  const raw = (name: string): string | undefined => fromFlags[name] ?? env[name] ?? fromFile[name];

  const out: Record<string, unknown> = {};
  for (const [name, s] of Object.entries(settings) as [SettingName, Setting<unknown>][]) {
    const given = raw(s.env);
    const value = given ?? (typeof s.default === 'function' ? s.default(raw) : s.default);
    if (value === undefined) continue;
    try {
      out[name] = s.parse(value);
    } catch (error) {
      if (!(error instanceof SettingError)) throw error;
      const shown = s.secret === true ? 'its value' : `"${value}"`;
      throw new ConfigError(`setting ${s.env} (${s.flag}): ${shown} ${error.message}`);
    }
  }
  const config = out as Config;
  if (config.wsSoftBufferBytes >= config.wsHardBufferBytes) {
    throw new ConfigError(
      'setting NATTER_WS_SOFT_BUFFER_BYTES (--ws-soft-buffer-bytes): must be smaller than NATTER_WS_HARD_BUFFER_BYTES',
    );
  }
  return config;
}

/** NATTER_* variables that no setting reads (a typo, most likely). Test variables are ignored. */
export function unknownVariables(env: Record<string, string | undefined>): string[] {
  const known = new Set<string>(Object.values(settings).map((s) => s.env));
  return Object.keys(env).filter((k) => k.startsWith('NATTER_') && !k.startsWith('NATTER_TEST_') && !known.has(k));
}
