// The tender screen's registered actions: choose a tender, take cash, charge a card through the
// terminal dialog, redeem a gift card, open a crypto checkout, repeat a payment whose outcome is
// unknown, go back to the sale. A key, a button and a scanner all run these.
import type { Action, KeyLike, TillContext, TillState } from '../actions/types';
import { TEST_CARDS, testCard } from './card-terminal';
import { validTenderAmount, type TipInput } from './tender-math';
import { dueOf, freshTender, moneyTaken, pendingCrypto, type CardInput, type PaymentBody, type TenderMethod } from './tender-state';

export type TenderEffect =
  | { kind: 'take-payment'; body: PaymentBody }
  | { kind: 'retry-payment' }
  | { kind: 'tokenize-card'; card: CardInput; amount: number; tip: TipInput }
  | { kind: 'gift-card-balance'; code: string; offline: boolean }
  | { kind: 'offline-card'; card: CardInput; amount: number }
  | { kind: 'void-sale'; orderId: string; reason: string }
  | { kind: 'watch-crypto' }
  | { kind: 'void-open-order'; orderId: string };

const plain = (e: KeyLike) => !e.ctrlKey && !e.altKey && !e.metaKey;
const fkey = (name: string) => (e: KeyLike) => plain(e) && !e.shiftKey && e.key === name;

/** On the tender screen with nothing in progress and no dialog over it. */
const ready = (s: TillState) => s.mode === 'tender' && !s.dialog && !s.finishing && !s.tender.busy;
/** …and free to take another payment (no crypto checkout open, no outcome unknown). */
const canTake = (s: TillState) => ready(s) && !s.tender.retry && !pendingCrypto(s.tender);
const due = (s: TillState, c: TillContext) => dueOf(s.tender, c.totals.total);
const withTender = (s: TillState, patch: Partial<TillState['tender']>): TillState => ({ ...s, tender: { ...s.tender, ...patch } });
/**
 * This sale is being taken offline: nothing of it is on the server, and the till is offline or
 * already took an offline payment on it (the sale then goes into the queue whole).
 */
export const offlineSale = (s: TillState, c: TillContext) => !s.tender.order && (!c.online || s.tender.offline.length > 0);
/** The server is reached and takes this sale's payments directly. */
const onlineSale = (s: TillState, c: TillContext) => c.online && s.tender.offline.length === 0;
const offlineCardOk = (s: TillState, c: TillContext) => offlineSale(s, c) && !!c.offlineTenders?.card;
const offlineGiftOk = (s: TillState, c: TillContext) => offlineSale(s, c) && (c.offlineTenders?.giftCardLimit ?? 0) > 0;

export const pay: Action = {
  id: 'pay',
  label: 'Pay',
  shortcut: 'F12',
  predicate: (s) => s.mode === 'sell' && !s.dialog && !s.finishing && s.cart.lines.length > 0,
  perform: (s, c) => ({ state: { ...s, mode: 'tender', notice: null, tender: freshTender(c.newId()) } }),
  keyTest: fkey('F12'),
};

export const backToSale: Action = {
  id: 'back-to-sale',
  label: 'Back to sale',
  shortcut: 'Esc',
  predicate: (s) => ready(s) && !moneyTaken(s.tender),
  perform: (s) => ({
    state: { ...s, mode: 'sell', tender: freshTender(null) },
    // an order the server opened for a declined card holds nothing: void it so it is not left open
    ...(s.tender.order ? { effect: { kind: 'void-open-order', orderId: s.tender.order.id } as const } : {}),
  }),
  keyTest: (e) => plain(e) && e.key === 'Escape',
};

const choose = (method: TenderMethod, label: string, key: string, may: (s: TillState, c: TillContext) => boolean): Action => ({
  id: `tender-${method}`,
  label,
  shortcut: key,
  predicate: (s, c) => canTake(s) && due(s, c) > 0 && may(s, c),
  perform: (s, c) => ({
    state: {
      ...withTender(s, { method, error: null, card: method === 'card' ? { amount: due(s, c), tip: null } : s.tender.card }),
      dialog: method === 'card' ? { kind: 'card' } : s.dialog,
    },
  }),
  keyTest: fkey(key),
});

export const chooseCash = choose('cash', 'Cash', 'F1', () => true);
export const chooseCard = choose('card', 'Card', 'F2', (s, c) => onlineSale(s, c) || offlineCardOk(s, c));
export const chooseGiftCard = choose('gift_card', 'Gift card', 'F3', (s, c) => onlineSale(s, c) || offlineGiftOk(s, c));
// crypto needs the network, always
export const chooseCrypto = choose('crypto', 'Crypto', 'F4', (s, c) => onlineSale(s, c));

/** Offline, a sale goes into the durable queue (saved before the receipt shows) with its offline payments. */
const queueIt = offlineSale;

/**
 * Exact cash for what is due. Online it is paid on the server (POST /checkout, or the order's
 * payments for the rest of a split); offline the sale is queued.
 */
export const exactCash: Action = {
  id: 'exact-cash',
  label: 'Exact cash',
  shortcut: 'F12',
  predicate: (s, c) => canTake(s) && due(s, c) > 0 && (!s.tender.order || c.online),
  perform: (s, c) =>
    queueIt(s, c)
      ? { state: { ...s, finishing: true }, effect: { kind: 'finish-sale', tendered: due(s, c) } }
      : { state: s, effect: { kind: 'take-payment', body: { tender: 'cash', amount: due(s, c) } } },
  keyTest: (e, s) => fkey('F12')(e) && s.tender.method === 'cash',
};

/** Cash handed over (minor units). Less than due is part of a split, which needs the server. */
export const cashTendered: Action<number> = {
  id: 'cash-tendered',
  label: 'Take cash',
  predicate: (s, c, amount) => {
    if (!canTake(s) || !Number.isSafeInteger(amount) || amount <= 0 || due(s, c) <= 0) return false;
    return queueIt(s, c) ? amount >= due(s, c) : c.online;
  },
  perform: (s, c, amount) =>
    queueIt(s, c)
      ? { state: { ...s, finishing: true }, effect: { kind: 'finish-sale', tendered: amount } }
      : { state: s, effect: { kind: 'take-payment', body: { tender: 'cash', amount } } },
};

/** The amount and tip the card terminal will charge (the dialog's fields). */
export const setCardTerms: Action<{ amount: number | null; tip: TipInput }> = {
  id: 'card-terms',
  label: 'Card amount and tip',
  predicate: (s) => s.mode === 'tender' && s.dialog?.kind === 'card',
  perform: (s, _c, terms) => ({ state: withTender(s, { card: terms }) }),
};

const cardReady = (s: TillState, c: TillContext) =>
  s.mode === 'tender' && s.dialog?.kind === 'card' && !s.tender.busy && (onlineSale(s, c) || offlineCardOk(s, c)) && validTenderAmount(s.tender.card.amount, due(s, c));

/** Charges a card typed in the terminal dialog. */
export const chargeCard: Action<CardInput> = {
  id: 'charge-card',
  label: 'Charge card',
  shortcut: 'Enter',
  predicate: (s, c) => cardReady(s, c),
  perform: (s, c, card) =>
    offlineSale(s, c)
      ? {
          // store and forward: no tip offline (the dialog hides it); the card is encrypted on the device
          state: { ...withTender(s, { busy: 'Encrypting the card for the processor…', error: null }), dialog: null },
          effect: { kind: 'offline-card', card, amount: s.tender.card.amount! },
        }
      : {
          state: { ...withTender(s, { busy: 'Sending the card to the processor…', error: null }), dialog: null },
          effect: { kind: 'tokenize-card', card, amount: s.tender.card.amount!, tip: s.tender.card.tip },
        },
};

const testCardAction = (i: 0 | 1 | 2 | 3): Action => {
  const t = TEST_CARDS[i];
  return {
    id: `test-card-${t.key}`,
    label: `${t.label} ·${t.number.slice(-4)}`,
    shortcut: t.key,
    predicate: (s, c) => cardReady(s, c),
    perform: (s, c) => chargeCard.perform(s, c, testCard(t.number)),
    keyTest: (e, s) => plain(e) && !e.typing && s.dialog?.kind === 'card' && e.key === t.key,
  };
};
export const testCardApprove = testCardAction(0);
export const testCardDecline = testCardAction(1);
export const testCardInsufficient = testCardAction(2);
export const testCardTimeout = testCardAction(3);

export const checkGiftCard: Action<string> = {
  id: 'gift-card-balance',
  label: 'Check balance',
  shortcut: 'Enter',
  predicate: (s, c, code) => canTake(s) && (onlineSale(s, c) || offlineGiftOk(s, c)) && /^\d{16}$/.test(code ?? ''),
  perform: (s, c, code) => ({ state: withTender(s, { busy: 'Checking the gift card…', error: null, giftCard: null }), effect: { kind: 'gift-card-balance', code, offline: offlineSale(s, c) } }),
};

/** Redeems what is due (or the amount given); a short balance is authorized in part by the server. */
export const redeemGiftCard: Action<{ code: string; amount: number }> = {
  id: 'redeem-gift-card',
  label: 'Redeem',
  shortcut: 'Enter',
  predicate: (s, c, a) => {
    if (!canTake(s) || !a || !/^\d{16}$/.test(a.code) || !validTenderAmount(a.amount, due(s, c))) return false;
    if (!offlineSale(s, c)) return onlineSale(s, c);
    const g = s.tender.giftCard;
    return offlineGiftOk(s, c) && !!g?.offline && g.code === a.code && a.amount <= g.offline.cap;
  },
  perform: (s, c, a) => {
    if (!offlineSale(s, c)) return { state: s, effect: { kind: 'take-payment', body: { tender: 'gift_card', code: a.code, amount: a.amount } } };
    // offline: the redemption goes with the queued sale; the server redeems what the balance allows
    const g = s.tender.giftCard!;
    const payment = { label: `Gift card •••• ${g.last4} (offline)`, amount: a.amount, input: { tender: 'gift_card' as const, offline: true, code: a.code, amount: { amount: a.amount, currency: c.currency } } };
    const next = withTender(s, { offline: [...s.tender.offline, payment], giftCard: null, error: null, note: null });
    const left = due(next, c);
    return left > 0 ? { state: next } : { state: { ...next, finishing: true }, effect: { kind: 'finish-sale', tendered: 0 } };
  },
};

export const payCrypto: Action = {
  id: 'pay-crypto',
  label: 'Show crypto QR code',
  shortcut: 'Enter',
  predicate: (s, c) => canTake(s) && c.online && s.tender.method === 'crypto' && due(s, c) > 0,
  perform: (s, c) => ({ state: s, effect: { kind: 'take-payment', body: { tender: 'crypto', amount: due(s, c) } } }),
};

/** Asks again about a payment whose outcome is unknown: the same payment, the same key. */
export const retryPayment: Action = {
  id: 'retry-payment',
  label: 'Check again',
  shortcut: 'F5',
  predicate: (s) => ready(s) && !!s.tender.retry,
  perform: (s) => ({ state: s, effect: { kind: 'retry-payment' } }),
  keyTest: fkey('F5'),
};

/** Voids a sale with money already taken on the server (the server gives the payments back; a manager's permission). */
export const voidSale: Action = {
  id: 'void-sale',
  label: 'Void sale',
  shortcut: 'F11',
  predicate: (s, c) => ready(s) && !!s.tender.order && moneyTaken(s.tender) && c.online,
  perform: (s) => ({ state: { ...withTender(s, { error: null }), dialog: { kind: 'void-sale' } } }),
  keyTest: fkey('F11'),
};

export const confirmVoidSale: Action<string> = {
  id: 'confirm-void-sale',
  label: 'Void the sale',
  shortcut: 'Enter',
  predicate: (s, c, reason) => s.mode === 'tender' && s.dialog?.kind === 'void-sale' && !!s.tender.order && !s.tender.busy && c.online && (reason ?? '').trim().length > 0,
  perform: (s, _c, reason) => ({
    state: { ...withTender(s, { busy: 'Voiding the sale…', error: null }), dialog: null },
    effect: { kind: 'void-sale', orderId: s.tender.order!.id, reason: reason.trim() },
  }),
};
