import { useState, type KeyboardEvent, type ReactNode } from 'react';
import type { Message, PendingSend } from '@natter/client';
import { describeError } from '../../app/chat-store.ts';
import { useStore } from '../../app/store-context.tsx';
import { timeOf } from '../../ui/format.ts';
import { RichText } from '../../ui/rich-text.tsx';
import { Avatar } from '../../ui/side-kit.tsx';
import { RoomIcon } from '../../ui/room-icons.tsx';
import type { RoomActions } from './room-actions.ts';

export interface MessageItemProps {
  readonly roomId: string;
  readonly message: Message;
  readonly compact: boolean;
  readonly canPost: boolean;
  readonly canModerate: boolean;
  readonly editing: boolean;
  readonly highlighted: boolean;
  readonly actions: RoomActions;
}

/** One message of the log: sender, time, quote or forward note, text, reactions and its actions. */
export function MessageItem(props: MessageItemProps): ReactNode {
  const store = useStore();
  const { message, actions } = props;
  const me = store.me.id;
  const own = message.senderId === me;
  const deleted = message.deletedAt !== null;
  const senderName = store.nameOf(message.senderId);
  const classes = ['message'];
  if (props.compact) classes.push('compact');
  if (own) classes.push('own');
  if (deleted) classes.push('deleted');
  if (props.highlighted) classes.push('highlight');
  if (props.editing) classes.push('editing');
  if (!deleted && message.mentions.includes(me)) classes.push('mentions-me');
  const canEdit = own && !deleted && message.forwardedFrom === null && message.kind === 'text';
  const canDelete = !deleted && (own || props.canModerate);
  return (
    <article
      className={classes.join(' ')}
      data-message-id={message.id}
      data-seq={message.seq}
      data-state="sent"
      tabIndex={-1}
      aria-label={`${senderName}, ${timeOf(message.createdAt)}`}
    >
      <div className="message-gutter">
        {props.compact ? (
          <time className="message-time-compact" dateTime={message.createdAt}>
            {timeOf(message.createdAt)}
          </time>
        ) : (
          <Avatar id={message.senderId ?? 'deleted'} name={senderName} />
        )}
      </div>
      <div className="message-main">
        <div className={props.compact ? 'message-head visually-hidden' : 'message-head'}>
          <span className="message-sender">{senderName}</span>{' '}
          <time
            className="message-time"
            dateTime={message.createdAt}
            title={new Date(message.createdAt).toLocaleString()}
          >
            {timeOf(message.createdAt)}
          </time>
        </div>
        {deleted ? (
          <p className="message-body tombstone">This message was deleted</p>
        ) : (
          <>
            {message.forwardedFrom && (
              <p className="forwarded">
                <RoomIcon name="forward" /> Forwarded from {store.nameOf(message.forwardedFrom.senderId)}
              </p>
            )}
            {message.replyTo && (
              <button
                type="button"
                className="reply-quote"
                aria-label="Jump to original"
                onClick={() => {
                  if (message.replyTo) actions.jumpTo(message.replyTo.messageId);
                }}
              >
                <span className="reply-quote-sender">{store.nameOf(message.replyTo.senderId)}</span>
                <span className="reply-quote-text">
                  {message.replyTo.preview === '' ? 'Deleted message' : message.replyTo.preview}
                </span>
              </button>
            )}
            {props.editing ? (
              <EditForm roomId={props.roomId} message={message} actions={actions} />
            ) : (
              <div className="message-body">
                <RichText text={message.body} myUsername={store.me.username} />
                {message.editedAt !== null && (
                  <span className="edited" title={new Date(message.editedAt).toLocaleString()}>
                    {' '}
                    (edited)
                  </span>
                )}
              </div>
            )}
            {message.reactions.length > 0 && (
              <div className="reactions">
                {message.reactions.map((reaction) => {
                  const mine = reaction.userIds.includes(me);
                  const names = reaction.userIds.map((id) => (id === me ? 'You' : store.nameOf(id))).join(', ');
                  return (
                    <button
                      key={reaction.emoji}
                      type="button"
                      className={mine ? 'reaction-chip mine' : 'reaction-chip'}
                      aria-label={`${reaction.emoji} ${reaction.userIds.length}`}
                      aria-pressed={mine}
                      title={names}
                      onClick={() => {
                        actions.toggleReaction(message, reaction.emoji);
                      }}
                    >
                      <span aria-hidden="true">{reaction.emoji}</span>
                      <span aria-hidden="true" className="count">
                        {reaction.userIds.length}
                      </span>
                    </button>
                  );
                })}
              </div>
            )}
          </>
        )}
      </div>
      {!deleted && !props.editing && (
        <div className="message-actions">
          {props.canPost && (
            <button
              type="button"
              className="icon"
              aria-label="Reply"
              title="Reply"
              onClick={() => {
                actions.reply(message);
              }}
            >
              <RoomIcon name="reply" />
            </button>
          )}
          <button
            type="button"
            className="icon"
            aria-label="React"
            title="React"
            onClick={() => {
              actions.pickReaction(message);
            }}
          >
            <RoomIcon name="react" />
          </button>
          {canEdit && (
            <button
              type="button"
              className="icon"
              aria-label="Edit"
              title="Edit"
              onClick={() => {
                actions.startEdit(message.id);
              }}
            >
              <RoomIcon name="edit" />
            </button>
          )}
          <button
            type="button"
            className="icon"
            aria-label="Forward"
            title="Forward"
            onClick={() => {
              actions.forward(message);
            }}
          >
            <RoomIcon name="forward" />
          </button>
          {canDelete && (
            <button
              type="button"
              className="icon danger"
              aria-label="Delete"
              title="Delete"
              onClick={() => {
                actions.askDelete(message);
              }}
            >
              <RoomIcon name="delete" />
            </button>
          )}
        </div>
      )}
    </article>
  );
}

/** The inline editor: Enter saves, Shift+Enter is a new line, Escape cancels. */
function EditForm(props: { roomId: string; message: Message; actions: RoomActions }): ReactNode {
  const store = useStore();
  const { message, actions } = props;
  const [text, setText] = useState(message.body);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const save = () => {
    const body = text.trim();
    if (saving) return;
    if (body === '' || body === message.body) {
      actions.endEdit();
      return;
    }
    setSaving(true);
    setError(null);
    store.connection
      .call('editMessage', { params: { roomId: props.roomId, messageId: message.id }, body: { body } })
      .then(
        () => {
          actions.endEdit();
        },
        (e: unknown) => {
          setSaving(false);
          setError(describeError(e));
        },
      );
  };
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      actions.endEdit();
    } else if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      save();
    }
  };
  return (
    <form
      className="edit-form"
      onSubmit={(event) => {
        event.preventDefault();
        save();
      }}
    >
      <textarea
        aria-label="Edit message"
        value={text}
        rows={1}
        autoFocus
        onFocus={(event) => {
          const end = event.currentTarget.value.length;
          event.currentTarget.setSelectionRange(end, end);
        }}
        onChange={(event) => {
          setText(event.target.value);
        }}
        onKeyDown={onKeyDown}
        readOnly={saving}
      />
      {error && <p className="form-error">{error}</p>}
      <div className="edit-buttons">
        <span className="hint">Enter to save · Escape to cancel</span>
        <button
          type="button"
          onClick={() => {
            actions.endEdit();
          }}
        >
          Cancel
        </button>
        <button type="submit" className="primary" disabled={saving}>
          Save
        </button>
      </div>
    </form>
  );
}

/** A message on its way (dimmed, with a clock) or refused (the reason, Retry and Discard). */
export function PendingItem(props: {
  send: PendingSend;
  error: string | null;
  compact: boolean;
  actions: RoomActions;
}): ReactNode {
  const store = useStore();
  const { send, error, actions } = props;
  const name = store.nameOf(store.me.id);
  const failed = error !== null;
  const classes = ['message', 'own', failed ? 'failed' : 'pending'];
  if (props.compact) classes.push('compact');
  return (
    <article className={classes.join(' ')} data-txn-id={send.txnId} data-state={failed ? 'failed' : 'pending'}>
      <div className="message-gutter">{!props.compact && <Avatar id={store.me.id} name={name} />}</div>
      <div className="message-main">
        <div className={props.compact ? 'message-head visually-hidden' : 'message-head'}>
          <span className="message-sender">{name}</span>
        </div>
        {send.request.forwardOf !== undefined && (
          <p className="forwarded">
            <RoomIcon name="forward" /> Forwarding…
          </p>
        )}
        {send.request.body !== undefined && (
          <div className="message-body">
            <RichText text={send.request.body} myUsername={store.me.username} />
          </div>
        )}
        {failed ? (
          <div className="send-failed">
            <span className="form-error">Not sent: {error}</span>
            <button
              type="button"
              onClick={() => {
                actions.retry(send.txnId);
              }}
            >
              Retry
            </button>
            <button
              type="button"
              onClick={() => {
                actions.discard(send.txnId);
              }}
            >
              Discard
            </button>
          </div>
        ) : (
          <span className="sending">
            <RoomIcon name="clock" />
            <span>Sending…</span>
          </span>
        )}
      </div>
    </article>
  );
}
