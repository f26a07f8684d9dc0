import { limits, type MemberSnapshot, type MyRoom, type PublicUser, type Room } from '@natter/client';
import { useCallback, useEffect, useId, useRef, useState, type ReactNode, type SyntheticEvent } from 'react';
import type { ChatStore } from '../../app/chat-store.ts';
import { Link, navigate } from '../../app/router.tsx';
import { useStore } from '../../app/store-context.tsx';
import {
  Avatar,
  CopyButton,
  ErrorLine,
  friendlyError,
  PeopleSearch,
  presenceText,
  useAction,
} from '../../ui/side-kit.tsx';
import './rooms.css';

type MemberRole = MemberSnapshot['role'];

const rank: Record<MemberRole, number> = { owner: 3, admin: 2, member: 1 };
const roleName: Record<MemberRole, string> = { owner: 'Owner', admin: 'Admin', member: 'Member' };
const memberPage = 100;

/**
 * An inline confirmation (an alert dialog in the page): focus moves to its Cancel button, Escape
 * or Cancel closes it and puts focus back on the button that opened it.
 */
function Confirm(props: {
  label: string;
  text: string;
  confirm: string;
  busy: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}): ReactNode {
  const cancel = useRef<HTMLButtonElement>(null);
  const textId = useId();
  useEffect(() => {
    cancel.current?.focus();
  }, []);
  return (
    <div
      className="side-confirm"
      role="alertdialog"
      aria-label={props.label}
      aria-describedby={textId}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.stopPropagation();
          props.onCancel();
        }
      }}
    >
      <p id={textId}>{props.text}</p>
      <div className="settings-actions">
        <button type="button" className="danger-solid" disabled={props.busy} onClick={props.onConfirm}>
          {props.confirm}
        </button>
        <button type="button" ref={cancel} onClick={props.onCancel}>
          Cancel
        </button>
      </div>
    </div>
  );
}

/** A button that asks first; focus returns to it when the question is dismissed. */
function ConfirmButton(props: {
  label: string;
  question: string;
  confirm: string;
  className?: string;
  describedBy?: string;
  busy: boolean;
  onConfirm: () => void;
}): ReactNode {
  const [asking, setAsking] = useState(false);
  const trigger = useRef<HTMLButtonElement>(null);
  const refocus = useRef(false);
  useEffect(() => {
    if (!asking && refocus.current) {
      refocus.current = false;
      trigger.current?.focus();
    }
  }, [asking]);
  if (asking)
    return (
      <Confirm
        label={`${props.label}?`}
        text={props.question}
        confirm={props.confirm}
        busy={props.busy}
        onConfirm={props.onConfirm}
        onCancel={() => {
          refocus.current = true;
          setAsking(false);
        }}
      />
    );
  return (
    <button
      type="button"
      ref={trigger}
      className={props.className}
      aria-describedby={props.describedBy}
      disabled={props.busy}
      onClick={() => {
        setAsking(true);
      }}
    >
      {props.label}
    </button>
  );
}

/** Name, topic and visibility: a form for the owner and admins, plain text for everyone else. */
function Details(props: { store: ChatStore; room: Room; canEdit: boolean; onSaved: (room: Room) => void }): ReactNode {
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
function Password(props: {
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

/** One member with what the viewer may do to them. */
function MemberRow(props: {
  store: ChatStore;
  roomId: string;
  member: MemberSnapshot;
  myRole: MemberRole;
  kind: Room['kind'];
  onBanned: () => void;
}): ReactNode {
  const { store, roomId, member, myRole } = props;
  const action = useAction();
  const user = store.user(member.userId);
  const name = store.nameOf(member.userId);
  const me = member.userId === store.me.id;
  const online = me ? true : (store.state.online(member.userId) ?? false);
  const nameId = `member-${member.userId}`;
  const over = !me && props.kind !== 'direct' && rank[myRole] > rank[member.role] && rank[myRole] >= rank.admin;
  const isOwner = myRole === 'owner';
  const muted = member.mutedUntil !== null && Date.parse(member.mutedUntil) > Date.now();
  const call = (run: () => Promise<unknown>) => {
    action.run(run);
  };
  const button = (label: string, run: () => Promise<unknown>, className?: string) => (
    <button
      type="button"
      className={className}
      disabled={action.busy}
      aria-describedby={nameId}
      onClick={() => {
        call(run);
      }}
    >
      {label}
    </button>
  );
  const setRole = (role: 'admin' | 'member') => () =>
    store.connection.call('updateMember', { params: { roomId, userId: member.userId }, body: { role } });
  const setMute = (minutes: number | null) => () =>
    store.connection.call('updateMember', {
      params: { roomId, userId: member.userId },
      body: { mutedForMinutes: minutes },
    });
  return (
    <li className="side-row">
      <Avatar name={name} id={member.userId} online={online} />
      <span className="side-person">
        <span className="side-person-name" id={nameId}>
          {name}
          {me && ' (you)'}
        </span>
        <span className="side-person-handle">
          {user && `@${user.username} · `}
          <span className="member-role">{roleName[member.role]}</span>
          {' · '}
          {presenceText(online)}
          {muted && ' · Muted'}
        </span>
      </span>
      <span className="side-row-actions">
        {over && isOwner && member.role === 'member' && button('Make admin', setRole('admin'))}
        {over && isOwner && member.role === 'admin' && button('Make member', setRole('member'))}
        {over && (muted ? button('Unmute', setMute(null)) : button('Mute 1 h', setMute(60)))}
        {over &&
          button(
            'Kick',
            () => store.connection.call('kickMember', { params: { roomId, userId: member.userId } }),
            'danger',
          )}
        {over &&
          button(
            'Ban',
            async () => {
              await store.connection.call('banMember', { params: { roomId, userId: member.userId } });
              props.onBanned();
            },
            'danger',
          )}
        {!me && isOwner && props.kind !== 'direct' && (
          <ConfirmButton
            label="Transfer ownership"
            question={`Make ${name} the owner? You become an admin.`}
            confirm="Transfer"
            describedBy={nameId}
            busy={action.busy}
            onConfirm={() => {
              call(() =>
                store.connection.call('transferOwnership', { params: { roomId }, body: { userId: member.userId } }),
              );
            }}
          />
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

/** Room settings: details, password and code, members and roles, invitations, bans, leave and delete. */
export function RoomSettings(props: { roomId: string }): ReactNode {
  const { roomId } = props;
  const store = useStore();
  const [details, setDetails] = useState<MyRoom | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [nextMembers, setNextMembers] = useState<string | null>(null);
  const [bans, setBans] = useState<PublicUser[] | null>(null);
  const [invited, setInvited] = useState<string | null>(null);
  const [inviteKey, setInviteKey] = useState(0);
  const invite = useAction();
  const more = useAction();
  const leave = useAction();
  const remove = useAction();
  const banAction = useAction();

  const snapshot = store.state.room(roomId);
  const live = snapshot?.room;
  const myRole: MemberRole = snapshot?.membership?.role ?? details?.membership.role ?? 'member';
  const isAdmin = rank[myRole] >= rank.admin;

  const loadBans = useCallback(() => {
    store.connection.call('listBans', { params: { roomId } }).then(
      (answer) => {
        setBans(answer.users);
      },
      () => {
        setBans(null);
      },
    );
  }, [store, roomId]);

  useEffect(() => {
    let current = true;
    setDetails(null);
    setLoadError(null);
    Promise.all([
      store.connection.call('getRoom', { params: { roomId } }),
      store.connection.call('listMembers', { params: { roomId }, query: { limit: memberPage } }),
    ]).then(
      ([room, members]) => {
        if (!current) return;
        store.applyMyRoom(room);
        store.state.applyMembers(roomId, members, {});
        store.changed();
        setDetails(room);
        setNextMembers(members.nextAfter);
      },
      (e: unknown) => {
        if (current) setLoadError(friendlyError(e));
      },
    );
    return () => {
      current = false;
    };
  }, [store, roomId]);

  useEffect(() => {
    if (isAdmin && details?.room.kind !== 'direct' && details !== null) loadBans();
  }, [isAdmin, details, loadBans]);

  const back = (
    <Link to={`/r/${encodeURIComponent(roomId)}`} className="side-back">
      ← Back to room
    </Link>
  );

  if (loadError || (details && !snapshot?.membership)) {
    return (
      <div className="page-content rooms-page">
        <h1>Room settings</h1>
        <p role="alert" className="form-error">
          {loadError ?? 'You are no longer a member of this room.'}
        </p>
        <Link to="/">Go to your conversations</Link>
      </div>
    );
  }
  if (!details) {
    return (
      <div className="page-content rooms-page">
        {back}
        <h1>Room settings</h1>
        <p role="status" className="side-empty">
          Loading…
        </p>
      </div>
    );
  }

  // The settings as events keep them, with the join code only a fetch or a change gives.
  const room: Room = { ...details.room, ...(live ?? {}), joinCode: details.room.joinCode };
  const isOwner = myRole === 'owner';
  const members = [...(snapshot?.members ?? [])].sort(
    (a, b) => rank[b.role] - rank[a.role] || store.nameOf(a.userId).localeCompare(store.nameOf(b.userId)),
  );
  const updateRoom = (next: Room) => {
    setDetails({ ...details, room: next });
  };

  if (room.kind === 'direct') {
    const peer = members.find((m) => m.userId !== store.me.id);
    return (
      <div className="page-content rooms-page">
        {back}
        <h1>Room settings</h1>
        <section className="side-card">
          <h2>Direct conversation</h2>
          <p>
            This is your private conversation with {peer ? store.nameOf(peer.userId) : 'another person'}. Direct
            conversations have no name, roles or invitations.
          </p>
          <p className="hint">To stop someone from writing to you, block them in Contacts.</p>
        </section>
      </div>
    );
  }

  const canInvite = isAdmin || (room.kind === 'group' && room.visibility === 'public');
  const memberIds = members.map((m) => m.userId);

  const loadMore = () => {
    if (nextMembers === null) return;
    more.run(async () => {
      const query = { after: nextMembers, limit: memberPage };
      const page = await store.connection.call('listMembers', { params: { roomId }, query });
      store.state.applyMembers(roomId, page, query);
      store.changed();
      setNextMembers(page.nextAfter);
    });
  };

  const refreshMembers = async () => {
    const page = await store.connection.call('listMembers', { params: { roomId }, query: { limit: memberPage } });
    store.state.applyMembers(roomId, page, {});
    store.changed();
    setNextMembers(page.nextAfter);
  };

  const gone = () => {
    store.state.applyRoom(roomId, null);
    store.changed();
    navigate('/');
  };

  return (
    <div className="page-content rooms-page">
      {back}
      <h1>Room settings</h1>
      <p className="settings-meta">
        {room.kind === 'channel' ? '# ' : ''}
        {room.name} · {room.kind === 'channel' ? 'Channel' : 'Group'} · {room.memberCount}{' '}
        {room.memberCount === 1 ? 'member' : 'members'} · You are {roleName[myRole].toLowerCase()}
      </p>

      <Details store={store} room={room} canEdit={isAdmin} onSaved={updateRoom} />
      <Password store={store} room={room} isOwner={isOwner} onChanged={updateRoom} />

      <section className="side-card">
        <h2>Members</h2>
        {room.kind === 'channel' && <p className="hint">In a channel the owner and admins post; members read.</p>}
        <ul className="side-list" aria-label="Members">
          {members.map((member) => (
            <MemberRow
              key={member.userId}
              store={store}
              roomId={roomId}
              member={member}
              myRole={myRole}
              kind={room.kind}
              onBanned={loadBans}
            />
          ))}
        </ul>
        {nextMembers !== null && (
          <button type="button" onClick={loadMore} disabled={more.busy}>
            Show more members
          </button>
        )}
        <ErrorLine error={more.error} />
      </section>

      {canInvite && (
        <section className="side-card">
          <h2>Invite</h2>
          <PeopleSearch
            key={inviteKey}
            autoFocus={inviteKey > 0}
            store={store}
            label="Invite people"
            placeholder="Find people to add"
            exclude={memberIds}
            actions={(user, nameId) => (
              <button
                type="button"
                className="primary"
                disabled={invite.busy}
                aria-describedby={nameId}
                onClick={() => {
                  setInvited(null);
                  invite.run(async () => {
                    const answer = await store.connection.call('inviteMembers', {
                      params: { roomId },
                      body: { userIds: [user.id] },
                    });
                    await refreshMembers();
                    const who = user.displayName || user.username;
                    setInvited(answer.added.length > 0 ? `${who} was added.` : `${who} could not be added.`);
                    setInviteKey((k) => k + 1);
                  });
                }}
              >
                Invite
              </button>
            )}
          />
          <ErrorLine error={invite.error} />
          <p role="status" className="hint">
            {invited ?? ''}
          </p>
        </section>
      )}

      {isAdmin && (
        <section className="side-card">
          <h2>Banned</h2>
          {bans === null ? (
            <p className="side-empty">Loading…</p>
          ) : bans.length === 0 ? (
            <p className="side-empty">Nobody is banned.</p>
          ) : (
            <ul className="side-list" aria-label="Banned people">
              {bans.map((user) => (
                <li key={user.id} className="side-row">
                  <Avatar name={user.displayName || user.username} id={user.id} />
                  <span className="side-person">
                    <span className="side-person-name" id={`ban-${user.id}`}>
                      {user.displayName || user.username}
                    </span>
                    <span className="side-person-handle">@{user.username}</span>
                  </span>
                  <span className="side-row-actions">
                    <button
                      type="button"
                      disabled={banAction.busy}
                      aria-describedby={`ban-${user.id}`}
                      onClick={() => {
                        banAction.run(async () => {
                          await store.connection.call('unbanMember', { params: { roomId, userId: user.id } });
                          loadBans();
                        });
                      }}
                    >
                      Unban
                    </button>
                  </span>
                </li>
              ))}
            </ul>
          )}
          <ErrorLine error={banAction.error} />
        </section>
      )}

      <section className="side-card side-danger-zone">
        <h2>Leave or delete</h2>
        {isOwner ? (
          <p className="hint">You own this room. To leave it, make another member the owner first.</p>
        ) : (
          <div>
            <button
              type="button"
              className="danger"
              disabled={leave.busy}
              onClick={() => {
                leave.run(() => store.connection.call('leaveRoom', { params: { roomId } }), gone);
              }}
            >
              Leave room
            </button>
            <ErrorLine error={leave.error} />
          </div>
        )}
        {isOwner && (
          <div className="settings-delete">
            <ConfirmButton
              label="Delete room"
              question={`Delete “${room.name}” for everyone? Its messages are gone for good.`}
              confirm="Delete room"
              className="danger"
              busy={remove.busy}
              onConfirm={() => {
                remove.run(() => store.connection.call('deleteRoom', { params: { roomId } }), gone);
              }}
            />
            <ErrorLine error={remove.error} />
          </div>
        )}
      </section>
    </div>
  );
}
