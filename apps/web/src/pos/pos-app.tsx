import { useEffect, useState } from 'react';
import type { PinSession } from '../api/client';
import { sessionSlot } from '../auth/session';
import { ConfirmDialog } from '../ui/dialog';
import { CashierScreen } from './cashier-screen';
import { PairingSetup } from './pairing-setup';
import { unpair, usePairing, type Pairing } from './pairing-store';
import { PosLayout } from './pos-layout';
import { SwitchCashier } from './switch-cashier';
import { useQueueSummary } from './sync-status';
import { queueSummary } from '../sync/sale-queue';
import { clearCatalog } from './db/catalog-db';
import { openRefusedSales } from './manager/refused-view';
import { tillDb } from './db/till-db';
import { startTillServices, type TillServices } from './till-services';
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
  const queue = useQueueSummary();
  const [services, setServices] = useState<TillServices | null>(null);

  // The catalog feed and the sale queue run while the device is paired, cashier or not.
  useEffect(() => {
    const s = startTillServices(pairing);
    setServices(s);
    return () => s.stop();
    // oxlint-disable-next-line react-hooks/exhaustive-deps
  }, [pairing.register_id]);

  async function doUnpair() {
    setBusy(true);
    // Checked again here: a sale may have been queued in another tab since the dialog opened.
    const q = await queueSummary(tillDb());
    if (q.queued > 0 || q.rejected > 0) {
      setBusy(false);
      return;
    }
    // The catalog cache belongs to this pairing's business; the next pairing may be another one.
    await clearCatalog().catch(() => {});
    // The manager's back-office session may share this token; unpair() leaves it alone then.
    await unpair(sessionSlot);
    setBusy(false);
    setConfirming(false);
  }

  const askUnpair = () => setConfirming(true);

  return (
    <PosLayout pairing={pairing} onUnpair={cashier ? undefined : askUnpair} catalog={services?.catalog ?? null}>
      {cashier ? (
        <CashierScreen cashier={cashier} pairing={pairing} services={services} onSwitch={() => setCashier(null)} />
      ) : (
        <SwitchCashier
          pairing={pairing}
          onSignedIn={(s) => setCashier({ user: s.user, access_token: s.access_token, expires_at: Date.now() + s.expires_in * 1000 })}
        />
      )}
      {confirming && queue.queued === 0 && queue.rejected > 0 && (
        <ConfirmDialog
          title="Refused sales need a manager"
          message={
            <p>
              The server refused {queue.rejected} {queue.rejected === 1 ? 'sale' : 'sales'} from this till. A manager must fix and resend, or
              discard, {queue.rejected === 1 ? 'it' : 'them'} before this device can be unpaired: they are kept only here.
            </p>
          }
          confirmLabel="Review refused sales"
          onConfirm={() => {
            openRefusedSales();
            setConfirming(false);
          }}
          onCancel={() => setConfirming(false)}
        />
      )}
      {confirming && queue.queued > 0 && (
        <ConfirmDialog
          title="Sales are waiting to be sent"
          message={
            <p>
              {queue.queued} {queue.queued === 1 ? 'sale has' : 'sales have'} not reached the server yet. This device can’t be unpaired until they are
              sent: connect it to the network and wait for the queue to empty.
            </p>
          }
          confirmLabel="Try sending now"
          onConfirm={() => {
            void services?.sales.syncNow();
            setConfirming(false);
          }}
          onCancel={() => setConfirming(false)}
        />
      )}
      {confirming && queue.queued === 0 && queue.rejected === 0 && (
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
