import type { PublicUser } from '@natter/client';
import type { ReactNode } from 'react';
import type { ChatStore } from '../../app/chat-store.ts';
import { useStore } from '../../app/store-context.tsx';
import { shortAgo } from '../../ui/format.ts';
import {
  Avatar,
  openDirect,
  PeopleSearch,
  PersonName,
  presenceText,
  refreshPeople,
  relationsOf,
  useAction,
  PhoneHome,
} from '../../ui/side-kit.tsx';
import './contacts.css';

type PeopleOp =
  | 'requestContact'
  | 'acceptContact'
  | 'rejectContact'
  | 'cancelContactRequest'
  | 'removeContact'
  | 'follow'
  | 'unfollow'
  | 'block'
  | 'unblock';

/** One person-scoped operation, then a refresh of the lists (the events would bring it too). */
async function peopleOp(store: ChatStore, op: PeopleOp, userId: string): Promise<void> {
  await store.connection.call(op, { params: { userId } });
  await refreshPeople(store).catch(() => undefined);
}

/** The buttons for one person; `variant` says which list they are shown in. */
function PersonActions(props: {
  store: ChatStore;
  user: PublicUser;
  variant: 'search' | 'incoming' | 'outgoing' | 'contact' | 'blocked';
  nameId: string;
}): ReactNode {
  const { store, user, variant, nameId } = props;
  const action = useAction();
  const relations = relationsOf(store);
  const standing = {
    contact: relations.contacts.has(user.id),
    incoming: relations.incoming.has(user.id),
    outgoing: relations.outgoing.has(user.id),
    following: relations.following.has(user.id),
    blocked: relations.blocked.has(user.id),
  };
  const button = (label: string, run: () => Promise<unknown>, className?: string) => (
    <button
      type="button"
      className={className}
      disabled={action.busy}
      aria-describedby={nameId}
      onClick={() => {
        action.run(run);
      }}
    >
      {label}
    </button>
  );
  const op = (o: PeopleOp) => () => peopleOp(store, o, user.id);
  const message = () => openDirect(store, user.id);
  let buttons: ReactNode;
  switch (variant) {
    case 'incoming':
      buttons = (
        <>
          {button('Accept', op('acceptContact'), 'primary')}
          {button('Reject', op('rejectContact'))}
        </>
      );
      break;
    case 'outgoing':
      buttons = button('Cancel', op('cancelContactRequest'));
      break;
    case 'contact':
      buttons = (
        <>
          {button('Message', message, 'primary')}
          {button('Remove', op('removeContact'), 'danger')}
        </>
      );
      break;
    case 'blocked':
      buttons = button('Unblock', op('unblock'));
      break;
    case 'search':
      buttons = standing.blocked ? (
        button('Unblock', op('unblock'))
      ) : (
        <>
          {standing.contact ? (
            <span className="side-tag accent">Contact</span>
          ) : standing.incoming ? (
            button('Accept', op('acceptContact'), 'primary')
          ) : standing.outgoing ? (
            <span className="side-tag">Request sent</span>
          ) : (
            button('Add contact', op('requestContact'), 'primary')
          )}
          {button('Message', message)}
          {standing.following ? button('Unfollow', op('unfollow')) : button('Follow', op('follow'))}
          {button('Block', op('block'), 'danger')}
        </>
      );
      break;
  }
  return (
    <>
      {buttons}
      {action.error && (
        <span className="contacts-error" role="alert">
          {action.error}
        </span>
      )}
    </>
  );
}

/** One row of a relation list. */
function PersonRow(props: {
  store: ChatStore;
  userId: string;
  since: string;
  variant: 'incoming' | 'outgoing' | 'contact' | 'blocked';
  note: string;
}): ReactNode {
  const { store, userId } = props;
  const user = store.user(userId);
  const online = props.variant === 'contact' ? (store.state.online(userId) ?? false) : undefined;
  const name = store.nameOf(userId);
  const extra = (
    <>
      {' · '}
      {online !== undefined ? presenceText(online) : `${props.note} ${shortAgo(props.since)}`}
    </>
  );
  return (
    <li className="side-row">
      <Avatar name={name} id={userId} online={online} />
      {user ? (
        <PersonName user={user} extra={extra} nameId={`person-${props.variant}-${userId}`} />
      ) : (
        <span className="side-person">
          <span className="side-person-name">{name}</span>
        </span>
      )}
      <span className="side-row-actions">
        {user && (
          <PersonActions
            store={store}
            user={user}
            variant={props.variant}
            nameId={`person-${props.variant}-${userId}`}
          />
        )}
      </span>
    </li>
  );
}

/** Contacts: find people, answer requests, message contacts, manage blocks. */
export function Contacts(): ReactNode {
  const store = useStore();
  const { snapshot } = relationsOf(store);
  const byName = <T extends { userId: string }>(list: readonly T[]) =>
    [...list].sort((a, b) => store.nameOf(a.userId).localeCompare(store.nameOf(b.userId)));
  const requests = snapshot.incoming.length + snapshot.outgoing.length;
  const onlineCount = snapshot.contacts.filter((c) => store.state.online(c.userId)).length;
  return (
    <div className="page-content contacts">
      <PhoneHome />
      <h1>Contacts</h1>
      <section className="side-card">
        <h2 id="contacts-find">Find people</h2>
        <PeopleSearch
          store={store}
          label="Search people"
          autoFocus
          actions={(user, nameId) => <PersonActions store={store} user={user} variant="search" nameId={nameId} />}
        />
      </section>

      {(requests > 0 || store.ready) && (
        <section className="side-card">
          <h2 id="contacts-requests">
            Requests
            {snapshot.incoming.length > 0 && <span className="side-tag accent">{snapshot.incoming.length} new</span>}
          </h2>
          {requests === 0 && <p className="side-empty">No pending requests.</p>}
          {snapshot.incoming.length > 0 && (
            <>
              <h3 className="contacts-sub">Received</h3>
              <ul className="side-list" aria-label="Received requests">
                {byName(snapshot.incoming).map((r) => (
                  <PersonRow
                    key={r.userId}
                    store={store}
                    userId={r.userId}
                    since={r.since}
                    variant="incoming"
                    note="Asked"
                  />
                ))}
              </ul>
            </>
          )}
          {snapshot.outgoing.length > 0 && (
            <>
              <h3 className="contacts-sub">Sent</h3>
              <ul className="side-list" aria-label="Sent requests">
                {byName(snapshot.outgoing).map((r) => (
                  <PersonRow
                    key={r.userId}
                    store={store}
                    userId={r.userId}
                    since={r.since}
                    variant="outgoing"
                    note="Sent"
                  />
                ))}
              </ul>
            </>
          )}
        </section>
      )}

      <section className="side-card">
        <h2 id="contacts-list">
          Your list
          {snapshot.contacts.length > 0 && (
            <span className="side-tag">
              {onlineCount} of {snapshot.contacts.length} online
            </span>
          )}
        </h2>
        {snapshot.contacts.length === 0 ? (
          <p className="side-empty">No contacts yet. Search for people above and add them.</p>
        ) : (
          <ul className="side-list" aria-label="Your contacts">
            {byName(snapshot.contacts).map((r) => (
              <PersonRow
                key={r.userId}
                store={store}
                userId={r.userId}
                since={r.since}
                variant="contact"
                note="Since"
              />
            ))}
          </ul>
        )}
      </section>

      <section className="side-card">
        <h2 id="contacts-blocked">Blocked</h2>
        {snapshot.blocked.length === 0 ? (
          <p className="side-empty">You have not blocked anyone.</p>
        ) : (
          <ul className="side-list" aria-label="Blocked people">
            {byName(snapshot.blocked).map((r) => (
              <PersonRow
                key={r.userId}
                store={store}
                userId={r.userId}
                since={r.since}
                variant="blocked"
                note="Blocked"
              />
            ))}
          </ul>
        )}
        <p className="hint">Blocked people cannot message you, send you requests or see when you are online.</p>
      </section>
    </div>
  );
}
