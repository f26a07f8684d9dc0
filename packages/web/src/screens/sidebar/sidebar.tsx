import type { Message } from '@natter/client';
import { useState, type MouseEvent, type ReactNode } from 'react';
import type { ChatStore, RoomListing } from '../../app/chat-store.ts';
import { match, navigate, useLocation } from '../../app/router.tsx';
import { useStore } from '../../app/store-context.tsx';
import { shortAgo } from '../../ui/format.ts';
import { Avatar, relationsOf } from '../../ui/side-kit.tsx';
import './sidebar.css';

/** The room the location shows, if any (a room, a message in it, or its settings). */
function openRoomId(path: string): string | null {
  const params =
    match('/r/:roomId', path) ?? match('/r/:roomId/m/:messageId', path) ?? match('/r/:roomId/settings', path);
  return params?.roomId ?? null;
}

/** An in-app link that takes any anchor attributes (the router's Link takes a few). */
function NavLink(props: {
  to: string;
  className?: string;
  current?: boolean;
  children: ReactNode;
  'aria-label'?: string;
  'aria-describedby'?: string;
  title?: string;
}): ReactNode {
  const { to, current, children, ...rest } = props;
  const follow = (event: MouseEvent<HTMLAnchorElement>) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(to);
  };
  return (
    <a href={to} onClick={follow} aria-current={current ? 'page' : undefined} {...rest}>
      {children}
    </a>
  );
}

/** What the list shows of a room's latest message. */
function preview(store: ChatStore, listing: RoomListing): string {
  const last: Message | undefined = listing.snapshot.messages.at(-1);
  if (!last) return listing.kind === 'channel' ? 'Channel' : listing.kind === 'group' ? 'Group' : 'No messages yet';
  let text: string;
  if (last.deletedAt !== null) text = 'This message was deleted';
  else if (last.kind === 'file' && last.file) text = `📎 ${last.file.name}`;
  else if (last.body.trim() !== '') text = last.body.replace(/\s+/g, ' ').trim();
  else if (last.forwardedFrom) text = 'Forwarded message';
  else text = 'Message';
  if (last.forwardedFrom && last.deletedAt === null) text = `↪ ${text}`;
  if (last.senderId === store.me.id) return `You: ${text}`;
  if (listing.kind !== 'direct' && last.senderId !== null) return `${store.nameOf(last.senderId)}: ${text}`;
  return text;
}

function RoomEntry(props: { store: ChatStore; listing: RoomListing; current: boolean }): ReactNode {
  const { store, listing, current } = props;
  const room = listing.snapshot.room;
  const id = listing.snapshot.id;
  const online = listing.peerId ? (store.state.online(listing.peerId) ?? false) : undefined;
  const last = listing.snapshot.messages.at(-1);
  const when = last?.createdAt ?? room?.createdAt ?? null;
  const unread = current ? 0 : listing.unread;
  const classes = ['room-entry'];
  if (current) classes.push('current');
  if (unread > 0) classes.push('unread');
  return (
    <li>
      <NavLink to={`/r/${encodeURIComponent(id)}`} className={classes.join(' ')} current={current}>
        <Avatar name={listing.title} id={listing.peerId ?? id} square={listing.kind !== 'direct'} online={online} />
        <span className="room-entry-main">
          <span className="room-entry-top">
            <span className="room-entry-title">
              {listing.kind === 'channel' && (
                <span className="room-entry-kind" aria-hidden="true">
                  #
                </span>
              )}
              {listing.title}
            </span>
            {online !== undefined && <span className="visually-hidden">{online ? ', online' : ', offline'}</span>}
            {when && (
              <time className="room-entry-time" dateTime={when}>
                {shortAgo(when)}
              </time>
            )}
          </span>
          <span className="room-entry-bottom">
            <span className="room-entry-preview">{preview(store, listing)}</span>
            {unread > 0 && (
              <span className="unread-badge" aria-label={`${String(unread)} unread`}>
                {unread > 99 ? '99+' : unread}
              </span>
            )}
          </span>
        </span>
      </NavLink>
    </li>
  );
}

const sections: { kind: RoomListing['kind']; heading: string }[] = [
  { kind: 'direct', heading: 'Direct messages' },
  { kind: 'group', heading: 'Groups' },
  { kind: 'channel', heading: 'Channels' },
];

/** The room list beside every page (the home page on a phone). */
export function Sidebar(): ReactNode {
  const store = useStore();
  const location = useLocation();
  const path = location.split('?', 1)[0] ?? '/';
  const currentId = openRoomId(path);
  const [filter, setFilter] = useState('');
  const rooms = store.rooms();
  const needle = filter.trim().toLowerCase();
  const shown = needle === '' ? rooms : rooms.filter((l) => l.title.toLowerCase().includes(needle));
  const requests = relationsOf(store).incoming.size;
  const myName = store.me.displayName || store.me.username;
  return (
    <aside className="sidebar">
      <header className="side-top">
        <span className="brand side-brand">
          <span className="logo" aria-hidden="true">
            N
          </span>
          Natter
        </span>
        <NavLink
          to="/profile"
          className="side-me"
          aria-label="Profile"
          title={`${myName} (@${store.me.username})`}
          current={path === '/profile'}
        >
          <span className="side-me-name" aria-hidden="true">
            {myName}
          </span>
          <Avatar name={myName} id={store.me.id} size="small" />
        </NavLink>
      </header>
      <div className="side-actions">
        <NavLink to="/new" className="side-action primary" current={path === '/new'}>
          <span aria-hidden="true" className="side-action-icon">
            +
          </span>
          New conversation
        </NavLink>
        <div className="side-action-row">
          <NavLink to="/join" className="side-action" current={path === '/join'}>
            Join by code
          </NavLink>
          <NavLink
            to="/contacts"
            className="side-action"
            current={path === '/contacts'}
            aria-describedby={requests > 0 ? 'side-requests' : undefined}
          >
            Contacts
            {requests > 0 && (
              <span className="unread-badge" aria-hidden="true">
                {requests}
              </span>
            )}
          </NavLink>
        </div>
        <NavLink to="/search" className="side-action side-search" current={path === '/search'}>
          <span aria-hidden="true" className="side-search-icon" />
          Search messages
        </NavLink>
        {requests > 0 && (
          <span id="side-requests" className="visually-hidden">
            {requests === 1 ? '1 contact request' : `${String(requests)} contact requests`}
          </span>
        )}
      </div>
      {rooms.length > 5 && (
        <div className="side-filter">
          <input
            type="search"
            aria-label="Filter rooms"
            placeholder="Filter rooms"
            value={filter}
            onChange={(e) => {
              setFilter(e.target.value);
            }}
            onKeyDown={(e) => {
              if (e.key === 'Escape') setFilter('');
            }}
          />
        </div>
      )}
      <nav aria-label="Rooms" className="side-rooms">
        {!store.ready && rooms.length === 0 && (
          <p className="side-note" role="status">
            Loading conversations…
          </p>
        )}
        {store.ready && rooms.length === 0 && (
          <div className="side-note">
            <p>No conversations yet.</p>
            <p>Start one with “New conversation”, or join a room by its code.</p>
          </div>
        )}
        {rooms.length > 0 && shown.length === 0 && <p className="side-note">No rooms match “{filter.trim()}”.</p>}
        {sections.map(({ kind, heading }) => {
          const list = shown.filter((l) => l.kind === kind);
          if (list.length === 0) return null;
          return (
            <section key={kind} className="side-section">
              <h2 id={`side-h-${kind}`}>{heading}</h2>
              <ul>
                {list.map((listing) => (
                  <RoomEntry
                    key={listing.snapshot.id}
                    store={store}
                    listing={listing}
                    current={listing.snapshot.id === currentId}
                  />
                ))}
              </ul>
            </section>
          );
        })}
      </nav>
    </aside>
  );
}
