import { limits, type SessionInfo } from '@natter/client';
import { useCallback, useEffect, useState, type ReactNode, type SyntheticEvent } from 'react';
import type { ChatStore } from '../../app/chat-store.ts';
import { useStore } from '../../app/store-context.tsx';
import { shortAgo } from '../../ui/format.ts';
import { Avatar, ErrorLine, useAction, PhoneHome } from '../../ui/side-kit.tsx';
import './profile.css';

function when(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** A short name for a browser from its user agent, when the session has no label. */
function browserOf(userAgent: string | null): string {
  if (!userAgent) return 'Unknown device';
  const browser = /Firefox\//.test(userAgent)
    ? 'Firefox'
    : /Edg\//.test(userAgent)
      ? 'Edge'
      : /Chrom/.test(userAgent)
        ? 'Chrome'
        : /Safari\//.test(userAgent)
          ? 'Safari'
          : /natter|node/i.test(userAgent)
            ? 'Natter client'
            : 'Browser';
  return browser;
}

function ProfileForm(props: { store: ChatStore }): ReactNode {
  const { store } = props;
  const [displayName, setDisplayName] = useState(store.me.displayName);
  const [bio, setBio] = useState(store.me.bio);
  const [saved, setSaved] = useState(false);
  const action = useAction();
  const save = (event: SyntheticEvent) => {
    event.preventDefault();
    setSaved(false);
    if (displayName.trim() === '') {
      action.setError('Your display name cannot be empty.');
      return;
    }
    action.run(
      async () => {
        const me = await store.client.updateMe({ displayName: displayName.trim(), bio });
        store.me = me;
        store.changed();
      },
      () => {
        setSaved(true);
      },
    );
  };
  return (
    <form className="side-card" onSubmit={save} noValidate>
      <h2>About you</h2>
      <div className="field">
        <label htmlFor="profile-name">Display name</label>
        <input
          id="profile-name"
          value={displayName}
          maxLength={limits.displayNameMax}
          autoComplete="name"
          onChange={(e) => {
            setDisplayName(e.target.value);
            setSaved(false);
          }}
        />
      </div>
      <div className="field">
        <label htmlFor="profile-bio">Bio</label>
        <textarea
          id="profile-bio"
          rows={3}
          value={bio}
          maxLength={limits.bioMax}
          aria-describedby="profile-bio-hint"
          onChange={(e) => {
            setBio(e.target.value);
            setSaved(false);
          }}
        />
        <p className="hint" id="profile-bio-hint">
          Anyone on this server can see your display name and bio. {bio.length}/{limits.bioMax}
        </p>
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

function PasswordForm(props: { store: ChatStore; onChanged: () => void }): ReactNode {
  const { store } = props;
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [done, setDone] = useState(false);
  const action = useAction();
  const change = (event: SyntheticEvent) => {
    event.preventDefault();
    setDone(false);
    if (current === '') {
      action.setError('Enter your current password.');
      return;
    }
    if (next.length < limits.passwordMin) {
      action.setError(`The new password needs at least ${String(limits.passwordMin)} characters.`);
      return;
    }
    action.run(
      () => store.client.changePassword({ currentPassword: current, newPassword: next }),
      () => {
        setCurrent('');
        setNext('');
        setDone(true);
        props.onChanged();
      },
    );
  };
  return (
    <form className="side-card" onSubmit={change} noValidate>
      <h2>Change password</h2>
      {/* A hidden username helps password managers file the new password under the right account. */}
      <input
        type="text"
        className="visually-hidden"
        autoComplete="username"
        value={store.me.username}
        readOnly
        tabIndex={-1}
        aria-hidden="true"
      />
      <div className="field">
        <label htmlFor="profile-current">Current password</label>
        <input
          id="profile-current"
          type="password"
          autoComplete="current-password"
          value={current}
          onChange={(e) => {
            setCurrent(e.target.value);
          }}
        />
      </div>
      <div className="field">
        <label htmlFor="profile-new">New password</label>
        <input
          id="profile-new"
          type="password"
          autoComplete="new-password"
          value={next}
          maxLength={limits.passwordMax}
          aria-describedby="profile-new-hint"
          onChange={(e) => {
            setNext(e.target.value);
          }}
        />
        <p className="hint" id="profile-new-hint">
          At least {limits.passwordMin} characters. Your other devices are signed out; this one stays signed in.
        </p>
      </div>
      <ErrorLine error={action.error} />
      <div className="side-inline">
        <button type="submit" className="primary" disabled={action.busy}>
          Change password
        </button>
        <span role="status" className="hint">
          {done ? 'Password changed. Other devices were signed out.' : ''}
        </span>
      </div>
    </form>
  );
}

function SessionRow(props: { store: ChatStore; session: SessionInfo; onRevoked: () => void }): ReactNode {
  const { store, session } = props;
  const action = useAction();
  const label = session.deviceLabel ?? browserOf(session.userAgent);
  return (
    <li className="side-row session">
      <span className="side-person">
        <span className="side-person-name">
          {label}
          {session.current && <span className="side-tag accent">This device</span>}
        </span>
        {session.userAgent && <span className="session-ua">{session.userAgent}</span>}
        <span className="side-person-handle">
          {session.ip ? `${session.ip} · ` : ''}Signed in {when(session.createdAt)} · Last seen{' '}
          {shortAgo(session.lastUsedAt) === 'now' ? 'just now' : `${shortAgo(session.lastUsedAt)} ago`}
        </span>
      </span>
      {!session.current && (
        <span className="side-row-actions">
          <button
            type="button"
            className="danger"
            disabled={action.busy}
            aria-label={`Sign out ${label}`}
            onClick={() => {
              action.run(() => store.client.revokeSession({ sessionId: session.id }), props.onRevoked);
            }}
          >
            Sign out
          </button>
        </span>
      )}
      {action.error && (
        <span className="contacts-error" role="alert">
          {action.error}
        </span>
      )}
    </li>
  );
}

function Sessions(props: { store: ChatStore; version: number; reload: () => void }): ReactNode {
  const { store, version, reload } = props;
  const [sessions, setSessions] = useState<SessionInfo[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<string | null>(null);
  const others = useAction();
  useEffect(() => {
    let current = true;
    store.client.listSessions().then(
      (answer) => {
        if (!current) return;
        const sorted = [...answer.sessions].sort(
          (a, b) => Number(b.current) - Number(a.current) || b.lastUsedAt.localeCompare(a.lastUsedAt),
        );
        setSessions(sorted);
        setError(null);
      },
      (e: unknown) => {
        if (current) setError(e instanceof Error ? e.message : 'Could not load your sessions.');
      },
    );
    return () => {
      current = false;
    };
  }, [store, version]);
  const otherCount = sessions?.filter((s) => !s.current).length ?? 0;
  return (
    <section className="side-card">
      <h2>Sessions</h2>
      <p className="hint session-intro">Devices signed in to your account.</p>
      <ErrorLine error={error} />
      {sessions === null && !error && <p className="side-empty">Loading…</p>}
      {sessions !== null && (
        <ul className="side-list" aria-label="Sessions">
          {sessions.map((session) => (
            <SessionRow key={session.id} store={store} session={session} onRevoked={reload} />
          ))}
        </ul>
      )}
      {otherCount > 0 && (
        <button
          type="button"
          className="danger"
          disabled={others.busy}
          onClick={() => {
            setResult(null);
            others.run(async () => {
              const answer = await store.client.revokeOtherSessions();
              setResult(
                answer.revoked === 1
                  ? 'Signed out 1 other device.'
                  : `Signed out ${String(answer.revoked)} other devices.`,
              );
            }, reload);
          }}
        >
          Sign out other devices
        </button>
      )}
      <ErrorLine error={others.error} />
      <p role="status" className="hint">
        {result ?? ''}
      </p>
    </section>
  );
}

/** Profile: display name and bio, password, signed-in devices, sign out. */
export function Profile(): ReactNode {
  const store = useStore();
  const [version, setVersion] = useState(0);
  const reload = useCallback(() => {
    setVersion((v) => v + 1);
  }, []);
  const signOut = useAction();
  const name = store.me.displayName || store.me.username;
  return (
    <div className="page-content profile">
      <PhoneHome />
      <h1>Profile</h1>
      <div className="profile-head">
        <Avatar name={name} id={store.me.id} size="large" />
        <div>
          <div className="profile-name">{name}</div>
          <div className="side-person-handle">
            @{store.me.username} · {store.me.email}
          </div>
        </div>
        <div className="profile-signout">
          <button
            type="button"
            disabled={signOut.busy}
            onClick={() => {
              signOut.run(() => store.client.logout());
            }}
          >
            Sign out
          </button>
        </div>
      </div>
      <ErrorLine error={signOut.error} />
      <ProfileForm store={store} />
      <PasswordForm store={store} onChanged={reload} />
      <Sessions store={store} version={version} reload={reload} />
      <section className="side-card">
        <h2>Appearance</h2>
        <p className="side-empty">Natter follows your system’s light or dark setting.</p>
      </section>
    </div>
  );
}
