import { ApiError, type Cashier } from '../api/client';

export type PinNotice = {
  tone: 'error' | 'warning';
  text: string;
  /** The register's PIN pad is locked: offer the manager unlock. */
  registerLocked?: boolean;
  /** The picked person's PIN is locked: their tile shows it. */
  userLocked?: boolean;
};

export const lockedPinText = (who: Cashier | null) =>
  `${who ? `${who.name}'s PIN` : 'This PIN'} is locked after too many wrong tries. Ask a manager to unlock it in Users.`;

export const registerLockedText = "This register's PIN pad is locked after too many wrong PINs. A manager must unlock it.";

// Offline, PINs are checked on the till against the verifiers it stored (pos/pin).
export const offlineText = 'Cashiers can still switch in: PINs are checked on this till until the connection is back.';

/**
 * What the PIN pad says about a failed switch; null when the server's own message is best.
 * `triesLeft` is this device's count for a wrong PIN (see cashiers-store).
 */
export function pinFailure(err: unknown, who: Cashier | null, triesLeft: number): PinNotice | null {
  if (!(err instanceof ApiError)) return null;
  if (err.isNetwork) return { tone: 'warning', text: `Can’t reach the NovaPOS server. ${offlineText} Check the connection and try again.` };
  switch (err.code) {
    case 'invalid_pin':
      if (triesLeft > 0) return { tone: 'error', text: `Wrong PIN — ${triesLeft} ${triesLeft === 1 ? 'try' : 'tries'} left` };
      // The server locks on this fifth miss and says so only at the next try: say it now.
      return who
        ? { tone: 'error', text: `Wrong PIN. ${lockedPinText(who)}`, userLocked: true }
        : { tone: 'error', text: `Wrong PIN. ${registerLockedText}`, registerLocked: true };
    case 'pin_locked':
      return { tone: 'error', text: lockedPinText(who), userLocked: !!who };
    case 'register_pin_locked':
      return { tone: 'error', text: registerLockedText, registerLocked: true };
    default:
      return null;
  }
}
