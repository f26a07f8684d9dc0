/** Plain-text helpers of the room view (no React, so unit tests run them on Node). */

/** The `@prefix` being typed just before the caret, with where it starts; null when none. */
export function mentionAt(text: string, caret: number): { start: number; query: string } | null {
  const found = /(^|[\s([{])@([a-z0-9._-]*)$/i.exec(text.slice(0, caret));
  if (!found) return null;
  const query = found[2] ?? '';
  return { start: caret - query.length - 1, query };
}

/** "Alice is typing…", "Alice and Bob are typing…", "Alice, Bob and 2 others are typing…". */
export function typingText(names: readonly string[]): string {
  const [first, second, third] = names;
  if (first === undefined) return '';
  if (second === undefined) return `${first} is typing…`;
  if (third === undefined) return `${first} and ${second} are typing…`;
  if (names.length === 3) return `${first}, ${second} and ${third} are typing…`;
  return `${first}, ${second} and ${names.length - 2} others are typing…`;
}
