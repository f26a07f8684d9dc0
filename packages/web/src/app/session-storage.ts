import type { Session } from '@natter/client';

const key = 'natter.session';

/**
 * The signed-in session, kept in localStorage so a reload stays signed in. It holds the refresh
 * token, so it is written only here and removed on sign-out; the app never renders it.
 */
export function loadSession(): Session | null {
  try {
    const raw = localStorage.getItem(key);
    return raw === null ? null : (JSON.parse(raw) as Session);
  } catch {
    return null;
  }
}

export function saveSession(session: Session | null): void {
  try {
    if (session === null) localStorage.removeItem(key);
    else localStorage.setItem(key, JSON.stringify(session));
  } catch {
    // Storage full or disabled: the session lasts as long as the tab.
  }
}
