import '../tender/tender.css';
import type { SessionReportDto } from '@novapos/sales/contract';
import { useEffect, useRef, useState } from 'react';
import { queueSummary } from '../../sync/sale-queue';
import { tillDb } from '../db/till-db';
import { ActionButton } from '../selling/action-button';
import { fmt, parseMoney } from '../selling/money';
import type { Till } from '../selling/use-till';
import { countedTotal, denominationsFor, variance } from '../tender/tender-math';
import { useLiveQuery } from '../use-live-query';

const PAID_IN_REASONS = ['Change from the bank', 'Float top-up', 'Other'];
const PAID_OUT_REASONS = ['Supplies', 'Bank drop', 'Refund without receipt', 'Other'];

export function DrawerScreen({ till }: { till: Till }) {
  const d = till.state.drawer;
  const c = till.ctx.currency;
  const s = d.session;
  return (
    <section className="till-drawer" aria-labelledby="drawer-heading">
      <h2 id="drawer-heading">Drawer</h2>
      {d.error && (
        <p className="alert alert--error" role="alert">
          {d.error}
        </p>
      )}
      {d.info && (
        <p className="alert alert--success" role="status">
          {d.info}
        </p>
      )}
      {d.busy && <p role="status">{d.busy}</p>}
      {d.loaded && (
        <p className="till-drawer__state" data-testid="drawer-state">
          {s ? (
            <>
              Open since {new Date(s.opened_at).toLocaleTimeString()} · float {fmt(s.opening_float.amount, c)} · expected in the drawer <strong data-testid="drawer-expected">{fmt(s.expected_cash.amount, c)}</strong>
            </>
          ) : (
            'No drawer session is open on this register.'
          )}
        </p>
      )}
      <div className="till-drawer__actions" role="group" aria-label="Drawer actions">
        <ActionButton till={till} id="drawerOpenView" className="button button--large button--secondary" />
        <ActionButton till={till} id="drawerPaidInView" className="button button--large button--secondary" />
        <ActionButton till={till} id="drawerPaidOutView" className="button button--large button--secondary" />
        <ActionButton till={till} id="drawerReportView" className="button button--large button--secondary" />
        <ActionButton till={till} id="drawerCloseView" className="button button--large button--secondary" />
      </div>
      {d.view === 'open' && <OpenForm till={till} />}
      {(d.view === 'paid_in' || d.view === 'paid_out') && <MovementForm key={d.view} till={till} kind={d.view} />}
      {d.view === 'report' && d.report && <Report report={d.report} />}
      {d.view === 'close' && s && <CloseForm till={till} expected={s.expected_cash.amount} />}
      {d.view === 'status' && d.closed && (
        <>
          {d.closed.warnings.map((w) => (
            <p key={w.code} className="alert alert--error" role="alert">
              {w.message}
            </p>
          ))}
          <Report report={d.closed.report} />
        </>
      )}
      <div className="till-tender__foot">
        <ActionButton till={till} id="leaveDrawer">
          {d.view === 'status' ? 'Back to selling' : 'Back'}
        </ActionButton>
      </div>
    </section>
  );
}

function useFocus() {
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => ref.current?.focus(), []);
  return ref;
}

function OpenForm({ till }: { till: Till }) {
  const c = till.ctx.currency;
  const [text, setText] = useState('');
  const ref = useFocus();
  const amount = parseMoney(text, c)?.amount ?? null;
  return (
    <form
      className="till-tender__form"
      onSubmit={(e) => {
        e.preventDefault();
        if (amount !== null) till.run('openDrawer', amount);
      }}
    >
      <label htmlFor="drawer-float">Opening float (counted)</label>
      <input id="drawer-float" ref={ref} inputMode="decimal" autoComplete="off" value={text} onChange={(e) => setText(e.target.value)} />
      <button type="submit" className="button button--large" disabled={amount === null || !till.can('openDrawer', amount)}>
        Open the drawer <kbd className="till-action__key">Enter</kbd>
      </button>
    </form>
  );
}

function MovementForm({ till, kind }: { till: Till; kind: 'paid_in' | 'paid_out' }) {
  const c = till.ctx.currency;
  const reasons = kind === 'paid_in' ? PAID_IN_REASONS : PAID_OUT_REASONS;
  const [text, setText] = useState('');
  const [reason, setReason] = useState(reasons[0]!);
  const [other, setOther] = useState('');
  const ref = useFocus();
  const amount = parseMoney(text, c)?.amount ?? 0;
  const why = reason === 'Other' ? other : reason;
  return (
    <form
      className="till-tender__form"
      onSubmit={(e) => {
        e.preventDefault();
        till.run('cashMovement', { amount, reason: why });
      }}
    >
      <label htmlFor="movement-amount">{kind === 'paid_in' ? 'Amount put in' : 'Amount taken out'}</label>
      <input id="movement-amount" ref={ref} inputMode="decimal" autoComplete="off" value={text} onChange={(e) => setText(e.target.value)} />
      <label htmlFor="movement-reason">Reason</label>
      <select id="movement-reason" value={reason} onChange={(e) => setReason(e.target.value)}>
        {reasons.map((r) => (
          <option key={r}>{r}</option>
        ))}
      </select>
      {reason === 'Other' && <input aria-label="Other reason" value={other} onChange={(e) => setOther(e.target.value)} maxLength={200} />}
      <button type="submit" className="button button--large" disabled={!till.can('cashMovement', { amount, reason: why })}>
        Record {kind === 'paid_in' ? 'paid in' : 'paid out'} <kbd className="till-action__key">Enter</kbd>
      </button>
    </form>
  );
}

function CloseForm({ till, expected }: { till: Till; expected: number }) {
  const c = till.ctx.currency;
  const denominations = denominationsFor(c);
  const [counts, setCounts] = useState<Record<number, string>>({});
  const [note, setNote] = useState('');
  const queued = useLiveQuery(async () => (await queueSummary(tillDb())).queued, [], 0);
  const counted = denominations.map((denomination) => ({ denomination, count: /^\d+$/.test(counts[denomination] ?? '') ? Number(counts[denomination]) : 0 }));
  const total = countedTotal(counted);
  const diff = variance(expected, total);
  const arg = { counted, note };
  return (
    <form
      className="till-drawer__close"
      onSubmit={(e) => {
        e.preventDefault();
        till.run('closeDrawer', arg);
      }}
    >
      {queued > 0 && (
        <p className="alert alert--error" role="alert" data-testid="drawer-queued-warning">
          {queued} {queued === 1 ? 'sale is' : 'sales are'} still on this till and not on the server yet: the expected cash does not include {queued === 1 ? 'it' : 'them'}. Connect the till and wait
          for the queue to empty before closing, or close now and the close is marked with the unsent sales.
        </p>
      )}
      <table className="till-drawer__count">
        <caption>Count the drawer</caption>
        <thead>
          <tr>
            <th scope="col">Note or coin</th>
            <th scope="col">How many</th>
            <th scope="col">Value</th>
          </tr>
        </thead>
        <tbody>
          {counted.map((d, i) => (
            <tr key={d.denomination}>
              <th scope="row">{fmt(d.denomination, c)}</th>
              <td>
                <input
                  aria-label={`Number of ${fmt(d.denomination, c)}`}
                  inputMode="numeric"
                  autoComplete="off"
                  autoFocus={i === 0}
                  value={counts[d.denomination] ?? ''}
                  onChange={(e) => setCounts((x) => ({ ...x, [d.denomination]: e.target.value }))}
                />
              </td>
              <td>{fmt(d.denomination * d.count, c)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <dl className="till-totals till-drawer__totals">
        <div>
          <dt>Expected</dt>
          <dd data-testid="close-expected">{fmt(expected, c)}</dd>
        </div>
        <div>
          <dt>Counted</dt>
          <dd data-testid="close-counted">{fmt(total, c)}</dd>
        </div>
        <div className="till-totals__total">
          <dt>{diff === 0 ? 'Balanced' : diff > 0 ? 'Over' : 'Short'}</dt>
          <dd data-testid="close-variance">{fmt(Math.abs(diff), c)}</dd>
        </div>
      </dl>
      <label htmlFor="close-note">Note (optional)</label>
      <input id="close-note" value={note} onChange={(e) => setNote(e.target.value)} maxLength={500} />
      <button type="submit" className="button button--large" disabled={!till.can('closeDrawer', arg)}>
        Close the drawer <kbd className="till-action__key">Enter</kbd>
      </button>
    </form>
  );
}

function Report({ report: r }: { report: SessionReportDto }) {
  const c = r.session.currency;
  const rows: [string, number][] = [
    ['Gross sales', r.gross_sales.amount],
    ['Discounts', r.discounts.amount],
    ['Tax', r.tax.amount],
    ['Net sales', r.net_sales.amount],
    ['Tips', r.tips.amount],
    ...r.by_tender.map((t) => [`${t.tender.replace('_', ' ')} (${t.count})`, t.amount.amount] as [string, number]),
    ['Opening float', r.cash.opening_float.amount],
    ['Cash sales', r.cash.cash_sales.amount],
    ['Paid in', r.cash.paid_in.amount],
    ['Paid out', r.cash.paid_out.amount],
    ['Expected cash', r.cash.expected.amount],
    ...(r.cash.counted ? [['Counted cash', r.cash.counted.amount] as [string, number]] : []),
    ...(r.cash.variance ? [['Variance', r.cash.variance.amount] as [string, number]] : []),
  ];
  return (
    <section className="receipt-paper till-drawer__report" aria-label={`${r.kind} report`} data-testid="drawer-report">
      <h3>
        {r.kind} report · {new Date(r.generated_at).toLocaleString()}
      </h3>
      <p>
        {r.orders.completed} sales completed · {r.orders.open} open · {r.orders.voided} voided
      </p>
      <dl>
        {rows.map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>{fmt(v, c)}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
