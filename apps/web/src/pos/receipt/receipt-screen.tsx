import '../tender/tender.css';
import { useEffect, useRef, useState } from 'react';
import { tillDb } from '../db/till-db';
import { ActionButton } from '../selling/action-button';
import { fmt } from '../selling/money';
import type { Till } from '../selling/use-till';
import { useLiveQuery } from '../use-live-query';
import { useOnline } from '../../ui/use-online';
import { receiptFromQueued, type ReceiptView } from './receipt-view';

/** The receipt: the server's 80 mm page when the server has the order, the till's own layout before. */
export function ReceiptScreen({ till }: { till: Till }) {
  const { state } = till;
  const sale = state.lastSale;
  const status = useLiveQuery(async () => (sale ? ((await tillDb().sales.get(sale.seq))?.status ?? sale.status) : 'synced'), [sale?.seq], sale?.status ?? 'synced');
  const view: ReceiptView = state.receipt ?? receiptFromQueued(sale!);
  const online = useOnline();
  const onServer = !!state.receipt || status === 'synced';
  const html = useServerReceipt(till, onServer && online ? view.order_id : null);
  const c = view.currency;
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);

  return (
    <section className="till-receipt" aria-labelledby="receipt-heading">
      <h2 id="receipt-heading" ref={heading} tabIndex={-1}>
        Sale {view.number} complete
      </h2>
      <p className="till-receipt__change">
        Change due <strong data-testid="change-due">{fmt(view.change_due, c)}</strong>
      </p>
      {sale && (
        <p className="till-receipt__sync" role="status">
          {status === 'synced' ? 'Sent to the server.' : status === 'rejected' ? 'The server refused this sale: a manager will see why.' : 'Saved on this till; it will be sent when the server can be reached.'}
        </p>
      )}
      {html ? <iframe className="till-receipt__frame" title={`Receipt ${view.number}`} srcDoc={html} sandbox="" /> : <LocalReceipt view={view} />}
      <div className="till-receipt__actions">
        <ActionButton till={till} id="printReceipt" className="button button--large button--secondary" />
        <ActionButton till={till} id="newSale" className="button button--large" />
      </div>
    </section>
  );
}

function useServerReceipt(till: Till, orderId: string | null): string | null {
  const [html, setHtml] = useState<{ id: string; html: string } | null>(null);
  const api = till.apis.tender;
  useEffect(() => {
    if (!orderId) return;
    let live = true;
    // a preview: not counted as a print
    api.receiptHtml(orderId, false).then(
      (h) => live && setHtml({ id: orderId, html: h }),
      () => {},
    );
    return () => {
      live = false;
    };
  }, [api, orderId]);
  return html && html.id === orderId ? html.html : null;
}

/** The till's own 80 mm layout, for a sale the server does not have yet. */
export function LocalReceipt({ view }: { view: ReceiptView }) {
  const c = view.currency;
  return (
    <div className="receipt-paper">
      <ul>
        {view.lines.map((l, i) => (
          <li key={i}>
            <span>
              {l.quantity} × {l.name}
            </span>
            <span>{fmt(l.total, c)}</span>
          </li>
        ))}
      </ul>
      <dl>
        {view.discount_total > 0 && (
          <div>
            <dt>Discounts</dt>
            <dd>−{fmt(view.discount_total, c)}</dd>
          </div>
        )}
        <div>
          <dt>Total</dt>
          <dd>{fmt(view.total, c)}</dd>
        </div>
        <div>
          <dt>Tax{view.prices_include_tax ? ' included' : ''}</dt>
          <dd>{fmt(view.tax_total, c)}</dd>
        </div>
        {view.tip_total > 0 && (
          <div>
            <dt>Tip</dt>
            <dd>{fmt(view.tip_total, c)}</dd>
          </div>
        )}
        {view.payments.map((p, i) => (
          <div key={i}>
            <dt>{p.label}</dt>
            <dd>{fmt(p.amount, c)}</dd>
          </div>
        ))}
        <div>
          <dt>Change</dt>
          <dd>{fmt(view.change_due, c)}</dd>
        </div>
      </dl>
      <p>
        {view.number} · {new Date(view.created_at).toLocaleString()} · {view.cashier}
      </p>
    </div>
  );
}
