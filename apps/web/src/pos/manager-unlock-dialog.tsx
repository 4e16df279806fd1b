import { createApi, type TokenResponse } from '../api/client';
import { authFor, memorySlot, revoke, tokensFrom } from '../auth/credentials';
import { sessionSlot } from '../auth/session';
import { SignInForm } from '../auth/sign-in-form';
import { Dialog } from '../ui/dialog';
import { pairingSlot, type Pairing } from './pairing-store';

/**
 * A manager signs in here, just for this, to unlock the register's PIN pad. The pairing token
 * could unlock it too, but then anyone at the till could, and the lock would stop nobody.
 */
export function ManagerUnlockDialog({ pairing, onUnlocked, onClose }: { pairing: Pairing; onUnlocked: () => void; onClose: () => void }) {
  async function unlock(res: TokenResponse) {
    const tokens = tokensFrom(res);
    const api = createApi(authFor(memorySlot(tokens, () => {})));
    try {
      const me = await api.me();
      if (!me.permissions.includes('users.pin_manage')) {
        throw new Error(`${me.user.name} can’t unlock PIN pads. Ask a manager, admin or owner.`);
      }
      await api.unlockRegisterPin(pairing.register_id);
    } finally {
      void revoke(tokens, [sessionSlot, pairingSlot]);
    }
    onUnlocked();
  }

  return (
    <Dialog title={`Unlock the PIN pad of ${pairing.register_name}`} onClose={onClose}>
      <p className="dialog__body">A manager, admin or owner signs in to unlock it. This does not change who is signed in on the till.</p>
      <SignInForm submitLabel="Unlock PIN pad" onSignedIn={unlock} />
      <button type="button" className="button button--secondary button--block unlock-dialog__cancel" onClick={onClose}>
        Cancel
      </button>
    </Dialog>
  );
}
