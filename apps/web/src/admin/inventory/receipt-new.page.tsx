import { useState, type FormEvent } from 'react';
import { Link, Navigate, useNavigate } from 'react-router-dom';
import { TextField } from '../../ui/field';
import { ProblemAlert } from '../../ui/problem-alert';
import { useIdempotencyKey } from '../../ui/use-idempotency-key';
import { useAdmin } from '../admin-context';
import { PageHeader } from '../admin-layout';
import { errorUnder, pathsUnder } from '../shared/field-errors';
import { plural } from '../shared/format';
import { formatMoney, moneyToInput, parseMoney } from '../shared/money';
import { StoreSelect } from '../shared/store-select';
import type { VariantInfo } from '../shared/variants';
import { catalogApi } from '../catalog/catalog-api';
import { inventoryApi, type ReceiptInput } from './inventory-api';
import { parseSerials } from './labels';
import { lineQuantity, LinesEditor, type LineDraft } from './lines-editor';

export function ReceiptNewPage() {
  const { can, me } = useAdmin();
  const navigate = useNavigate();
  const idem = useIdempotencyKey();
  const currency = me.tenant.currency;
  const [storeId, setStoreId] = useState(me.stores[0]?.id ?? '');
  const [supplier, setSupplier] = useState('');
  const [reference, setReference] = useState('');
  const [note, setNote] = useState('');
  const [lines, setLines] = useState<LineDraft[]>([]);
  const [local, setLocal] = useState<Record<number, string>>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  if (!can('inventory.receive')) return <Navigate to="/admin/inventory/receiving" replace />;

  // A new line starts at the variant's last known cost, when the catalog has one.
  async function onLines(next: LineDraft[]) {
    setLines(next);
    const fresh = next.filter((l) => !lines.some((o) => o.variant.id === l.variant.id));
    for (const l of fresh) {
      const cost = await costOf(l.variant);
      if (cost) setLines((ls) => ls.map((x) => (x.variant.id === l.variant.id && !x.unit_cost ? { ...x, unit_cost: cost } : x)));
    }
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    const problems: Record<number, string> = {};
    const body: ReceiptInput = {
      store_id: storeId,
      supplier: supplier.trim(),
      ...(reference.trim() ? { supplier_reference: reference.trim() } : {}),
      ...(note.trim() ? { note: note.trim() } : {}),
      lines: lines.map((l, i) => {
        const cost = parseMoney(l.unit_cost, currency);
        if (!cost) problems[i] = l.unit_cost.trim() ? 'Enter an amount such as 6.25.' : 'Enter the unit cost.';
        return {
          variant_id: l.variant.id,
          quantity: lineQuantity(l) ?? 0,
          unit_cost: cost ?? { amount: 0, currency },
          ...(l.variant.track_serials ? { serial_numbers: parseSerials(l.serials) } : {}),
        };
      }),
    };
    setLocal(problems);
    if (Object.keys(problems).length || lines.some((l) => lineQuantity(l) === null)) return;
    setBusy(true);
    setError(null);
    try {
      const r = await inventoryApi.createReceipt(body, idem.keyFor(body));
      idem.done();
      const unitsIn = r.lines.reduce((s, l) => s + l.quantity, 0);
      navigate(`/admin/inventory/receiving/${r.id}`, { state: { flash: `Received ${plural(unitsIn, 'unit')} from ${r.supplier}. Stock is updated.` } });
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }

  const total = lines.reduce((s, l) => s + (parseMoney(l.unit_cost, currency)?.amount ?? 0) * (lineQuantity(l) ?? 0), 0);
  const shown = ['store_id', 'supplier', 'supplier_reference', 'note', ...pathsUnder(error, lines.map((_, i) => `lines.${i}`))];

  return (
    <>
      <p className="breadcrumb">
        <Link to="/admin/inventory/receiving">Receiving</Link>
      </p>
      <PageHeader title="Receive stock" />
      <form className="form" onSubmit={submit}>
        <ProblemAlert error={error} shownFields={shown} />
        <div className="form__row">
          <StoreSelect label="Receiving store" value={storeId} onChange={setStoreId} required error={errorUnder(error, 'store_id')} />
          <TextField label="Supplier" value={supplier} onChange={setSupplier} required maxLength={200} error={errorUnder(error, 'supplier')} autoFocus />
          <TextField label="Supplier reference (optional)" value={reference} onChange={setReference} maxLength={200} hint="Invoice or delivery note number" error={errorUnder(error, 'supplier_reference')} />
        </div>
        <TextField label="Note (optional)" value={note} onChange={setNote} maxLength={500} error={errorUnder(error, 'note')} />
        <fieldset className="fieldset">
          <legend>Items delivered</legend>
          <LinesEditor
            lines={lines}
            onChange={(ls) => void onLines(ls)}
            errorFor={(i, f) => (f === 'unit_cost' ? (local[i] ?? errorUnder(error, `lines.${i}.unit_cost`)) : errorUnder(error, `lines.${i}.${f}`))}
            costCurrency={currency}
            pickerLabel="Add an item"
            disabled={busy}
          />
          {lines.length > 0 && (
            <p className="receipt-total">
              Total cost: <strong>{formatMoney({ amount: total, currency })}</strong>
            </p>
          )}
        </fieldset>
        <div className="form__actions">
          <Link className="button button--secondary" to="/admin/inventory/receiving">
            Cancel
          </Link>
          <button type="submit" className="button" disabled={busy || lines.length === 0}>
            {busy ? 'Saving…' : 'Receive into stock'}
          </button>
        </div>
      </form>
    </>
  );
}

async function costOf(v: VariantInfo): Promise<string | null> {
  try {
    return moneyToInput((await catalogApi.getVariant(v.id)).cost) || null;
  } catch {
    return null;
  }
}
