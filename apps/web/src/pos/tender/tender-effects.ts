// Carries out the tender screen's effects against the server and the card processor, and folds
// their outcomes back into the till state.
import type { OrderDto } from '@novapos/sales/contract';
import { uuidv7 } from 'uuidv7';
import { ApiError } from '../../api/client';
import { raiseCounter } from '../../sync/sale-queue';
import type { TillContext, TillState } from '../actions/types';
import type { Cart } from '../cart/cart';
import { tillDb } from '../db/till-db';
import { receiptFromOrder } from '../receipt/receipt-view';
import { fmt } from '../selling/money';
import { loadTerminal, tokenize } from './card-terminal';
import { encryptCard, knownGiftCard, offlineCardRefusal, offlineGiftCardCap, offlineTerms, queuedOfflineCardTotal, rememberGiftCard } from './offline-tenders';
import type { TenderEffect } from './tender-actions';
import { outcomeOf, toWire, type NewOrder, type PayOutcome, type TenderApi } from './tender-api';
import { dueOf, freshTender, paymentLabel, pendingCrypto, type PaymentBody, type PendingPayment, type TenderState } from './tender-state';
import { emptyCart } from '../cart/cart';

export interface TenderEnv {
  state(): TillState;
  ctx(): TillContext;
  update(fn: (s: TillState) => TillState): void;
  api: TenderApi;
  store_id: string;
  register_id: string;
  cashier: { id: string; name: string };
  /** queues the sale with its offline payments (and `tendered` cash) */
  finishSale?: (tendered: number) => void;
}

/** How often a payment whose outcome is unknown is asked about again before the cashier is told. */
const UNKNOWN_RETRIES = 4;
const RETRY_DELAY_MS = 2_000;
export const CRYPTO_POLL_MS = 1_500;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const tender = (env: TenderEnv, patch: Partial<TenderState>) => env.update((s) => (s.mode === 'tender' ? { ...s, tender: { ...s.tender, ...patch } } : s));

function newOrder(orderId: string, cart: Cart, env: TenderEnv): NewOrder {
  return {
    id: orderId,
    store_id: env.store_id,
    register_id: env.register_id,
    lines: cart.lines.map((l) => ({ id: l.id, variant_id: l.variant_id, quantity: l.quantity, ...(l.discount ? { discount: l.discount } : {}) })),
    ...(cart.order_discount ? { order_discount: cart.order_discount } : {}),
  };
}

const busyText: Record<PaymentBody['tender'], string> = {
  cash: 'Recording the cash…',
  card: 'Charging the card…',
  gift_card: 'Redeeming the gift card…',
  crypto: 'Opening the crypto checkout…',
};

/** The sale is paid: the receipt shows, and the register's counter stays above the server's number. */
async function complete(env: TenderEnv, order: OrderDto): Promise<void> {
  env.update((s) => ({ ...s, mode: 'receipt', receipt: receiptFromOrder(order, env.cashier.name), lastSale: null, notice: null, tender: { ...s.tender, order, busy: null, error: null } }));
  const n = /^(S\d+-R\d+-)(\d+)$/.exec(order.number);
  if (n) await raiseCounter(tillDb(), env.register_id, Number(n[2])).catch(() => {});
}

async function takePayment(env: TenderEnv, pending: PendingPayment): Promise<void> {
  const { body } = pending;
  tender(env, { busy: busyText[body.tender], error: null, note: null, retry: null });
  let outcome: PayOutcome = { kind: 'unknown', message: '' };
  for (let attempt = 0; attempt <= UNKNOWN_RETRIES; attempt++) {
    const s = env.state();
    const wire = toWire(body, pending.payment_id, env.ctx().currency);
    try {
      const order = s.tender.order ? await env.api.addPayment(s.tender.order.id, wire, pending.key) : await env.api.checkout(newOrder(s.tender.orderId!, s.cart, env), wire, pending.key);
      outcome = { kind: 'ok', order };
    } catch (err) {
      outcome = outcomeOf(err);
    }
    if (outcome.kind !== 'unknown') break;
    tender(env, { busy: 'No answer from the card processor yet: checking again (the card is not charged twice)…' });
    if (attempt < UNKNOWN_RETRIES) await sleep(RETRY_DELAY_MS);
  }
  switch (outcome.kind) {
    case 'ok':
      if (outcome.order.status === 'completed') return complete(env, outcome.order);
      {
        const o = outcome.order;
        const p = o.payments.find((x) => x.payment_id === pending.payment_id);
        const partial = p && p.tender === 'gift_card' && p.applied.amount < body.amount;
        const note =
          p && (p.status === 'captured' || p.status === 'authorized')
            ? `${paymentLabel(p)} ${partial ? `covered only ${fmt(p.applied.amount, o.currency)} of ${fmt(body.amount, o.currency)} (its balance)` : `took ${fmt(p.applied.amount, o.currency)}`}; ${fmt(o.amount_due.amount, o.currency)} is left to pay on another tender.`
            : null;
        tender(env, { order: o, busy: null, error: null, note, giftCard: null, method: partial ? 'cash' : env.state().tender.method });
      }
      if (pendingCrypto(env.state().tender)) void watchCrypto(env);
      return;
    case 'declined':
      tender(env, { ...(outcome.order ? { order: outcome.order } : {}), busy: null, error: outcome.message });
      return;
    case 'unknown':
      tender(env, { busy: null, retry: pending, error: `${outcome.message || 'The processor has not answered yet.'} Press “Check again” to ask once more: the same payment is repeated, never charged twice.` });
      return;
    case 'error':
      tender(env, { busy: null, error: outcome.network ? 'Can’t reach the NovaPOS server. Check the connection; nothing was charged that cannot be checked again.' : outcome.message });
      return;
  }
}

const watching = new Set<string>();

/** Waits for the customer to pay the crypto checkout (or for it to expire), asking the server. */
async function watchCrypto(env: TenderEnv): Promise<void> {
  const first = env.state().tender.order;
  if (!first || watching.has(first.id)) return;
  watching.add(first.id);
  try {
    for (;;) {
      await sleep(CRYPTO_POLL_MS);
      const s = env.state();
      if (s.mode !== 'tender' || s.tender.order?.id !== first.id) return;
      let order: OrderDto;
      try {
        order = await env.api.order(first.id);
      } catch {
        continue; // a blip: keep waiting
      }
      if (order.status === 'completed') return complete(env, order);
      const crypto = order.payments.find((p) => p.tender === 'crypto' && p.payment_id === pendingCrypto(s.tender)?.payment_id);
      if (crypto && crypto.status !== 'pending') {
        tender(env, { order, error: crypto.status === 'captured' ? null : (crypto.message ?? 'The crypto checkout ended unpaid. Take another tender.') });
        return;
      }
    }
  } finally {
    watching.delete(first.id);
  }
}

export async function carryOutTender(effect: TenderEffect, env: TenderEnv): Promise<void> {
  switch (effect.kind) {
    case 'take-payment': {
      const id = uuidv7();
      return takePayment(env, { payment_id: id, key: `payment-${id}`, body: effect.body });
    }
    case 'retry-payment': {
      const pending = env.state().tender.retry;
      if (pending) await takePayment(env, pending);
      return;
    }
    case 'tokenize-card': {
      let token;
      try {
        token = await tokenize(await loadTerminal(env.api), effect.card);
      } catch (err) {
        tender(env, { busy: null, error: err instanceof Error ? err.message : String(err) });
        return;
      }
      return carryOutTender({ kind: 'take-payment', body: { tender: 'card', amount: effect.amount, tip: effect.tip, token: token.id } }, env);
    }
    case 'gift-card-balance': {
      if (effect.offline) {
        const limit = env.ctx().offlineTenders?.giftCardLimit ?? 0;
        const known = await knownGiftCard(tillDb(), effect.code).catch(() => null);
        const cap = offlineGiftCardCap(limit, known);
        if (cap <= 0) return tender(env, { busy: null, error: known ? `Gift card •••• ${known.last4} had no balance left when last seen. Take another tender.` : 'Gift cards can’t be taken offline here. Take cash.' });
        tender(env, { busy: null, giftCard: { code: effect.code, last4: known?.last4 ?? effect.code.slice(-4), balance: known?.balance ?? cap, offline: { cap, known: !!known } } });
        return;
      }
      try {
        const card = await env.api.giftCard(effect.code);
        if (card.status !== 'active') return tender(env, { busy: null, error: `Gift card •••• ${card.last4} is frozen and can’t be used.` });
        // remembered (under a hash of the code) for an offline redemption later
        await rememberGiftCard(tillDb(), effect.code, card.balance.amount, card.last4).catch(() => {});
        tender(env, { busy: null, giftCard: { code: effect.code, last4: card.last4, balance: card.balance.amount } });
      } catch (err) {
        const o = outcomeOf(err);
        tender(env, { busy: null, error: o.kind === 'error' && /not.found|no gift card/i.test(o.message) ? 'No gift card has this code.' : o.kind === 'error' ? o.message : 'The gift card could not be checked.' });
      }
      return;
    }
    case 'watch-crypto':
      return watchCrypto(env);
    case 'offline-card':
      return offlineCard(env, effect.card, effect.amount);
    case 'void-sale': {
      try {
        const order = await env.api.voidOrder(effect.orderId, effect.reason, `void-sale-${effect.orderId}`);
        env.update((s) => ({ ...s, mode: 'sell', cart: emptyCart, dialog: null, tender: freshTender(null), notice: { tone: 'info', text: `Sale ${order.number} voided: the payments taken on it are given back.` } }));
      } catch (err) {
        const status = err instanceof ApiError ? err.status : 0;
        const detail = err instanceof ApiError ? (err.problem.detail ?? err.problem.title) : '';
        tender(env, {
          busy: null,
          error:
            status === 403
              ? `Only a manager can void a sale${detail ? ` (${detail})` : ''}. Ask a manager to switch in and void it.`
              : `The sale was not voided: ${detail || 'no answer from the server'}.`,
        });
      }
      return;
    }
    case 'void-open-order':
      // nothing was taken on it; if the void fails the order stays open on the server (harmless)
      await env.api.voidOrder(effect.orderId, 'Changed at the till before it was paid', `void-${effect.orderId}`).catch(() => {});
      return;
  }
}

/**
 * Store and forward: within the tenant's caps, the card is encrypted on this device to the
 * processor's terminal key and only the ciphertext joins the sale (charged when it syncs).
 */
async function offlineCard(env: TenderEnv, card: { number: string; exp_month: number; exp_year: number; cvc: string }, amount: number): Promise<void> {
  const db = tillDb();
  const c = env.ctx();
  const terms = await offlineTerms(db).catch(() => null);
  const onSale = env.state().tender.offline.filter((p) => p.input.tender === 'card').reduce((a, p) => a + p.amount, 0);
  const held = (await queuedOfflineCardTotal(db).catch(() => 0)) + onSale;
  const refusal = offlineCardRefusal(terms, amount, held, (n) => fmt(n, c.currency));
  if (refusal) return tender(env, { busy: null, error: refusal });
  let encrypted: string;
  try {
    encrypted = await encryptCard(terms!.key!, card);
  } catch {
    return tender(env, { busy: null, error: 'The card could not be encrypted on this till. Take cash.' });
  }
  const payment = {
    label: `Card •••• ${card.number.slice(-4)} (offline, charged when the till syncs)`,
    amount,
    input: { tender: 'card' as const, offline: true, encrypted_card: encrypted, amount: { amount, currency: c.currency } },
  };
  env.update((s) => (s.mode === 'tender' ? { ...s, tender: { ...s.tender, busy: null, error: null, offline: [...s.tender.offline, payment] } } : s));
  const s = env.state();
  if (dueOf(s.tender, c.totals.total) <= 0) env.finishSale?.(0);
}
