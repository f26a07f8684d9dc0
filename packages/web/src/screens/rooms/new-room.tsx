import { limits, type MyRoom, type PublicUser } from '@natter/client';
import { useEffect, useRef, useState, type ReactNode, type SyntheticEvent } from 'react';
import { navigate, queryParam, useLocation } from '../../app/router.tsx';
import { useStore } from '../../app/store-context.tsx';
import {
  Avatar,
  CopyButton,
  ErrorLine,
  openDirect,
  PeopleSearch,
  PersonName,
  useAction,
  PhoneHome,
} from '../../ui/side-kit.tsx';
import './rooms.css';

type Kind = 'direct' | 'group' | 'channel';

const kinds: { kind: Kind; label: string; hint: string }[] = [
  { kind: 'direct', label: 'Direct message', hint: 'A private conversation with one person.' },
  { kind: 'group', label: 'Group', hint: 'Everyone in it can post.' },
  { kind: 'channel', label: 'Channel', hint: 'Owner and admins post; everyone else reads.' },
];

function kindFrom(location: string): Kind {
  const wanted = queryParam(location, 'kind');
  return wanted === 'group' || wanted === 'channel' ? wanted : 'direct';
}

/** After creating a password room: its join code, to share, before going in. */
function Created(props: { created: MyRoom }): ReactNode {
  const { room } = props.created;
  const openButton = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    openButton.current?.focus();
  }, []);
  return (
    <div className="page-content rooms-page">
      <PhoneHome />
      <h1>New conversation</h1>
      <section className="side-card">
        <h2 id="created-heading">“{room.name}” is ready</h2>
        {room.joinCode && (
          <>
            <p>Share this join code and the room password with the people you want in the room:</p>
            <div className="side-inline">
              <code className="side-code" aria-label="Join code">
                {room.joinCode}
              </code>
              <CopyButton text={room.joinCode} label="Copy code" />
            </div>
            <p className="hint">Owners and admins can see the code again in the room settings.</p>
          </>
        )}
        <p>
          <button
            type="button"
            className="primary"
            ref={openButton}
            onClick={() => {
              navigate(`/r/${encodeURIComponent(room.id)}`);
            }}
          >
            Open room
          </button>
        </p>
      </section>
    </div>
  );
}

/** New conversation: a direct message, a group or a channel (optionally protected by a password). */
export function NewRoom(): ReactNode {
  const store = useStore();
  const location = useLocation();
  const [kind, setKind] = useState<Kind>(() => kindFrom(location));
  const [name, setName] = useState('');
  const [topic, setTopic] = useState('');
  const [isPublic, setPublic] = useState(false);
  const [protect, setProtect] = useState(false);
  const [password, setPassword] = useState('');
  const [members, setMembers] = useState<PublicUser[]>([]);
  const [created, setCreated] = useState<MyRoom | null>(null);
  const action = useAction();
  const direct = useAction();

  // A link to /new?kind=… while already here switches the kind.
  useEffect(() => {
    setKind(kindFrom(location));
  }, [location]);

  if (created) return <Created created={created} />;

  const create = (event: SyntheticEvent) => {
    event.preventDefault();
    if (kind === 'direct') return;
    if (name.trim() === '') {
      action.setError('Give the room a name.');
      return;
    }
    if (protect && password.length < limits.passwordMin) {
      action.setError(`The room password needs at least ${String(limits.passwordMin)} characters.`);
      return;
    }
    action.run(async () => {
      const answer = await store.connection.call('createRoom', {
        body: {
          kind,
          name: name.trim(),
          ...(topic.trim() === '' ? {} : { topic: topic.trim() }),
          visibility: isPublic ? 'public' : 'private',
          ...(protect ? { password } : {}),
          ...(members.length > 0 ? { memberIds: members.map((m) => m.id) } : {}),
        },
      });
      store.applyMyRoom(answer);
      store.changed();
      if (answer.room.hasPassword) setCreated(answer);
      else navigate(`/r/${encodeURIComponent(answer.room.id)}`);
    });
  };

  return (
    <div className="page-content rooms-page">
      <PhoneHome />
      <h1>New conversation</h1>
      <form onSubmit={create} className="side-card" noValidate>
        <fieldset className="kind-picker">
          <legend>What kind?</legend>
          {kinds.map((k) => (
            <div key={k.kind} className={kind === k.kind ? 'kind-option chosen' : 'kind-option'}>
              <input
                id={`kind-${k.kind}`}
                type="radio"
                name="kind"
                value={k.kind}
                checked={kind === k.kind}
                aria-describedby={`kind-${k.kind}-hint`}
                onChange={() => {
                  setKind(k.kind);
                  action.setError(null);
                }}
              />
              <span className="kind-text">
                <label htmlFor={`kind-${k.kind}`} className="kind-label">
                  {k.label}
                </label>
                <span className="kind-hint" id={`kind-${k.kind}-hint`}>
                  {k.hint}
                </span>
              </span>
            </div>
          ))}
        </fieldset>

        {kind === 'direct' ? (
          <div className="direct-pick">
            <p className="hint">Find the person to write to, then pick them.</p>
            <PeopleSearch
              store={store}
              label="Search people"
              autoFocus
              person={(user) => (
                <button
                  type="button"
                  className="person-pick"
                  disabled={direct.busy}
                  aria-label={user.displayName || user.username}
                  aria-describedby={`pick-${user.id}`}
                  onClick={() => {
                    direct.run(() => openDirect(store, user.id));
                  }}
                >
                  <span className="side-person-name">{user.displayName || user.username}</span>
                  <span className="side-person-handle" id={`pick-${user.id}`}>
                    @{user.username}
                  </span>
                </button>
              )}
              actions={() => null}
            />
            <ErrorLine error={direct.error} />
          </div>
        ) : (
          <>
            <div className="field">
              <label htmlFor="new-name">Name</label>
              <input
                id="new-name"
                value={name}
                maxLength={limits.roomNameMax}
                required
                autoComplete="off"
                onChange={(e) => {
                  setName(e.target.value);
                }}
              />
            </div>
            <div className="field">
              <label htmlFor="new-topic">Topic</label>
              <input
                id="new-topic"
                value={topic}
                maxLength={limits.roomTopicMax}
                autoComplete="off"
                placeholder="What is it about? (optional)"
                onChange={(e) => {
                  setTopic(e.target.value);
                }}
              />
            </div>
            <div className="side-check">
              <input
                id="new-public"
                type="checkbox"
                aria-describedby="new-public-hint"
                checked={isPublic}
                onChange={(e) => {
                  setPublic(e.target.checked);
                }}
              />
              <span>
                <label htmlFor="new-public">Public (listed in the directory)</label>
                <span className="hint" id="new-public-hint">
                  Anyone on this server can find and join it.
                </span>
              </span>
            </div>
            <div className="side-check">
              <input
                id="new-protect"
                type="checkbox"
                aria-describedby="new-protect-hint"
                checked={protect}
                onChange={(e) => {
                  setProtect(e.target.checked);
                }}
              />
              <span>
                <label htmlFor="new-protect">Protect with a password</label>
                <span className="hint" id="new-protect-hint">
                  People join with a join code and this password.
                </span>
              </span>
            </div>
            {protect && (
              <div className="field indent">
                <label htmlFor="new-password">Room password</label>
                <input
                  id="new-password"
                  type="password"
                  autoComplete="new-password"
                  value={password}
                  minLength={limits.passwordMin}
                  maxLength={limits.passwordMax}
                  aria-describedby="new-password-hint"
                  onChange={(e) => {
                    setPassword(e.target.value);
                  }}
                />
                <p className="hint" id="new-password-hint">
                  At least {limits.passwordMin} characters.
                </p>
              </div>
            )}
            <div className="field">
              <span className="field-label" id="new-members-label">
                Members
              </span>
              {members.length > 0 && (
                <ul className="chips" aria-label="Chosen members">
                  {members.map((m) => (
                    <li key={m.id} className="chip">
                      <Avatar name={m.displayName || m.username} id={m.id} size="small" />
                      {m.displayName || m.username}
                      <button
                        type="button"
                        className="icon"
                        aria-label={`Remove ${m.displayName || m.username}`}
                        onClick={() => {
                          setMembers(members.filter((x) => x.id !== m.id));
                        }}
                      >
                        ×
                      </button>
                    </li>
                  ))}
                </ul>
              )}
              <PeopleSearch
                store={store}
                label="Add members"
                placeholder="Add people now (optional)"
                exclude={members.map((m) => m.id)}
                person={(user) => <PersonName user={user} />}
                actions={(user) => (
                  <button
                    type="button"
                    aria-label={`Add ${user.displayName || user.username}`}
                    onClick={() => {
                      if (members.length < limits.inviteMax) setMembers([...members, user]);
                    }}
                  >
                    Add
                  </button>
                )}
              />
            </div>
            <ErrorLine error={action.error} />
            <button type="submit" className="primary" disabled={action.busy}>
              {action.busy ? 'Creating…' : 'Create'}
            </button>
          </>
        )}
      </form>
    </div>
  );
}
