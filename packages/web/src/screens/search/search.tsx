import { limits, type Message } from '@natter/client';
import { useEffect, useRef, useState, type ReactNode, type SyntheticEvent } from 'react';
import type { ChatStore } from '../../app/chat-store.ts';
import { Link, navigate, queryParam, useLocation } from '../../app/router.tsx';
import { useStore } from '../../app/store-context.tsx';
import { dayOf, timeOf } from '../../ui/format.ts';
import { Avatar, ErrorLine, friendlyError, PhoneHome } from '../../ui/side-kit.tsx';
import './search.css';

const firstPage = 20;
const maxPage = 50;

/** `text` with every occurrence of the query's words wrapped in <mark> — React text nodes only. */
export function Highlighted(props: { text: string; query: string }): ReactNode {
  const words = [
    ...new Set(
      props.query
        .toLowerCase()
        .split(/\s+/)
        .map((w) => w.replace(/^["'*(]+|["'*)]+$/g, ''))
        .filter((w) => w.length > 0),
    ),
  ].sort((a, b) => b.length - a.length);
  if (words.length === 0) return props.text;
  const pattern = new RegExp(`(${words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})`, 'giu');
  const parts = props.text.split(pattern);
  return parts.map((part, i) =>
    i % 2 === 1 ? <mark key={i}>{part}</mark> : part === '' ? null : <span key={i}>{part}</span>,
  );
}

function searchPath(q: string, roomId: string): string {
  const params = new URLSearchParams();
  params.set('q', q);
  if (roomId) params.set('room', roomId);
  return `/search?${params.toString()}`;
}

function Result(props: { store: ChatStore; message: Message; query: string; titles: Map<string, string> }): ReactNode {
  const { store, message, query } = props;
  const title = props.titles.get(message.roomId) ?? 'A room you left';
  const sender = message.senderId === store.me.id ? 'You' : store.nameOf(message.senderId);
  const body = message.body.length > 400 ? `${message.body.slice(0, 400)}…` : message.body;
  return (
    <li>
      <Link
        to={`/r/${encodeURIComponent(message.roomId)}/m/${encodeURIComponent(message.id)}`}
        className="search-result"
      >
        <Avatar name={store.nameOf(message.senderId)} id={message.senderId ?? message.id} size="small" />
        <span className="search-result-main">
          <span className="search-result-top">
            <span className="search-result-room">{title}</span>
            <span aria-hidden="true">·</span>
            <span className="search-result-sender">{sender}</span>
            <time dateTime={message.createdAt} className="search-result-time">
              {dayOf(message.createdAt)}, {timeOf(message.createdAt)}
            </time>
          </span>
          <span className="search-result-text">
            <Highlighted text={body} query={query} />
          </span>
        </span>
      </Link>
    </li>
  );
}

/** Message search: the query lives in the address (`/search?q=…`), so a search is a link. */
export function Search(): ReactNode {
  const store = useStore();
  const location = useLocation();
  const q = (queryParam(location, 'q') ?? '').trim();
  const roomFilter = queryParam(location, 'room') ?? '';
  const [text, setText] = useState(q);
  const [limit, setLimit] = useState(firstPage);
  const [results, setResults] = useState<Message[] | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);

  // The box follows the address (back and forward, a link to another search).
  useEffect(() => {
    setText(q);
    setLimit(firstPage);
  }, [q, roomFilter]);

  useEffect(() => {
    if (q === '') {
      setResults(null);
      setError(null);
      input.current?.focus();
      return;
    }
    let current = true;
    setLoading(true);
    setError(null);
    store.connection
      .call('searchMessages', {
        query: { q: q.slice(0, limits.searchQueryTextMax), limit, ...(roomFilter ? { roomId: roomFilter } : {}) },
      })
      .then(
        (answer) => {
          if (!current) return;
          setResults(answer.messages);
          setLoading(false);
        },
        (e: unknown) => {
          if (!current) return;
          setError(friendlyError(e));
          setLoading(false);
        },
      );
    return () => {
      current = false;
    };
  }, [store, q, roomFilter, limit]);

  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    const next = text.trim();
    if (next === '') return;
    navigate(searchPath(next, roomFilter));
  };

  const rooms = store.rooms();
  const titles = new Map(rooms.map((r) => [r.snapshot.id, r.title]));
  const shown = results?.filter((m) => m.deletedAt === null) ?? null;

  return (
    <div className="page-content search">
      <PhoneHome />
      <h1>Search messages</h1>
      <form role="search" className="search-form" onSubmit={submit}>
        <input
          ref={input}
          type="search"
          aria-label="Search messages"
          placeholder="Words to find"
          value={text}
          maxLength={limits.searchQueryTextMax}
          autoFocus={q === ''}
          onChange={(e) => {
            setText(e.target.value);
          }}
        />
        <label className="visually-hidden" htmlFor="search-room">
          In room
        </label>
        <select
          id="search-room"
          value={roomFilter}
          onChange={(e) => {
            if (q) navigate(searchPath(q, e.target.value), { replace: true });
            else
              navigate(e.target.value ? `/search?room=${encodeURIComponent(e.target.value)}` : '/search', {
                replace: true,
              });
          }}
        >
          <option value="">All rooms</option>
          {rooms.map((r) => (
            <option key={r.snapshot.id} value={r.snapshot.id}>
              {r.title}
            </option>
          ))}
        </select>
        <button type="submit" className="primary">
          Search
        </button>
      </form>
      <ErrorLine error={error} />
      {q === '' && <p className="side-empty">Search the text of messages in every room you are in.</p>}
      {q !== '' && loading && results === null && (
        <p className="side-empty" role="status">
          Searching…
        </p>
      )}
      <div aria-live="polite">
        {shown !== null && shown.length === 0 && !loading && <p className="side-empty">No messages match “{q}”.</p>}
        {shown !== null && shown.length > 0 && (
          <p className="hint search-count">
            {results && results.length >= limit
              ? `The ${String(shown.length)} newest matches`
              : `${String(shown.length)} ${shown.length === 1 ? 'match' : 'matches'}`}
          </p>
        )}
      </div>
      {shown !== null && shown.length > 0 && (
        <ul className="search-results" aria-label="Search results">
          {shown.map((message) => (
            <Result key={message.id} store={store} message={message} query={q} titles={titles} />
          ))}
        </ul>
      )}
      {results !== null && results.length >= limit && limit < maxPage && (
        <button
          type="button"
          disabled={loading}
          onClick={() => {
            setLimit(maxPage);
          }}
        >
          Show more
        </button>
      )}
    </div>
  );
}
