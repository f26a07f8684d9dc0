import { createContext, useContext, useSyncExternalStore } from 'react';
import type { ChatStore } from './chat-store.ts';

export const StoreContext = createContext<ChatStore | null>(null);

/** The signed-in store; re-renders the caller whenever anything in it changed. */
export function useStore(): ChatStore {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useStore outside a signed-in screen');
  useSyncExternalStore(store.subscribe, store.getVersion);
  return store;
}
