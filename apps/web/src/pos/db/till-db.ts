// What this device must not lose: the sale queue, its counters (order numbers, the per-device
// sequence), and the register's own settings and favourites. Every transaction is committed with
// strict durability (flushed to disk before it reports success), so a sale written here before
// the receipt shows survives a crash or power cut, not only a reload.
import Dexie, { type Table } from 'dexie';
import type { Cart } from '../cart/cart';
import type { Money } from './catalog-db';

export type Discount = { type: 'amount' | 'percent'; value: number; reason: string };

/** A payment as the checkout flow takes it (cash; card store-and-forward and gift card carry more fields). */
export type PaymentInput = { tender: 'cash' | 'card' | 'gift_card'; amount: Money; offline?: boolean; [field: string]: unknown };
export type PaymentBody = PaymentInput & { id: string };

/** The args of a `checkout` mutation (the body of POST /checkout), exactly as sent and re-sent. */
export interface CheckoutBody {
  order: {
    id: string;
    number: string;
    store_id: string;
    register_id: string;
    lines: { id: string; variant_id: string; quantity: number; unit_price: Money; discount?: Discount }[];
    order_discount?: Discount;
    captured_offline_at?: string;
  };
  payments: PaymentBody[];
}

/**
 * queued: waiting to be pushed; synced: the server applied it (or had already); rejected: the
 * server refused it for a business reason (kept for a manager); resent: rejected, then fixed and
 * queued again as a new mutation (the row is kept: its device seq was used); discarded: rejected,
 * then given up by a manager with a reason.
 */
export type SaleStatus = 'queued' | 'synced' | 'rejected' | 'resent' | 'discarded';

export interface SaleRejection {
  status: number;
  code: string;
  title: string;
  detail: string | null;
}

export interface QueuedSale {
  /** this till's own row number: never reused, also across pairings (the queue's order) */
  seq: number;
  /** the order id (UUIDv7), minted on the device; a fixed resend keeps it */
  id: string;
  number: string;
  /** the mutation's id: the server's idempotency key for it (a fixed resend gets a new one) */
  mutation_id: string;
  /** kept equal to mutation_id (rows written before the push endpoint carried their own key) */
  idempotency_key: string;
  /** the device (minted at pairing) whose sequence this mutation belongs to */
  device_id: string;
  /** the mutation's place in its device's sequence (1, 2, 3, … per device id) */
  device_seq: number;
  store_id: string;
  register_id: string;
  cashier: { id: string; name: string };
  body: CheckoutBody;
  /** what the till computed and showed on the receipt (the server recomputes its own) */
  receipt: {
    lines: { name: string; sku: string; quantity: number; unit_price: number; discount_total: number; total: number }[];
    subtotal: number;
    discount_total: number;
    tax_total: number;
    total: number;
    tendered: number;
    change_due: number;
    currency: string;
    prices_include_tax: boolean;
    /** the payments as taken when not one cash payment (offline card, gift card, then cash) */
    payments?: { label: string; amount: number }[];
  };
  created_at: string;
  status: SaleStatus;
  attempts: number;
  last_attempt_at: string | null;
  last_error: string | null;
  rejection: SaleRejection | null;
  synced_at: string | null;
  /** the server's view once synced */
  server: { number: string; status: string; total: number | null } | null;
  /** a rejected sale a manager fixed: the row (seq) it was resent as, or the row it came from */
  resent_as?: number | null;
  resent_from?: number | null;
  /** a rejected sale a manager gave up on */
  discarded?: { reason: string; by: { id: string; name: string }; at: string } | null;
}

/**
 * A sale put aside on this register (park), to be resumed later by any cashier on it. No money
 * was taken: a parked sale is a cart, kept on the device like the queue.
 */
export interface ParkedSale {
  id: string;
  register_id: string;
  cashier: { id: string; name: string };
  parked_at: string;
  cart: Pick<Cart, 'lines' | 'order_discount'>;
  /** what the list shows without pricing the cart again */
  units: number;
  total: number;
  currency: string;
}

/** The meta key of a register's sale in progress. */
export const draftKey = (registerId: string) => `draft:${registerId}`;

/** The sale being rung on a register, saved as it changes so a reload or a crash keeps it. */
export interface DraftSale {
  cashier: { id: string; name: string };
  saved_at: string;
  cart: Pick<Cart, 'lines' | 'order_discount'>;
  total: number;
  currency: string;
}

export interface TillMeta {
  key: string;
  value: unknown;
}

export class TillDb extends Dexie {
  sales!: Table<QueuedSale, number>;
  meta!: Table<TillMeta, string>;
  parked!: Table<ParkedSale, string>;

  constructor(name = 'novapos-till') {
    super(name, { chromeTransactionDurability: 'strict' });
    this.version(1).stores({
      sales: 'seq, &id, status, [status+seq]',
      meta: 'key',
    });
    // v2: sales are pushed as per-device mutations (apps/web/src/sync). A fixed resend is a new
    // row with the same order id, so the order id is no longer unique.
    this.version(2)
      .stores({
        sales: 'seq, id, status, [status+seq], [device_id+device_seq], [status+device_id+device_seq]',
        meta: 'key',
      })
      .upgrade(async (tx) => {
        // Rows sent with POST /checkout never went through a push: the device's sequence starts
        // with what is still queued, in queue order.
        let deviceSeq = 0;
        await tx
          .table('sales')
          .orderBy('seq')
          .modify((row: QueuedSale) => {
            if (row.status === 'queued') {
              row.device_seq = ++deviceSeq;
              row.mutation_id = crypto.randomUUID();
              row.idempotency_key = row.mutation_id;
            } else {
              row.device_seq = 0;
              row.mutation_id ??= row.idempotency_key;
            }
          });
        const device = (await tx.table('meta').get('device_id'))?.value as string | undefined;
        if (device) await tx.table('meta').put({ key: `device_seq:${device}`, value: deviceSeq });
      });
    this.version(3).stores({ parked: 'id, [register_id+parked_at]' });
  }

  async getMeta<T>(key: string): Promise<T | undefined> {
    return (await this.meta.get(key))?.value as T | undefined;
  }

  async setMeta(key: string, value: unknown): Promise<void> {
    await this.meta.put({ key, value });
  }
}

let shared: TillDb | null = null;
export function tillDb(): TillDb {
  shared ??= new TillDb();
  return shared;
}
