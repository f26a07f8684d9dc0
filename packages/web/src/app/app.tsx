import { NatterClient, type Session } from '@natter/client';
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { AuthScreens } from '../screens/auth.tsx';
import { Shell } from '../screens/shell.tsx';
import { ChatStore, describeError } from './chat-store.ts';
import { navigate, useLocation } from './router.tsx';
import { loadSession, saveSession } from './session-storage.ts';
import { StoreContext } from './store-context.tsx';

/** Paths anyone may open signed out; everything else sends a signed-out visitor to sign in. */
const publicPaths = ['/signin', '/signup', '/forgot-password', '/reset-password'];

/** The whole app: the sign-in screens, or the chat once a session is known good. */
export function App(): ReactNode {
  const [session, setSession] = useState<Session | null>(loadSession);
  const client = useMemo(
    () =>
      new NatterClient({
        baseUrl: window.location.origin,
        session: loadSession(),
        onSessionChange: (next) => {
          saveSession(next);
          setSession(next);
        },
      }),
    [],
  );
  const location = useLocation();
  const path = location.split('?', 1)[0] ?? '/';

  if (session === null) {
    if (!publicPaths.includes(path)) {
      const back = path === '/' ? '' : `?next=${encodeURIComponent(location)}`;
      queueMicrotask(() => {
        navigate(`/signin${back}`, { replace: true });
      });
      return null;
    }
    return <AuthScreens client={client} path={path} location={location} />;
  }
  if (publicPaths.includes(path) && path !== '/reset-password') {
    queueMicrotask(() => {
      navigate('/', { replace: true });
    });
    return null;
  }
  return <SignedIn key={session.sessionId} client={client} session={session} />;
}

/** Builds the store for a session and tears it down when the session changes or ends. */
function SignedIn(props: { client: NatterClient; session: Session }): ReactNode {
  const { client, session } = props;
  const [store, setStore] = useState<ChatStore | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const created = new ChatStore(client, session.user);
    setStore(created);
    created.connection.on('ended', ({ reason }) => {
      if (reason === 'sessionEnded' || reason === 'unauthenticated') client.setSession(null);
    });
    void client.getMe().then(
      (me) => {
        created.me = me;
        created.changed();
      },
      (e: unknown) => {
        setError(describeError(e));
      },
    );
    return () => {
      created.close();
    };
    // The session id is this component's key: a new session mounts a new store.
  }, [client, session.sessionId]);
  if (!store)
    return (
      <div className="splash" role="status">
        Loading…
      </div>
    );
  return (
    <StoreContext value={store}>
      {error && (
        <div className="banner error" role="alert">
          {error}
        </div>
      )}
      <Shell />
    </StoreContext>
  );
}
