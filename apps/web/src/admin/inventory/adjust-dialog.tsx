import { useState, type FormEvent } from 'react';
import { ApiError } from '../../api/client';
import { Dialog } from '../../ui/dialog';
import { FieldShell, SelectField, TextField } from '../../ui/field';
import { ProblemAlert } from '../../ui/problem-alert';
import { useIdempotencyKey } from '../../ui/use-idempotency-key';
import { errorUnder, pathsUnder, problemCode } from '../shared/field-errors';
import { useVariantInfo } from '../shared/variants';
import { inventoryApi, type AdjustmentInput, type AdjustmentReason, type Level } from './inventory-api';
import { ADDING_REASONS, parseSerials, REASON_LABELS, REMOVING_REASONS } from './labels';

type Props = {
  storeId: string;
  storeName: string;
  variantId: string;
  name: string;
  tracksSerials: boolean;
  onHand: number;
  onClose: () => void;
  onDone: (level: Omit<Level, 'sku' | 'name'>, message: string) => void;
};

/** A stock adjustment with a reason code; never below zero (the server answers insufficient_stock). */
export function AdjustDialog({ storeId, storeName, variantId, name, tracksSerials: tracksHint, onHand, onClose, onDone }: Props) {
  // The row may have been opened before its catalog details loaded: ask again for serial tracking.
  const tracksSerials = useVariantInfo([variantId]).get(variantId)?.track_serials ?? tracksHint;
  const idem = useIdempotencyKey();
  const [direction, setDirection] = useState<'add' | 'remove'>('add');
  const [quantity, setQuantity] = useState('1');
  const [reason, setReason] = useState<AdjustmentReason>('found');
  const [note, setNote] = useState('');
  const [serials, setSerials] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const qty = Number(quantity);
  const validQty = Number.isInteger(qty) && qty > 0;
  const delta = validQty ? (direction === 'add' ? qty : -qty) : 0;
  const reasons = direction === 'add' ? ADDING_REASONS : REMOVING_REASONS;
  const serialList = parseSerials(serials);

  function turn(d: 'add' | 'remove') {
    setDirection(d);
    setReason(d === 'add' ? 'found' : 'damaged');
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!validQty) return;
    const body: AdjustmentInput = {
      store_id: storeId,
      variant_id: variantId,
      delta,
      reason,
      ...(note.trim() ? { note: note.trim() } : {}),
      ...(tracksSerials ? { serial_numbers: serialList } : {}),
    };
    setBusy(true);
    setError(null);
    try {
      const res = await inventoryApi.adjust(body, idem.keyFor(body));
      idem.done();
      onDone(res.level, `${name}: ${delta > 0 ? 'added' : 'removed'} ${Math.abs(delta)} in ${storeName} (${REASON_LABELS[reason].toLowerCase()}). On hand is now ${res.level.on_hand}.`);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }

  const insufficient = problemCode(error) === 'insufficient_stock';
  // The server says how many there are now (the row shown may be older than the last sale).
  const have = error instanceof ApiError ? ((error.problem as { on_hand?: number }).on_hand ?? onHand) : onHand;
  const qtyError = !validQty && quantity !== '' ? 'Enter a whole number of at least 1.' : insufficient ? `Only ${have} on hand: an adjustment cannot take stock below zero.` : errorUnder(error, 'delta');

  return (
    <Dialog title={`Adjust stock: ${name}`} onClose={onClose}>
      <form className="form" onSubmit={submit}>
        <p className="muted">
          {storeName} · on hand now <strong>{onHand}</strong>
          {validQty && (
            <>
              {' '}
              → after <strong className={onHand + delta < 0 ? 'qty--negative' : undefined}>{signedNumber(onHand + delta)}</strong>
            </>
          )}
        </p>
        {!insufficient && <ProblemAlert error={error} shownFields={pathsUnder(error, ['delta', 'reason', 'note', 'serial_numbers'])} />}
        <fieldset className="fieldset segmented">
          <legend>Change</legend>
          <label className="checkbox">
            <input type="radio" name="direction" checked={direction === 'add'} onChange={() => turn('add')} />
            Add stock
          </label>
          <label className="checkbox">
            <input type="radio" name="direction" checked={direction === 'remove'} onChange={() => turn('remove')} />
            Remove stock
          </label>
        </fieldset>
        <div className="form__row">
          <TextField label="Quantity" value={quantity} onChange={(v) => setQuantity(v.replace(/\D/g, ''))} inputMode="numeric" required error={qtyError} autoFocus />
          <SelectField label="Reason" value={reason} onChange={(v) => setReason(v as AdjustmentReason)} options={reasons.map((r) => ({ value: r, label: REASON_LABELS[r] }))} required error={errorUnder(error, 'reason')} />
        </div>
        <TextField label="Note (optional)" value={note} onChange={setNote} maxLength={500} error={errorUnder(error, 'note')} />
        {tracksSerials && (
          <FieldShell
            label={`Serial numbers (${serialList.length} of ${validQty ? qty : '?'})`}
            hint={`This item tracks serial numbers: one per unit ${direction === 'add' ? 'added' : 'removed'}, one per line.`}
            error={errorUnder(error, 'serial_numbers')}
          >
            {(a11y) => <textarea {...a11y} rows={Math.min(8, Math.max(3, validQty ? qty : 3))} value={serials} onChange={(e) => setSerials(e.target.value)} />}
          </FieldShell>
        )}
        <div className="dialog__actions">
          <button type="button" className="button button--secondary" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          <button type="submit" className="button" disabled={busy || !validQty}>
            {busy ? 'Saving…' : direction === 'add' ? `Add ${validQty ? qty : ''}` : `Remove ${validQty ? qty : ''}`}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

const signedNumber = (n: number) => (n < 0 ? `−${-n}` : String(n));
