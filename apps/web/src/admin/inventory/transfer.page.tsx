import { useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router-dom';
import { ApiError } from '../../api/client';
import { Dialog } from '../../ui/dialog';
import { TextField } from '../../ui/field';
import { ProblemAlert } from '../../ui/problem-alert';
import { LoadError, Loading } from '../../ui/status';
import { useAsync } from '../../ui/use-async';
import { useIdempotencyKey } from '../../ui/use-idempotency-key';
import { useAdmin } from '../admin-context';
import { Flash, PageHeader } from '../admin-layout';
import { errorUnder, pathsUnder } from '../shared/field-errors';
import { formatDateTime, plural } from '../shared/format';
import { useStoreName } from '../shared/store-select';
import { useUserNames } from '../shared/user-names';
import { useVariantInfo, variantLabel, type VariantInfo } from '../shared/variants';
import { inventoryApi, type Transfer, type TransferLine, type TransferReceiveInput } from './inventory-api';
import { DIFFERENCE_REASONS, reasonLabel, TRANSFER_STATUS } from './labels';
import { units } from './transfers.page';

export function TransferPage() {
  const { transferId = '' } = useParams();
  const data = useAsync(async () => {
    try {
      return await inventoryApi.transfer(transferId);
    } catch (err) {
      if (err instanceof ApiError && (err.status === 404 || err.code === 'validation_failed')) return null;
      throw err;
    }
  }, [transferId]);
  return (
    <>
      <p className="breadcrumb">
        <Link to="/admin/inventory/transfers">Transfers</Link>
      </p>
      {data.status === 'loading' && <Loading label="Loading transfer…" />}
      {data.status === 'error' && <LoadError error={data.error} onRetry={data.reload} />}
      {data.status === 'ready' && !data.data && <PageHeader title="Transfer not found" />}
      {data.status === 'ready' && data.data && <TransferView transfer={data.data} onChange={(t) => data.setData(() => t)} />}
    </>
  );
}

function TransferView({ transfer: t, onChange }: { transfer: Transfer; onChange: (t: Transfer) => void }) {
  const { can, me } = useAdmin();
  const storeName = useStoreName();
  const userName = useUserNames();
  const info = useVariantInfo(t.lines.map((l) => l.variant_id));
  const idem = useIdempotencyKey();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [cancelling, setCancelling] = useState(false);
  const mine = (id: string) => me.stores.some((s) => s.id === id);
  const manage = can('inventory.transfer');
  const status = TRANSFER_STATUS[t.status];

  async function ship() {
    setBusy(true);
    setError(null);
    try {
      const done = await inventoryApi.shipTransfer(t.id, idem.keyFor({ ship: t.id }));
      idem.done();
      onChange(done);
      setMessage(`Shipped: ${plural(units(done), 'unit')} left ${storeName(done.from_store_id)}.`);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <PageHeader title={`Transfer to ${storeName(t.to_store_id)}`}>
        <span className={`${status.badge} badge--large`}>{status.label}</span>
      </PageHeader>
      <Flash hidden={!!message} />
      {message && (
        <p className="alert alert--success" role="status">
          {message}
        </p>
      )}
      <ol className="steps" aria-label="Transfer progress">
        <Step done label="Drafted" when={t.created_at} who={userName(t.created_by)} />
        {t.status === 'cancelled' ? (
          <Step done label={`Cancelled${t.cancel_reason ? `: ${t.cancel_reason}` : ''}`} when={t.cancelled_at} who={userName(t.cancelled_by)} danger />
        ) : (
          <>
            <Step done={!!t.shipped_at} label={t.shipped_at ? `Shipped from ${storeName(t.from_store_id)}` : 'Ship'} when={t.shipped_at} who={userName(t.shipped_by)} />
            <Step done={!!t.received_at} label={t.received_at ? `Received at ${storeName(t.to_store_id)}` : 'Receive'} when={t.received_at} who={userName(t.received_by)} />
          </>
        )}
      </ol>
      <dl className="details details--inline">
        <dt>From</dt>
        <dd>{storeName(t.from_store_id)}</dd>
        <dt>To</dt>
        <dd>{storeName(t.to_store_id)}</dd>
        {t.note && (
          <>
            <dt>Note</dt>
            <dd>{t.note}</dd>
          </>
        )}
      </dl>
      <ProblemAlert error={error} />
      {t.status === 'shipped' && manage && mine(t.to_store_id) ? (
        <ReceiveForm
          transfer={t}
          info={info}
          onReceived={(r) => {
            onChange(r);
            setMessage(receivedText(r));
          }}
        />
      ) : (
        <LinesTable transfer={t} info={info} />
      )}
      {manage && (t.status === 'draft' || t.status === 'shipped') && (
        <div className="form__actions form__actions--start action-bar">
          {t.status === 'draft' && mine(t.from_store_id) && (
            <button type="button" className="button" onClick={ship} disabled={busy}>
              {busy ? 'Shipping…' : `Ship ${plural(units(t), 'unit')}`}
            </button>
          )}
          {mine(t.from_store_id) && (
            <button type="button" className="button button--danger-outline" onClick={() => setCancelling(true)} disabled={busy}>
              Cancel transfer
            </button>
          )}
        </div>
      )}
      {cancelling && (
        <CancelDialog
          transfer={t}
          onClose={() => setCancelling(false)}
          onDone={(c) => {
            setCancelling(false);
            onChange(c);
            setMessage(t.status === 'shipped' ? `Cancelled: the units are back in ${storeName(c.from_store_id)}.` : 'Transfer cancelled.');
          }}
        />
      )}
    </>
  );
}

function receivedText(t: Transfer): string {
  const received = t.lines.reduce((s, l) => s + (l.received_quantity ?? 0), 0);
  const short = units(t) - received;
  return short > 0 ? `Received ${received} of ${units(t)} units; ${short} recorded as a difference.` : `Received all ${received} units.`;
}

function Step({ done, label, when, who, danger }: { done: boolean; label: string; when?: string | null; who?: string; danger?: boolean }) {
  return (
    <li className={danger ? 'steps__item steps__item--danger' : done ? 'steps__item steps__item--done' : 'steps__item'} aria-current={!done ? 'step' : undefined}>
      <span className="steps__label">{label}</span>
      {when && (
        <span className="steps__when">
          {formatDateTime(when)}
          {who ? ` · ${who}` : ''}
        </span>
      )}
      {!done && <span className="visually-hidden"> (not yet)</span>}
    </li>
  );
}

const nameOf = (info: Map<string, VariantInfo>, l: TransferLine) => {
  const v = info.get(l.variant_id);
  return v ? variantLabel(v) : 'Loading…';
};

function LinesTable({ transfer: t, info }: { transfer: Transfer; info: Map<string, VariantInfo> }) {
  const received = t.status === 'received';
  return (
    <table className="table table--dense">
      <caption className="visually-hidden">Items on this transfer</caption>
      <thead>
        <tr>
          <th scope="col">Item</th>
          <th scope="col">SKU</th>
          <th scope="col" className="num">
            Sent
          </th>
          {received && (
            <>
              <th scope="col" className="num">
                Received
              </th>
              <th scope="col">Difference</th>
            </>
          )}
          <th scope="col">Serial numbers</th>
        </tr>
      </thead>
      <tbody>
        {t.lines.map((l) => (
          <tr key={l.id}>
            <th scope="row" data-label="Item">
              {nameOf(info, l)}
            </th>
            <td data-label="SKU" className="mono">
              {info.get(l.variant_id)?.sku}
            </td>
            <td data-label="Sent" className="num">
              {l.quantity}
            </td>
            {received && (
              <>
                <td data-label="Received" className="num">
                  {l.received_quantity}
                </td>
                <td data-label="Difference">
                  {l.difference ? (
                    <span className="badge badge--warn">
                      {l.difference} · {reasonLabel(l.difference_reason)}
                    </span>
                  ) : (
                    <span className="muted">None</span>
                  )}
                </td>
              </>
            )}
            <td data-label="Serial numbers" className="mono">
              {(l.received_serial_numbers ?? l.serial_numbers)?.join(', ') ?? <span className="muted">—</span>}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

type ReceiveDraft = { received: string; reason: string; serials: string[] };

function ReceiveForm({ transfer: t, info, onReceived }: { transfer: Transfer; info: Map<string, VariantInfo>; onReceived: (t: Transfer) => void }) {
  const idem = useIdempotencyKey();
  const [drafts, setDrafts] = useState<Record<string, ReceiveDraft>>(() =>
    Object.fromEntries(t.lines.map((l) => [l.variant_id, { received: String(l.quantity), reason: '', serials: l.serial_numbers ?? [] }])),
  );
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const set = (variantId: string, patch: Partial<ReceiveDraft>) => setDrafts((d) => ({ ...d, [variantId]: { ...d[variantId]!, ...patch } }));

  async function submit(e: FormEvent) {
    e.preventDefault();
    // Only lines that differ are sent: the others arrive in full.
    const lines: NonNullable<TransferReceiveInput['lines']> = [];
    for (const l of t.lines) {
      const d = drafts[l.variant_id]!;
      const received = Number(d.received);
      if (received === l.quantity) continue;
      lines.push({
        variant_id: l.variant_id,
        received_quantity: received,
        ...(d.reason ? { reason: d.reason as 'damaged' } : {}),
        ...(l.serial_numbers?.length ? { serial_numbers: d.serials } : {}),
      });
    }
    const body: TransferReceiveInput = lines.length ? { lines } : {};
    setBusy(true);
    setError(null);
    try {
      const done = await inventoryApi.receiveTransfer(t.id, body, idem.keyFor({ receive: t.id, body }));
      idem.done();
      onReceived(done);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }

  // The server's paths index the lines sent, which are only the short ones.
  const sentIndex = (variantId: string) => t.lines.filter((l) => Number(drafts[l.variant_id]!.received) !== l.quantity).findIndex((l) => l.variant_id === variantId);
  const err = (variantId: string, field: string) => {
    const i = sentIndex(variantId);
    return i >= 0 ? errorUnder(error, `lines.${i}.${field}`) : undefined;
  };

  return (
    <form className="form" onSubmit={submit} aria-labelledby="receive-heading">
      <h2 id="receive-heading">Receive</h2>
      <p className="muted">Count what arrived. If less than was sent, say why: the difference is recorded and does not come into stock.</p>
      <ProblemAlert error={error} shownFields={pathsUnder(error, t.lines.map((_, i) => `lines.${i}`))} />
      <table className="table table--dense">
        <caption className="visually-hidden">Quantities received</caption>
        <thead>
          <tr>
            <th scope="col">Item</th>
            <th scope="col" className="num">
              Sent
            </th>
            <th scope="col">Received</th>
            <th scope="col">Why fewer</th>
          </tr>
        </thead>
        <tbody>
          {t.lines.map((l) => {
            const d = drafts[l.variant_id]!;
            const name = nameOf(info, l);
            const received = Number(d.received);
            const short = Number.isInteger(received) && received < l.quantity;
            const qtyErr = !Number.isInteger(received) || received < 0 || received > l.quantity ? `Enter 0 to ${l.quantity}.` : err(l.variant_id, 'received_quantity');
            const reasonErr = err(l.variant_id, 'reason') ?? (short && !d.reason && error ? 'Choose a reason.' : undefined);
            return (
              <tr key={l.id}>
                <th scope="row" data-label="Item">
                  {name}
                  {l.serial_numbers?.length ? (
                    <fieldset className="serial-checks">
                      <legend className="cell-note">Serial numbers that arrived</legend>
                      {l.serial_numbers.map((s) => (
                        <label key={s} className="checkbox checkbox--small">
                          <input
                            type="checkbox"
                            checked={d.serials.includes(s)}
                            onChange={(e) => {
                              const serials = e.target.checked ? [...d.serials, s] : d.serials.filter((x) => x !== s);
                              set(l.variant_id, { serials, received: String(serials.length) });
                            }}
                          />
                          <span className="mono">{s}</span>
                        </label>
                      ))}
                      {err(l.variant_id, 'serial_numbers') && <span className="field__error grid-error">{err(l.variant_id, 'serial_numbers')}</span>}
                    </fieldset>
                  ) : null}
                </th>
                <td data-label="Sent" className="num">
                  {l.quantity}
                </td>
                <td data-label="Received">
                  <input
                    className="grid-input grid-input--short"
                    inputMode="numeric"
                    value={d.received}
                    onChange={(e) => set(l.variant_id, { received: e.target.value.replace(/\D/g, '') })}
                    aria-label={`Received quantity of ${name}`}
                    aria-invalid={qtyErr ? true : undefined}
                    readOnly={!!l.serial_numbers?.length}
                  />
                  {qtyErr && <span className="field__error grid-error">{qtyErr}</span>}
                </td>
                <td data-label="Why fewer">
                  {short ? (
                    <>
                      <select className="grid-input" value={d.reason} onChange={(e) => set(l.variant_id, { reason: e.target.value })} aria-label={`Why fewer ${name} arrived`} aria-invalid={reasonErr ? true : undefined} required>
                        <option value="" disabled>
                          Choose a reason
                        </option>
                        {DIFFERENCE_REASONS.map((r) => (
                          <option key={r.value} value={r.value}>
                            {r.label}
                          </option>
                        ))}
                      </select>
                      {reasonErr && <span className="field__error grid-error">{reasonErr}</span>}
                    </>
                  ) : (
                    <span className="muted">All arrived</span>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <div className="form__actions form__actions--start">
        <button type="submit" className="button" disabled={busy}>
          {busy ? 'Receiving…' : 'Receive transfer'}
        </button>
      </div>
    </form>
  );
}

function CancelDialog({ transfer: t, onClose, onDone }: { transfer: Transfer; onClose: () => void; onDone: (t: Transfer) => void }) {
  const idem = useIdempotencyKey();
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  async function submit(e: FormEvent) {
    e.preventDefault();
    const body = reason.trim() ? { reason: reason.trim() } : {};
    setBusy(true);
    setError(null);
    try {
      const done = await inventoryApi.cancelTransfer(t.id, body, idem.keyFor({ cancel: t.id, body }));
      idem.done();
      onDone(done);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }
  return (
    <Dialog title="Cancel this transfer?" onClose={onClose} role="alertdialog">
      <form className="form" onSubmit={submit}>
        <p>{t.status === 'shipped' ? 'The shipped units go back into the source store’s stock.' : 'Nothing has moved yet; the draft is closed.'}</p>
        <ProblemAlert error={error} shownFields={['reason']} />
        <TextField label="Reason (optional)" value={reason} onChange={setReason} maxLength={500} error={errorUnder(error, 'reason')} autoFocus />
        <div className="dialog__actions">
          <button type="button" className="button button--secondary" onClick={onClose} disabled={busy}>
            Keep it
          </button>
          <button type="submit" className="button button--danger" disabled={busy}>
            {busy ? 'Cancelling…' : 'Cancel transfer'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
