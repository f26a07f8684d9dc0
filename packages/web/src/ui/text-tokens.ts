/**
 * A token of message text. Text is only ever rendered as React text nodes (escaped by React); links
 * become anchors only for http(s) and mailto, so `javascript:` and other schemes stay plain text.
 */
export type Token =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'link'; readonly text: string; readonly href: string }
  | { readonly kind: 'mention'; readonly text: string; readonly username: string };

const pattern = /(https?:\/\/[^\s<>"']+|mailto:[^\s<>"']+|(?<![\w@])@[A-Za-z0-9_.-]{1,32})/g;
// Closing punctuation at the end of a URL usually belongs to the sentence.
const trailing = /[.,;:!?)\]}'"]+$/;

/** Splits text into plain text, safe links and @mentions. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  for (const found of text.matchAll(pattern)) {
    let raw = found[0];
    const start = found.index;
    if (raw.startsWith('@')) {
      const username = raw.slice(1).replace(/[.-]+$/, '');
      raw = '@' + username;
      if (start > at) tokens.push({ kind: 'text', text: text.slice(at, start) });
      tokens.push({ kind: 'mention', text: raw, username });
      at = start + raw.length;
      continue;
    }
    raw = raw.replace(trailing, '');
    const href = safeHref(raw);
    if (href === null) continue;
    if (start > at) tokens.push({ kind: 'text', text: text.slice(at, start) });
    tokens.push({ kind: 'link', text: raw, href });
    at = start + raw.length;
  }
  if (at < text.length) tokens.push({ kind: 'text', text: text.slice(at) });
  return tokens;
}

/** The URL when it parses and uses an allowed scheme; null otherwise. */
export function safeHref(raw: string): string | null {
  try {
    const url = new URL(raw);
    return url.protocol === 'http:' || url.protocol === 'https:' || url.protocol === 'mailto:' ? url.href : null;
  } catch {
    return null;
  }
}
