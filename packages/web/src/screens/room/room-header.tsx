import type { ReactNode } from 'react';
import type { RoomSnapshot } from '@natter/client';
import { Link } from '../../app/router.tsx';
import { useStore } from '../../app/store-context.tsx';
import { Avatar } from '../../ui/side-kit.tsx';
import { RoomIcon } from '../../ui/room-icons.tsx';

/** The room's title bar: who or what it is, and the way to its settings (and, on a phone, back). */
export function RoomHeader(props: { snapshot: RoomSnapshot; title: string; peerId: string | null }): ReactNode {
  const store = useStore();
  const { snapshot, title, peerId } = props;
  const room = snapshot.room;
  let subtitle: ReactNode = null;
  if (room?.kind === 'direct') {
    const online = peerId !== null && store.state.online(peerId) === true;
    const username = store.user(peerId)?.username;
    subtitle = (
      <span className="room-subtitle">
        <span className={online ? 'presence online' : 'presence'} aria-hidden="true" />
        {online ? 'Online' : 'Offline'}
        {username ? ` · @${username}` : ''}
      </span>
    );
  } else if (room) {
    const count = room.memberCount;
    subtitle = (
      <span className="room-subtitle">
        <span className="room-kind">{room.kind === 'channel' ? 'Channel' : 'Group'}</span>
        {' · '}
        {count === 1 ? '1 member' : `${count} members`}
        {room.topic !== '' && (
          <>
            {' · '}
            <span className="room-topic" title={room.topic}>
              {room.topic}
            </span>
          </>
        )}
      </span>
    );
  }
  return (
    <header className="room-header">
      <Link to="/" className="room-back" aria-label="Back to rooms">
        <RoomIcon name="back" />
      </Link>
      {room?.kind === 'direct' && peerId !== null ? (
        <Avatar id={peerId} name={title} online={store.state.online(peerId) === true} />
      ) : (
        <Avatar id={snapshot.id} name={title} square />
      )}
      <div className="room-titles">
        <h1>{title}</h1>
        {subtitle}
      </div>
      <Link to={`/r/${snapshot.id}/settings`} className="room-settings-link" aria-label="Room settings">
        <RoomIcon name="settings" />
      </Link>
    </header>
  );
}
