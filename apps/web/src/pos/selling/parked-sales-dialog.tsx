// The register's parked sales: resume one into the empty cart, or discard it (two steps).
import { useState } from 'react';
import { Dialog } from '../../ui/dialog';
import { tillDb } from '../db/till-db';
import { useLiveQuery } from '../use-live-query';
import { ActionButton } from './action-button';
import { fmt } from './money';
import { parkedOn } from './parked-sales';
import type { Till } from './use-till';

const time = (iso: string) => {
  const d = new Date(iso);
  const today = new Date().toDateString() === d.toDateString();
  return today ? d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) : d.toLocaleString([], { dateStyle: 'short', timeStyle: 'short' });
};

export function ParkedSalesDialog({ till, registerId }: { till: Till; registerId: string }) {
  const parked = useLiveQuery(() => parkedOn(tillDb(), registerId), [registerId], null);
  const [discarding, setDiscarding] = useState<string | null>(null);
  const cartBusy = till.state.cart.lines.length > 0;
  return (
    <Dialog title="Parked sales" onClose={() => till.run('closeDialog')}>
      {parked === null ? (
        <p className="muted">Loading…</p>
      ) : parked.length === 0 ? (
        <p className="till-empty">No sale is parked on this register.</p>
      ) : (
        <>
          {cartBusy && <p className="alert alert--warning">Park or clear the sale in progress to resume another one.</p>}
          <ul className="till-parked" aria-label="Parked sales on this register">
            {parked.map((p) => {
              const names = p.cart.lines.map((l) => l.name);
              const what = `${p.units} ${p.units === 1 ? 'item' : 'items'} · ${fmt(p.total, p.currency)}`;
              return (
                <li key={p.id} className="till-parked__row" aria-label={`Parked at ${time(p.parked_at)} by ${p.cashier.name}: ${what}`}>
                  <div className="till-parked__what">
                    <strong>
                      {time(p.parked_at)} · {p.cashier.name}
                    </strong>
                    <span>{what}</span>
                    <span className="muted till-parked__names">
                      {names.slice(0, 3).join(', ')}
                      {names.length > 3 ? ` and ${names.length - 3} more` : ''}
                    </span>
                  </div>
                  <div className="till-parked__actions">
                    {discarding === p.id ? (
                      <>
                        <button type="button" className="button button--danger" onClick={() => till.run('discardParked', p.id)}>
                          Discard it
                        </button>
                        <button type="button" className="button button--secondary" onClick={() => setDiscarding(null)}>
                          Keep it
                        </button>
                      </>
                    ) : (
                      <>
                        <ActionButton till={till} id="resumeParked" arg={p.id} className="button">
                          Resume
                        </ActionButton>
                        <button type="button" className="button button--secondary" onClick={() => setDiscarding(p.id)}>
                          Discard…
                        </button>
                      </>
                    )}
                  </div>
                </li>
              );
            })}
          </ul>
        </>
      )}
      <div className="dialog__actions">
        <button type="button" className="button button--secondary" onClick={() => till.run('closeDialog')}>
          Close <kbd className="till-action__key">Esc</kbd>
        </button>
      </div>
    </Dialog>
  );
}
