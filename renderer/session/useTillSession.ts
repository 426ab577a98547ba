import { createContext, useContext, useSyncExternalStore } from 'react';
import type { TillSession } from '../../sync/client/session/tillSession';
import type { TillState } from '../../sync/client/session/tillState';

export const SessionContext = createContext<TillSession | null>(null);

export function useSession(): TillSession {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionContext');
  return session;
}

/** The till's state as the session holds it; the screen re-renders on every change. */
export function useTillState(): TillState {
  const session = useSession();
  return useSyncExternalStore(session.subscribe, session.getState);
}
