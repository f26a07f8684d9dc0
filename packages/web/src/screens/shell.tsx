import { useEffect, useState, type ReactNode } from 'react';
import { match, useLocation } from '../app/router.tsx';
import { useStore } from '../app/store-context.tsx';
import { Contacts } from './contacts/contacts.tsx';
import { Profile } from './profile/profile.tsx';
import { RoomView } from './room/room-view.tsx';
import { JoinRoom } from './rooms/join-room.tsx';
import { NewRoom } from './rooms/new-room.tsx';
import { RoomSettings } from './rooms/room-settings.tsx';
import { Search } from './search/search.tsx';
import { Sidebar } from './sidebar/sidebar.tsx';

/**
 * While the connection is down: a banner after a short grace period (a blip that heals at once
 * shows nothing). Coming back is silent; the connection resumes from its cursor.
 */
function ConnectionBanner(): ReactNode {
  const store = useStore();
  const down = store.connectionState === 'offline' || (store.ready && store.connectionState === 'connecting');
  const [shown, setShown] = useState(false);
  useEffect(() => {
    if (!down) {
      setShown(false);
      return;
    }
    const timer = setTimeout(() => {
      setShown(true);
    }, 1500);
    return () => {
      clearTimeout(timer);
    };
  }, [down]);
  if (!shown) return null;
  return (
    <div className="banner offline" role="status">
      You are offline. Reconnecting… Messages you send now go out when the connection is back.
    </div>
  );
}

function Welcome(): ReactNode {
  const store = useStore();
  return (
    <div className="welcome">
      <h1>Welcome, {store.me.displayName || store.me.username}</h1>
      <p>Pick a conversation on the left, or start a new one.</p>
    </div>
  );
}

/** The signed-in layout: the room list beside the page the location names. */
export function Shell(): ReactNode {
  const location = useLocation();
  const path = location.split('?', 1)[0] ?? '/';
  let page: ReactNode;
  let params: Record<string, string> | null;
  if ((params = match('/r/:roomId/settings', path))) page = <RoomSettings roomId={params.roomId ?? ''} />;
  else if ((params = match('/r/:roomId/m/:messageId', path)))
    page = <RoomView key={params.roomId} roomId={params.roomId ?? ''} messageId={params.messageId ?? null} />;
  else if ((params = match('/r/:roomId', path)))
    page = <RoomView key={params.roomId} roomId={params.roomId ?? ''} messageId={null} />;
  else if (path === '/contacts') page = <Contacts />;
  else if (path === '/new') page = <NewRoom />;
  else if (path === '/join') page = <JoinRoom />;
  else if (path === '/profile') page = <Profile />;
  else if (path === '/search') page = <Search />;
  else page = <Welcome />;
  // On a phone the list and the page take turns: the list at "/", the page elsewhere.
  return (
    <div className={path === '/' ? 'shell at-home' : 'shell'}>
      <ConnectionBanner />
      <Sidebar />
      <main className="page" id="main">
        {page}
      </main>
    </div>
  );
}
