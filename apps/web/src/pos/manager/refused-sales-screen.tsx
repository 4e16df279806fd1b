// The sales the server refused, for a manager: the server's reason, and either a fix (take out
// an archived line, change a price) resent as a new mutation, or a discard with a reason. The
// rest of the queue never waits for these.
import { useEffect, useRef, useState } from 'react';
import { discardRejected, rejectedSales, resendRejected } from '../../sync/sale-queue';
import { Dialog } from '../../ui/dialog';
import { catalogDb } from '../db/catalog-db';
import { tillDb, type QueuedSale } from '../db/till-db';
import { fmt, parseMoney } from '../selling/money';
import type { TillServices } from '../till-services';
import { useLiveQuery } from '../use-live-query';
import { fixedReceipt, fixLinesOf, MANAGER_ROLES, saleFix, type FixLine } from './fix-sale';
import './manager.css';

type Who = { id: string; name: string; role: string };

export function RefusedSalesScreen({ who, services, onClose, onSwitch }: { who: Who; services: TillServices | null; onClose: () => void; onSwitch: () => void }) {
  const sales = useLiveQuery(() => rejectedSales(tillDb()), [], null as QueuedSale[] | null);
  const manager = MANAGER_ROLES.has(who.role);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && !(e.target instanceof Element && e.target.closest('dialog'))) onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);

  return (
    <section className="refused" aria-labelledby="refused-heading">
      <div className="refused__bar">
        <h1 id="refused-heading" ref={heading} tabIndex={-1}>
          Sales refused by the server
        </h1>
        <button type="button" className="button button--secondary" onClick={onClose}>
          Back to selling <kbd className="till-action__key">Esc</kbd>
        </button>
      </div>
      {!manager && (
        <div className="alert alert--warning" role="status">
          <p>Only a manager, admin or owner can fix or discard a refused sale. The other sales keep being sent meanwhile.</p>
          <button type="button" className="button button--small" onClick={onSwitch}>
            Switch to a manager
          </button>
        </div>
      )}
      {sales === null ? (
        <p role="status">Loading…</p>
      ) : sales.length === 0 ? (
        <p className="empty" role="status">
          No refused sales: everything this till sold has reached the server or is waiting to be sent.
        </p>
      ) : (
        <ul className="refused__list" aria-label="Refused sales">
          {sales.map((s) => (
            <li key={s.seq}>
              <RefusedSale sale={s} who={who} manager={manager} services={services} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function RefusedSale({ sale, who, manager, services }: { sale: QueuedSale; who: Who; manager: boolean; services: TillServices | null }) {
  const [lines, setLines] = useState<FixLine[] | null>(null);
  const [prices, setPrices] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [discarding, setDiscarding] = useState(false);
  const c = sale.receipt.currency;
  const headingId = `refused-${sale.seq}`;

  useEffect(() => {
    let live = true;
    void fixLinesOf(catalogDb(), sale).then((l) => {
      if (!live) return;
      setLines(l);
      setPrices(Object.fromEntries(l.map((x) => [x.id, (x.unit_price / 100).toFixed(2)])));
    });
    return () => {
      live = false;
    };
  }, [sale]);

  let receipt: QueuedSale['receipt'] | null = null;
  let totalsError: string | null = null;
  if (lines) {
    try {
      receipt = fixedReceipt(sale, lines);
    } catch (err) {
      totalsError = err instanceof Error ? err.message : String(err);
    }
  }
  const kept = lines?.filter((l) => !l.removed) ?? [];
  const priceErrors = kept.filter((l) => parseMoney(prices[l.id] ?? '', c) === null);

  function setPrice(id: string, text: string) {
    setPrices((p) => ({ ...p, [id]: text }));
    const parsed = parseMoney(text, c);
    if (parsed) setLines((ls) => ls && ls.map((l) => (l.id === id ? { ...l, unit_price: parsed.amount } : l)));
  }
  const toggle = (id: string) => setLines((ls) => ls && ls.map((l) => (l.id === id ? { ...l, removed: !l.removed } : l)));

  async function resend() {
    if (!lines) return;
    setBusy(true);
    setError(null);
    try {
      await resendRejected(tillDb(), sale.seq, saleFix(sale, lines, { id: who.id, name: who.name }));
      void services?.sales.syncNow();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      setBusy(false);
    }
  }

  const r = sale.rejection;
  return (
    <article className="refused__sale" aria-labelledby={headingId}>
      <h2 id={headingId}>
        Sale {sale.number} · {fmt(sale.receipt.total, c)}
      </h2>
      <p className="refused__meta">
        Rung {new Date(sale.created_at).toLocaleString()} by {sale.cashier.name}
        {sale.resent_from ? ' · already fixed and resent once' : ''}
      </p>
      <div className="alert alert--error refused__reason">
        <p>
          <strong>The server said:</strong> {r?.title ?? 'Refused'}
          {r?.detail ? ` — ${r.detail}` : ''} <span className="refused__code">({r?.code ?? 'rejected'})</span>
        </p>
      </div>
      {!lines ? (
        <p role="status">Loading the lines…</p>
      ) : (
        <table className="refused__lines">
          <caption className="visually-hidden">Lines of sale {sale.number}</caption>
          <thead>
            <tr>
              <th scope="col">Item</th>
              <th scope="col">Qty</th>
              <th scope="col">Unit price</th>
              <th scope="col">
                <span className="visually-hidden">Line actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {lines.map((l) => (
              <tr key={l.id} className={l.removed ? 'refused__line--removed' : undefined}>
                <th scope="row">
                  {l.name} <span className="refused__sku">{l.sku}</span>
                  {l.archived && <span className="refused__badge">Archived</span>}
                  {l.removed && <span className="refused__badge refused__badge--muted">Removed</span>}
                </th>
                <td>{l.quantity}</td>
                <td>
                  <input
                    className="refused__price"
                    aria-label={`Unit price of ${l.name}`}
                    inputMode="decimal"
                    value={prices[l.id] ?? ''}
                    disabled={!manager || l.removed || busy}
                    aria-invalid={parseMoney(prices[l.id] ?? '', c) === null ? true : undefined}
                    onChange={(e) => setPrice(l.id, e.target.value)}
                  />
                  {l.unit_price !== l.original_price && <span className="refused__was">was {fmt(l.original_price, c)}</span>}
                </td>
                <td>
                  <button type="button" className="button button--small button--secondary" disabled={!manager || busy} onClick={() => toggle(l.id)}>
                    {l.removed ? `Put back ${l.name}` : `Remove ${l.name}`}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {receipt && (
        <p className="refused__total">
          New total <strong data-testid="refused-new-total">{fmt(receipt.total, c)}</strong> (the customer paid {fmt(sale.receipt.tendered - sale.receipt.change_due, c)})
        </p>
      )}
      {totalsError && <p className="alert alert--error" role="alert">{totalsError}</p>}
      {error && (
        <p className="alert alert--error" role="alert">
          {error}
        </p>
      )}
      {manager && (
        <div className="refused__actions">
          <button type="button" className="button" disabled={busy || !receipt || kept.length === 0 || priceErrors.length > 0} onClick={() => void resend()}>
            Resend sale {sale.number}
          </button>
          <button type="button" className="button button--danger" disabled={busy} onClick={() => setDiscarding(true)}>
            Discard sale {sale.number}…
          </button>
        </div>
      )}
      {discarding && <DiscardDialog sale={sale} who={who} onClose={() => setDiscarding(false)} />}
    </article>
  );
}

function DiscardDialog({ sale, who, onClose }: { sale: QueuedSale; who: Who; onClose: () => void }) {
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  async function discard() {
    try {
      await discardRejected(tillDb(), sale.seq, reason, { id: who.id, name: who.name });
      onClose();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  }
  return (
    <Dialog title={`Discard sale ${sale.number}?`} onClose={onClose} role="alertdialog">
      <form
        className="dialog__body form"
        onSubmit={(e) => {
          e.preventDefault();
          void discard();
        }}
      >
        <p>The sale will not reach the server. Its money and stock are then yours to account for. Say why.</p>
        <label htmlFor={`discard-reason-${sale.seq}`}>Reason</label>
        <textarea id={`discard-reason-${sale.seq}`} value={reason} onChange={(e) => setReason(e.target.value)} required maxLength={200} rows={3} />
        {error && (
          <p className="alert alert--error" role="alert">
            {error}
          </p>
        )}
        <div className="dialog__actions">
          <button type="button" className="button button--secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button button--danger" disabled={!reason.trim()}>
            Discard sale
          </button>
        </div>
      </form>
    </Dialog>
  );
}
