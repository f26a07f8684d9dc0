import {
  useEffect,
  useId,
  useLayoutEffect,
  useRef,
  useState,
  type KeyboardEvent,
  type ReactNode,
  type RefObject,
} from 'react';
import type { Message, SendResult } from '@natter/client';
import { useStore } from '../../app/store-context.tsx';
import { RoomIcon } from '../../ui/room-icons.tsx';
import { draftOf, saveDraft } from './drafts.ts';
import { MentionAutocomplete, mentionAt, mentionOptions, type MentionOption } from './mention-autocomplete.tsx';

/** The server's default limit, until its hello says otherwise. */
const defaultMaxBytes = 16_384;
/** A typing signal is refreshed at most this often while the user keeps typing. */
const typingEveryMs = 3000;
const encoder = new TextEncoder();
const fieldSizing = typeof CSS !== 'undefined' && CSS.supports('field-sizing', 'content');

/**
 * The message box: Enter sends, Shift+Enter starts a new line, Up in an empty box edits the last
 * message, Escape cancels a reply; @ opens the member list. Sends are optimistic: the box clears at
 * once and the message shows as pending in the log.
 */
export function Composer(props: {
  roomId: string;
  replyTo: Message | null;
  onReplyChange: (message: Message | null) => void;
  textareaRef: RefObject<HTMLTextAreaElement | null>;
  onEditLast: () => boolean;
  onSent: (result: SendResult) => void;
}): ReactNode {
  const store = useStore();
  const { roomId, replyTo, textareaRef } = props;
  const [text, setText] = useState(() => draftOf(roomId).text);
  const [caret, setCaret] = useState(text.length);
  const [active, setActive] = useState(0);
  const [dismissedAt, setDismissedAt] = useState<number | null>(null);
  const listId = useId();
  const typingSince = useRef(0);
  const typingOn = useRef(false);

  const maxBytes = store.connection.hello?.limits.messageMaxBytes ?? defaultMaxBytes;
  const bytes = text.length * 3 <= maxBytes * 0.8 ? text.length : encoder.encode(text).length;
  const tooLong = bytes > maxBytes;
  const nearLimit = bytes > maxBytes * 0.8;

  const mention = mentionAt(text, caret);
  const options = mention && dismissedAt !== mention.start ? mentionOptions(store, roomId, mention.query) : [];
  const open = options.length > 0;
  const activeIndex = Math.min(active, Math.max(0, options.length - 1));

  // Drafts survive switching rooms (the view is remounted per room).
  const latest = useRef({ text, replyTo });
  latest.current = { text, replyTo };
  useEffect(
    () => () => {
      saveDraft(roomId, latest.current);
    },
    [roomId],
  );

  const setTyping = (typing: boolean) => {
    void store.connection.call('setTyping', { params: { roomId }, body: { typing } }).catch(() => undefined);
  };
  const stopTyping = () => {
    if (!typingOn.current) return;
    typingOn.current = false;
    typingSince.current = 0;
    setTyping(false);
  };
  const stopRef = useRef(stopTyping);
  stopRef.current = stopTyping;
  useEffect(
    () => () => {
      stopRef.current();
    },
    [],
  );

  // Opening a room puts the cursor in its composer (not on touch screens, where it would pop the keyboard up).
  useEffect(() => {
    if (window.matchMedia('(pointer: fine)').matches) textareaRef.current?.focus({ preventScroll: true });
  }, [textareaRef]);

  // Grows with its content up to a cap (CSS field-sizing where supported, else measured here).
  useLayoutEffect(() => {
    const box = textareaRef.current;
    if (!box || fieldSizing) return;
    box.style.height = 'auto';
    box.style.height = `${Math.min(box.scrollHeight + 2, window.innerHeight * 0.4)}px`;
  }, [text, textareaRef]);

  const change = (value: string, position: number) => {
    setText(value);
    setCaret(position);
    setActive(0);
    if (value.trim() === '') {
      stopTyping();
    } else if (Date.now() - typingSince.current > typingEveryMs) {
      typingSince.current = Date.now();
      typingOn.current = true;
      setTyping(true);
    }
  };

  const send = () => {
    const body = text.trim();
    if (body === '' || tooLong) return;
    const request = replyTo ? { body, replyTo: replyTo.id } : { body };
    store.send(roomId, request).then(props.onSent, () => undefined);
    setText('');
    setCaret(0);
    setDismissedAt(null);
    props.onReplyChange(null);
    stopTyping();
  };

  const pick = (option: MentionOption) => {
    if (!mention) return;
    const before = text.slice(0, mention.start);
    const after = text.slice(caret).replace(/^\S*/, '');
    const inserted = `@${option.username} `;
    const value = before + inserted + (after.startsWith(' ') ? after.slice(1) : after);
    const position = before.length + inserted.length;
    setText(value);
    setCaret(position);
    setActive(0);
    requestAnimationFrame(() => {
      textareaRef.current?.setSelectionRange(position, position);
    });
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.nativeEvent.isComposing) return;
    if (open) {
      if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
        event.preventDefault();
        const step = event.key === 'ArrowDown' ? 1 : -1;
        setActive((activeIndex + step + options.length) % options.length);
        return;
      }
      if ((event.key === 'Enter' && !event.shiftKey) || event.key === 'Tab') {
        const option = options[activeIndex];
        if (option) {
          event.preventDefault();
          pick(option);
          return;
        }
      }
      if (event.key === 'Escape' && mention) {
        event.preventDefault();
        setDismissedAt(mention.start);
        return;
      }
    }
    if (event.key === 'Enter' && !event.shiftKey) {
      event.preventDefault();
      send();
    } else if (event.key === 'ArrowUp' && text === '' && !event.shiftKey && !event.altKey) {
      if (props.onEditLast()) event.preventDefault();
    } else if (event.key === 'Escape' && replyTo) {
      event.preventDefault();
      props.onReplyChange(null);
    }
  };

  return (
    <form
      className="composer"
      onSubmit={(event) => {
        event.preventDefault();
        send();
        textareaRef.current?.focus();
      }}
    >
      {replyTo && (
        <div className="reply-preview">
          <div className="reply-preview-text">
            <span className="reply-preview-label">Replying to {store.nameOf(replyTo.senderId)}</span>
            <span className="reply-preview-body">{replyTo.body}</span>
          </div>
          <button
            type="button"
            className="icon"
            aria-label="Cancel reply"
            title="Cancel reply"
            onClick={() => {
              props.onReplyChange(null);
              textareaRef.current?.focus();
            }}
          >
            <RoomIcon name="close" />
          </button>
        </div>
      )}
      {open && <MentionAutocomplete id={listId} options={options} active={activeIndex} onPick={pick} />}
      <div className="composer-row">
        <textarea
          ref={textareaRef}
          aria-label="Message"
          placeholder="Write a message…"
          rows={1}
          value={text}
          autoComplete="off"
          aria-autocomplete="list"
          aria-controls={open ? listId : undefined}
          aria-expanded={open}
          aria-activedescendant={open ? `${listId}-${activeIndex}` : undefined}
          aria-invalid={tooLong || undefined}
          onChange={(event) => {
            change(event.target.value, event.target.selectionStart);
          }}
          onSelect={(event) => {
            setCaret(event.currentTarget.selectionStart);
          }}
          onKeyDown={onKeyDown}
        />
        <button type="submit" className="primary send" disabled={text.trim() === '' || tooLong}>
          <RoomIcon name="send" />
          <span>Send</span>
        </button>
      </div>
      {nearLimit && (
        <p className={tooLong ? 'length form-error' : 'length hint'} aria-live="polite">
          {tooLong
            ? `Too long: ${(bytes - maxBytes).toLocaleString()} bytes over the limit of ${maxBytes.toLocaleString()}.`
            : `${(maxBytes - bytes).toLocaleString()} bytes left`}
        </p>
      )}
    </form>
  );
}
