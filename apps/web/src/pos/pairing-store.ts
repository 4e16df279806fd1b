// The register this device is paired to, and the pairing user's tokens (the bearer for PIN
// switches). Kept in localStorage: it survives reloads and offline starts.
import { useSyncExternalStore } from 'react';
import type { SessionUser } from '../api/client';
import { authFor, isTokens, registerTokenSlot, revoke, type TokenSlot, type Tokens } from '../auth/credentials';
import { isObject, storedValue } from '../auth/stored-value';
import { forgetCashiers } from './cashiers-store';

export type Pairing = {
  store_id: string;
  store_name: string;
  register_id: string;
  register_name: string;
  /** make up the till's order-number prefix (S1-R2-); absent in pairings saved before they were kept */
  store_number?: number;
  register_number?: number;
  paired_by: Pick<SessionUser, 'id' | 'name' | 'email'>;
  paired_at: string;
  tokens: Tokens;
};

const store = storedValue<Pairing>(
  'novapos.pos.pairing',
  (v): v is Pairing => isObject(v) && typeof v.register_id === 'string' && typeof v.store_id === 'string' && isTokens(v.tokens),
);

let endedNotice: string | null = null;

export const pairingSlot: TokenSlot = {
  readTokens: () => store.get()?.tokens ?? null,
  writeTokens: (tokens) => {
    const p = store.get();
    if (p) store.set({ ...p, tokens });
  },
  end: () => {
    const p = store.get();
    if (p) endedNotice = `The pairing of ${p.register_name} ended (its sign-in expired or was revoked). Pair the device again.`;
    store.set(null);
    forgetCashiers();
  },
};
registerTokenSlot(pairingSlot);

export const pairingAuth = authFor(pairingSlot);
export const getPairing = () => store.get();

export function usePairing(): Pairing | null {
  return useSyncExternalStore(store.subscribe, store.get, () => null);
}

export function savePairing(p: Pairing): void {
  store.set(p);
}

/** Why the device is no longer paired, when the server ended it (shown once). */
export function takeEndedNotice(): string | null {
  const n = endedNotice;
  endedNotice = null;
  return n;
}

export async function unpair(otherHolder: TokenSlot): Promise<void> {
  const p = store.get();
  store.set(null);
  forgetCashiers();
  if (p) await revoke(p.tokens, [otherHolder]);
}
