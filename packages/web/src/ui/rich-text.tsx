import type { ReactNode } from 'react';
import { tokenize } from './text-tokens.ts';

export { safeHref, tokenize, type Token } from './text-tokens.ts';

/** Message text with links and mentions; mentions of `myUsername` (the reader) are highlighted. */
export function RichText(props: { text: string; myUsername?: string }): ReactNode {
  return tokenize(props.text).map((token, i) => {
    switch (token.kind) {
      case 'text':
        return <span key={i}>{token.text}</span>;
      case 'link':
        return (
          <a key={i} href={token.href} target="_blank" rel="noopener noreferrer nofollow">
            {token.text}
          </a>
        );
      case 'mention':
        return (
          <span
            key={i}
            className={token.username.toLowerCase() === props.myUsername?.toLowerCase() ? 'mention me' : 'mention'}
          >
            {token.text}
          </span>
        );
    }
  });
}
