// A PIN switch while the server cannot be reached: checked against the cached verifiers. The
// session it gives has no token: the till's pushes go with the pairing's token and name the
// cashier in each mutation, so nothing else needs one.
import type { PinSession, Role } from '../../api/client';
import { MAX_PIN_TRIES, clearMisses, readMissCount, recordMiss } from '../cashiers-store';
import { tillDb } from '../db/till-db';
import type { PinNotice } from '../pin-failure';
import { checkPinOffline } from './offline-pin';
import { readVerifiers } from './verifiers';

/** as long as an online PIN session (identity's PIN_ACCESS_TTL_SECONDS) */
export const OFFLINE_SESSION_SECONDS = 12 * 60 * 60;

export type OfflineSignIn = { session: PinSession } | { notice: PinNotice };

export async function signInOffline(storeId: string, pin: string, who: { id: string; name: string } | null, missKey: string): Promise<OfflineSignIn> {
  if (readMissCount(missKey) >= MAX_PIN_TRIES) {
    return { notice: { tone: 'error', text: `Too many wrong PINs on this till. ${who ? `${who.name} can` : 'You can'} sign in again once it is back online, or a manager can unlock the PIN.` } };
  }
  const cached = await readVerifiers(tillDb(), storeId);
  const r = await checkPinOffline(cached?.list ?? null, pin, who?.id ?? null);
  if (r.ok) {
    clearMisses(r.user.id, missKey);
    return { session: { access_token: '', expires_in: OFFLINE_SESSION_SECONDS, user: { id: r.user.id, name: r.user.name, role: r.user.role as Role, email: '' } } };
  }
  switch (r.reason) {
    case 'no_verifiers':
      return { notice: { tone: 'warning', text: 'This till has not stored the PINs for offline sign-in yet: it needs to be online once after pairing.' } };
    case 'no_verifier':
      return { notice: { tone: 'warning', text: `${who?.name ?? 'This person'} has no PIN stored on this till for offline sign-in (a PIN set before offline sign-in existed must be changed once). Sign in when the till is back online.` } };
    case 'locked':
      return { notice: { tone: 'error', text: `${who?.name ?? 'This'} PIN is locked. Ask a manager to unlock it in Users.`, userLocked: !!who } };
    case 'wrong': {
      const left = recordMiss(missKey);
      return { notice: { tone: 'error', text: left > 0 ? `Wrong PIN — ${left} ${left === 1 ? 'try' : 'tries'} left` : 'Wrong PIN. Too many wrong PINs: sign in again once the till is back online.' } };
    }
  }
}
