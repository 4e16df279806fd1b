import { useEffect, useState } from 'react';
import type { PinSession } from '../api/client';
import { sessionSlot } from '../auth/session';
import { ConfirmDialog } from '../ui/dialog';
import { CashierScreen } from './cashier-screen';
import { PairingSetup } from './pairing-setup';
import { unpair, usePairing, type Pairing } from './pairing-store';
import { PosLayout } from './pos-layout';
import { SwitchCashier } from './switch-cashier';
import './pos.css';

/** The cashier's session lives in memory only: a reload of a shared till asks for a PIN again. */
export type CashierSession = { user: PinSession['user']; access_token: string; expires_at: number };

export default function PosApp() {
  const pairing = usePairing();
  const [cashier, setCashier] = useState<CashierSession | null>(null);

  useEffect(() => {
    document.title = 'Point of sale · NovaPOS';
  }, []);
  useEffect(() => {
    if (!pairing) setCashier(null);
  }, [pairing]);
  // The PIN session has no refresh token: when it runs out, the till asks for a PIN again.
  useEffect(() => {
    if (!cashier) return;
    const timer = setTimeout(() => setCashier(null), Math.max(0, cashier.expires_at - Date.now()));
    return () => clearTimeout(timer);
  }, [cashier]);

  if (!pairing) {
    return (
      <PosLayout>
        <PairingSetup />
      </PosLayout>
    );
  }
  return <Paired pairing={pairing} cashier={cashier} setCashier={setCashier} />;
}

function Paired({ pairing, cashier, setCashier }: { pairing: Pairing; cashier: CashierSession | null; setCashier: (c: CashierSession | null) => void }) {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);

  async function doUnpair() {
    setBusy(true);
    // The manager's back-office session may share this token; unpair() leaves it alone then.
    await unpair(sessionSlot);
    setBusy(false);
    setConfirming(false);
  }

  const askUnpair = () => setConfirming(true);

  return (
    <PosLayout pairing={pairing} onUnpair={cashier ? undefined : askUnpair}>
      {cashier ? (
        <CashierScreen cashier={cashier} pairing={pairing} onSwitch={() => setCashier(null)} onUnpair={askUnpair} />
      ) : (
        <SwitchCashier
          pairing={pairing}
          onSignedIn={(s) => setCashier({ user: s.user, access_token: s.access_token, expires_at: Date.now() + s.expires_in * 1000 })}
        />
      )}
      {confirming && (
        <ConfirmDialog
          title="Unpair this device?"
          message={
            <p>
              This device will stop being register <strong>{pairing.register_name}</strong> at {pairing.store_name}. A manager will
              need to sign in to pair it again.
            </p>
          }
          confirmLabel="Unpair device"
          danger
          busy={busy}
          onConfirm={doUnpair}
          onCancel={() => setConfirming(false)}
        />
      )}
    </PosLayout>
  );
}
