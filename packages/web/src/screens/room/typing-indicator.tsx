import type { ReactNode } from 'react';
import { typingText } from './room-text.ts';

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
