import { useEffect, useRef } from 'react';
import { tillDb } from '../db/till-db';
import { useLiveQuery } from '../use-live-query';
import { ActionButton } from './action-button';
import { fmt } from './money';
import type { Till } from './use-till';

export function ReceiptPane({ till }: { till: Till }) {
  const sale = till.state.lastSale!;
  const status = useLiveQuery(async () => (await tillDb().sales.get(sale.seq))?.status ?? sale.status, [sale.seq], sale.status);
  const r = sale.receipt;
  const c = r.currency;
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <section className="till-receipt" aria-labelledby="receipt-heading">
      <h2 id="receipt-heading" ref={heading} tabIndex={-1}>
        Sale {sale.number} complete
      </h2>
      <p className="till-receipt__change">
        Change due <strong data-testid="change-due">{fmt(r.change_due, c)}</strong>
      </p>
      <p className="till-receipt__sync" role="status">
        {status === 'synced' ? 'Sent to the server.' : status === 'rejected' ? 'The server refused this sale: a manager will see why.' : 'Saved on this till; it will be sent when the server can be reached.'}
      </p>
      <div className="receipt-paper">
        <ul>
          {r.lines.map((l, i) => (
            <li key={i}>
              <span>
                {l.quantity} × {l.name}
              </span>
              <span>{fmt(l.total, c)}</span>
            </li>
          ))}
        </ul>
        <dl>
          <div>
            <dt>Total</dt>
            <dd>{fmt(r.total, c)}</dd>
          </div>
          <div>
            <dt>Tax{r.prices_include_tax ? ' included' : ''}</dt>
            <dd>{fmt(r.tax_total, c)}</dd>
          </div>
          <div>
            <dt>Cash</dt>
            <dd>{fmt(r.tendered, c)}</dd>
          </div>
          <div>
            <dt>Change</dt>
            <dd>{fmt(r.change_due, c)}</dd>
          </div>
        </dl>
        <p>
          {sale.number} · {new Date(sale.created_at).toLocaleString()} · {sale.cashier.name}
        </p>
      </div>
      <div className="till-receipt__actions">
        <ActionButton till={till} id="printReceipt" />
        <ActionButton till={till} id="newSale" className="button button--large" />
      </div>
    </section>
  );
}
