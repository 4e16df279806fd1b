import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TillDb, type QueuedSale } from '../src/pos/db/till-db.ts';
import { enqueueSale, queueSummary, raiseCounter, resendRejected, type SaleDraft } from '../src/sync/sale-queue.ts';
import { backoffDelay, BACKOFF_MAX_MS, createSyncEngine, type Locks, type SendOutcome } from '../src/sync/sync-engine.ts';
import { sendSale } from '../src/sync/send-sale.ts';

const usd = (amount: number) => ({ amount, currency: 'USD' });
const auth = { accessToken: async () => 'token', renew: async () => null };

function draft(n = 1, over: Partial<SaleDraft> = {}): SaleDraft {
  return {
    store_id: '0190a1b2-0000-7000-8000-000000000001',
    register_id: '0190a1b2-0000-7000-8000-000000000002',
    number_prefix: 'S1-R2-',
    cashier: { id: 'c1', name: 'Casey' },
    lines: [{ id: `0190a1b2-0000-7000-8000-0000000001${String(n).padStart(2, '0')}`, variant_id: '0190a1b2-0000-7000-8000-000000000099', quantity: n, unit_price: usd(1000) }],
    tendered: usd(1000 * n),
    offline: true,
    receipt: { lines: [], subtotal: 1000 * n, discount_total: 0, tax_total: 0, total: 1000 * n, tendered: 1000 * n, change_due: 0, currency: 'USD', prices_include_tax: false },
    ...over,
  };
}

/**
 * A fake /checkout that behaves as the design says: one order per order id, the first response
 * replayed for a repeated Idempotency-Key with the same body, 422 for the same key and another body.
 */
function fakeServer() {
  const byKey = new Map<string, { body: string; status: number; reply: unknown }>();
  const orders = new Map<string, unknown>();
  const calls: { key: string; body: any }[] = [];
  let mode: 'ok' | 'down' | 'lost-reply' | 'no-route' | 'error500' = 'ok';
  const rejectVariant = new Set<string>();
  const json = (status: number, body: unknown) =>
    new Response(JSON.stringify(body), { status, headers: { 'content-type': status >= 400 ? 'application/problem+json' : 'application/json' } });

  const fetch = async (url: string, init: RequestInit) => {
    if (mode === 'down') throw new TypeError('Failed to fetch');
    if (mode === 'no-route') return json(404, { type: 'about:blank', title: 'Not Found', status: 404, code: 'not_found', detail: `No route for POST ${url}` });
    if (mode === 'error500') return json(500, { type: 'about:blank', title: 'Internal Server Error', status: 500, code: 'internal' });
    const key = (init.headers as Record<string, string>)['Idempotency-Key']!;
    const raw = String(init.body);
    const body = JSON.parse(raw);
    calls.push({ key, body });
    const seen = byKey.get(key);
    if (seen) {
      if (seen.body !== raw) return json(422, { type: 'about:blank', title: 'Key reused', status: 422, code: 'idempotency_key_reused' });
      return json(seen.status, seen.reply);
    }
    let status = 201;
    let reply: unknown;
    if (body.order.lines.some((l: { variant_id: string }) => rejectVariant.has(l.variant_id))) {
      status = 422;
      reply = { type: 'about:blank', title: 'Variant archived', status: 422, code: 'variant_archived', detail: 'The variant is archived' };
    } else {
      if (!orders.has(body.order.id)) orders.set(body.order.id, body.order);
      reply = { id: body.order.id, number: body.order.number, status: 'completed', total: usd(body.order.lines[0].unit_price.amount * body.order.lines[0].quantity) };
    }
    byKey.set(key, { body: raw, status, reply });
    if (mode === 'lost-reply') throw new TypeError('Failed to fetch'); // the server did it, the reply never arrived
    return json(status, reply);
  };
  return {
    fetch,
    calls,
    orders,
    rejectVariant,
    set mode(m: typeof mode) {
      mode = m;
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

describe('the sale queue', () => {
  it('gives each sale an order id, a register-prefixed number, a key and a device sequence before anything is sent', async () => {
    const a = await enqueueSale(db, draft(1));
    const b = await enqueueSale(db, draft(2));
    expect(a.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect([a.number, b.number]).toEqual(['S1-R2-000001', 'S1-R2-000002']);
    expect([a.seq, b.seq]).toEqual([1, 2]);
    expect(a.idempotency_key).toBe(`sale-${a.id}`);
    expect(a.device_id).toBe(b.device_id);
    expect(a.body.order).toMatchObject({ id: a.id, number: a.number, captured_offline_at: a.created_at });
    expect(a.body.payments[0]).toMatchObject({ tender: 'cash', amount: usd(1000) });

    // Another connection (a reload) sees both, queued.
    const again = new TillDb(db.name);
    expect((await again.sales.toArray()).map((s) => [s.number, s.status])).toEqual([
      ['S1-R2-000001', 'queued'],
      ['S1-R2-000002', 'queued'],
    ]);
    again.close();
    expect(await queueSummary(db)).toEqual({ queued: 2, rejected: 0, oldest_queued_at: a.created_at });
  });

  it('leaves captured_offline_at out of a sale rung while online', async () => {
    const s = await enqueueSale(db, draft(1, { offline: false }));
    expect(s.body.order).not.toHaveProperty('captured_offline_at');
  });

  it('raises the order counter to the server floor but never lowers it', async () => {
    const register = draft().register_id;
    expect(await raiseCounter(db, register, 41)).toBe(41);
    expect((await enqueueSale(db, draft())).number).toBe('S1-R2-000042');
    expect(await raiseCounter(db, register, 10)).toBe(42);
  });
});

describe('the sync engine', () => {
  const engineFor = (timers = manualTimers(), locks: Locks | null = null) =>
    createSyncEngine({ db, send: (s) => sendSale(s, auth), locks, random: () => 0.5, setTimer: timers.setTimer, clearTimer: timers.clearTimer });

  it('sends queued sales in sequence order with their idempotency keys and marks them synced', async () => {
    const sales = [await enqueueSale(db, draft(1)), await enqueueSale(db, draft(2)), await enqueueSale(db, draft(3))];
    const result = await engineFor().syncNow();
    expect(result).toEqual({ sent: 3, rejected: 0, stopped: 'drained' });
    expect(server.calls.map((c) => c.key)).toEqual(sales.map((s) => s.idempotency_key));
    expect(server.calls.map((c) => c.body)).toEqual(sales.map((s) => s.body));
    const stored = await db.sales.toArray();
    expect(stored.map((s) => s.status)).toEqual(['synced', 'synced', 'synced']);
    expect(stored[0]!.server).toEqual({ number: 'S1-R2-000001', status: 'completed', total: 1000 });
    expect(await queueSummary(db)).toEqual({ queued: 0, rejected: 0, oldest_queued_at: null });
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
    await expect.poll(async () => (await db.sales.toArray()).map((s) => s.status)).toEqual(['synced', 'synced']);
    expect(server.orders.size).toBe(2);
    expect(engine.state().failures).toBe(0);
  });

  it('backs off from 2 s doubling up to 5 minutes', () => {
    expect([1, 2, 3, 4].map((f) => backoffDelay(f, () => 0.5))).toEqual([2000, 4000, 8000, 16000]);
    expect(backoffDelay(30, () => 0.5)).toBe(BACKOFF_MAX_MS);
  });

  it('sets a sale the server rejects aside with the reason and sends the ones behind it', async () => {
    const bad = await enqueueSale(db, draft(1, { lines: [{ id: '0190a1b2-0000-7000-8000-0000000000aa', variant_id: 'archived-variant', quantity: 1, unit_price: usd(500) }] }));
    await enqueueSale(db, draft(2));
    server.rejectVariant.add('archived-variant');
    expect(await engineFor().syncNow()).toEqual({ sent: 1, rejected: 1, stopped: 'drained' });
    const stored = (await db.sales.get(bad.seq))!;
    expect(stored.status).toBe('rejected');
    expect(stored.rejection).toEqual({ status: 422, code: 'variant_archived', title: 'Variant archived', detail: 'The variant is archived' });
    expect((await db.sales.get(2))!.status).toBe('synced');
    expect(await queueSummary(db)).toMatchObject({ queued: 0, rejected: 1 });

    // Fixed on the server, resent by a manager: a new key, the same order id, one order.
    server.rejectVariant.clear();
    await resendRejected(db, bad.seq);
    expect(await engineFor().syncNow()).toMatchObject({ sent: 1, stopped: 'drained' });
    expect(server.orders.has(bad.id)).toBe(true);
    expect(server.orders.size).toBe(2);
  });

  it('treats 5xx and a server without the checkout route as "try again later", not as a rejection', async () => {
    await enqueueSale(db, draft(1));
    server.mode = 'error500';
    expect(await engineFor().syncNow()).toMatchObject({ stopped: 'retry' });
    server.mode = 'no-route';
    expect(await engineFor().syncNow()).toMatchObject({ stopped: 'retry', reason: 'The server does not accept sales yet' });
    expect((await db.sales.get(1))!.status).toBe('queued');
  });

  it('never makes a second order when the reply to a sale is lost and the sale is sent again', async () => {
    const sale = await enqueueSale(db, draft(1));
    server.mode = 'lost-reply';
    expect(await engineFor().syncNow()).toMatchObject({ stopped: 'retry' });
    server.mode = 'ok';
    expect(await engineFor().syncNow()).toMatchObject({ sent: 1, stopped: 'drained' });
    expect(server.calls.map((c) => c.key)).toEqual([sale.idempotency_key, sale.idempotency_key]);
    expect(server.calls[0]!.body).toEqual(server.calls[1]!.body);
    expect(server.orders.size).toBe(1);
  });

  it('lets only one tab sync at a time: two engines on one queue send each sale once', async () => {
    for (let i = 1; i <= 5; i++) await enqueueSale(db, draft(i));
    const locks = fakeLocks();
    const sent: string[] = [];
    const slowSend = async (s: QueuedSale): Promise<SendOutcome> => {
      sent.push(s.id);
      await new Promise((r) => setTimeout(r, 5));
      return sendSale(s, auth);
    };
    const tab = () => createSyncEngine({ db: new TillDb(db.name), send: slowSend, locks, setTimer: () => 0, clearTimer: () => {} });
    const [a, b] = await Promise.all([tab().syncNow(), tab().syncNow()]);
    expect([a.stopped, b.stopped].toSorted()).toEqual(['busy', 'drained']);
    expect(sent.length).toBe(5);
    expect(new Set(sent).size).toBe(5);
    expect(server.orders.size).toBe(5);
  });

  it('joins the run in progress when asked to sync twice in one tab', async () => {
    await enqueueSale(db, draft(1));
    const engine = engineFor();
    const [a, b] = await Promise.all([engine.syncNow(), engine.syncNow()]);
    expect(a).toBe(b);
    expect(server.calls.length).toBe(1);
  });
});
