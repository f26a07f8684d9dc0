import { limits, type Room } from '@natter/client';
import { useState, type ReactNode, type SyntheticEvent } from 'react';
import type { ChatStore } from '../../app/chat-store.ts';
import { CopyButton, ErrorLine, useAction } from '../../ui/side-kit.tsx';

/** Name, topic and visibility: a form for the owner and admins, plain text for everyone else. */
export function Details(props: {
  store: ChatStore;
  room: Room;
  canEdit: boolean;
  onSaved: (room: Room) => void;
}): ReactNode {
  const { store, room, canEdit } = props;
  const [name, setName] = useState(room.name);
  const [topic, setTopic] = useState(room.topic);
  const [isPublic, setPublic] = useState(room.visibility === 'public');
  const [saved, setSaved] = useState(false);
  const action = useAction();
  // Someone else's change (an event) shows up when this form has no edits of its own.
  const [base, setBase] = useState(room);
  if (base.name !== room.name || base.topic !== room.topic || base.visibility !== room.visibility) {
    if (name === base.name) setName(room.name);
    if (topic === base.topic) setTopic(room.topic);
    if (isPublic === (base.visibility === 'public')) setPublic(room.visibility === 'public');
    setBase(room);
  }
  if (!canEdit) {
    return (
      <section className="side-card">
        <h2>About</h2>
        <dl className="settings-readonly">
          <dt>Name</dt>
          <dd>{room.name}</dd>
          <dt>Topic</dt>
          <dd>{room.topic || 'No topic'}</dd>
          <dt>Visibility</dt>
          <dd>{room.visibility === 'public' ? 'Public (listed in the directory)' : 'Private'}</dd>
        </dl>
        <p className="hint">Only the owner and admins change these.</p>
      </section>
    );
  }
  const save = (event: SyntheticEvent) => {
    event.preventDefault();
    setSaved(false);
    if (name.trim() === '') {
      action.setError('The room needs a name.');
      return;
    }
    action.run(
      async () => {
        const updated = await store.connection.call('updateRoom', {
          params: { roomId: room.id },
          body: { name: name.trim(), topic: topic.trim(), visibility: isPublic ? 'public' : 'private' },
        });
        store.state.applyRoom(room.id, updated);
        store.changed();
        props.onSaved(updated);
      },
      () => {
        setSaved(true);
      },
    );
  };
  return (
    <form className="side-card" onSubmit={save} noValidate>
      <h2>About</h2>
      <div className="field">
        <label htmlFor="settings-name">Name</label>
        <input
          id="settings-name"
          value={name}
          maxLength={limits.roomNameMax}
          autoComplete="off"
          onChange={(e) => {
            setName(e.target.value);
            setSaved(false);
          }}
        />
      </div>
      <div className="field">
        <label htmlFor="settings-topic">Topic</label>
        <textarea
          id="settings-topic"
          rows={2}
          value={topic}
          maxLength={limits.roomTopicMax}
          onChange={(e) => {
            setTopic(e.target.value);
            setSaved(false);
          }}
        />
      </div>
      <div className="side-check">
        <input
          id="settings-public"
          type="checkbox"
          checked={isPublic}
          onChange={(e) => {
            setPublic(e.target.checked);
            setSaved(false);
          }}
        />
        <label htmlFor="settings-public">Public (listed in the directory)</label>
      </div>
      <ErrorLine error={action.error} />
      <div className="side-inline">
        <button type="submit" className="primary" disabled={action.busy}>
          Save
        </button>
        <span role="status" className="hint">
          {saved ? 'Saved.' : ''}
        </span>
      </div>
    </form>
  );
}

/** The password and join code: the owner sets, changes or removes it; admins see the code. */
export function Password(props: {
  store: ChatStore;
  room: Room;
  isOwner: boolean;
  onChanged: (room: Room) => void;
}): ReactNode {
  const { store, room, isOwner } = props;
  const [password, setPassword] = useState('');
  const [done, setDone] = useState<string | null>(null);
  const action = useAction();
  const apply = (next: string | null) => {
    setDone(null);
    if (next !== null && next.length < limits.passwordMin) {
      action.setError(`The room password needs at least ${String(limits.passwordMin)} characters.`);
      return;
    }
    action.run(
      async () => {
        const updated = await store.connection.call('setRoomPassword', {
          params: { roomId: room.id },
          body: { password: next },
        });
        store.state.applyRoom(room.id, updated);
        store.changed();
        props.onChanged(updated);
      },
      () => {
        setPassword('');
        setDone(next === null ? 'Password removed.' : 'Password set. The join code changed: share the new one.');
      },
    );
  };
  if (!isOwner && !room.joinCode) {
    if (!room.hasPassword) return null;
    return (
      <section className="side-card">
        <h2>Password</h2>
        <p className="side-empty">People join this room with a join code and a password.</p>
      </section>
    );
  }
  return (
    <section className="side-card">
      <h2>Password and join code</h2>
      {room.hasPassword && room.joinCode ? (
        <>
          <p>People join with this code and the room password:</p>
          <div className="side-inline">
            <code className="side-code" aria-label="Join code">
              {room.joinCode}
            </code>
            <CopyButton text={room.joinCode} label="Copy code" />
          </div>
        </>
      ) : (
        <p className="side-empty">
          No password: people join when invited{room.visibility === 'public' ? ' or from the directory' : ''}.
        </p>
      )}
      {isOwner && (
        <form
          className="settings-password"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            apply(password);
          }}
        >
          <div className="field">
            <label htmlFor="settings-password">{room.hasPassword ? 'New room password' : 'Room password'}</label>
            <input
              id="settings-password"
              type="password"
              autoComplete="new-password"
              value={password}
              maxLength={limits.passwordMax}
              onChange={(e) => {
                setPassword(e.target.value);
              }}
            />
            <p className="hint">
              At least {limits.passwordMin} characters.{' '}
              {room.hasPassword && 'Changing it also gives the room a new join code.'}
            </p>
          </div>
          <ErrorLine error={action.error} />
          <div className="settings-actions">
            <button type="submit" className="primary" disabled={action.busy}>
              {room.hasPassword ? 'Change password' : 'Set password'}
            </button>
            {room.hasPassword && (
              <button
                type="button"
                disabled={action.busy}
                onClick={() => {
                  apply(null);
                }}
              >
                Remove password
              </button>
            )}
          </div>
          <p role="status" className="hint">
            {done ?? ''}
          </p>
        </form>
      )}
    </section>
  );
}
