import { isIP } from 'node:net';

/** Thrown by a setting's parser; the message says what is wrong with the value. */
export class SettingError extends Error {}

/** A parser turns the raw text of a setting into its value or throws SettingError. */
export type Parser<T> = (raw: string) => T;

/** An integer in [min, max]. */
export function integer(min: number, max: number): Parser<number> {
  return (raw) => {
    if (!/^-?\d+$/.test(raw.trim())) throw new SettingError('is not a whole number');
    const n = Number(raw.trim());
    if (n < min || n > max) throw new SettingError(`is outside ${min}..${max}`);
    return n;
  };
}

/** One of a fixed set of words. */
export function oneOf<const W extends string>(...words: W[]): Parser<W> {
  return (raw) => {
    const value = raw.trim().toLowerCase();
    const found = words.find((w) => w === value);
    if (found === undefined) throw new SettingError(`is not one of ${words.join(', ')}`);
    return found;
  };
}

/** Any non-empty text. */
export const text: Parser<string> = (raw) => {
  if (raw.trim() === '') throw new SettingError('is empty');
  return raw.trim();
};

/** A URL with one of the given schemes. */
export function url(...schemes: string[]): Parser<string> {
  return (raw) => {
    let parsed: URL;
    try {
      parsed = new URL(raw.trim());
    } catch {
      throw new SettingError('is not a URL');
    }
    if (!schemes.includes(parsed.protocol.slice(0, -1))) {
      throw new SettingError(`must start with ${schemes.map((s) => `${s}:`).join(' or ')}`);
    }
    return raw.trim();
  };
}

/** A public base URL: http(s), no query or fragment, trailing slash removed. */
export const baseUrl: Parser<string> = (raw) => {
  const value = url('http', 'https')(raw);
  const parsed = new URL(value);
  if (parsed.search !== '' || parsed.hash !== '') throw new SettingError('must not have a query or fragment');
  return value.replace(/\/+$/, '');
};

/** A comma-separated list, each item parsed by `item`; empty text is an empty list. */
export function list<T>(item: Parser<T>): Parser<T[]> {
  return (raw) =>
    raw
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '')
      .map((entry) => {
        try {
          return item(entry);
        } catch (error) {
          if (error instanceof SettingError) throw new SettingError(`has "${entry}", which ${error.message}`);
          throw error;
        }
      });
}

/** An IP address or CIDR range, as Fastify's trustProxy takes them. */
export const ipOrCidr: Parser<string> = (raw) => {
  const [address = '', bits, extra] = raw.split('/');
  const family = isIP(address);
  if (family === 0 || extra !== undefined) throw new SettingError('is not an IP address or CIDR range');
  if (bits !== undefined) {
    const max = family === 4 ? 32 : 128;
    if (!/^\d+$/.test(bits) || Number(bits) > max) throw new SettingError('has a bad prefix length');
  }
  return raw;
};

/** A browser origin: scheme, host and optional port, nothing else. */
export const origin: Parser<string> = (raw) => {
  const value = url('http', 'https')(raw);
  const parsed = new URL(value);
  if (parsed.origin !== value.replace(/\/$/, ''))
    throw new SettingError('is not a bare origin like https://chat.example.com');
  return parsed.origin;
};

/** A secret of at least `minLength` characters. */
export function secret(minLength: number): Parser<string> {
  return (raw) => {
    if (raw.length < minLength) throw new SettingError(`must be at least ${minLength} characters`);
    return raw;
  };
}
