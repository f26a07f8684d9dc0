import { useEffect, useRef, useState, type ReactNode } from 'react';
import type { Message, SendResult } from '@natter/client';
import { describeError } from '../../app/chat-store.ts';
import { Link, navigate } from '../../app/router.tsx';
import { useStore } from '../../app/store-context.tsx';
import { DeleteDialog } from './delete-dialog.tsx';
import { draftOf } from './drafts.ts';
import { EmojiPicker } from './emoji-picker.tsx';
import { ForwardDialog } from './forward-dialog.tsx';
import { Composer } from './composer.tsx';
import { MessageList } from './message-list.tsx';
import type { RoomActions } from './room-actions.ts';
import { RoomHeader } from './room-header.tsx';
import { TypingIndicator } from './typing-indicator.tsx';
import './room.css';

/**
 * One conversation: its header, the message log, who is typing, and the composer (or, where the
 * user may not post, why not). Dialogs for reactions, forwarding and deleting open from here.
 */
export function RoomView(props: { roomId: string; messageId: string | null }): ReactNode {
  const store = useStore();
  const { roomId } = props;
  const snapshot = store.state.room(roomId);
  const [opened, setOpened] = useState(false);
  const [replyTo, setReplyTo] = useState<Message | null>(() => draftOf(roomId).replyTo);
  const [editingId, setEditingId] = useState<string | null>(null);
  const [picking, setPicking] = useState<Message | null>(null);
  const [deleting, setDeleting] = useState<Message | null>(null);
  const [forwarding, setForwarding] = useState<Message | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [jumpNonce, setJumpNonce] = useState(0);
  const composerRef = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    let live = true;
    void store.openRoom(roomId).finally(() => {
      if (live) setOpened(true);
    });
    return () => {
      live = false;
    };
  }, [store, roomId]);

  useEffect(() => {
    if (notice === null) return;
    const timer = setTimeout(() => {
      setNotice(null);
    }, 4000);
    return () => {
      clearTimeout(timer);
    };
  }, [notice]);

  const room = snapshot?.room ?? null;
  const membership = snapshot?.membership ?? null;
  if (!snapshot || !room || !membership) {
    const missing = opened && store.ready;
    return (
      <div className="room room-missing">
        {missing ? (
          <>
            <h1>Conversation not available</h1>
            <p>It may have been deleted, or you are no longer a member.</p>
            <Link to="/">Back to rooms</Link>
          </>
        ) : (
          <p className="hint">Loading…</p>
        )}
      </div>
    );
  }

  const me = store.me.id;
  const peerId = room.kind === 'direct' ? (snapshot.members.find((m) => m.userId !== me)?.userId ?? null) : null;
  // Until the members are known, the other person of a direct room is not "Deleted account".
  const title =
    room.kind !== 'direct' ? room.name : peerId === null && snapshot.members.length < 2 ? '…' : store.nameOf(peerId);
  const mutedUntil = membership.mutedUntil !== null && Date.parse(membership.mutedUntil) > Date.now();
  const readOnly = room.kind === 'channel' && membership.role === 'member';
  const canPost = !readOnly && !mutedUntil;
  const canModerate = room.kind !== 'direct' && (membership.role === 'owner' || membership.role === 'admin');

  const focusComposer = () => {
    requestAnimationFrame(() => {
      composerRef.current?.focus();
    });
  };

  /** The acknowledged message goes straight into the log, so it never blinks out while its event travels. */
  const showSent = (target: string, result: SendResult) => {
    const message = result.message;
    if (store.state.messages(target).some((m) => m.id === message.id)) return;
    store.state.applyHistoryPage(
      target,
      { messages: [message], hasMoreBefore: true, hasMoreAfter: true },
      {
        around: message.id,
      },
    );
    store.changed();
  };

  const actions: RoomActions = {
    reply(message) {
      setEditingId(null);
      setReplyTo(message);
      focusComposer();
    },
    startEdit(messageId) {
      setEditingId(messageId);
    },
    endEdit() {
      setEditingId(null);
      focusComposer();
    },
    pickReaction(message) {
      setPicking(message);
    },
    toggleReaction(message, emoji) {
      const mine = message.reactions.some((r) => r.emoji === emoji && r.userIds.includes(me));
      const input = { params: { roomId, messageId: message.id }, body: { emoji } };
      const call = mine ? store.connection.call('removeReaction', input) : store.connection.call('addReaction', input);
      call.then(
        () => undefined,
        (e: unknown) => {
          setNotice(describeError(e));
        },
      );
    },
    askDelete(message) {
      setDeleting(message);
    },
    forward(message) {
      setForwarding(message);
    },
    jumpTo(messageId) {
      navigate(`/r/${roomId}/m/${messageId}`);
      setJumpNonce((n) => n + 1);
    },
    retry(txnId) {
      store.retry(txnId);
    },
    discard(txnId) {
      store.discard(txnId);
      focusComposer();
    },
    focusComposer,
  };

  const editLast = (): boolean => {
    const messages = store.state.messages(roomId);
    for (let i = messages.length - 1; i >= 0; i--) {
      const message = messages[i];
      if (message?.senderId !== me || message.deletedAt !== null) continue;
      if (message.forwardedFrom !== null || message.kind !== 'text') return false;
      setEditingId(message.id);
      return true;
    }
    return false;
  };

  const typingNames = store.typingIn(roomId).map((id) => store.nameOf(id));

  return (
    <div className="room">
      <RoomHeader snapshot={snapshot} title={title} peerId={peerId} />
      <MessageList
        roomId={roomId}
        messageId={props.messageId}
        jumpNonce={jumpNonce}
        editingId={editingId}
        canPost={canPost}
        canModerate={canModerate}
        actions={actions}
      />
      <div className="room-footer">
        <TypingIndicator names={typingNames} />
        {notice && (
          <p className="room-notice" aria-live="polite">
            {notice}
          </p>
        )}
        {canPost ? (
          <Composer
            roomId={roomId}
            replyTo={replyTo}
            onReplyChange={setReplyTo}
            textareaRef={composerRef}
            onEditLast={editLast}
            onSent={(result) => {
              showSent(roomId, result);
            }}
          />
        ) : (
          <p className="composer-closed">
            {readOnly
              ? 'Only admins can post in this channel'
              : `You are muted until ${new Date(membership.mutedUntil ?? '').toLocaleString()}`}
          </p>
        )}
      </div>
      {picking && (
        <EmojiPicker
          mine={picking.reactions.filter((r) => r.userIds.includes(me)).map((r) => r.emoji)}
          onPick={(emoji) => {
            actions.toggleReaction(picking, emoji);
            setPicking(null);
            focusComposer();
          }}
          onClose={() => {
            setPicking(null);
          }}
        />
      )}
      {deleting && (
        <DeleteDialog
          roomId={roomId}
          message={deleting}
          onDone={() => {
            setDeleting(null);
            if (editingId === deleting.id) setEditingId(null);
            focusComposer();
          }}
        />
      )}
      {forwarding && (
        <ForwardDialog
          message={forwarding}
          onClose={() => {
            setForwarding(null);
          }}
          onForward={(target, targetTitle) => {
            store.send(target, { forwardOf: forwarding.id }).then(
              (result) => {
                showSent(target, result);
              },
              () => undefined,
            );
            setForwarding(null);
            setNotice(`Forwarded to ${targetTitle}`);
            focusComposer();
          }}
        />
      )}
    </div>
  );
}
