// The durable sale queue. A finished sale gets everything that identifies it here, on the
// device, in one strict-durability transaction: its order id (UUIDv7), its order number (the
// register's prefix and this device's counter), its idempotency key, its payment ids and its
// per-device sequence. Only after that transaction commits does the till show the receipt, and
// every later send repeats exactly this body with exactly this key, so a replay (a retry, a
// second tab, a crash mid-sync) can never make a second order.
import Dexie from 'dexie';
import { uuidv7 } from 'uuidv7';
import type { CheckoutBody, Discount, QueuedSale, TillDb } from '../pos/db/till-db';
import type { Money } from '../pos/db/catalog-db';

export const DEVICE_KEY = 'device_id';
export const SEQ_KEY = 'device_seq';
export const counterKey = (registerId: string) => `order_counter:${registerId}`;

export interface SaleDraft {
  store_id: string;
  register_id: string;
  /** `S{store number}-R{register number}-` */
  number_prefix: string;
  cashier: { id: string; name: string };
  lines: { id: string; variant_id: string; quantity: number; unit_price: Money; discount?: Discount | null }[];
  order_discount?: Discount | null;
  /** cash handed over */
  tendered: Money;
  /** the sale was rung while the till could not reach the server */
  offline: boolean;
  receipt: QueuedSale['receipt'];
}

export const orderNumber = (prefix: string, n: number) => `${prefix}${String(n).padStart(6, '0')}`;

/** Writes the sale to the queue (durably) and returns it with its id, number and key. */
export async function enqueueSale(db: TillDb, draft: SaleDraft, now: Date = new Date()): Promise<QueuedSale> {
  return db.transaction('rw', [db.sales, db.meta], async () => {
    let device = await db.getMeta<string>(DEVICE_KEY);
    if (!device) {
      device = uuidv7();
      await db.setMeta(DEVICE_KEY, device);
    }
    const seq = ((await db.getMeta<number>(SEQ_KEY)) ?? 0) + 1;
    const counter = ((await db.getMeta<number>(counterKey(draft.register_id))) ?? 0) + 1;
    await db.setMeta(SEQ_KEY, seq);
    await db.setMeta(counterKey(draft.register_id), counter);

    const id = uuidv7();
    const number = orderNumber(draft.number_prefix, counter);
    const createdAt = now.toISOString();
    const body: CheckoutBody = {
      order: {
        id,
        number,
        store_id: draft.store_id,
        register_id: draft.register_id,
        lines: draft.lines.map((l) => ({ id: l.id, variant_id: l.variant_id, quantity: l.quantity, unit_price: l.unit_price, ...(l.discount ? { discount: l.discount } : {}) })),
        ...(draft.order_discount ? { order_discount: draft.order_discount } : {}),
        ...(draft.offline ? { captured_offline_at: createdAt } : {}),
      },
      payments: [{ id: uuidv7(), tender: 'cash', amount: draft.tendered }],
    };
    const sale: QueuedSale = {
      seq,
      id,
      number,
      idempotency_key: `sale-${id}`,
      device_id: device,
      store_id: draft.store_id,
      register_id: draft.register_id,
      cashier: draft.cashier,
      body,
      receipt: draft.receipt,
      created_at: createdAt,
      status: 'queued',
      attempts: 0,
      last_attempt_at: null,
      last_error: null,
      rejection: null,
      synced_at: null,
      server: null,
    };
    await db.sales.add(sale);
    return sale;
  });
}

/**
 * Raises the register's counter to at least `floor` (the highest number the server knows for
 * the register), never lowers it: numbers this device already gave out stay taken.
 */
export async function raiseCounter(db: TillDb, registerId: string, floor: number): Promise<number> {
  return db.transaction('rw', db.meta, async () => {
    const current = (await db.getMeta<number>(counterKey(registerId))) ?? 0;
    const next = Math.max(current, floor);
    if (next !== current || current === 0) await db.setMeta(counterKey(registerId), next);
    return next;
  });
}

export type QueueSummary = { queued: number; rejected: number; oldest_queued_at: string | null };

export async function queueSummary(db: TillDb): Promise<QueueSummary> {
  return db.transaction('r', db.sales, async () => {
    const queued = await db.sales.where('status').equals('queued').count();
    const rejected = await db.sales.where('status').equals('rejected').count();
    const oldest = queued ? await db.sales.where('[status+seq]').between(['queued', Dexie.minKey], ['queued', Dexie.maxKey]).first() : undefined;
    return { queued, rejected, oldest_queued_at: oldest?.created_at ?? null };
  });
}

/**
 * Puts a rejected sale back in the queue after someone fixed the cause. A new idempotency key:
 * the old one would replay the rejection; the order id stays, so the server still sees one order.
 */
export async function resendRejected(db: TillDb, seq: number): Promise<void> {
  await db.transaction('rw', db.sales, async () => {
    const sale = await db.sales.get(seq);
    if (!sale || sale.status !== 'rejected') return;
    await db.sales.update(seq, { status: 'queued', rejection: null, idempotency_key: `sale-${sale.id}-r${sale.attempts}` });
  });
}
