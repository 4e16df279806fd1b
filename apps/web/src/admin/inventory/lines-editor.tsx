import { useId } from 'react';
import { VariantPicker } from '../shared/variant-picker';
import { variantLabel, type VariantInfo } from '../shared/variants';
import { parseSerials } from './labels';

export type LineDraft = { variant: VariantInfo; quantity: string; serials: string; unit_cost: string };

type Props = {
  lines: LineDraft[];
  onChange: (lines: LineDraft[]) => void;
  /** server field errors: `errorFor(lineIndex, 'quantity')` */
  errorFor: (index: number, field: string) => string | undefined;
  /** Receiving: a unit cost column in this currency. */
  costCurrency?: string;
  /** Transfers: on hand at the source, by variant id. */
  available?: ReadonlyMap<string, number>;
  pickerLabel: string;
  disabled?: boolean;
};

export const lineQuantity = (l: LineDraft) => {
  const n = Number(l.quantity);
  return Number.isInteger(n) && n > 0 ? n : null;
};

/** Lines of variants with quantities, and one serial per unit for variants that track them. */
export function LinesEditor({ lines, onChange, errorFor, costCurrency, available, pickerLabel, disabled }: Props) {
  const id = useId();
  const setAt = (i: number, patch: Partial<LineDraft>) => onChange(lines.map((l, j) => (j === i ? { ...l, ...patch } : l)));
  const add = (v: VariantInfo) => {
    const at = lines.findIndex((l) => l.variant.id === v.id);
    if (at >= 0) setAt(at, { quantity: String((lineQuantity(lines[at]!) ?? 0) + 1) });
    else onChange([...lines, { variant: v, quantity: '1', serials: '', unit_cost: '' }]);
  };

  return (
    <div className="lines-editor">
      <VariantPicker label={pickerLabel} onPick={add} hint="Search by name or SKU, or scan a barcode and press Enter. Scanning an item again adds one." />
      {lines.length > 0 && (
        <div className="grid-scroll">
          <table className="table table--dense">
            <caption className="visually-hidden">Lines</caption>
            <thead>
              <tr>
                <th scope="col">Item</th>
                {available && (
                  <th scope="col" className="num">
                    On hand
                  </th>
                )}
                <th scope="col">Quantity</th>
                {costCurrency && <th scope="col">Unit cost ({costCurrency})</th>}
                <th scope="col">Serial numbers</th>
                <th scope="col">
                  <span className="visually-hidden">Remove</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {lines.map((l, i) => {
                const name = variantLabel(l.variant);
                const qty = lineQuantity(l);
                const serials = parseSerials(l.serials);
                const qtyErr = (l.quantity !== '' && qty === null ? 'Enter a whole number of at least 1.' : undefined) ?? errorFor(i, 'quantity') ?? errorFor(i, 'variant_id');
                const costErr = errorFor(i, 'unit_cost');
                const serialErr = errorFor(i, 'serial_numbers');
                const onHand = available?.get(l.variant.id);
                return (
                  <tr key={l.variant.id}>
                    <th scope="row" data-label="Item">
                      {name}
                      <span className="cell-note mono">{l.variant.sku}</span>
                    </th>
                    {available && (
                      <td data-label="On hand" className={onHand !== undefined && qty !== null && qty > onHand ? 'num qty qty--negative' : 'num'}>
                        {onHand ?? '…'}
                      </td>
                    )}
                    <td data-label="Quantity">
                      <input
                        className="grid-input grid-input--short"
                        inputMode="numeric"
                        value={l.quantity}
                        onChange={(e) => setAt(i, { quantity: e.target.value.replace(/\D/g, '') })}
                        aria-label={`Quantity of ${name}`}
                        aria-invalid={qtyErr ? true : undefined}
                        aria-describedby={qtyErr ? `${id}-${i}-q` : undefined}
                        disabled={disabled}
                      />
                      {qtyErr && (
                        <span className="field__error grid-error" id={`${id}-${i}-q`}>
                          {qtyErr}
                        </span>
                      )}
                    </td>
                    {costCurrency && (
                      <td data-label="Unit cost">
                        <input
                          className="grid-input grid-input--short"
                          inputMode="decimal"
                          value={l.unit_cost}
                          placeholder="0.00"
                          onChange={(e) => setAt(i, { unit_cost: e.target.value })}
                          aria-label={`Unit cost of ${name}`}
                          aria-invalid={costErr ? true : undefined}
                          aria-describedby={costErr ? `${id}-${i}-c` : undefined}
                          disabled={disabled}
                        />
                        {costErr && (
                          <span className="field__error grid-error" id={`${id}-${i}-c`}>
                            {costErr}
                          </span>
                        )}
                      </td>
                    )}
                    <td data-label="Serial numbers">
                      {l.variant.track_serials ? (
                        <>
                          <textarea
                            className="grid-input serials-input"
                            rows={Math.min(6, Math.max(2, qty ?? 2))}
                            value={l.serials}
                            onChange={(e) => setAt(i, { serials: e.target.value })}
                            aria-label={`Serial numbers of ${name}, one per line`}
                            aria-invalid={serialErr ? true : undefined}
                            aria-describedby={`${id}-${i}-s`}
                            disabled={disabled}
                          />
                          <span className={serialErr ? 'field__error grid-error' : 'cell-note'} id={`${id}-${i}-s`}>
                            {serialErr ?? `${serials.length} of ${qty ?? '?'} scanned, one per line`}
                          </span>
                        </>
                      ) : (
                        <span className="muted">Not tracked</span>
                      )}
                    </td>
                    <td className="table__actions">
                      <button type="button" className="button button--secondary button--small" onClick={() => onChange(lines.filter((_, j) => j !== i))} aria-label={`Remove ${name}`} disabled={disabled}>
                        Remove
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
