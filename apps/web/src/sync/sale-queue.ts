// The durable sale queue. A finished sale gets everything that identifies it here, on the
// device, in one strict-durability transaction: its order id (UUIDv7), its order number (the
// register's prefix and this device's counter), its payment ids, and its mutation: an id (the
// server's idempotency key for it) and a place in this device's sequence. Only after that
// transaction commits does the till show the receipt, and every later push repeats exactly this
// mutation, so a replay (a retry, a second tab, a crash mid-sync) can never make a second order.
import Dexie from 'dexie';
import { uuidv7 } from 'uuidv7';
import { draftKey, type CheckoutBody, type Discount, type PaymentInput, type QueuedSale, type TillDb } from '../pos/db/till-db';
import type { Money } from '../pos/db/catalog-db';
import { currentDevice, nextDeviceSeq } from './device';

/** the till's row counter (the `seq` primary key), kept across pairings */
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
  /** cash handed over (when `payments` is not given) */
  tendered: Money;
  /** the payments as taken (each gets its id here); default: one cash payment of `tendered` */
  payments?: PaymentInput[];
  /** the sale was rung while the till could not reach the server */
  offline: boolean;
  receipt: QueuedSale['receipt'];
}

async function nextRowSeq(db: TillDb): Promise<number> {
  const last = Math.max((await db.getMeta<number>(SEQ_KEY)) ?? 0, (await db.sales.orderBy(':id').lastKey()) as number | undefined ?? 0);
  await db.setMeta(SEQ_KEY, last + 1);
  return last + 1;
}

/** A mutation waiting for its first push: queued, never tried, nothing heard from the server. */
const NOT_SENT = { status: 'queued', attempts: 0, last_attempt_at: null, last_error: null, rejection: null, synced_at: null, server: null } as const satisfies Partial<QueuedSale>;

export const orderNumber = (prefix: string, n: number) => `${prefix}${String(n).padStart(6, '0')}`;

/** Writes the sale to the queue (durably) and returns it with its id, number and mutation. */
export async function enqueueSale(db: TillDb, draft: SaleDraft, now: Date = new Date()): Promise<QueuedSale> {
  return db.transaction('rw', [db.sales, db.meta], async () => {
    const device = await currentDevice(db, draft.register_id);
    const seq = await nextRowSeq(db);
    const deviceSeq = await nextDeviceSeq(db, device.device_id);
    const counter = ((await db.getMeta<number>(counterKey(draft.register_id))) ?? 0) + 1;
    await db.setMeta(counterKey(draft.register_id), counter);
    // the sale in progress is this sale now: a reload must not bring its cart back
    await db.meta.delete(draftKey(draft.register_id));

    const id = uuidv7();
    const mutationId = uuidv7();
    const number = orderNumber(draft.number_prefix, counter);
    const createdAt = now.toISOString();
    const payments = draft.payments ?? [{ tender: 'cash' as const, amount: draft.tendered }];
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
      payments: payments.map((p) => ({ ...p, id: uuidv7() })),
    };
    const sale: QueuedSale = {
      seq,
      id,
      number,
      mutation_id: mutationId,
      idempotency_key: mutationId,
      device_id: device.device_id,
      device_seq: deviceSeq,
      store_id: draft.store_id,
      register_id: draft.register_id,
      cashier: draft.cashier,
      body,
      receipt: draft.receipt,
      created_at: createdAt,
      ...NOT_SENT,
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

/** What a manager changed on a rejected sale before resending it. */
export interface SaleFix {
  /** the lines that stay (by line id), each with its unit price (changed or not) */
  lines: { id: string; unit_price: Money }[];
  /** the receipt as recomputed with the fix (what the till now expects the server to find) */
  receipt: QueuedSale['receipt'];
  /** the payments to send instead of the original ones (ids are minted here) */
  payments?: PaymentInput[];
  manager: { id: string; name: string };
}

/**
 * Resends a rejected sale as a new mutation: a new mutation id and the next seq of its device,
 * the same order id and number (the customer's receipt). The rejected row stays, marked
 * `resent`: its seq was used, and must be there to send again if the server ever asks from
 * before it (sequence_gap).
 */
export async function resendRejected(db: TillDb, seq: number, fix?: SaleFix, now: Date = new Date()): Promise<QueuedSale | null> {
  return db.transaction('rw', [db.sales, db.meta], async () => {
    const sale = await db.sales.get(seq);
    if (!sale || sale.status !== 'rejected') return null;
    const keep = fix ? new Map(fix.lines.map((l) => [l.id, l])) : null;
    const lines = keep ? sale.body.order.lines.filter((l) => keep.has(l.id)).map((l) => ({ ...l, unit_price: keep.get(l.id)!.unit_price })) : sale.body.order.lines;
    if (!lines.length) throw new Error('A sale needs at least one line: discard it instead.');
    const payments = fix?.payments ?? sale.body.payments.map(({ id: _id, ...p }): PaymentInput => p as PaymentInput);
    const body: CheckoutBody = {
      order: { ...sale.body.order, lines },
      payments: payments.map((p) => ({ ...p, id: uuidv7() })),
    };
    const next: QueuedSale = {
      ...sale,
      seq: await nextRowSeq(db),
      mutation_id: uuidv7(),
      device_seq: await nextDeviceSeq(db, sale.device_id),
      body,
      receipt: fix?.receipt ?? sale.receipt,
      ...NOT_SENT,
      resent_as: null,
      resent_from: sale.seq,
      discarded: null,
    };
    next.idempotency_key = next.mutation_id;
    await db.sales.add(next);
    await db.sales.update(seq, { status: 'resent', resent_as: next.seq, last_error: `Resent by ${fix?.manager.name ?? 'a manager'} on ${now.toISOString()}` });
    return next;
  });
}

/** A manager gives up on a rejected sale, saying why; it leaves the list of refused sales. */
export async function discardRejected(db: TillDb, seq: number, reason: string, by: { id: string; name: string }, now: Date = new Date()): Promise<boolean> {
  const why = reason.trim();
  if (!why) throw new Error('Say why the sale is discarded.');
  return db.transaction('rw', db.sales, async () => {
    const sale = await db.sales.get(seq);
    if (!sale || sale.status !== 'rejected') return false;
    await db.sales.update(seq, { status: 'discarded', discarded: { reason: why, by, at: now.toISOString() } });
    return true;
  });
}

/** The sales the server refused that nobody has fixed or discarded yet, oldest first. */
export async function rejectedSales(db: TillDb): Promise<QueuedSale[]> {
  return db.sales.where('[status+seq]').between(['rejected', Dexie.minKey], ['rejected', Dexie.maxKey]).toArray();
}
