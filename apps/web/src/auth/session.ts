// The back-office session of this browser: tokens and the signed-in user, in localStorage so a
// reload (or an offline reload) keeps the user signed in.
import { useSyncExternalStore } from 'react';
import type { Me, SessionUser, TokenResponse } from '../api/client';
import { authFor, isTokens, registerTokenSlot, revoke, tokensFrom, type TokenSlot, type Tokens } from './credentials';
import { isObject, storedValue } from './stored-value';
import { pairingSlot } from '../pos/pairing-store';

export type Session = { tokens: Tokens; user: SessionUser; me?: Me };

const store = storedValue<Session>('novapos.session', (v): v is Session => isObject(v) && isTokens(v.tokens) && isObject(v.user));

export const sessionSlot: TokenSlot = {
  readTokens: () => store.get()?.tokens ?? null,
  writeTokens: (tokens) => {
    const s = store.get();
    if (s) store.set({ ...s, tokens });
  },
  end: () => store.set(null),
};
registerTokenSlot(sessionSlot);

export const sessionAuth = authFor(sessionSlot);
export const getSession = () => store.get();

export function useSession(): Session | null {
  return useSyncExternalStore(store.subscribe, store.get, () => null);
}

export function startSession(res: Pick<TokenResponse, 'access_token' | 'refresh_token' | 'expires_in' | 'user'>): void {
  const previous = store.get();
  store.set({ tokens: tokensFrom(res), user: res.user });
  if (previous) void revoke(previous.tokens, [pairingSlot]);
}

/** Keeps the last /me so the back office can still render its frame offline. */
export function rememberMe(me: Me): void {
  const s = store.get();
  if (s) store.set({ ...s, me, user: { ...s.user, ...me.user } });
}

// A manager may pair the till from this very session; the pairing then shares its token family,
// so signing out here must not revoke a token the till still uses.
export async function signOut(): Promise<void> {
  const s = store.get();
  store.set(null);
  if (s) await revoke(s.tokens, [pairingSlot]);
}
