import { isNatterApiError, type ChatSnapshot, type PublicUser } from '@natter/client';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { describeError, type ChatStore } from '../app/chat-store.ts';
import { navigate } from '../app/router.tsx';
import { initials } from './format.ts';
import './side-kit.css';

/**
 * Small pieces shared by the sidebar and the non-room screens (contacts, new/join room, room
 * settings, profile, search): avatars, busy/error handling for buttons, people search.
 */

/** A stable colour slot (0–7) for an id, so a person's avatar keeps its colour everywhere. */
function hueOf(key: string): number {
  let hash = 0;
  for (let i = 0; i < key.length; i++) hash = (hash * 31 + key.charCodeAt(i)) | 0;
  return Math.abs(hash) % 8;
}

/** Initials in a coloured circle (a rounded square for groups and channels); decorative. */
export function Avatar(props: {
  name: string;
  id: string;
  size?: 'small' | 'large';
  square?: boolean;
  online?: boolean | undefined;
}): ReactNode {
  const classes = ['side-avatar', `hue-${String(hueOf(props.id))}`];
  if (props.size) classes.push(props.size);
  if (props.square) classes.push('square');
  return (
    <span className={classes.join(' ')} aria-hidden="true">
      {initials(props.name)}
      {props.online !== undefined && <span className={props.online ? 'side-dot online' : 'side-dot'} />}
    </span>
  );
}

/** Friendlier words for the error codes people meet on these screens. */
const friendly: Record<string, string> = {
  join_failed: 'That join code or room password is wrong. Check both and try again.',
  banned: 'You are banned from this room.',
  room_full: 'This room is full.',
  room_not_found: 'This room does not exist, or you are not in it.',
  user_unavailable: 'You cannot reach this person.',
  password_incorrect: 'The current password is wrong.',
  invalid_credentials: 'The current password is wrong.',
  password_too_common: 'That password is too easy to guess. Choose a longer or less common one.',
  owner_cannot_leave: 'You own this room: transfer ownership or delete it first.',
};

/** A sentence for a failed action: friendlier words for known codes, else the server's message. */
export function friendlyError(error: unknown): string {
  if (isNatterApiError(error)) {
    if (error.code === 'too_many_attempts' || error.code === 'rate_limited') {
      const details = error.details as { retryAfterSeconds?: number } | undefined;
      const wait = details?.retryAfterSeconds;
      return wait ? `Too many attempts. Try again in ${String(wait)} seconds.` : 'Too many attempts. Try again soon.';
    }
    return friendly[error.code] ?? error.message;
  }
  return describeError(error);
}

/** Runs one action at a time with a busy flag and an error to show beside it. */
export function useAction(): {
  busy: boolean;
  error: string | null;
  setError: (error: string | null) => void;
  run: (action: () => Promise<unknown>, after?: () => void) => void;
} {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const alive = useRef(true);
  useEffect(() => {
    alive.current = true;
    return () => {
      alive.current = false;
    };
  }, []);
  const run = (action: () => Promise<unknown>, after?: () => void) => {
    if (busy) return;
    setBusy(true);
    setError(null);
    action().then(
      () => {
        if (!alive.current) return;
        setBusy(false);
        after?.();
      },
      (e: unknown) => {
        if (!alive.current) return;
        setBusy(false);
        setError(friendlyError(e));
      },
    );
  };
  return { busy, error, setError, run };
}

/** An error line announced to screen readers; nothing when there is no error. */
export function ErrorLine(props: { error: string | null }): ReactNode {
  if (!props.error) return null;
  return (
    <p className="form-error" role="alert">
      {props.error}
    </p>
  );
}

/** Opens (creating on first use) the direct room with a person and goes to it. */
export async function openDirect(store: ChatStore, userId: string): Promise<void> {
  const answer = await store.connection.call('openDirect', { body: { userId } });
  store.applyMyRoom(answer);
  store.changed();
  store.watchPresence();
  navigate(`/r/${encodeURIComponent(answer.room.id)}`);
}

/** Refreshes contacts, follows and blocks from the server after a people action (events also arrive). */
export async function refreshPeople(store: ChatStore): Promise<void> {
  const [contacts, follows, blocks] = await Promise.all([
    store.connection.call('listContacts'),
    store.connection.call('listFollows'),
    store.connection.call('listBlocks'),
  ]);
  store.state.applyContacts(contacts);
  store.state.applyFollows(follows);
  store.state.applyBlocks(blocks);
  store.changed();
  store.watchPresence();
}

/** Copies text to the clipboard; a button that says "Copied" for a moment. */
export function CopyButton(props: { text: string; label?: string }): ReactNode {
  const [copied, setCopied] = useState<'yes' | 'no' | null>(null);
  useEffect(() => {
    if (copied === null) return;
    const timer = setTimeout(() => {
      setCopied(null);
    }, 2000);
    return () => {
      clearTimeout(timer);
    };
  }, [copied]);
  const copy = () => {
    void navigator.clipboard.writeText(props.text).then(
      () => {
        setCopied('yes');
      },
      () => {
        setCopied('no');
      },
    );
  };
  return (
    <>
      <button type="button" onClick={copy}>
        {props.label ?? 'Copy'}
      </button>
      <span className="side-copied" role="status">
        {copied === 'yes' ? 'Copied' : copied === 'no' ? 'Copy failed: select the code and copy it' : ''}
      </span>
    </>
  );
}

/**
 * A people search box: searches as you type (after a short pause) and lists the matches, each
 * with whatever `actions` gives for it. The signed-in user is left out.
 */
export function PeopleSearch(props: {
  store: ChatStore;
  label: string;
  placeholder?: string;
  autoFocus?: boolean;
  exclude?: readonly string[];
  /** The buttons for one person; `nameId` is the id of the element holding their name (for aria-describedby). */
  actions: (user: PublicUser, nameId: string) => ReactNode;
  /** Renders the person's name itself (e.g. as a button); defaults to the name and @username. */
  person?: (user: PublicUser) => ReactNode;
}): ReactNode {
  const { store } = props;
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<PublicUser[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const id = `people-${props.label.toLowerCase().replace(/\W+/g, '-')}`;
  useEffect(() => {
    const q = query.trim();
    if (q === '') {
      setResults(null);
      setError(null);
      setLoading(false);
      return;
    }
    let current = true;
    setLoading(true);
    const timer = setTimeout(() => {
      store.client.request('searchUsers', { query: { q: q.slice(0, 64), limit: 20 } }).then(
        (answer) => {
          if (!current) return;
          setResults(answer.users);
          setError(null);
          setLoading(false);
        },
        (e: unknown) => {
          if (!current) return;
          setError(friendlyError(e));
          setLoading(false);
        },
      );
    }, 250);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [query, store]);
  const exclude = new Set([store.me.id, ...(props.exclude ?? [])]);
  const shown = results?.filter((u) => !exclude.has(u.id)) ?? null;
  return (
    <div className="side-people-search">
      <input
        id={id}
        type="search"
        aria-label={props.label}
        placeholder={props.placeholder ?? 'Search by name or username'}
        autoFocus={props.autoFocus}
        autoComplete="off"
        maxLength={64}
        value={query}
        onChange={(e) => {
          setQuery(e.target.value);
        }}
      />
      <ErrorLine error={error} />
      {shown !== null && (
        <div aria-live="polite" className="side-results">
          {shown.length === 0 && !loading && <p className="hint">Nobody matches “{query.trim()}”.</p>}
          {shown.length > 0 && (
            <ul className="side-list" aria-label="People found">
              {shown.map((user) => (
                <li key={user.id} className="side-row">
                  <Avatar name={user.displayName || user.username} id={user.id} online={store.state.online(user.id)} />
                  {props.person ? props.person(user) : <PersonName user={user} nameId={`${id}-${user.id}`} />}
                  <span className="side-row-actions">{props.actions(user, `${id}-${user.id}`)}</span>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}

/** A person's display name above their @username. */
export function PersonName(props: { user: PublicUser; extra?: ReactNode; nameId?: string }): ReactNode {
  return (
    <span className="side-person">
      <span className="side-person-name" id={props.nameId}>
        {props.user.displayName || props.user.username}
      </span>
      <span className="side-person-handle">
        @{props.user.username}
        {props.extra}
      </span>
    </span>
  );
}

/** "Online" / "Offline" as text (beside the dot), or nothing when unknown. */
export function presenceText(online: boolean | undefined): string {
  if (online === undefined) return '';
  return online ? 'Online' : 'Offline';
}

/** On a phone the room list is its own page: a way back to it from the other pages. */
export function PhoneHome(): ReactNode {
  return (
    <a
      href="/"
      className="side-phone-back"
      onClick={(e) => {
        if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
        e.preventDefault();
        navigate('/');
      }}
    >
      ← Conversations
    </a>
  );
}

/** The people lists (contacts, requests, follows, blocks) and quick lookups, computed once per store version. */
export interface Relations {
  readonly snapshot: ChatSnapshot;
  readonly contacts: ReadonlySet<string>;
  readonly incoming: ReadonlySet<string>;
  readonly outgoing: ReadonlySet<string>;
  readonly following: ReadonlySet<string>;
  readonly blocked: ReadonlySet<string>;
}

const relationsCache = new WeakMap<ChatStore, { version: number; relations: Relations }>();

export function relationsOf(store: ChatStore): Relations {
  const version = store.getVersion();
  const cached = relationsCache.get(store);
  if (cached?.version === version) return cached.relations;
  const snapshot = store.state.snapshot();
  const ids = (list: readonly { userId: string }[]) => new Set(list.map((r) => r.userId));
  const relations: Relations = {
    snapshot,
    contacts: ids(snapshot.contacts),
    incoming: ids(snapshot.incoming),
    outgoing: ids(snapshot.outgoing),
    following: ids(snapshot.following),
    blocked: ids(snapshot.blocked),
  };
  relationsCache.set(store, { version, relations });
  return relations;
}
