import { useState, type FormEvent } from 'react';
import { Dialog } from '../../ui/dialog';
import { checkDiscount, lineBase, orderBase } from '../cart/cart';
import type { Discount } from '../db/till-db';
import { fmt, parseMoney } from './money';
import type { Till } from './use-till';

const REASONS = ['Damaged item', 'Price match', 'Customer goodwill', 'Staff discount'];

export function DiscountDialog({ till }: { till: Till }) {
  const { state, ctx } = till;
  const dialog = state.dialog!;
  const line = dialog.kind === 'line-discount' ? state.cart.lines.find((l) => l.id === dialog.lineId) : undefined;
  const current = dialog.kind === 'order-discount' ? state.cart.order_discount : (line?.discount ?? null);
  const base = line ? lineBase(line) : orderBase(state.cart);
  const [type, setType] = useState<'percent' | 'amount'>(current?.type ?? 'percent');
  const [text, setText] = useState(current ? (current.type === 'percent' ? String(current.value / 100) : (current.value / 100).toFixed(2)) : '');
  const [reason, setReason] = useState(current?.reason ?? REASONS[0]!);

  const value = type === 'percent' ? (/^\d{1,3}([.,]\d{1,2})?$/.test(text.trim()) ? Math.round(Number(text.trim().replace(',', '.')) * 100) : null) : (parseMoney(text, ctx.currency)?.amount ?? null);
  const check = value === null ? null : checkDiscount({ type, value }, base, ctx.maxDiscountBp);
  const limit = ctx.maxDiscountBp >= 10_000 ? 'no limit' : `up to ${ctx.maxDiscountBp / 100} %`;

  function submit(e: FormEvent) {
    e.preventDefault();
    if (value === null || !check?.ok) return;
    const d: Discount = { type, value, reason };
    till.run('applyDiscount', d);
  }

  return (
    <Dialog title={line ? `Discount on ${line.name}` : 'Discount on the whole sale'} onClose={() => till.run('closeDialog')}>
      <form className="form till-discount" onSubmit={submit}>
        <p className="muted">
          Applies to {fmt(base, ctx.currency)}. Your discounts: {limit}.
        </p>
        <fieldset className="till-discount__type">
          <legend>Kind</legend>
          <label>
            <input type="radio" name="type" checked={type === 'percent'} onChange={() => setType('percent')} /> Percent
          </label>
          <label>
            <input type="radio" name="type" checked={type === 'amount'} onChange={() => setType('amount')} /> Amount
          </label>
        </fieldset>
        <label htmlFor="discount-value">{type === 'percent' ? 'Percent off' : 'Amount off'}</label>
        <input id="discount-value" autoFocus inputMode="decimal" autoComplete="off" value={text} onChange={(e) => setText(e.target.value)} aria-describedby="discount-error" />
        <label htmlFor="discount-reason">Reason</label>
        <select id="discount-reason" value={reason} onChange={(e) => setReason(e.target.value)}>
          {REASONS.map((r) => (
            <option key={r}>{r}</option>
          ))}
        </select>
        <p id="discount-error" className="field-error" role="alert">
          {text.trim() && value === null ? 'Enter a number.' : check && !check.ok ? check.message : ''}
        </p>
        <div className="dialog__actions">
          {current && (
            <button type="button" className="button button--secondary" onClick={() => till.run('applyDiscount', null)}>
              Remove discount
            </button>
          )}
          <button type="button" className="button button--secondary" onClick={() => till.run('closeDialog')}>
            Cancel
          </button>
          <button type="submit" className="button" disabled={!check?.ok}>
            Apply discount
          </button>
        </div>
      </form>
    </Dialog>
  );
}
