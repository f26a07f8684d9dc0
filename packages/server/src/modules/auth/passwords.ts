import argon2 from 'argon2';

/**
 * argon2id at OWASP's recommended minimum (19 MiB, 2 passes, 1 lane): about 32 ms per hash on
 * these machines. The argon2 package hashes on the libuv pool, so other users' requests keep
 * flowing while one login hashes.
 */
const options = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/** Hashes a password into a PHC string that records its own parameters. */
export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, options);
}

/** True when `password` matches `hash`; false for a malformed hash rather than throwing. */
export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}

/** True when `hash` was made with weaker parameters than today's and should be redone at login. */
export function needsRehash(hash: string): boolean {
  try {
    return argon2.needsRehash(hash, options);
  } catch {
    return true;
  }
}

let dummy: Promise<string> | undefined;

/**
 * Verifies against a throwaway hash, so that a login for an account that does not exist costs
 * the same time as one with a wrong password and timing does not reveal which accounts exist.
 */
export async function burnVerifyTime(password: string): Promise<void> {
  dummy ??= hashPassword('natter-timing-equaliser');
  await verifyPassword(await dummy, password);
}
