import { useState, type FormEvent } from 'react';
import { Link, Navigate, useNavigate } from 'react-router-dom';
import { TextField } from '../../ui/field';
import { ProblemAlert } from '../../ui/problem-alert';
import { useAsync } from '../../ui/use-async';
import { useIdempotencyKey } from '../../ui/use-idempotency-key';
import { useAdmin } from '../admin-context';
import { PageHeader } from '../admin-layout';
import { errorUnder, pathsUnder } from '../shared/field-errors';
import { plural } from '../shared/format';
import { StoreSelect } from '../shared/store-select';
import { inventoryApi, type TransferInput } from './inventory-api';
import { parseSerials } from './labels';
import { lineQuantity, LinesEditor, type LineDraft } from './lines-editor';

export function TransferNewPage() {
  const { can, me } = useAdmin();
  const navigate = useNavigate();
  const idem = useIdempotencyKey();
  const [from, setFrom] = useState(me.stores[0]?.id ?? '');
  const [to, setTo] = useState(me.stores[1]?.id ?? '');
  const [note, setNote] = useState('');
  const [lines, setLines] = useState<LineDraft[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  // On hand at the source for the chosen items: a transfer cannot take more than that.
  const ids = lines.map((l) => l.variant.id);
  const available = useAsync(async () => {
    const out = new Map<string, number>();
    await Promise.all(
      ids.map((id) => inventoryApi.levels({ store_id: from, variant_id: id, limit: 1 }).then((r) => out.set(id, r.data[0]?.on_hand ?? 0))),
    );
    return out;
  }, [from, ids.join(',')]);

  if (!can('inventory.transfer')) return <Navigate to="/admin/inventory/transfers" replace />;

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (lines.some((l) => lineQuantity(l) === null)) return;
    const body: TransferInput = {
      from_store_id: from,
      to_store_id: to,
      ...(note.trim() ? { note: note.trim() } : {}),
      lines: lines.map((l) => ({
        variant_id: l.variant.id,
        quantity: lineQuantity(l)!,
        ...(l.variant.track_serials ? { serial_numbers: parseSerials(l.serials) } : {}),
      })),
    };
    setBusy(true);
    setError(null);
    try {
      const t = await inventoryApi.createTransfer(body, idem.keyFor(body));
      idem.done();
      navigate(`/admin/inventory/transfers/${t.id}`, { state: { flash: `Transfer drafted: ${plural(t.lines.length, 'line')}. Ship it when the goods leave.` } });
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }

  const shown = ['from_store_id', 'to_store_id', 'note', ...pathsUnder(error, lines.map((_, i) => `lines.${i}`))];

  return (
    <>
      <p className="breadcrumb">
        <Link to="/admin/inventory/transfers">Transfers</Link>
      </p>
      <PageHeader title="New transfer" />
      <form className="form" onSubmit={submit}>
        <ProblemAlert error={error} shownFields={shown} />
        <div className="form__row form--wide">
          <StoreSelect
            label="From store"
            value={from}
            onChange={(v) => {
              setFrom(v);
              if (v === to) setTo('');
            }}
            required error={errorUnder(error, 'from_store_id')} />
          <StoreSelect label="To store" value={to} onChange={setTo} required placeholder="Choose a store" exclude={from} error={errorUnder(error, 'to_store_id')} />
        </div>
        <div className="form--wide">
          <TextField label="Note (optional)" value={note} onChange={setNote} maxLength={500} error={errorUnder(error, 'note')} />
        </div>
        <fieldset className="fieldset">
          <legend>Items</legend>
          <LinesEditor
            lines={lines}
            onChange={setLines}
            errorFor={(i, f) => errorUnder(error, `lines.${i}.${f}`)}
            available={available.data ?? new Map()}
            pickerLabel="Add an item"
            disabled={busy}
          />
          {errorUnder(error, 'lines') && !lines.length && <p className="field__error">{errorUnder(error, 'lines')}</p>}
        </fieldset>
        <div className="form__actions">
          <Link className="button button--secondary" to="/admin/inventory/transfers">
            Cancel
          </Link>
          <button type="submit" className="button" disabled={busy || lines.length === 0 || !to}>
            {busy ? 'Saving…' : 'Create draft transfer'}
          </button>
        </div>
      </form>
    </>
  );
}
