import { useState, type FormEvent } from 'react';
import { Dialog } from '../../ui/dialog';
import { TextField } from '../../ui/field';
import { ProblemAlert } from '../../ui/problem-alert';
import { useAdmin } from '../admin-context';
import { errorUnder, pathsUnder } from '../shared/field-errors';
import { moneyToInput, parseMoney } from '../shared/money';
import { catalogApi, type Variant, type VariantPatch } from './catalog-api';
import { barcodesText, parseBarcodes } from './product-form';

/** Edit one variant: SKU, barcodes, base price (a new price version), cost, serial tracking. */
export function VariantDialog({ variant, label, onClose, onSaved }: { variant: Variant; label: string; onClose: () => void; onSaved: (v: Variant) => void }) {
  const { me } = useAdmin();
  const currency = variant.price?.currency ?? me.tenant.currency;
  const [sku, setSku] = useState(variant.sku);
  const [codes, setCodes] = useState(barcodesText(variant.barcodes));
  const [price, setPrice] = useState(moneyToInput(variant.price));
  const [cost, setCost] = useState(moneyToInput(variant.cost));
  const [track, setTrack] = useState(variant.track_serials);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [local, setLocal] = useState<Record<string, string>>({});

  async function submit(e: FormEvent) {
    e.preventDefault();
    const p = parseMoney(price, currency);
    const c = cost.trim() ? parseMoney(cost, currency) : null;
    const problems: Record<string, string> = {};
    if (!p) problems.price = 'Enter an amount such as 12.50.';
    if (cost.trim() && !c) problems.cost = 'Enter an amount such as 6.25.';
    setLocal(problems);
    if (Object.keys(problems).length) return;
    const body: VariantPatch = {
      ...(sku.trim() !== variant.sku ? { sku: sku.trim() } : {}),
      ...(codes.trim() !== barcodesText(variant.barcodes) ? { barcodes: parseBarcodes(codes) } : {}),
      ...(p && p.amount !== variant.price?.amount ? { price: p } : {}),
      ...((c?.amount ?? null) !== (variant.cost?.amount ?? null) ? { cost: c } : {}),
      ...(track !== variant.track_serials ? { track_serials: track } : {}),
    };
    if (Object.keys(body).length === 0) return onSaved(variant);
    setBusy(true);
    setError(null);
    try {
      onSaved(await catalogApi.updateVariant(variant.id, body));
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }

  return (
    <Dialog title={`Edit ${label}`} onClose={onClose}>
      <form className="form" onSubmit={submit}>
        <ProblemAlert error={error} shownFields={pathsUnder(error, ['sku', 'barcodes', 'price', 'cost', 'track_serials'])} />
        <TextField label="SKU" value={sku} onChange={setSku} required maxLength={64} error={errorUnder(error, 'sku')} autoFocus />
        <TextField
          label="Barcodes"
          value={codes}
          onChange={setCodes}
          hint="UPC-A, EAN-13 or EAN-8; codes with letters are internal codes. Separate several with spaces."
          error={errorUnder(error, 'barcodes')}
        />
        <div className="form__row">
          <TextField
            label={`Price (${currency})`}
            value={price}
            onChange={setPrice}
            required
            hint="A new price starts a new price version from now."
            error={local.price ?? errorUnder(error, 'price')}
          />
          <TextField label={`Cost (${currency}, optional)`} value={cost} onChange={setCost} error={local.cost ?? errorUnder(error, 'cost')} />
        </div>
        <label className="checkbox">
          <input type="checkbox" checked={track} onChange={(e) => setTrack(e.target.checked)} />
          Track serial numbers (one per unit on receiving and sale)
        </label>
        <div className="dialog__actions">
          <button type="button" className="button button--secondary" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          <button type="submit" className="button" disabled={busy}>
            {busy ? 'Saving…' : 'Save variant'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
