// Void a sale whose money is already taken on the server: the server gives the payments back and
// closes the order. A manager's permission: a cashier gets the server's refusal, shown as it is.
import { useState, type FormEvent } from 'react';
import { Dialog } from '../../ui/dialog';
import { fmt } from '../selling/money';
import type { Till } from '../selling/use-till';

export function VoidSaleDialog({ till }: { till: Till }) {
  const order = till.state.tender.order;
  const [reason, setReason] = useState('');
  const ok = till.can('confirmVoidSale', reason);
  function submit(e: FormEvent) {
    e.preventDefault();
    if (ok) till.run('confirmVoidSale', reason);
  }
  return (
    <Dialog title="Void sale" role="alertdialog" onClose={() => till.run('closeDialog')}>
      <form className="form" onSubmit={submit} autoComplete="off">
        {order && (
          <p>
            Order {order.number}: {fmt(order.amount_paid.amount, order.currency)} taken will be given back, and the sale closed. This needs a manager.
          </p>
        )}
        <label htmlFor="void-reason">Reason</label>
        <input id="void-reason" autoFocus value={reason} onChange={(e) => setReason(e.target.value)} maxLength={500} />
        <button type="submit" className="button button--large button--danger" disabled={!ok}>
          Void the sale <kbd className="till-action__key">Enter</kbd>
        </button>
        <button type="button" className="button button--secondary" onClick={() => till.run('closeDialog')}>
          Keep the sale <kbd className="till-action__key">Esc</kbd>
        </button>
      </form>
    </Dialog>
  );
}
