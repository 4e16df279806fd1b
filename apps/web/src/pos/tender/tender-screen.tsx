import './tender.css';
import { useEffect, useRef, useState } from 'react';
import { ActionButton } from '../selling/action-button';
import { quickAmounts } from '../selling/cash-amounts';
import { fmt, parseMoney } from '../selling/money';
import type { Till } from '../selling/use-till';
import { QrCode } from './qr-code';
import { cashOutcome, giftCardCover, giftCardDigits } from './tender-math';
import { dueOf, paymentLabel, pendingCrypto, tenderName, type TenderMethod } from './tender-state';
import { offlineSale } from './tender-actions';

const HEADINGS: Record<TenderMethod, string> = { cash: 'Cash payment', card: 'Card payment', gift_card: 'Gift card payment', crypto: 'Crypto payment' };
const STATUS_TEXT: Record<string, string> = { captured: 'paid', authorized: 'authorized', pending: 'waiting', declined: 'declined', failed: 'failed', unknown: 'checking', voided: 'voided' };

export function TenderScreen({ till }: { till: Till }) {
  const { state, totals, ctx } = till;
  const t = state.tender;
  const c = ctx.currency;
  const due = dueOf(t, totals.total);
  const crypto = pendingCrypto(t);

  return (
    <section className="till-tender" aria-labelledby="tender-heading">
      <h2 id="tender-heading">{HEADINGS[t.method]}</h2>
      <p className="till-tender__due">
        {t.order && t.order.amount_paid.amount > 0 ? 'Left to pay' : 'Due'} <strong data-testid="amount-due">{fmt(due, c)}</strong>
        {t.order && <span className="till-tender__number"> · order {t.order.number}</span>}
      </p>
      {t.order && t.order.payments.length > 0 && (
        <ul className="till-tender__paid" aria-label="Payments on this sale">
          {t.order.payments.map((p) => (
            <li key={p.payment_id} className={`till-tender__payment till-tender__payment--${p.status}`}>
              <span>
                {paymentLabel(p)} · {STATUS_TEXT[p.status] ?? p.status}
                {p.tip.amount > 0 && ` · tip ${fmt(p.tip.amount, c)}`}
              </span>
              <span>{fmt(p.status === 'declined' || p.status === 'failed' ? p.amount.amount : p.applied.amount + p.tip.amount, c)}</span>
            </li>
          ))}
        </ul>
      )}
      {t.offline.length > 0 && (
        <ul className="till-tender__paid" aria-label="Payments taken offline on this sale" data-testid="offline-payments">
          {t.offline.map((p, i) => (
            <li key={i} className="till-tender__payment till-tender__payment--pending">
              <span>{p.label}</span>
              <span>{fmt(p.amount, c)}</span>
            </li>
          ))}
        </ul>
      )}
      {t.error && (
        <p className="alert alert--error till-tender__error" role="alert" data-testid="tender-error">
          {t.error}
        </p>
      )}
      {t.note && (
        <p className="alert alert--success" role="status" data-testid="tender-note">
          {t.note}
        </p>
      )}
      {t.busy && (
        <p className="till-tender__busy" role="status">
          {t.busy}
        </p>
      )}
      {offlineSale(state, ctx) && (
        <p className="till-tender__offline" role="note">
          {ctx.online ? 'This sale has payments taken offline: it is saved on the till and sent with them.' : 'Offline: '}
          {offlineNote(ctx.offlineTenders, c)}
        </p>
      )}
      {!ctx.online && t.order && (
        <p className="till-tender__offline" role="note">
          Offline: this sale is already on the server, so the rest waits for the connection.
        </p>
      )}
      <div className="till-tender__methods" role="group" aria-label="Tender">
        {(['chooseCash', 'chooseCard', 'chooseGiftCard', 'chooseCrypto'] as const).map((id) => (
          <ActionButton key={id} till={till} id={id} className={`button button--large ${t.method === idMethod[id] ? '' : 'button--secondary'} till-tender__method`} pressed={t.method === idMethod[id]} />
        ))}
      </div>
      {t.retry && <ActionButton till={till} id="retryPayment" className="button button--large" />}
      {crypto ? (
        <CryptoWait till={till} url={crypto.hosted_url} />
      ) : (
        <>
          {t.method === 'cash' && <CashPanel till={till} due={due} />}
          {t.method === 'card' && (
            <p className="till-tender__hint">
              The card terminal charges {fmt(due, c)} (or part of it) plus any tip.{' '}
              <ActionButton till={till} id="chooseCard" className="button button--large">
                Open card terminal
              </ActionButton>
            </p>
          )}
          {t.method === 'gift_card' && <GiftCardPanel till={till} due={due} />}
          {t.method === 'crypto' && (
            <ActionButton till={till} id="payCrypto" className="button button--large">
              Show QR code for {fmt(due, c)}
            </ActionButton>
          )}
        </>
      )}
      <div className="till-tender__foot">
        <ActionButton till={till} id="backToSale" />
        {t.order && t.order.amount_paid.amount > 0 && <ActionButton till={till} id="voidSale" className="button button--danger-outline" />}
      </div>
    </section>
  );
}

function offlineNote(o: Till['ctx']['offlineTenders'], c: string): string {
  const parts = ['cash'];
  if (o?.card) parts.push(`card up to ${fmt(o.card.per_payment_cap, c)} a payment (charged when the till syncs)`);
  if (o && o.giftCardLimit > 0) parts.push(`gift card up to ${fmt(o.giftCardLimit, c)}`);
  return ` ${parts.length === 1 ? 'cash only' : parts.join(', ')}; crypto needs the connection.`;
}

const idMethod = { chooseCash: 'cash', chooseCard: 'card', chooseGiftCard: 'gift_card', chooseCrypto: 'crypto' } as const;

function CashPanel({ till, due }: { till: Till; due: number }) {
  const c = till.ctx.currency;
  const [text, setText] = useState('');
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), []);
  const typed = parseMoney(text, c)?.amount ?? null;
  const outcome = typed === null ? null : cashOutcome(due, typed);
  const can = typed !== null && till.can('cashTendered', typed);
  return (
    <div className="till-tender__panel">
      <div className="till-tender__quick">
        <ActionButton till={till} id="exactCash" className="button button--large">
          Exact {fmt(due, c)}
        </ActionButton>
        {quickAmounts(due).map((a) => (
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
          {!outcome ? ' ' : outcome.short === 0 ? `Change due ${fmt(outcome.change, c)}` : `${fmt(outcome.short, c)} left to pay on another tender`}
        </p>
        <button type="submit" className="button button--large" disabled={!can}>
          Take cash <kbd className="till-action__key">Enter</kbd>
        </button>
      </form>
    </div>
  );
}

function GiftCardPanel({ till, due }: { till: Till; due: number }) {
  const c = till.ctx.currency;
  const [text, setText] = useState('');
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), []);
  const code = giftCardDigits(text);
  const card = till.state.tender.giftCard;
  const known = card && code === card.code ? card : null;
  const cover = known ? giftCardCover(known.offline ? known.offline.cap : known.balance, due) : null;
  return (
    <form
      className="till-tender__form till-tender__panel"
      onSubmit={(e) => {
        e.preventDefault();
        if (!code) return;
        if (known) till.run('redeemGiftCard', { code, amount: known.offline ? cover!.authorized : due });
        else till.run('checkGiftCard', code);
      }}
    >
      <label htmlFor="gift-card-code">Gift card code (type or scan)</label>
      <input id="gift-card-code" ref={input} inputMode="numeric" autoComplete="off" value={text} onChange={(e) => setText(e.target.value)} />
      {known && cover && (
        <p className="till-tender__balance" data-testid="gift-card-balance">
          Gift card •••• {known.last4}:{' '}
          {known.offline
            ? known.offline.known
              ? `last known balance ${fmt(known.balance, c)}; offline up to ${fmt(known.offline.cap, c)}.`
              : `balance unknown on this till; offline up to ${fmt(known.offline.cap, c)}.`
            : `balance ${fmt(known.balance, c)}.`}{' '}
          {cover.partial ? `It covers ${fmt(cover.authorized, c)}; ${fmt(cover.rest, c)} is left for another tender.` : `It covers the ${fmt(due, c)} due.`}
        </p>
      )}
      {known ? (
        <button type="submit" className="button button--large" disabled={!till.can('redeemGiftCard', { code: known.code, amount: known.offline ? cover!.authorized : due })}>
          Redeem {fmt(cover!.authorized, c)} <kbd className="till-action__key">Enter</kbd>
        </button>
      ) : (
        <button type="submit" className="button button--large" disabled={!code || !till.can('checkGiftCard', code)}>
          Check balance <kbd className="till-action__key">Enter</kbd>
        </button>
      )}
    </form>
  );
}

function CryptoWait({ till, url }: { till: Till; url: string }) {
  const p = till.state.tender.order?.payments.find((x) => x.tender === 'crypto' && x.status === 'pending');
  return (
    <div className="till-tender__crypto" data-testid="crypto-wait">
      <QrCode value={url} label="QR code of the crypto checkout: the customer scans it to pay" />
      <p role="status">
        Waiting for the customer to pay {p ? fmt(p.amount.amount, p.amount.currency) : ''} in crypto… The sale completes by itself once the payment arrives.
      </p>
      <p className="till-tender__url">
        <a href={url} target="_blank" rel="noreferrer">
          {url}
        </a>
      </p>
      <p className="muted">{tenderName('crypto')} needs the network; if the checkout expires, take another tender.</p>
    </div>
  );
}
