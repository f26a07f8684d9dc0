import { useState, type ReactNode } from 'react';
import type { Message } from '@natter/client';
import { describeError } from '../../app/chat-store.ts';
import { useStore } from '../../app/store-context.tsx';
import { RoomDialog } from '../../ui/room-dialog.tsx';

/** Asks before deleting a message; everyone in the room then sees "This message was deleted". */
export function DeleteDialog(props: { roomId: string; message: Message; onDone: () => void }): ReactNode {
  const store = useStore();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const own = props.message.senderId === store.me.id;
  const confirm = () => {
    setBusy(true);
    setError(null);
    store.connection
      .call('deleteMessage', { params: { roomId: props.roomId, messageId: props.message.id } })
      .then(props.onDone, (e: unknown) => {
        setBusy(false);
        setError(describeError(e));
      });
  };
  return (
    <RoomDialog label="Delete message?" onClose={props.onDone} className="delete-dialog">
      <p>
        {own
          ? 'Delete this message for everyone in the conversation? This cannot be undone.'
          : `Delete this message by ${store.nameOf(props.message.senderId)} for everyone? This cannot be undone.`}
      </p>
      <blockquote className="delete-preview">{props.message.body}</blockquote>
      {error && <p className="form-error">{error}</p>}
      <div className="dialog-buttons">
        <button type="button" onClick={props.onDone}>
          Cancel
        </button>
        <button type="button" className="danger" onClick={confirm} disabled={busy} autoFocus>
          Delete message
        </button>
      </div>
    </RoomDialog>
  );
}
