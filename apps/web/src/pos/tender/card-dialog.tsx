// The card terminal: amount, tip, then a test card (one key each) or a typed card. The number is
// held in this component's memory only and goes to the processor, never to NovaPOS.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Dialog } from '../../ui/dialog';
import { ActionButton } from '../selling/action-button';
import { fmt, parseMoney } from '../selling/money';
import type { Till } from '../selling/use-till';
import { cardDigits, parseExpiry, parsePercent, tipAmount, type TipInput } from './tender-math';
import { dueOf } from './tender-state';
import { offlineSale } from './tender-actions';

type TipChoice = 'none' | '10' | '15' | '20' | 'percent' | 'amount';

export function CardDialog({ till }: { till: Till }) {
  const { state, ctx, totals } = till;
  const offline = offlineSale(state, ctx);
  const c = ctx.currency;
  const due = dueOf(state.tender, totals.total);
  const [amountText, setAmountText] = useState(() => (due / 100).toFixed(2));
  const [tipChoice, setTipChoice] = useState<TipChoice>('none');
  const [tipText, setTipText] = useState('');
  const [number, setNumber] = useState('');
  const [expiry, setExpiry] = useState('');
  const [cvc, setCvc] = useState('');
  const first = useRef<HTMLDivElement>(null);

  const amount = parseMoney(amountText, c)?.amount ?? null;
  const tip: TipInput =
    tipChoice === 'none' || offline
      ? null
      : tipChoice === 'amount'
        ? ((v) => (v === null ? null : { kind: 'amount' as const, value: v }))(parseMoney(tipText, c)?.amount ?? null)
        : ((v) => (v === null ? null : { kind: 'percent' as const, value: v }))(tipChoice === 'percent' ? parsePercent(tipText) : Number(tipChoice));
  const tipValue = amount === null ? 0 : tipAmount(amount, tip);

  // the terms live in the till state, so the test-card keys charge what the dialog shows
  const { run } = till;
  useEffect(() => {
    run('setCardTerms', { amount, tip });
    // tip is rebuilt each render; its parts are the dependencies
    // oxlint-disable-next-line react-hooks/exhaustive-deps
  }, [run, amount, tipChoice, tipText]);
  // the dialog focuses its first field when it opens; the test cards come first, for their keys
  useEffect(() => {
    const t = setTimeout(() => first.current?.querySelector('button')?.focus(), 0);
    return () => clearTimeout(t);
  }, []);

  const digits = cardDigits(number);
  const exp = parseExpiry(expiry);
  const typedOk = !!digits && !!exp && /^\d{3,4}$/.test(cvc);

  function submit(e: FormEvent) {
    e.preventDefault();
    if (!typedOk) return;
    const card = { number: digits!, exp_month: exp!.month, exp_year: exp!.year, cvc };
    setNumber('');
    setCvc('');
    run('chargeCard', card);
  }

  return (
    <Dialog title="Card terminal" onClose={() => run('closeDialog')}>
      <div className="till-card">
        <div className="till-card__terms">
          <label htmlFor="card-amount">Amount to charge</label>
          <input id="card-amount" inputMode="decimal" autoComplete="off" value={amountText} onChange={(e) => setAmountText(e.target.value)} aria-invalid={amount === null || amount > due || amount <= 0} />
          {amount !== null && amount < due && amount > 0 && <p className="muted">{fmt(due - amount, c)} will be left for another tender.</p>}
          {amount !== null && amount > due && <p className="alert alert--error">At most {fmt(due, c)} is due.</p>}
          {offline ? (
            <p className="alert alert--info" role="note" data-testid="card-offline">
              Offline: the card is encrypted on this till for the card processor and charged when the till is back online
              {ctx.offlineTenders?.card ? ` (at most ${fmt(ctx.offlineTenders.card.per_payment_cap, c)} a payment)` : ''}. No tips offline.
            </p>
          ) : (
          <fieldset className="till-card__tips">
            <legend>Tip</legend>
            {(['none', '10', '15', '20', 'percent', 'amount'] as const).map((k) => (
              <label key={k} className="till-card__tip">
                <input type="radio" name="tip" checked={tipChoice === k} onChange={() => setTipChoice(k)} />
                {k === 'none' ? 'No tip' : k === 'percent' ? 'Other %' : k === 'amount' ? 'Amount' : `${k} %`}
              </label>
            ))}
            {(tipChoice === 'percent' || tipChoice === 'amount') && (
              <input aria-label={tipChoice === 'percent' ? 'Tip percent' : 'Tip amount'} inputMode="decimal" autoComplete="off" value={tipText} onChange={(e) => setTipText(e.target.value)} />
            )}
          </fieldset>
          )}
          <p className="till-card__total" data-testid="card-total">
            Charge {fmt(amount ?? 0, c)}
            {tipValue > 0 && ` + tip ${fmt(tipValue, c)} = ${fmt((amount ?? 0) + tipValue, c)}`}
          </p>
        </div>
        <div className="till-card__test" ref={first} role="group" aria-label="Sandbox test cards">
          <p className="muted">Sandbox test cards (press the number):</p>
          <ActionButton till={till} id="testCardApprove" className="button button--large" />
          <ActionButton till={till} id="testCardDecline" />
          <ActionButton till={till} id="testCardInsufficient" />
          <ActionButton till={till} id="testCardTimeout" />
        </div>
        <details className="till-card__manual">
          <summary>Or type a card ({offline ? 'encrypted here for the card processor' : 'it goes straight to the card processor'})</summary>
          <form className="form" onSubmit={submit} autoComplete="off">
            <label htmlFor="card-number">Card number</label>
            <input id="card-number" inputMode="numeric" autoComplete="off" value={number} onChange={(e) => setNumber(e.target.value)} />
            <div className="till-card__row">
              <span>
                <label htmlFor="card-expiry">Expiry (MM/YY)</label>
                <input id="card-expiry" autoComplete="off" value={expiry} onChange={(e) => setExpiry(e.target.value)} />
              </span>
              <span>
                <label htmlFor="card-cvc">CVC</label>
                <input id="card-cvc" inputMode="numeric" autoComplete="off" value={cvc} onChange={(e) => setCvc(e.target.value)} />
              </span>
            </div>
            <button type="submit" className="button button--large" disabled={!typedOk || !till.can('chargeCard', { number: '', exp_month: 1, exp_year: 2000, cvc: '' })}>
              Charge card <kbd className="till-action__key">Enter</kbd>
            </button>
          </form>
        </details>
        <button type="button" className="button button--secondary" onClick={() => run('closeDialog')}>
          Cancel <kbd className="till-action__key">Esc</kbd>
        </button>
      </div>
    </Dialog>
  );
}
