// The tender screen's part of the till state: the order once the server holds it, the tender
// being taken, what is in progress and what went wrong. Plain data; effects change it.
import type { OrderDto } from '@novapos/sales/contract';
import type { OfflinePayment } from './offline-tenders';
import type { TipInput } from './tender-math';

export type TenderMethod = 'cash' | 'card' | 'gift_card' | 'crypto';

/** The body of one payment (POST /checkout's payments[], POST /orders/:id/payments). */
export type PaymentBody =
  | { tender: 'cash'; amount: number }
  | { tender: 'card'; amount: number; tip: TipInput; token: string }
  | { tender: 'gift_card'; amount: number; code: string }
  | { tender: 'crypto'; amount: number };

/** A card as typed or picked in the terminal dialog: in memory only, never stored or sent to NovaPOS. */
export type CardInput = { number: string; exp_month: number; exp_year: number; cvc: string };

/** A request whose outcome is not known yet: repeated with the same key and payment id. */
export type PendingPayment = { payment_id: string; key: string; body: PaymentBody };

export interface TenderState {
  method: TenderMethod;
  /** the order id minted when Pay was pressed (the server takes it as the order's id) */
  orderId: string | null;
  order: OrderDto | null;
  busy: string | null;
  error: string | null;
  /** what the last payment did when the sale is still open (a gift card's partial authorization) */
  note: string | null;
  /** the last payment's outcome is unknown (processor timeout): repeat it, never a new one */
  retry: PendingPayment | null;
  card: { amount: number | null; tip: TipInput };
  /**
   * the gift card checked for this sale; `offline`: checked on the device, `cap` is what may be
   * redeemed (the offline limit, and no more than the last known balance)
   */
  giftCard: { code: string; last4: string; balance: number; offline?: { cap: number; known: boolean } } | null;
  /** payments taken offline on this sale (card stored and forward, gift card), queued with it */
  offline: OfflinePayment[];
}

export const freshTender = (orderId: string | null): TenderState => ({
  method: 'cash',
  orderId,
  order: null,
  busy: null,
  error: null,
  note: null,
  retry: null,
  card: { amount: null, tip: null },
  giftCard: null,
  offline: [],
});

/** What the payments taken offline on this sale add up to. */
export const offlineTaken = (t: TenderState): number => t.offline.reduce((sum, p) => sum + p.amount, 0);

/** What is still due: the server's figure once it holds the order, else the cart's total. */
export const dueOf = (t: TenderState, cartTotal: number): number => (t.order ? t.order.amount_due.amount : cartTotal - offlineTaken(t));

/** Money taken on the server order that a "back to sale" would have to give back. */
export const moneyTaken = (t: TenderState): boolean => !!t.order && (t.order.amount_paid.amount > 0 || t.order.payments.some((p) => p.status === 'pending' && p.tender === 'crypto'));

/** The crypto checkout the customer has open, if any. */
export function pendingCrypto(t: TenderState): { payment_id: string; hosted_url: string } | null {
  const p = t.order?.payments.find((x) => x.tender === 'crypto' && x.status === 'pending' && x.crypto?.hosted_url);
  return p ? { payment_id: p.payment_id, hosted_url: p.crypto!.hosted_url! } : null;
}

const TENDER_NAMES: Record<TenderMethod, string> = { cash: 'Cash', card: 'Card', gift_card: 'Gift card', crypto: 'Crypto' };

/** A payment line as the tender screen and receipt show it. */
export function paymentLabel(p: OrderDto['payments'][number]): string {
  if (p.card) return `${p.card.brand.toUpperCase()} •••• ${p.card.last4}`;
  if (p.gift_card) return `Gift card •••• ${p.gift_card.last4}`;
  return TENDER_NAMES[p.tender];
}

export const tenderName = (m: TenderMethod) => TENDER_NAMES[m];
