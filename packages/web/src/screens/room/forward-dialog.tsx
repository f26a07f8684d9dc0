import { useState, type ReactNode } from 'react';
import type { Message } from '@natter/client';
import { useStore } from '../../app/store-context.tsx';
import { RoomDialog } from '../../ui/room-dialog.tsx';

const kindLabel = { direct: 'Direct message', group: 'Group', channel: 'Channel' } as const;

/** "Forward to": the rooms the user may post in, newest activity first, with a filter. */
export function ForwardDialog(props: {
  message: Message;
  onForward: (roomId: string, title: string) => void;
  onClose: () => void;
}): ReactNode {
  const store = useStore();
  const [filter, setFilter] = useState('');
  const wanted = filter.trim().toLowerCase();
  const rooms = store
    .rooms()
    .filter((l) => l.kind !== 'channel' || l.snapshot.membership?.role !== 'member')
    .filter((l) => wanted === '' || l.title.toLowerCase().includes(wanted));
  return (
    <RoomDialog label="Forward to" onClose={props.onClose} className="forward-dialog">
      <p className="forward-preview">{props.message.body}</p>
      <input
        type="search"
        aria-label="Filter rooms"
        placeholder="Filter rooms"
        autoFocus
        value={filter}
        onChange={(event) => {
          setFilter(event.target.value);
        }}
      />
      <ul className="forward-list">
        {rooms.map((listing) => (
          <li key={listing.snapshot.id}>
            <button
              type="button"
              onClick={() => {
                props.onForward(listing.snapshot.id, listing.title);
              }}
            >
              <span className="forward-title">{listing.title}</span>
              <span className="forward-kind" aria-hidden="true">
                {kindLabel[listing.kind]}
              </span>
            </button>
          </li>
        ))}
        {rooms.length === 0 && <li className="hint">No rooms to forward to.</li>}
      </ul>
    </RoomDialog>
  );
}
