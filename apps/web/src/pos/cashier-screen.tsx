import { useEffect, useRef } from 'react';
import { Avatar } from '../ui/avatar';
import type { CashierSession } from './pos-app';
import type { Pairing } from './pairing-store';

export function CashierScreen({ cashier, pairing, onSwitch, onUnpair }: { cashier: CashierSession; pairing: Pairing; onSwitch: () => void; onUnpair: () => void }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);

  return (
    <section className="pos-card pos-card--center">
      <Avatar name={cashier.user.name} className="avatar cashier__avatar" />
      <h1 id="cashier-heading" ref={heading} tabIndex={-1}>
        {cashier.user.name} is signed in on {pairing.register_name}
      </h1>
      <p className="muted">{pairing.store_name}</p>
      <div className="cashier__actions">
        <button type="button" className="button button--large" onClick={onSwitch}>
          Switch cashier
        </button>
        <button type="button" className="button button--secondary button--large" onClick={onUnpair}>
          Unpair device
        </button>
      </div>
    </section>
  );
}

