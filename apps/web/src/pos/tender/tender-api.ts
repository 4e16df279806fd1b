// The server calls of the tender screen, with the signed-in cashier's token (the server records
// who took the money). Each payment carries an id and an Idempotency-Key minted once, so a
// repeat after a lost answer or a processor timeout can never charge twice.
import { ApiError, request, type AuthSource } from '../../api/client';
import type { GiftCardDto } from '@novapos/payments/contract';
import type { OrderDto } from '@novapos/sales/contract';
import type { Money } from '../db/catalog-db';
import type { Discount } from '../db/till-db';
import { tipBody } from './tender-math';
import type { PaymentBody } from './tender-state';

export type NewOrder = {
  id: string;
  store_id: string;
  register_id: string;
  lines: { id: string; variant_id: string; quantity: number; discount?: Discount }[];
  order_discount?: Discount;
};

/** What a payment attempt came to. */
export type PayOutcome =
  | { kind: 'ok'; order: OrderDto }
  /** declined or failed: the order stays open with the processor's message */
  | { kind: 'declined'; order: OrderDto | null; message: string }
  /** the processor has not answered: repeat with the same key */
  | { kind: 'unknown'; message: string }
  | { kind: 'error'; message: string; network: boolean };

type ProblemBody = { detail?: string; title?: string; order?: OrderDto; order_id?: string };

export function toWire(b: PaymentBody, id: string, currency: string): Record<string, unknown> {
  const amount = { amount: b.amount, currency };
  switch (b.tender) {
    case 'cash':
    case 'crypto':
      return { id, tender: b.tender, amount };
    case 'gift_card':
      return { id, tender: b.tender, amount, code: b.code };
    case 'card': {
      const tip = tipBody(b.tip, currency);
      return { id, tender: b.tender, amount, token: b.token, ...(tip ? { tip } : {}) };
    }
  }
}

export function outcomeOf(err: unknown): PayOutcome {
  if (!(err instanceof ApiError)) return { kind: 'error', message: err instanceof Error ? err.message : String(err), network: false };
  const p = err.problem as ApiError['problem'] & ProblemBody;
  const message = p.detail ?? p.title;
  if (err.status === 402) return { kind: 'declined', order: p.order ?? null, message };
  if (err.code === 'payment_outcome_unknown' || err.code === 'idempotency_request_in_progress') return { kind: 'unknown', message };
  return { kind: 'error', message, network: err.status === 0 };
}

export function createTenderApi(auth: AuthSource) {
  const enc = encodeURIComponent;
  return {
    checkout: (order: NewOrder, payment: Record<string, unknown>, key: string) =>
      request<OrderDto>({ method: 'POST', path: '/checkout', body: { order, payments: [payment] }, idempotencyKey: key, auth }),
    addPayment: async (orderId: string, payment: Record<string, unknown>, key: string) =>
      (await request<{ order: OrderDto }>({ method: 'POST', path: `/orders/${enc(orderId)}/payments`, body: payment, idempotencyKey: key, auth })).order,
    order: (id: string) => request<OrderDto>({ method: 'GET', path: `/orders/${enc(id)}`, auth }),
    voidOrder: (id: string, reason: string, key: string) => request<OrderDto>({ method: 'POST', path: `/orders/${enc(id)}/void`, body: { reason }, idempotencyKey: key, auth }),
    giftCard: (code: string) => request<GiftCardDto>({ method: 'GET', path: `/gift-cards/${enc(code)}`, auth }),
    terminal: () => request<TerminalConfig>({ method: 'GET', path: '/payments/terminal', auth }),
    /** The server's 80 mm receipt page. `count`: a real print (later ones are marked as copies). */
    async receiptHtml(id: string, count: boolean): Promise<string> {
      const token = await auth.accessToken();
      const res = await fetch(`/api/v1/orders/${enc(id)}/receipt?count=${count}`, { headers: { accept: 'text/html', ...(token ? { authorization: `Bearer ${token}` } : {}) } });
      if (!res.ok) throw new Error(`The receipt could not be loaded (${res.status}).`);
      return res.text();
    },
  };
}

export type TenderApi = ReturnType<typeof createTenderApi>;

/** GET /payments/terminal (plan, server part 3). */
export type TerminalConfig = {
  processor_url: string;
  publishable_key: string;
  offline_card: { enabled: boolean; per_payment_cap: number; per_device_cap: number };
  offline_gift_card_limit: number;
};

export const moneyOf = (amount: number, currency: string): Money => ({ amount, currency });
