import type { MyRoom, PublicUser, Room } from '@natter/client';
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { Link, navigate } from '../../app/router.tsx';
import { useStore } from '../../app/store-context.tsx';
import { Avatar, ErrorLine, friendlyError, PeopleSearch, useAction } from '../../ui/side-kit.tsx';
import { ConfirmButton } from './settings-confirm.tsx';
import { Details, Password } from './settings-details.tsx';
import { MemberRow, memberPage, rank, roleName, type MemberRole } from './settings-members.tsx';
import './rooms.css';

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
