import { useState } from 'react';
import { ApiError, type Cashier, type PinSession } from '../api/client';
import { useOnline } from '../ui/use-online';
import { CashierPicker } from './cashier-picker';
import type { Pairing } from './pairing-store';
import { offlineText } from './pin-failure';
import { PinPadScreen } from './pin-pad-screen';
import { useCashiers } from './use-cashiers';

type Step = { kind: 'pick'; focusId: string | null } | { kind: 'pin'; cashier: Cashier | null };

/** Who is selling: the name tiles first, then the PIN pad for the person tapped (or PIN only). */
export function SwitchCashier({ pairing, onSignedIn }: { pairing: Pairing; onSignedIn: (s: PinSession) => void }) {
  const cashiers = useCashiers(pairing.store_id);
  const online = useOnline();
  const [step, setStep] = useState<Step>({ kind: 'pick', focusId: null });
  const unreachable = !online || (cashiers.error instanceof ApiError && cashiers.error.isNetwork);

  function back() {
    setStep({ kind: 'pick', focusId: step.kind === 'pin' ? (step.cashier?.id ?? null) : null });
    cashiers.reload();
  }

  return (
    <div className="switch">
      {unreachable && step.kind === 'pick' && (
        <p className="alert alert--warning switch__offline" role="status">
          <strong>{online ? 'Can’t reach the NovaPOS server.' : 'This till is offline.'}</strong> {offlineText}
        </p>
      )}
      {step.kind === 'pick' ? (
        <CashierPicker
          pairing={pairing}
          cashiers={cashiers}
          focusId={step.focusId}
          onPick={(cashier) => setStep({ kind: 'pin', cashier })}
          onPinOnly={() => setStep({ kind: 'pin', cashier: null })}
        />
      ) : (
        <PinPadScreen
          key={step.cashier?.id ?? 'pin-only'}
          pairing={pairing}
          cashier={step.cashier}
          offline={!online}
          onSignedIn={onSignedIn}
          onBack={back}
          onLocked={cashiers.markLocked}
        />
      )}
    </div>
  );
}
