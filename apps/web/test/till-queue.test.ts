import 'fake-indexeddb/auto';
import { pbkdf2Sync, randomBytes } from 'node:crypto';
import Dexie from 'dexie';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TillDb, type QueuedSale } from '../src/pos/db/till-db.ts';
import { enqueueSale, queueSummary, raiseCounter, rejectedSales, resendRejected, discardRejected, type SaleDraft } from '../src/sync/sale-queue.ts';
import { currentDevice, DEVICE_RECORD_KEY, lastNumberOf, mintDevice, pairDevice, type DeviceRecord } from '../src/sync/device.ts';
import { backoffDelay, BACKOFF_MAX_MS, createSyncEngine, type Locks } from '../src/sync/sync-engine.ts';
import { pushSales, type PushBody, type PushResult } from '../src/sync/push.ts';
import { checkPinOffline } from '../src/pos/pin/offline-pin.ts';
import { parseVerifiers } from '../src/pos/pin/verifiers.ts';
import { fixedReceipt, saleFix, type FixLine } from '../src/pos/manager/fix-sale.ts';

const usd = (amount: number) => ({ amount, currency: 'USD' });
const auth = { accessToken: async () => 'token', renew: async () => null };
const STORE = '0190a1b2-0000-7000-8000-000000000001';
const REGISTER = '0190a1b2-0000-7000-8000-000000000002';
const CASHIER = '0190a1b2-0000-7000-8000-0000000000c1';

function draft(n = 1, over: Partial<SaleDraft> = {}): SaleDraft {
  return {
    store_id: STORE,
    register_id: REGISTER,
    number_prefix: 'S1-R2-',
    cashier: { id: CASHIER, name: 'Casey' },
    lines: [{ id: `0190a1b2-0000-7000-8000-0000000001${String(n).padStart(2, '0')}`, variant_id: '0190a1b2-0000-7000-8000-000000000099', quantity: n, unit_price: usd(1000) }],
    tendered: usd(1000 * n),
    offline: true,
    receipt: { lines: [{ name: 'Tee', sku: 'TEE', quantity: n, unit_price: 1000, discount_total: 0, total: 1000 * n }], subtotal: 1000 * n, discount_total: 0, tax_total: 0, total: 1000 * n, tendered: 1000 * n, change_due: 0, currency: 'USD', prices_include_tax: false },
    ...over,
  };
}

type Problem = { type: string; title: string; status: number; code: string; detail?: string };
type Mode = 'ok' | 'down' | 'lost-reply' | 'no-route' | 'error500' | { stopAfter: number };

/**
 * A fake push endpoint that behaves as the contract says: per device the last processed seq;
 * mutations in seq order; seq ≤ last → `duplicate` with the stored result; a first seq after a gap
 * → 409 sequence_gap; a business refusal → `rejected` (the seq counts); one order per order id.
 */
function fakeServer() {
  const devices = new Map<string, { register_id: string; last: number; results: Map<number, PushResult> }>();
  const orders = new Map<string, { body: string; mutation: string }>();
  const pushes: { device: string; body: PushBody }[] = [];
  const rejectVariant = new Set<string>();
  let mode: Mode = 'ok';
  const json = (status: number, body: unknown) =>
    new Response(JSON.stringify(body), { status, headers: { 'content-type': status >= 400 ? 'application/problem+json' : 'application/json' } });

  const fetch = async (url: string, init: RequestInit) => {
    if (mode === 'down') throw new TypeError('Failed to fetch');
    if (mode === 'no-route') return json(404, { type: 'about:blank', title: 'Not Found', status: 404, code: 'not_found', detail: `No route for POST ${url}` });
    if (mode === 'error500') return json(500, { type: 'about:blank', title: 'Internal Server Error', status: 500, code: 'internal' });
    const m = /\/api\/v1\/devices\/([^/]+)\/push$/.exec(url);
    if (!m || init.method !== 'POST') return json(404, { type: 'about:blank', title: 'Not Found', status: 404, code: 'not_found', detail: `No route for ${init.method} ${url}` });
    const deviceId = decodeURIComponent(m[1]!);
    const body = JSON.parse(String(init.body)) as PushBody;
    pushes.push({ device: deviceId, body });
    const d = devices.get(deviceId) ?? { register_id: body.register_id, last: 0, results: new Map() };
    devices.set(deviceId, d);
    const first = body.mutations[0]?.seq ?? d.last + 1;
    if (first > d.last + 1) return json(409, { type: 'about:blank', title: 'Sequence gap', status: 409, code: 'sequence_gap', last_applied_seq: d.last });
    const results: PushResult[] = [];
    for (const mu of body.mutations) {
      if (typeof mode === 'object' && results.length >= mode.stopAfter) break;
      if (mu.seq <= d.last) {
        results.push({ ...d.results.get(mu.seq)!, status: 'duplicate' });
        continue;
      }
      if (mu.seq > d.last + 1) break;
      const order = mu.args.order;
      let result: PushResult;
      const existing = orders.get(order.id);
      if (order.lines.some((l) => rejectVariant.has(l.variant_id))) {
        result = { seq: mu.seq, id: mu.id, status: 'rejected', problem: { type: 'about:blank', title: 'Variant archived', status: 422, code: 'variant_archived', detail: 'The variant is archived' } as Problem };
      } else if (existing && existing.body !== JSON.stringify(order)) {
        result = { seq: mu.seq, id: mu.id, status: 'rejected', problem: { type: 'about:blank', title: 'Order exists', status: 409, code: 'order_exists' } as Problem };
      } else {
        if (!existing) orders.set(order.id, { body: JSON.stringify(order), mutation: mu.id });
        const total = order.lines.reduce((s, l) => s + l.unit_price.amount * l.quantity, 0);
        result = { seq: mu.seq, id: mu.id, status: 'applied', order: { id: order.id, number: order.number, status: 'completed', total: usd(total) } };
      }
      d.results.set(mu.seq, result);
      d.last = mu.seq;
      results.push(result);
    }
    if (mode === 'lost-reply') throw new TypeError('Failed to fetch'); // the server did it, the reply never arrived
    return json(200, { last_applied_seq: d.last, results });
  };
  return {
    fetch,
    pushes,
    orders,
    devices,
    rejectVariant,
    /** the server restored from a backup taken after `seq`: later mutations and their orders are gone */
    restoreTo(deviceId: string, seq: number) {
      const d = devices.get(deviceId)!;
      for (const [s, r] of d.results) if (s > seq) {
        d.results.delete(s);
        if (r.order?.id) orders.delete(r.order.id);
      }
      d.last = seq;
    },
    set mode(v: Mode) {
      mode = v;
    },
  };
}

/** A LockManager with `ifAvailable`, shared by the "tabs" of one test. */
function fakeLocks() {
  const held = new Set<string>();
  return {
    async request<T>(name: string, opts: { ifAvailable?: boolean }, cb: (lock: { name: string } | null) => Promise<T> | T): Promise<T> {
      if (held.has(name)) {
        if (opts.ifAvailable) return cb(null);
        throw new Error('fake locks only support ifAvailable');
      }
      held.add(name);
      try {
        return await cb({ name });
      } finally {
        held.delete(name);
      }
    },
  } as Locks;
}

let db: TillDb;
let server: ReturnType<typeof fakeServer>;
let n = 0;
const realFetch = globalThis.fetch;

beforeEach(async () => {
  db = new TillDb(`till-test-${++n}`);
  await db.open();
  server = fakeServer();
  globalThis.fetch = server.fetch as unknown as typeof fetch;
});
afterEach(async () => {
  globalThis.fetch = realFetch;
  db.close();
});

/** Timers that only fire when the test says so. */
function manualTimers() {
  const pending: (() => void)[] = [];
  return {
    setTimer: (fn: () => void) => pending.push(fn),
    clearTimer: () => {},
    fire: () => pending.splice(0).forEach((f) => f()),
    get count() {
      return pending.length;
    },
  };
}

const push = (deviceId: string, registerId: string, batch: readonly QueuedSale[]) => pushSales(deviceId, registerId, batch, auth);
const engineFor = (timers = manualTimers(), locks: Locks | null = null, batchSize = 10) =>
  createSyncEngine({ db, push, locks, batchSize, random: () => 0.5, setTimer: timers.setTimer, clearTimer: timers.clearTimer });
const statuses = async () => (await db.sales.orderBy('seq').toArray()).map((s) => s.status);

describe('the sale queue', () => {
  it('gives each sale an order id, a register-prefixed number, a mutation id and a device sequence before anything is sent', async () => {
    await mintDevice(db, REGISTER);
    const a = await enqueueSale(db, draft(1));
    const b = await enqueueSale(db, draft(2));
    expect(a.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a.mutation_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.mutation_id).not.toBe(a.id);
    expect([a.number, b.number]).toEqual(['S1-R2-000001', 'S1-R2-000002']);
    expect([a.device_seq, b.device_seq]).toEqual([1, 2]);
    expect(a.device_id).toBe(b.device_id);
    expect(a.body.order).toMatchObject({ id: a.id, number: a.number, captured_offline_at: a.created_at });
    expect(a.body.payments[0]).toMatchObject({ tender: 'cash', amount: usd(1000) });

    // Another connection (a reload) sees both, queued.
    const again = new TillDb(db.name);
    expect((await again.sales.toArray()).map((s) => [s.number, s.status, s.device_seq])).toEqual([
      ['S1-R2-000001', 'queued', 1],
      ['S1-R2-000002', 'queued', 2],
    ]);
    again.close();
    expect(await queueSummary(db)).toEqual({ queued: 2, rejected: 0, oldest_queued_at: a.created_at });
  });

  it('leaves captured_offline_at out of a sale rung while online, and takes the payments it is given', async () => {
    const s = await enqueueSale(db, draft(1, { offline: false, payments: [{ tender: 'gift_card', amount: usd(400), offline: true, code: 'GC1' }, { tender: 'cash', amount: usd(600) }] }));
    expect(s.body.order).not.toHaveProperty('captured_offline_at');
    expect(s.body.payments.map((p) => [p.tender, p.amount.amount])).toEqual([['gift_card', 400], ['cash', 600]]);
    expect(new Set(s.body.payments.map((p) => p.id)).size).toBe(2);
  });

  it('raises the order counter to the server floor but never lowers it', async () => {
    expect(await raiseCounter(db, REGISTER, 41)).toBe(41);
    expect((await enqueueSale(db, draft())).number).toBe('S1-R2-000042');
    expect(await raiseCounter(db, REGISTER, 10)).toBe(42);
  });

  it('mints a device at pairing and seeds the order counter from the server’s last number', async () => {
    const { device, counter } = await pairDevice(db, async () => ({ register_id: REGISTER, last_number: 'S1-R2-000317' }), REGISTER, 'S1-R2-');
    expect(counter).toBe(317);
    expect((await db.getMeta<DeviceRecord>(DEVICE_RECORD_KEY))!.device_id).toBe(device.device_id);
    const s = await enqueueSale(db, draft());
    expect([s.number, s.device_id, s.device_seq]).toEqual(['S1-R2-000318', device.device_id, 1]);
    // A server without the route (or offline): the device is still minted, the counter left alone.
    const again = await pairDevice(db, async () => Promise.reject(new Error('offline')), REGISTER, 'S1-R2-');
    expect(again.counter).toBeNull();
    expect(again.device.device_id).not.toBe(device.device_id);
  });

  it('reads the last number in the shapes a server may give', () => {
    expect(lastNumberOf({ last_number: 'S1-R2-000042' }, 'S1-R2-')).toBe(42);
    expect(lastNumberOf({ last_number: 42 }, 'S1-R2-')).toBe(42);
    expect(lastNumberOf({ number: 'S1-R2-000007' }, 'S1-R2-')).toBe(7);
    expect(lastNumberOf({ last_number: null }, 'S1-R2-')).toBe(0);
    expect(lastNumberOf('S1-R2-000009', null)).toBe(9);
  });

  it('starts a new device sequence at 1 after a new pairing, and keeps earlier rows under their own device', async () => {
    const first = await currentDevice(db, REGISTER);
    await enqueueSale(db, draft(1));
    await enqueueSale(db, draft(2));
    const second = await mintDevice(db, REGISTER);
    const c = await enqueueSale(db, draft(3));
    expect([c.device_id, c.device_seq, c.seq]).toEqual([second.device_id, 1, 3]);
    expect(await engineFor().syncNow()).toEqual({ sent: 3, rejected: 0, stopped: 'drained' });
    expect(server.pushes.map((p) => [p.device, p.body.mutations.map((m) => m.seq)])).toEqual([
      [first.device_id, [1, 2]],
      [second.device_id, [1]],
    ]);
  });

  it('upgrades a queue written before the push endpoint: queued sales get mutation ids and device seqs in order', async () => {
    const name = `till-v1-${n}`;
    const v1 = new Dexie(name);
    v1.version(1).stores({ sales: 'seq, &id, status, [status+seq]', meta: 'key' });
    const row = (seq: number, status: string) => ({ seq, id: `order-${seq}`, number: `S1-R2-00000${seq}`, idempotency_key: `sale-order-${seq}`, device_id: 'dev-old', status, body: { order: { id: `order-${seq}` } } });
    await v1.table('sales').bulkAdd([row(1, 'synced'), row(2, 'queued'), row(3, 'rejected'), row(4, 'queued')]);
    await v1.table('meta').put({ key: 'device_id', value: 'dev-old' });
    v1.close();
    const v2 = new TillDb(name);
    const rows = await v2.sales.orderBy('seq').toArray();
    expect(rows.map((r) => [r.status, r.device_seq])).toEqual([['synced', 0], ['queued', 1], ['rejected', 0], ['queued', 2]]);
    expect(rows[1]!.mutation_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(rows[1]!.idempotency_key).toBe(rows[1]!.mutation_id);
    expect(await v2.getMeta('device_seq:dev-old')).toBe(2);
    v2.close();
  });
});

describe('the sync engine', () => {
  it('pushes queued sales in sequence order as checkout mutations and marks them synced', async () => {
    const sales = [await enqueueSale(db, draft(1)), await enqueueSale(db, draft(2)), await enqueueSale(db, draft(3))];
    expect(await engineFor().syncNow()).toEqual({ sent: 3, rejected: 0, stopped: 'drained' });
    expect(server.pushes).toHaveLength(1);
    const [{ device, body }] = server.pushes as [{ device: string; body: PushBody }];
    expect(device).toBe(sales[0]!.device_id);
    expect(body.register_id).toBe(REGISTER);
    expect(body.mutations).toEqual(sales.map((s) => ({ seq: s.device_seq, id: s.mutation_id, name: 'checkout', args: s.body, cashier_id: CASHIER })));
    const stored = await db.sales.toArray();
    expect(stored.map((s) => s.status)).toEqual(['synced', 'synced', 'synced']);
    expect(stored[0]!.server).toEqual({ number: 'S1-R2-000001', status: 'completed', total: 1000 });
    expect(await queueSummary(db)).toEqual({ queued: 0, rejected: 0, oldest_queued_at: null });
  });

  it('sends a long queue in batches', async () => {
    for (let i = 1; i <= 7; i++) await enqueueSale(db, draft(i));
    expect(await engineFor(manualTimers(), null, 3).syncNow()).toEqual({ sent: 7, rejected: 0, stopped: 'drained' });
    expect(server.pushes.map((p) => p.body.mutations.map((m) => m.seq))).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
  });

  it('keeps every sale queued while the network is down and backs off, then sends each once', async () => {
    await enqueueSale(db, draft(1));
    await enqueueSale(db, draft(2));
    const timers = manualTimers();
    const engine = engineFor(timers);
    server.mode = 'down';
    expect(await engine.syncNow()).toMatchObject({ sent: 0, stopped: 'retry' });
    expect(engine.state().failures).toBe(1);
    expect(timers.count).toBe(1);
    expect(await engine.syncNow()).toMatchObject({ stopped: 'retry' });
    expect(engine.state().failures).toBe(2);
    const first = (await db.sales.get(1))!;
    expect(first).toMatchObject({ status: 'queued', attempts: 2 });
    expect(first.last_error).toContain("Can't reach");

    server.mode = 'ok';
    timers.fire();
    await expect.poll(statuses).toEqual(['synced', 'synced']);
    expect(server.orders.size).toBe(2);
    expect(engine.state().failures).toBe(0);
  });

  it('backs off from 2 s doubling up to 5 minutes', () => {
    expect([1, 2, 3, 4].map((f) => backoffDelay(f, () => 0.5))).toEqual([2000, 4000, 8000, 16000]);
    expect(backoffDelay(30, () => 0.5)).toBe(BACKOFF_MAX_MS);
  });

  it('keeps a rejected sale with the server’s problem and sends the ones behind it', async () => {
    await enqueueSale(db, draft(1));
    const bad = await enqueueSale(db, draft(2, { lines: [{ id: '0190a1b2-0000-7000-8000-0000000000aa', variant_id: 'archived-variant', quantity: 1, unit_price: usd(500) }] }));
    await enqueueSale(db, draft(3));
    server.rejectVariant.add('archived-variant');
    expect(await engineFor().syncNow()).toEqual({ sent: 2, rejected: 1, stopped: 'drained' });
    const stored = (await db.sales.get(bad.seq))!;
    expect(stored.status).toBe('rejected');
    expect(stored.rejection).toEqual({ status: 422, code: 'variant_archived', title: 'Variant archived', detail: 'The variant is archived' });
    expect(await statuses()).toEqual(['synced', 'rejected', 'synced']);
    expect(await queueSummary(db)).toMatchObject({ queued: 0, rejected: 1 });
    expect((await rejectedSales(db)).map((s) => s.number)).toEqual([bad.number]);
    // Pushed again (a replay), the server answers duplicate with the same refusal: still rejected, nothing new.
    expect(server.devices.get(bad.device_id)!.last).toBe(3);
  });

  it('resends a fixed rejected sale as a new mutation with the same order id, and the server makes one order', async () => {
    await enqueueSale(db, draft(1));
    const bad = await enqueueSale(db, draft(2, {
      lines: [
        { id: '0190a1b2-0000-7000-8000-0000000000aa', variant_id: 'archived-variant', quantity: 1, unit_price: usd(500) },
        { id: '0190a1b2-0000-7000-8000-0000000000ab', variant_id: 'fine-variant', quantity: 2, unit_price: usd(1000) },
      ],
      tendered: usd(3000),
      receipt: { lines: [{ name: 'Old', sku: 'OLD', quantity: 1, unit_price: 500, discount_total: 0, total: 500 }, { name: 'Tee', sku: 'TEE', quantity: 2, unit_price: 1000, discount_total: 0, total: 2000 }], subtotal: 2500, discount_total: 0, tax_total: 0, total: 2500, tendered: 3000, change_due: 500, currency: 'USD', prices_include_tax: false },
    }));
    server.rejectVariant.add('archived-variant');
    await engineFor().syncNow();
    expect((await db.sales.get(bad.seq))!.status).toBe('rejected');

    // The manager removes the archived line and lowers the other line's price.
    const lines: FixLine[] = [
      { id: '0190a1b2-0000-7000-8000-0000000000aa', variant_id: 'archived-variant', name: 'Old', sku: 'OLD', quantity: 1, original_price: 500, unit_price: 500, discount: null, rates: [], archived: true, removed: true },
      { id: '0190a1b2-0000-7000-8000-0000000000ab', variant_id: 'fine-variant', name: 'Tee', sku: 'TEE', quantity: 2, original_price: 1000, unit_price: 900, discount: null, rates: [], archived: false, removed: false },
    ];
    const stored = (await db.sales.get(bad.seq))!;
    expect(fixedReceipt(stored, lines)).toMatchObject({ total: 1800, subtotal: 1800, tendered: 3000, change_due: 500 });
    const fix = saleFix(stored, lines, { id: 'm1', name: 'Morgan' });
    expect(fix.payments).toEqual([{ tender: 'cash', amount: usd(2500) }]); // what the drawer kept
    const resent = (await resendRejected(db, bad.seq, fix))!;
    expect(resent).toMatchObject({ id: bad.id, number: bad.number, status: 'queued', device_seq: 3, resent_from: bad.seq });
    expect(resent.mutation_id).not.toBe(bad.mutation_id);
    expect(resent.body.order.lines).toEqual([{ id: '0190a1b2-0000-7000-8000-0000000000ab', variant_id: 'fine-variant', quantity: 2, unit_price: usd(900) }]);
    expect((await db.sales.get(bad.seq))!).toMatchObject({ status: 'resent', resent_as: resent.seq });
    expect(await queueSummary(db)).toMatchObject({ queued: 1, rejected: 0 });

    expect(await engineFor().syncNow()).toMatchObject({ sent: 1, stopped: 'drained' });
    expect(server.pushes.at(-1)!.body.mutations.map((m) => [m.seq, m.id])).toEqual([[3, resent.mutation_id]]);
    expect(server.orders.size).toBe(2);
    expect(JSON.parse(server.orders.get(bad.id)!.body).lines).toHaveLength(1);
    expect(await statuses()).toEqual(['synced', 'resent', 'synced']);
  });

  it('lets a manager discard a rejected sale with a reason, and not without one', async () => {
    const bad = await enqueueSale(db, draft(1, { lines: [{ id: '0190a1b2-0000-7000-8000-0000000000aa', variant_id: 'archived-variant', quantity: 1, unit_price: usd(500) }] }));
    server.rejectVariant.add('archived-variant');
    await engineFor().syncNow();
    await expect(discardRejected(db, bad.seq, '  ', { id: 'm1', name: 'Morgan' })).rejects.toThrow('Say why');
    expect(await discardRejected(db, bad.seq, 'Item given away as a sample', { id: 'm1', name: 'Morgan' })).toBe(true);
    expect((await db.sales.get(bad.seq))!).toMatchObject({ status: 'discarded', discarded: { reason: 'Item given away as a sample', by: { id: 'm1', name: 'Morgan' } } });
    expect(await rejectedSales(db)).toEqual([]);
    expect(await queueSummary(db)).toMatchObject({ queued: 0, rejected: 0 });
  });

  it('treats 5xx and a server without the push route as "try again later", not as a rejection', async () => {
    await enqueueSale(db, draft(1));
    server.mode = 'error500';
    expect(await engineFor().syncNow()).toMatchObject({ stopped: 'retry' });
    server.mode = 'no-route';
    expect(await engineFor().syncNow()).toMatchObject({ stopped: 'retry', reason: 'The server does not accept sales from tills yet' });
    expect((await db.sales.get(1))!.status).toBe('queued');
  });

  it('never makes a second order when the reply to a push is lost and the push is sent again', async () => {
    const a = await enqueueSale(db, draft(1));
    const b = await enqueueSale(db, draft(2));
    server.mode = 'lost-reply';
    expect(await engineFor().syncNow()).toMatchObject({ stopped: 'retry' });
    expect(await statuses()).toEqual(['queued', 'queued']);
    server.mode = 'ok';
    expect(await engineFor().syncNow()).toMatchObject({ sent: 2, stopped: 'drained' });
    expect(server.pushes.map((p) => p.body.mutations.map((m) => m.id))).toEqual([[a.mutation_id, b.mutation_id], [a.mutation_id, b.mutation_id]]);
    expect(server.pushes[0]!.body).toEqual(server.pushes[1]!.body);
    expect(server.orders.size).toBe(2);
  });

  it('sends the rest again when the server stops part way through a batch', async () => {
    for (let i = 1; i <= 4; i++) await enqueueSale(db, draft(i));
    server.mode = { stopAfter: 2 };
    expect(await engineFor().syncNow()).toMatchObject({ sent: 2, stopped: 'retry' });
    expect(await statuses()).toEqual(['synced', 'synced', 'queued', 'queued']);
    server.mode = 'ok';
    expect(await engineFor().syncNow()).toMatchObject({ sent: 2, stopped: 'drained' });
    expect(server.pushes[1]!.body.mutations.map((m) => m.seq)).toEqual([3, 4]);
    expect(server.orders.size).toBe(4);
  });

  it('resends from last_applied_seq on a sequence_gap (a server restored from a backup): nothing lost, nothing twice', async () => {
    const sales = [];
    for (let i = 1; i <= 4; i++) sales.push(await enqueueSale(db, draft(i)));
    await engineFor().syncNow();
    const device = sales[0]!.device_id;
    server.restoreTo(device, 2);
    expect(server.orders.size).toBe(2);
    await enqueueSale(db, draft(5));
    expect(await engineFor().syncNow()).toEqual({ sent: 3, rejected: 0, stopped: 'drained' });
    // The first push asked for 5 and got the gap; the second sent 3, 4 and 5.
    expect(server.pushes.slice(1).map((p) => p.body.mutations.map((m) => m.seq))).toEqual([[5], [3, 4, 5]]);
    expect(server.orders.size).toBe(5);
    expect(await statuses()).toEqual(['synced', 'synced', 'synced', 'synced', 'synced']);
  });

  it('stops, without losing anything, when the server asks for a sale this till no longer has', async () => {
    await enqueueSale(db, draft(1));
    await enqueueSale(db, draft(2));
    await engineFor().syncNow();
    await db.sales.delete(1); // lost from the device somehow
    const s = (await db.sales.get(2))!;
    server.restoreTo(s.device_id, 0);
    await db.sales.update(2, { status: 'queued' });
    const result = await engineFor().syncNow();
    expect(result).toMatchObject({ stopped: 'retry' });
    expect(result.reason).toContain('no longer has sale 1');
    expect((await db.sales.get(2))!.status).toBe('queued');
  });

  it('lets only one tab sync at a time: two engines on one queue push each sale once', async () => {
    for (let i = 1; i <= 5; i++) await enqueueSale(db, draft(i));
    const locks = fakeLocks();
    const pushed: number[] = [];
    const slowPush = async (d: string, r: string, batch: readonly QueuedSale[]) => {
      pushed.push(...batch.map((s) => s.device_seq));
      await new Promise((res) => setTimeout(res, 5));
      return push(d, r, batch);
    };
    const tab = () => createSyncEngine({ db: new TillDb(db.name), push: slowPush, locks, batchSize: 2, setTimer: () => 0, clearTimer: () => {} });
    const [a, b] = await Promise.all([tab().syncNow(), tab().syncNow()]);
    expect([a.stopped, b.stopped].toSorted()).toEqual(['busy', 'drained']);
    expect(pushed).toEqual([1, 2, 3, 4, 5]);
    expect(server.orders.size).toBe(5);
  });

  it('even without the lock, two tabs pushing the same queue make each order once (the server skips what it applied)', async () => {
    for (let i = 1; i <= 4; i++) await enqueueSale(db, draft(i));
    const tab = () => createSyncEngine({ db: new TillDb(db.name), push, locks: null, batchSize: 2, setTimer: () => 0, clearTimer: () => {} });
    await Promise.all([tab().syncNow(), tab().syncNow()]);
    expect(server.orders.size).toBe(4);
    expect(await statuses()).toEqual(['synced', 'synced', 'synced', 'synced']);
  });

  it('joins the run in progress when asked to sync twice in one tab', async () => {
    await enqueueSale(db, draft(1));
    const engine = engineFor();
    const [a, b] = await Promise.all([engine.syncNow(), engine.syncNow()]);
    expect(a).toBe(b);
    expect(server.pushes.length).toBe(1);
  });
});

describe('the offline PIN check', () => {
  const verifier = (userId: string, name: string, pin: string, enc: 'hex' | 'base64' = 'hex', role = 'cashier') => {
    const salt = randomBytes(16);
    return { user_id: userId, name, role, salt: salt.toString(enc), iterations: 1000, verifier: pbkdf2Sync(pin, salt, 1000, 32, 'sha256').toString(enc) };
  };

  it('signs the picked person in with their PIN and refuses a wrong one', async () => {
    const list = parseVerifiers([verifier('u1', 'Casey', '1234'), verifier('u2', 'Morgan', '9876', 'base64', 'manager')]);
    expect(await checkPinOffline(list, '1234', 'u1')).toEqual({ ok: true, user: { id: 'u1', name: 'Casey', role: 'cashier' } });
    expect(await checkPinOffline(list, '9876', 'u1')).toEqual({ ok: false, reason: 'wrong' });
    expect(await checkPinOffline(list, '9876', 'u2')).toEqual({ ok: true, user: { id: 'u2', name: 'Morgan', role: 'manager' } });
  });

  it('finds whose PIN it is when no name was picked', async () => {
    const list = parseVerifiers({ data: [verifier('u1', 'Casey', '1234'), verifier('u2', 'Morgan', '9876', 'base64')] });
    expect(await checkPinOffline(list, '9876', null)).toMatchObject({ ok: true, user: { id: 'u2' } });
    expect(await checkPinOffline(list, '0000', null)).toEqual({ ok: false, reason: 'wrong' });
  });

  it('says so when the till has no verifiers, or none for that person, and keeps a locked PIN locked', async () => {
    expect(await checkPinOffline(null, '1234', 'u1')).toEqual({ ok: false, reason: 'no_verifiers' });
    expect(await checkPinOffline(parseVerifiers([verifier('u1', 'Casey', '1234')]), '1234', 'u9')).toEqual({ ok: false, reason: 'no_verifier' });
    expect(await checkPinOffline(parseVerifiers([{ ...verifier('u1', 'Casey', '1234'), pin_locked: true }]), '1234', 'u1')).toEqual({ ok: false, reason: 'locked' });
  });
});



