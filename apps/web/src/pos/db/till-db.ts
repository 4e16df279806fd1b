// What this device must not lose: the sale queue, its counters (order numbers, the per-device
// sequence), and the register's own settings and favourites. Every transaction is committed with
// strict durability (flushed to disk before it reports success), so a sale written here before
// the receipt shows survives a crash or power cut, not only a reload.
import Dexie, { type Table } from 'dexie';
import type { Money } from './catalog-db';

export type Discount = { type: 'amount' | 'percent'; value: number; reason: string };

/** The body of POST /checkout, exactly as sent (and re-sent: the idempotency key covers it). */
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
  payments: { id: string; tender: 'cash'; amount: Money }[];
}

export type SaleStatus = 'queued' | 'synced' | 'rejected';

export interface SaleRejection {
  status: number;
  code: string;
  title: string;
  detail: string | null;
}

export interface QueuedSale {
  /** the per-device sequence: the queue is sent in this order */
  seq: number;
  /** the order id (UUIDv7), minted on the device */
  id: string;
  number: string;
  idempotency_key: string;
  device_id: string;
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
}

export interface TillMeta {
  key: string;
  value: unknown;
}

export class TillDb extends Dexie {
  sales!: Table<QueuedSale, number>;
  meta!: Table<TillMeta, string>;

  constructor(name = 'novapos-till') {
    super(name, { chromeTransactionDurability: 'strict' });
    this.version(1).stores({
      sales: 'seq, &id, status, [status+seq]',
      meta: 'key',
    });
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
