import { useEffect, useRef, useState } from 'react';
import { ActionButton } from './action-button';
import { quickAmounts } from './cash-amounts';
import { fmt, parseMoney } from './money';
import type { Till } from './use-till';

export function TenderPane({ till }: { till: Till }) {
  const { totals, ctx, state } = till;
  const c = ctx.currency;
  const [text, setText] = useState('');
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), []);
  const typed = parseMoney(text, c)?.amount ?? null;
  const enough = typed !== null && typed >= totals.total;

  return (
    <section className="till-tender" aria-labelledby="tender-heading">
      <h2 id="tender-heading">Cash payment</h2>
      <p className="till-tender__due">
        Due <strong data-testid="amount-due">{fmt(totals.total, c)}</strong>
      </p>
      <div className="till-tender__quick">
        <ActionButton till={till} id="exactCash" className="button button--large">
          Exact {fmt(totals.total, c)}
        </ActionButton>
        {quickAmounts(totals.total).map((a) => (
          <ActionButton key={a} till={till} id="cashTendered" arg={a} className="button button--large button--secondary">
            {fmt(a, c)}
          </ActionButton>
        ))}
      </div>
      <form
        className="till-tender__form"
        onSubmit={(e) => {
          e.preventDefault();
          if (typed !== null) till.run('cashTendered', typed);
        }}
      >
        <label htmlFor="cash-received">Cash received</label>
        <input id="cash-received" ref={input} inputMode="decimal" autoComplete="off" value={text} onChange={(e) => setText(e.target.value)} />
        <p className="till-tender__change" aria-live="polite">
          {typed === null ? ' ' : enough ? `Change due ${fmt(typed - totals.total, c)}` : `${fmt(totals.total - typed, c)} short`}
        </p>
        <button type="submit" className="button button--large" disabled={!enough || state.finishing}>
          Take cash <kbd className="till-action__key">Enter</kbd>
        </button>
      </form>
      <ActionButton till={till} id="backToSale" />
    </section>
  );
}
