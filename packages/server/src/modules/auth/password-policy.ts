import { readFileSync } from 'node:fs';

// Read on first use rather than at import so that modules which never check a password (the CLI's
// other commands, most tests) do not pay for parsing 10,000 lines.
let commonPasswords: ReadonlySet<string> | undefined;

function loadCommonPasswords(): ReadonlySet<string> {
  if (commonPasswords === undefined) {
    const text = readFileSync(new URL('./common-passwords.txt', import.meta.url), 'utf8');
    commonPasswords = new Set(text.split('\n').filter((line) => line.length > 0));
  }
  return commonPasswords;
}

/** True when the password, ignoring case, is one of the 10,000 most common (see the NOTICE file). */
export function isCommonPassword(password: string): boolean {
  // The list is lower-cased, so "PassWord" is refused like "password": case variants are among the
  // first guesses of any attacker working from the same lists.
  return loadCommonPasswords().has(password.toLowerCase());
}

/** The password's length in Unicode code points, the unit the 8–128 length rule is stated in. */
export function passwordLength(password: string): number {
  // String length counts UTF-16 units, so one emoji would count as two characters.
  let count = 0;
  for (const _ of password) count++;
  return count;
}

/**
 * True for passwords made of one short unit repeated ("aaaaaaaa", "abcabcabc", "12121212") or of
 * one run up or down ("23456789", "4567890123", "hgfedcba"). NIST SP 800-63B names both as guessable, and the
 * shipped list leaves them out because its source catches them by pattern instead.
 */
export function isRepetitiveOrSequential(password: string): boolean {
  const lower = password.toLowerCase();
  if (/^(.{1,3})\1+$/su.test(lower)) return true;
  const points = Array.from(lower, (ch) => ch.codePointAt(0) ?? 0);
  if (points.length < 3) return false;
  const step = stepBetween(points[0] ?? 0, points[1] ?? 0);
  if (step !== 1 && step !== -1) return false;
  return points.every((p, i) => i === 0 || stepBetween(points[i - 1] ?? 0, p) === step);
}

const zero = 0x30;

/** The step from one code point to the next; digits wrap, so "7890" and "3210987" are runs. */
function stepBetween(from: number, to: number): number {
  const digits = from >= zero && from <= zero + 9 && to >= zero && to <= zero + 9;
  if (!digits) return to - from;
  const up = (to - from + 10) % 10;
  return up === 1 ? 1 : up === 9 ? -1 : 0;
}

/** True when the password should be refused as too easy to guess: common, repetitive or a run. */
export function isGuessablePassword(password: string): boolean {
  return isCommonPassword(password) || isRepetitiveOrSequential(password);
}
