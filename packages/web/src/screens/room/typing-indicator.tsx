import type { ReactNode } from 'react';

/** "Alice is typing…", "Alice and Bob are typing…", "Alice, Bob and 2 others are typing…". */
export function typingText(names: readonly string[]): string {
  const [first, second, third] = names;
  if (first === undefined) return '';
  if (second === undefined) return `${first} is typing…`;
  if (third === undefined) return `${first} and ${second} are typing…`;
  if (names.length === 3) return `${first}, ${second} and ${third} are typing…`;
  return `${first}, ${second} and ${names.length - 2} others are typing…`;
}

/** Always in the page (a live region must exist before its text changes); empty when nobody types. */
export function TypingIndicator(props: { names: readonly string[] }): ReactNode {
  const text = typingText(props.names);
  return (
    <div className={text === '' ? 'typing idle' : 'typing'} role="status" aria-live="polite">
      {text !== '' && (
        <>
          <span className="typing-dots" aria-hidden="true">
            <span />
            <span />
            <span />
          </span>
          {text}
        </>
      )}
    </div>
  );
}
