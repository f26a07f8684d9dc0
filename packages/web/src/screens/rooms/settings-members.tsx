import type { MemberSnapshot, Room } from '@natter/client';
import type { ReactNode } from 'react';
import type { ChatStore } from '../../app/chat-store.ts';
import { Avatar, presenceText, useAction } from '../../ui/side-kit.tsx';
import { ConfirmButton } from './settings-confirm.tsx';

export type MemberRole = MemberSnapshot['role'];

export const rank: Record<MemberRole, number> = { owner: 3, admin: 2, member: 1 };
export const roleName: Record<MemberRole, string> = { owner: 'Owner', admin: 'Admin', member: 'Member' };
export const memberPage = 100;

/** One member with what the viewer may do to them. */
export function MemberRow(props: {
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
