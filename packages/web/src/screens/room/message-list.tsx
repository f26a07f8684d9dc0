import { useCallback, useEffect, useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import type { HistoryQuery, Message } from '@natter/client';
import { describeError } from '../../app/chat-store.ts';
import { navigate } from '../../app/router.tsx';
import { useStore } from '../../app/store-context.tsx';
import { RoomIcon } from '../../ui/room-icons.tsx';
import { MessageItem, PendingItem } from './message-item.tsx';
import type { RoomActions } from './room-actions.ts';
import { buildRows } from './rows.ts';

/** Within this many pixels of the bottom counts as "at the bottom" (new messages keep it there). */
const bottomSlack = 24;
/** Older history is fetched when the top is this close. */
const loadMargin = 600;
const highlightMs = 2500;

/** The first visible row and where it was, so DOM changes above it move nothing on screen. */
interface Anchor {
  readonly key: string;
  readonly offset: number;
}

/**
 * The message log. Scrolling is managed by hand so nothing jumps: at the bottom it stays at the
 * bottom as messages arrive; elsewhere the first visible row keeps its place on screen whatever is
 * added above it (older history, a filled gap, a resumed connection). Older pages load as the top
 * comes near; a deep link loads the history around its message, scrolls there and highlights it.
 */
export function MessageList(props: {
  roomId: string;
  messageId: string | null;
  /** Changes when the same message is asked for again, so the view scrolls back to it. */
  jumpNonce: number;
  editingId: string | null;
  canPost: boolean;
  canModerate: boolean;
  actions: RoomActions;
}): ReactNode {
  const store = useStore();
  const { roomId, actions } = props;
  const snapshot = store.state.room(roomId);
  const all = snapshot?.messages ?? [];
  // Unknown history between an island loaded around a deep-linked message and the latest page.
  const [hole, setHole] = useState<number | null>(null);
  const [loadingOlder, setLoadingOlder] = useState(false);
  const [fillingHole, setFillingHole] = useState(false);
  const [showJump, setShowJump] = useState(false);
  const [highlight, setHighlight] = useState<string | null>(null);
  const [jumpError, setJumpError] = useState<string | null>(null);
  const readSeqAtOpen = useRef<number | null>(null);
  if (readSeqAtOpen.current === null && snapshot?.membership && all.length > 0) {
    // What the user wrote shows they read everything before it, whatever their marker says.
    const mine = all.findLast((m) => m.senderId === store.me.id)?.seq ?? 0;
    readSeqAtOpen.current = Math.max(snapshot.membership.readSeq, mine);
  }

  const visible = hole === null ? all : all.filter((m) => m.seq <= hole);
  const pending = hole === null ? store.pendingIn(roomId) : [];
  const rows = buildRows(visible, pending, { me: store.me.id, readSeq: readSeqAtOpen.current });
  const more = store.moreBefore.get(roomId);

  const scrollerRef = useRef<HTMLDivElement>(null);
  const contentRef = useRef<HTMLDivElement>(null);
  const atBottom = useRef(props.messageId === null);
  const anchor = useRef<Anchor | null>(null);
  const lastScrollTop = useRef(0);
  const positioned = useRef(false);
  const target = useRef<string | null>(null);
  const loading = useRef(false);
  const lastMarked = useRef(0);

  // Everything below reads the latest render through this ref (listeners are attached once).
  const latest = useRef({ all, hole, more, roomId, loadingOlder, fillingHole });
  latest.current = { all, hole, more, roomId, loadingOlder, fillingHole };

  /** Notes where the view is: at the bottom, or which row is at the top and where. */
  const capture = useCallback(() => {
    const scroller = scrollerRef.current;
    if (!scroller) return;
    const distance = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight;
    // Below an island of history there is more to load: nothing sticks to the bottom there.
    atBottom.current = distance <= bottomSlack && latest.current.hole === null;
    lastScrollTop.current = scroller.scrollTop;
    anchor.current = null;
    const top = scroller.getBoundingClientRect().top;
    for (const row of scroller.querySelectorAll<HTMLElement>('.message-row[data-key]')) {
      const rect = row.getBoundingClientRect();
      if (rect.bottom > top) {
        anchor.current = { key: row.dataset.key ?? '', offset: rect.top - top };
        break;
      }
    }
  }, []);

  /** Puts the view back where `capture` saw it after the DOM changed. */
  const restore = useCallback(() => {
    const scroller = scrollerRef.current;
    if (!scroller) return;
    // The user scrolled since the last capture and its event has not arrived yet: follow them.
    if (Math.abs(scroller.scrollTop - lastScrollTop.current) > 1) {
      capture();
      return;
    }
    if (atBottom.current) {
      scroller.scrollTop = scroller.scrollHeight;
    } else if (anchor.current) {
      const row = scroller.querySelector(`[data-key="${CSS.escape(anchor.current.key)}"]`);
      if (row) {
        const delta = row.getBoundingClientRect().top - scroller.getBoundingClientRect().top - anchor.current.offset;
        if (Math.abs(delta) >= 1) scroller.scrollTop += delta;
      }
    }
    const stayAtBottom = atBottom.current;
    capture();
    if (stayAtBottom) atBottom.current = true;
  }, [capture]);

  const markReadIfSeen = useCallback(() => {
    const { all: messages, hole: gap } = latest.current;
    if (!atBottom.current || gap !== null) return;
    if (document.visibilityState !== 'visible' || !document.hasFocus()) return;
    const last = messages.at(-1);
    if (!last || last.seq <= lastMarked.current) return;
    lastMarked.current = last.seq;
    store.markRead(roomId, last.seq);
  }, [store, roomId]);

  const fillHole = useCallback(() => {
    const gap = latest.current.hole;
    if (gap === null || loading.current) return;
    loading.current = true;
    setFillingHole(true);
    const query: HistoryQuery = { after: gap, limit: 50 };
    store.connection.call('listMessages', { params: { roomId }, query }).then(
      (page) => {
        const known = new Set(store.state.messages(roomId).map((m) => m.id));
        const overlaps = page.messages.some((m) => known.has(m.id));
        store.state.applyHistoryPage(roomId, page, query);
        const last = page.messages.at(-1);
        setHole(page.hasMoreAfter && !overlaps && last ? last.seq : null);
        loading.current = false;
        setFillingHole(false);
        store.changed();
      },
      () => {
        loading.current = false;
        setFillingHole(false);
      },
    );
  }, [store, roomId]);

  /** Fetches what the view is close to and lacks: older history above, or the rest below an island. */
  const loadIfNear = useCallback(() => {
    const scroller = scrollerRef.current;
    if (!scroller || loading.current || !positioned.current) return;
    const { more: hasMore, hole: gap } = latest.current;
    const distance = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight;
    if (gap !== null && distance < loadMargin) {
      fillHole();
      return;
    }
    if (hasMore !== true || scroller.scrollTop > loadMargin) return;
    loading.current = true;
    setLoadingOlder(true);
    store.loadOlder(roomId).then(
      () => {
        loading.current = false;
        setLoadingOlder(false);
      },
      () => {
        loading.current = false;
        setLoadingOlder(false);
      },
    );
  }, [store, roomId, fillHole]);

  const onScroll = () => {
    const scroller = scrollerRef.current;
    if (!scroller) return;
    capture();
    const distance = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight;
    setShowJump(hole !== null || distance > 300);
    loadIfNear();
    markReadIfSeen();
  };

  // After every render: first placement, a pending jump, or keeping the view where it was.
  useLayoutEffect(() => {
    const scroller = scrollerRef.current;
    if (!scroller) return;
    if (target.current !== null) {
      const row = scroller.querySelector<HTMLElement>(`[data-message-id="${CSS.escape(target.current)}"]`);
      if (row) {
        const rect = row.getBoundingClientRect();
        const box = scroller.getBoundingClientRect();
        scroller.scrollTop += rect.top - box.top - Math.max(16, (box.height - rect.height) / 3);
        row.focus({ preventScroll: true });
        setHighlight(target.current);
        target.current = null;
        positioned.current = true;
        capture();
        setShowJump(hole !== null || scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight > 300);
        return;
      }
    }
    if (!positioned.current) {
      if ((props.messageId !== null && jumpError === null) || visible.length === 0) return;
      positioned.current = true;
      const divider = scroller.querySelector('.new-divider');
      scroller.scrollTop = scroller.scrollHeight;
      if (divider) {
        const offset = divider.getBoundingClientRect().top - scroller.getBoundingClientRect().top;
        if (offset < 0) scroller.scrollTop += offset - 8;
      }
      capture();
      setShowJump(scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight > 300);
      return;
    }
    restore();
  });

  // After layout: fill the screen with history and mark what is seen as read.
  useEffect(() => {
    loadIfNear();
    markReadIfSeen();
  });

  // Heights can change without a render (fonts, a resized window, a growing composer).
  useEffect(() => {
    const scroller = scrollerRef.current;
    const content = contentRef.current;
    if (!scroller || !content) return;
    const observer = new ResizeObserver(() => {
      if (positioned.current) restore();
    });
    observer.observe(scroller);
    observer.observe(content);
    const onFocus = () => {
      markReadIfSeen();
    };
    window.addEventListener('focus', onFocus);
    document.addEventListener('visibilitychange', onFocus);
    return () => {
      observer.disconnect();
      window.removeEventListener('focus', onFocus);
      document.removeEventListener('visibilitychange', onFocus);
    };
  }, [restore, markReadIfSeen]);

  // Skipped history (a long disconnection) is paged in while the room is on screen.
  useEffect(() => {
    const fillGap = async (afterSeq: number, beforeSeq: number) => {
      let before = beforeSeq;
      for (let i = 0; i < 20; i++) {
        const query: HistoryQuery = { before, limit: 100 };
        const page = await store.connection.call('listMessages', { params: { roomId }, query });
        store.state.applyHistoryPage(roomId, page, query);
        store.changed();
        const first = page.messages[0];
        if (!first || !page.hasMoreBefore || first.seq <= afterSeq + 1) break;
        before = first.seq;
      }
    };
    return store.connection.on('gap', (gap) => {
      if (gap.roomId !== roomId) return;
      void fillGap(gap.afterSeq, gap.beforeSeq).catch(() => undefined);
    });
  }, [store, roomId]);

  // A deep link: the history around the message, then a scroll to it.
  useEffect(() => {
    const messageId = props.messageId;
    if (messageId === null) return;
    let cancelled = false;
    setJumpError(null);
    const jump = async () => {
      await store.openRoom(roomId);
      if (!store.state.messages(roomId).some((m) => m.id === messageId)) {
        const query: HistoryQuery = { around: messageId, limit: 50 };
        const page = await store.connection.call('listMessages', { params: { roomId }, query });
        if (cancelled) return;
        const before = store.state.messages(roomId);
        const known = new Set(before.map((m) => m.id));
        const overlaps = page.messages.some((m) => known.has(m.id));
        const first = page.messages[0];
        const last = page.messages.at(-1);
        store.state.applyHistoryPage(roomId, page, query);
        if (first && before.every((m) => m.seq > first.seq)) store.moreBefore.set(roomId, page.hasMoreBefore);
        setHole(page.hasMoreAfter && !overlaps && last ? last.seq : null);
        store.changed();
      }
      if (cancelled) return;
      if (!store.state.messages(roomId).some((m) => m.id === messageId)) {
        setJumpError('That message could not be found.');
        positioned.current = false;
        atBottom.current = true;
        return;
      }
      target.current = messageId;
      atBottom.current = false;
      store.changed();
    };
    jump().catch((e: unknown) => {
      if (cancelled) return;
      setJumpError(describeError(e));
      atBottom.current = true;
      store.changed();
    });
    return () => {
      cancelled = true;
    };
  }, [store, roomId, props.messageId, props.jumpNonce]);

  // Back at the room's plain address (the sidebar, "Jump to latest"): the latest messages again.
  const shownMessageId = useRef(props.messageId);
  useEffect(() => {
    const before = shownMessageId.current;
    shownMessageId.current = props.messageId;
    if (before === null || props.messageId !== null) return;
    setHole(null);
    atBottom.current = true;
    store.changed();
  }, [store, props.messageId]);

  useEffect(() => {
    if (highlight === null) return;
    const timer = setTimeout(() => {
      setHighlight(null);
    }, highlightMs);
    return () => {
      clearTimeout(timer);
    };
  }, [highlight]);

  const jumpToLatest = () => {
    setHole(null);
    atBottom.current = true;
    setShowJump(false);
    if (props.messageId !== null) navigate(`/r/${roomId}`, { replace: true });
    const scroller = scrollerRef.current;
    if (scroller) scroller.scrollTop = scroller.scrollHeight;
    actions.focusComposer();
  };

  // The latest message of mine and who has read up to it (direct and group rooms).
  const seen = seenReceipt(store.me.id, visible, snapshot?.members ?? [], snapshot?.room?.kind, (id) =>
    store.nameOf(id),
  );

  return (
    <div className="message-pane">
      <div className="message-scroller" ref={scrollerRef} onScroll={onScroll} role="log" aria-label="Messages">
        <div className="message-content" ref={contentRef}>
          {more === false && hole === null && visible.length > 0 && (
            <p className="history-start" data-key="history-start">
              This is the beginning of the conversation.
            </p>
          )}
          {more === false && visible.length === 0 && pending.length === 0 && (
            <p className="history-start" data-key="history-empty">
              No messages yet. Say hello!
            </p>
          )}
          {loadingOlder && (
            <p className="history-loading" data-key="history-loading">
              Loading earlier messages…
            </p>
          )}
          {jumpError && (
            <p className="form-error history-error" data-key="jump-error">
              {jumpError}
            </p>
          )}
          {rows.map((row) => {
            switch (row.kind) {
              case 'day':
                return (
                  <div className="day-separator" key={row.key} data-key={row.key} role="separator">
                    <span>{row.label}</span>
                  </div>
                );
              case 'new':
                return (
                  <div className="new-divider" key={row.key} data-key={row.key} role="separator">
                    <span>New messages</span>
                  </div>
                );
              case 'message':
                return (
                  <div className="message-row" key={row.key} data-key={row.key}>
                    <MessageItem
                      roomId={roomId}
                      message={row.message}
                      compact={row.compact}
                      canPost={props.canPost}
                      canModerate={props.canModerate}
                      editing={props.editingId === row.message.id}
                      highlighted={highlight === row.message.id}
                      actions={actions}
                    />
                    {seen?.messageId === row.message.id && <p className="seen">Seen by {seen.names}</p>}
                  </div>
                );
              case 'pending':
                return (
                  <div className="message-row" key={row.key} data-key={row.key}>
                    <PendingItem send={row.send} error={row.error} compact={row.compact} actions={actions} />
                  </div>
                );
            }
          })}
          {fillingHole && (
            <p className="history-loading" data-key="hole-loading">
              Loading newer messages…
            </p>
          )}
        </div>
      </div>
      {showJump && (
        <button type="button" className="jump-latest" onClick={jumpToLatest}>
          <RoomIcon name="down" />
          <span>Jump to latest</span>
        </button>
      )}
    </div>
  );
}

/** "Seen by …" under my latest message: the others whose read marker reached it. */
function seenReceipt(
  me: string,
  messages: readonly Message[],
  members: readonly { userId: string; readSeq: number | null }[],
  kind: string | undefined,
  nameOf: (id: string) => string,
): { messageId: string; names: string } | null {
  if (kind === 'channel' || kind === undefined) return null;
  let mine: Message | undefined;
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i];
    if (message && message.senderId === me && message.deletedAt === null) {
      mine = message;
      break;
    }
  }
  if (!mine) return null;
  const seq = mine.seq;
  const readers = members.filter((m) => m.userId !== me && m.readSeq !== null && m.readSeq >= seq);
  if (readers.length === 0) return null;
  const names = readers.map((m) => nameOf(m.userId));
  const shown = names.length > 3 ? `${names.slice(0, 3).join(', ')} and ${names.length - 3} more` : names.join(', ');
  return { messageId: mine.id, names: shown };
}
