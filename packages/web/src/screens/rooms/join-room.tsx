import type { MyRoom, Room } from '@natter/client';
import { useEffect, useState, type ReactNode, type SyntheticEvent } from 'react';
import type { ChatStore } from '../../app/chat-store.ts';
import { navigate } from '../../app/router.tsx';
import { useStore } from '../../app/store-context.tsx';
import { Avatar, ErrorLine, friendlyError, useAction, PhoneHome } from '../../ui/side-kit.tsx';
import './rooms.css';

/** Puts a joined room in the state and goes to it. */
function enter(store: ChatStore, answer: MyRoom): void {
  store.applyMyRoom(answer);
  store.changed();
  navigate(`/r/${encodeURIComponent(answer.room.id)}`);
}

function DirectoryEntry(props: { store: ChatStore; room: Room }): ReactNode {
  const { store, room } = props;
  const action = useAction();
  const member = store.state.room(room.id)?.membership != null;
  return (
    <li className="side-row">
      <Avatar name={room.name} id={room.id} square />
      <span className="side-person">
        <span className="side-person-name">
          {room.kind === 'channel' ? '# ' : ''}
          {room.name}
        </span>
        <span className="side-person-handle">
          {room.kind === 'channel' ? 'Channel' : 'Group'} · {room.memberCount}{' '}
          {room.memberCount === 1 ? 'member' : 'members'}
          {room.topic && ` · ${room.topic}`}
        </span>
      </span>
      <span className="side-row-actions">
        {member ? (
          <button
            type="button"
            aria-label={`Open ${room.name}`}
            onClick={() => {
              navigate(`/r/${encodeURIComponent(room.id)}`);
            }}
          >
            Open
          </button>
        ) : (
          <button
            type="button"
            className="primary"
            disabled={action.busy}
            aria-label={`Join ${room.name}`}
            onClick={() => {
              action.run(async () => {
                enter(store, await store.connection.call('joinRoom', { params: { roomId: room.id } }));
              });
            }}
          >
            Join
          </button>
        )}
      </span>
      {action.error && (
        <span className="contacts-error" role="alert">
          {action.error}
        </span>
      )}
    </li>
  );
}

/** The public rooms, searchable by name, paged. */
function Directory(props: { store: ChatStore }): ReactNode {
  const { store } = props;
  const [query, setQuery] = useState('');
  const [rooms, setRooms] = useState<Room[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);

  useEffect(() => {
    let current = true;
    setLoading(true);
    const q = query.trim().slice(0, 64);
    const timer = setTimeout(
      () => {
        store.connection.call('roomDirectory', { query: { ...(q ? { q } : {}), limit: 20 } }).then(
          (page) => {
            if (!current) return;
            setRooms(page.rooms);
            setNext(page.nextAfter);
            setError(null);
            setLoading(false);
          },
          (e: unknown) => {
            if (!current) return;
            setError(friendlyError(e));
            setLoading(false);
          },
        );
      },
      q === '' ? 0 : 250,
    );
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [query, store]);

  const more = () => {
    if (next === null) return;
    setLoading(true);
    const q = query.trim().slice(0, 64);
    store.connection.call('roomDirectory', { query: { ...(q ? { q } : {}), after: next, limit: 20 } }).then(
      (page) => {
        setRooms([...(rooms ?? []), ...page.rooms]);
        setNext(page.nextAfter);
        setLoading(false);
      },
      (e: unknown) => {
        setError(friendlyError(e));
        setLoading(false);
      },
    );
  };

  return (
    <section className="side-card">
      <h2 id="directory-heading">Public rooms</h2>
      <input
        type="search"
        aria-label="Search public rooms"
        placeholder="Search public rooms by name"
        value={query}
        maxLength={64}
        onChange={(e) => {
          setQuery(e.target.value);
        }}
      />
      <ErrorLine error={error} />
      {rooms !== null && rooms.length === 0 && !loading && (
        <p className="side-empty">{query.trim() ? 'No public rooms match.' : 'No public rooms yet.'}</p>
      )}
      {rooms !== null && rooms.length > 0 && (
        <ul className="side-list" aria-label="Public rooms">
          {rooms.map((room) => (
            <DirectoryEntry key={room.id} store={store} room={room} />
          ))}
        </ul>
      )}
      {next !== null && (
        <button type="button" onClick={more} disabled={loading}>
          Show more
        </button>
      )}
    </section>
  );
}

/** Join a room: by join code and password, or from the directory of public rooms. */
export function JoinRoom(): ReactNode {
  const store = useStore();
  const [code, setCode] = useState('');
  const [password, setPassword] = useState('');
  const action = useAction();

  const join = (event: SyntheticEvent) => {
    event.preventDefault();
    if (code.trim() === '' || password === '') {
      action.setError('Enter both the join code and the room password.');
      return;
    }
    action.run(async () => {
      enter(store, await store.connection.call('joinByCode', { body: { code: code.trim(), password } }));
    });
  };

  return (
    <div className="page-content rooms-page">
      <PhoneHome />
      <h1>Join a room</h1>
      <form className="side-card" onSubmit={join} noValidate>
        <h2 id="by-code-heading">With a join code</h2>
        <p className="hint join-hint">The room’s owner or an admin can give you its code and password.</p>
        <div className="field">
          <label htmlFor="join-code">Join code</label>
          <input
            id="join-code"
            value={code}
            maxLength={32}
            autoComplete="off"
            autoCapitalize="off"
            spellCheck={false}
            autoFocus
            onChange={(e) => {
              setCode(e.target.value);
            }}
          />
        </div>
        <div className="field">
          <label htmlFor="join-password">Room password</label>
          <input
            id="join-password"
            type="password"
            value={password}
            autoComplete="off"
            onChange={(e) => {
              setPassword(e.target.value);
            }}
          />
        </div>
        <ErrorLine error={action.error} />
        <button type="submit" className="primary" disabled={action.busy}>
          Join
        </button>
      </form>
      <Directory store={store} />
    </div>
  );
}
