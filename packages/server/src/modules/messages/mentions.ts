/** `@username` tokens in a text, lower-cased and unique, in order of first appearance. */
export function mentionedUsernames(text: string): string[] {
  const found = new Set<string>();
  // A mention starts at the beginning or after a character that cannot be part of an address, so
  // "ada@example.com" mentions nobody.
  for (const match of text.matchAll(/(?:^|[^\p{L}\p{N}_.@-])@([a-z0-9](?:[a-z0-9._-]{0,30}[a-z0-9])?)/giu)) {
    const name = match[1];
    if (name !== undefined) found.add(name.toLowerCase());
  }
  return [...found];
}

const singleEmoji = /^\p{RGI_Emoji}$/v;

/** True when `text` is exactly one emoji, as a reaction must be. */
export function isSingleEmoji(text: string): boolean {
  return singleEmoji.test(text);
}
