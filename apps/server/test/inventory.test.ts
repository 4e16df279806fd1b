import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emit, serviceCtx, systemActor, systemTx, tenantTx } from '@novapos/platform';
import type { RecordResult, SaleInput } from '@novapos/inventory';
import { hasPostgres } from '@novapos/testkit';
import { idem, startTestApp, type DbKind, type TestApp, type TestTenant } from '../src/testing.ts';

const kinds: DbKind[] = hasPostgres() ? ['pglite', 'postgres'] : ['pglite'];

/** EAN-13 with a correct check digit. */
function ean13(body12: string): string {
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(body12[i]) * (i % 2 === 0 ? 1 : 3);
  return body12 + ((10 - (sum % 10)) % 10);
}

interface Variant {
  id: string;
  sku: string;
  barcode: string;
}

async function makeVariants(t: TestApp, token: string, specs: { tracked?: boolean }[]): Promise<Variant[]> {
  const out: Variant[] = [];
  for (const spec of specs) {
    const sku = `SKU-${randomUUID().slice(0, 8)}`;
    const barcode = ean13(String(Math.floor(Math.random() * 1e12)).padStart(12, '0'));
    const r = await t.request('POST', '/api/v1/products', {
      token,
      headers: idem(),
      body: { name: `Item ${sku}`, variants: [{ sku, barcode, price: { amount: 1000, currency: 'USD' }, track_serials: spec.tracked ?? false }] },
    });
    if (r.status !== 201) throw new Error(`product create failed: ${r.status} ${JSON.stringify(r.body)}`);
    out.push({ id: r.body.variants[0].id, sku, barcode });
  }
  return out;
}

describe.each(kinds)('inventory on %s', (kind) => {
  let t: TestApp;
  let shop: TestTenant;
  let store2: string;
  let plain: Variant;
  let other: Variant;
  let tracked: Variant;
  let spare: Variant;

  beforeAll(async () => {
    t = await startTestApp(kind);
    shop = await t.signup({ business_name: 'Stock Shop' });
    const s2 = await t.request('POST', '/api/v1/stores', { token: shop.token, headers: idem(), body: { name: 'Second', timezone: 'Europe/London' } });
    store2 = s2.body.id;
    const made = await makeVariants(t, shop.token, [{}, {}, { tracked: true }, {}]);
    [plain, other, tracked, spare] = [made[0]!, made[1]!, made[2]!, made[3]!];
  });
  afterAll(async () => t?.close());

  const inv = () => t.app.modules.inventory.service;
  const as = (token: string) => ({
    get: (url: string) => t.request('GET', `/api/v1${url}`, { token }),
    post: (url: string, body?: unknown) => t.request('POST', `/api/v1${url}`, { token, headers: idem(), body: body ?? {} }),
    put: (url: string, body: unknown) => t.request('PUT', `/api/v1${url}`, { token, body }),
  });
  const owner = () => as(shop.token);

  async function level(storeId: string, variantId: string) {
    const r = await owner().get(`/inventory?store_id=${storeId}&variant_id=${variantId}`);
    expect(r.status).toBe(200);
    return r.body.data[0] as { on_hand: number; available: number; negative: boolean; low: boolean; low_stock_threshold: number } | undefined;
  }
  const onHand = async (storeId: string, variantId: string) => (await level(storeId, variantId))?.on_hand ?? 0;

  async function adjust(storeId: string, variantId: string, delta: number, extra: Record<string, unknown> = {}) {
    return owner().post('/inventory/adjustments', { store_id: storeId, variant_id: variantId, delta, reason: delta > 0 ? 'found' : 'damaged', ...extra });
  }

  function sell(tenantId: string, input: SaleInput): Promise<RecordResult> {
    return tenantTx(t.app.database.db, tenantId, (trx) => inv().recordSale(serviceCtx({ trx, tenantId, actor: systemActor, clock: t.app.kernel.clock, log: t.app.log }), input));
  }
  const sale = (storeId: string, variantId: string, quantity: number, serials?: string[]) =>
    sell(shop.tenantId, { order_id: randomUUID(), store_id: storeId, lines: [{ line_id: '1', variant_id: variantId, quantity, ...(serials ? { serial_numbers: serials } : {}) }] });

  async function events(type: string, variantId?: string): Promise<Record<string, unknown>[]> {
    return systemTx(t.app.database.db, async (trx) => {
      const r = await sql<{ payload: Record<string, unknown> }>`select payload from platform.outbox where tenant_id = ${shop.tenantId} and type = ${type} order by seq`.execute(trx);
      return r.rows.map((x) => x.payload).filter((p) => !variantId || p.variant_id === variantId);
    });
  }

  it('keeps a ledger: every change appends a movement with who and why, and moves the level by its delta', async () => {
    const v = spare.id;
    expect((await adjust(shop.storeId, v, 10, { reason: 'initial_stock', note: 'opening' })).status).toBe(201);
    const down = await adjust(shop.storeId, v, -3, { reason: 'damaged' });
    expect(down.status).toBe(201);
    expect(down.body.level).toMatchObject({ on_hand: 7, available: 7, negative: false });
    expect((await sale(shop.storeId, v, 2)).applied).toBe(true);
    expect(await onHand(shop.storeId, v)).toBe(5);
    expect(await onHand(store2, v)).toBe(0);
    const moves = await owner().get(`/inventory/movements?store_id=${shop.storeId}&variant_id=${v}`);
    expect(moves.body.data.map((m: { kind: string; quantity: number; on_hand_after: number }) => [m.kind, m.quantity, m.on_hand_after])).toEqual([
      ['sale', -2, 5],
      ['adjustment', -3, 7],
      ['adjustment', 10, 10],
    ]);
    expect(moves.body.data[2]).toMatchObject({ reason: 'initial_stock', note: 'opening', actor_kind: 'user', actor_id: shop.userId });
    expect(moves.body.data[0]).toMatchObject({ reference_type: 'order', actor_kind: 'system' });
    // the list carries the catalog's names
    const row = (await owner().get(`/inventory?variant_id=${v}`)).body.data[0];
    expect(row).toMatchObject({ sku: spare.sku, store_id: shop.storeId, on_hand: 5, reserved: 0, available: 5 });
  });

  it('lets sales drive stock negative and flags it; the negative filter finds it', async () => {
    await sale(store2, other.id, 3);
    const l = await level(store2, other.id);
    expect(l).toMatchObject({ on_hand: -3, negative: true });
    const neg = await owner().get(`/inventory?negative=true&store_id=${store2}`);
    expect(neg.body.data.map((r: { variant_id: string }) => r.variant_id)).toContain(other.id);
    const pos = await owner().get(`/inventory?negative=false&store_id=${store2}`);
    expect(pos.body.data.map((r: { variant_id: string }) => r.variant_id)).not.toContain(other.id);
  });

  it('refuses an adjustment or a transfer below zero with insufficient_stock and changes nothing', async () => {
    const v = plain.id;
    await adjust(shop.storeId, v, 4);
    const before = (await owner().get(`/inventory/movements?variant_id=${v}`)).body.data.length;
    const over = await adjust(shop.storeId, v, -5);
    expect(over.status).toBe(409);
    expect(over.body).toMatchObject({ code: 'insufficient_stock', on_hand: 4, errors: [{ path: 'delta' }] });
    // a draft asking for more than is there is refused outright
    const tooBig = await owner().post('/inventory/transfers', { from_store_id: shop.storeId, to_store_id: store2, lines: [{ variant_id: v, quantity: 5 }] });
    expect(tooBig.status).toBe(409);
    expect(tooBig.body.errors[0].path).toBe('lines.0.quantity');
    // a draft that fitted, but the stock sold before it shipped: shipping is refused, the draft stays
    const draft = await owner().post('/inventory/transfers', { from_store_id: shop.storeId, to_store_id: store2, lines: [{ variant_id: v, quantity: 3 }] });
    expect(draft.status).toBe(201);
    await sale(shop.storeId, v, 2);
    const ship = await owner().post(`/inventory/transfers/${draft.body.id}/ship`);
    expect(ship.status).toBe(409);
    expect(ship.body.code).toBe('insufficient_stock');
    expect((await owner().get(`/inventory/transfers/${draft.body.id}`)).body.status).toBe('draft');
    expect(await onHand(shop.storeId, v)).toBe(2);
    expect(await onHand(store2, v)).toBe(0);
    expect((await owner().get(`/inventory/movements?variant_id=${v}`)).body.data.length).toBe(before + 1);
  });

  it('fires low_stock and out_of_stock once per crossing, and re-arms above the threshold', async () => {
    const v = (await makeVariants(t, shop.token, [{}]))[0]!.id;
    const set = await owner().put('/inventory/thresholds', { items: [{ store_id: shop.storeId, variant_id: v, low_stock_threshold: 5 }] });
    expect(set.status).toBe(200);
    await sale(shop.storeId, v, -8); // a negative sale line puts 8 back: stock 8
    for (const q of [2, 1, 1, 4, 1]) await sale(shop.storeId, v, q); // 6, 5 (low), 4, 0 (out), -1
    expect((await events('inventory.low_stock', v)).length).toBe(1);
    expect((await events('inventory.out_of_stock', v)).length).toBe(1);
    expect((await events('inventory.low_stock', v))[0]).toMatchObject({ on_hand: 5, low_stock_threshold: 5, store_id: shop.storeId });
    const low = await owner().get(`/inventory/low-stock?store_id=${shop.storeId}`);
    expect(low.body.data.find((r: { variant_id: string }) => r.variant_id === v)).toMatchObject({ low: true, out_of_stock: true, negative: true });
    await sale(shop.storeId, v, -10); // back to 9: above the threshold again
    expect((await events('inventory.back_in_stock', v)).length).toBe(2); // from 0 to 8 at the start, and now
    await sale(shop.storeId, v, 4); // 5: a second crossing
    expect((await events('inventory.low_stock', v)).length).toBe(2);
    expect((await events('inventory.out_of_stock', v)).length).toBe(1);
    // the tenant default applies where no override is set; only owners and admins change it
    const def = await owner().put('/inventory/thresholds', { default_low_stock_threshold: 2 });
    expect(def.body.default_low_stock_threshold).toBe(2);
    expect((await level(shop.storeId, plain.id))?.low_stock_threshold).toBe(2);
  });

  it('ships, partially receives with a reason, and refuses illegal transitions with the current state', async () => {
    const v = spare.id;
    await adjust(shop.storeId, v, 20);
    const start = await onHand(shop.storeId, v);
    const tr = await owner().post('/inventory/transfers', { from_store_id: shop.storeId, to_store_id: store2, note: 'restock', lines: [{ variant_id: v, quantity: 6 }] });
    expect(tr.body).toMatchObject({ status: 'draft', lines: [{ variant_id: v, quantity: 6, received_quantity: null }] });
    expect((await owner().post(`/inventory/transfers/${tr.body.id}/receive`, {})).body).toMatchObject({ code: 'invalid_transition', current_status: 'draft' });
    const shipped = await owner().post(`/inventory/transfers/${tr.body.id}/ship`);
    expect(shipped.status).toBe(200);
    expect(shipped.body.status).toBe('shipped');
    expect(await onHand(shop.storeId, v)).toBe(start - 6);
    const noReason = await owner().post(`/inventory/transfers/${tr.body.id}/receive`, { lines: [{ variant_id: v, received_quantity: 5 }] });
    expect(noReason.status).toBe(400);
    expect(noReason.body.code).toBe('reason_required');
    const got = await owner().post(`/inventory/transfers/${tr.body.id}/receive`, { lines: [{ variant_id: v, received_quantity: 5, reason: 'damaged' }] });
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ status: 'received', lines: [{ quantity: 6, received_quantity: 5, difference: -1, difference_reason: 'damaged' }] });
    expect(await onHand(store2, v)).toBe(5);
    const again = await owner().post(`/inventory/transfers/${tr.body.id}/ship`);
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'invalid_transition', current_status: 'received' });
    // (no body at all is fine for cancel)
    const late = await t.request('POST', `/api/v1/inventory/transfers/${tr.body.id}/cancel`, { token: shop.token });
    expect(late.body).toMatchObject({ status: 409, current_status: 'received' });

    // cancelled after shipping: the units go back to the source
    const back = await owner().post('/inventory/transfers', { from_store_id: shop.storeId, to_store_id: store2, lines: [{ variant_id: v, quantity: 2 }] });
    await owner().post(`/inventory/transfers/${back.body.id}/ship`);
    expect(await onHand(shop.storeId, v)).toBe(start - 8);
    const cancelled = await owner().post(`/inventory/transfers/${back.body.id}/cancel`, { reason: 'van broke down' });
    expect(cancelled.body).toMatchObject({ status: 'cancelled', cancel_reason: 'van broke down' });
    expect(await onHand(shop.storeId, v)).toBe(start - 6);
    const moved = (await owner().get(`/inventory/movements?reference_id=${back.body.id}`)).body.data.map((m: { kind: string; store_id: string }) => [m.kind, m.store_id]);
    expect(moved).toEqual([['transfer_in', shop.storeId], ['transfer_out', shop.storeId]]);
  });

  it('receives tracked variants with one serial per unit, and validates serials for checkout', async () => {
    const v = tracked.id;
    const cost = { amount: 25000, currency: 'USD' };
    const missing = await owner().post('/inventory/receipts', { store_id: shop.storeId, supplier: 'Acme', lines: [{ variant_id: v, quantity: 2, unit_cost: cost }] });
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ code: 'serial_required', errors: [{ path: 'lines.0.serial_numbers' }] });
    const sn = [`SN-${randomUUID().slice(0, 6)}`, `SN-${randomUUID().slice(0, 6)}`];
    const rec = await owner().post('/inventory/receipts', { store_id: shop.storeId, supplier: 'Acme', supplier_reference: 'INV-1', lines: [{ variant_id: v, quantity: 2, unit_cost: cost, serial_numbers: sn }] });
    expect(rec.status).toBe(201);
    expect(rec.body.lines[0]).toMatchObject({ quantity: 2, unit_cost: cost, serial_numbers: sn });
    expect(await onHand(shop.storeId, v)).toBe(2);
    // the same serial again is refused, and nothing of that receipt stays
    const dup = await owner().post('/inventory/receipts', { store_id: shop.storeId, supplier: 'Acme', lines: [{ variant_id: v, quantity: 1, unit_cost: cost, serial_numbers: [sn[0]] }] });
    expect(dup.status).toBe(409);
    expect(dup.body.code).toBe('serial_exists');
    expect(await onHand(shop.storeId, v)).toBe(2);
    // untracked variants take no serials
    const untracked = await owner().post('/inventory/receipts', { store_id: shop.storeId, supplier: 'Acme', lines: [{ variant_id: plain.id, quantity: 1, unit_cost: cost, serial_numbers: ['X'] }] });
    expect(untracked.body.code).toBe('serial_not_tracked');

    const check = (storeId: string, serials: string[], quantity?: number) =>
      tenantTx(t.app.database.db, shop.tenantId, (trx) =>
        inv().validateSerials(serviceCtx({ trx, tenantId: shop.tenantId, actor: systemActor, clock: t.app.kernel.clock, log: t.app.log }), storeId, [{ variant_id: v, serial_numbers: serials, ...(quantity ? { quantity } : {}) }]),
      );
    await expect(check(shop.storeId, [sn[0]!])).resolves.toBeUndefined();
    await expect(check(shop.storeId, ['NOPE-1'])).rejects.toMatchObject({ code: 'serial_not_in_stock', message: expect.stringContaining('NOPE-1') });
    await expect(check(store2, [sn[0]!])).rejects.toMatchObject({ code: 'serial_not_in_stock' });
    await expect(check(shop.storeId, [sn[0]!], 2)).rejects.toMatchObject({ code: 'serial_required' });
    const http = await owner().post('/inventory/serials/validate', { store_id: shop.storeId, lines: [{ variant_id: v, quantity: 1, serial_numbers: ['NOPE-2'] }] });
    expect(http.status).toBe(409);
    expect(http.body).toMatchObject({ code: 'serial_not_in_stock', serial_number: 'NOPE-2', errors: [{ path: 'lines.0.serial_numbers.0' }] });

    // sold, it is no longer sellable; returned, it is again
    await sale(shop.storeId, v, 1, [sn[0]!]);
    await expect(check(shop.storeId, [sn[0]!])).rejects.toMatchObject({ code: 'serial_not_in_stock' });
    const returnId = randomUUID();
    await tenantTx(t.app.database.db, shop.tenantId, (trx) =>
      inv().recordReturn(serviceCtx({ trx, tenantId: shop.tenantId, actor: systemActor, clock: t.app.kernel.clock, log: t.app.log }), { return_id: returnId, store_id: shop.storeId, lines: [{ line_id: 'r1', variant_id: v, quantity: 1, serial_numbers: [sn[0]!] }] }),
    );
    await expect(check(shop.storeId, [sn[0]!])).resolves.toBeUndefined();
    const detail = await owner().get(`/inventory/serials/${v}/${encodeURIComponent(sn[0]!)}`);
    expect(detail.body).toMatchObject({ state: 'returned', store_id: shop.storeId });
    expect(detail.body.history.map((m: { kind: string }) => m.kind)).toEqual(['return', 'sale', 'receive']);
    const list = await owner().get(`/inventory/serials?serial_number=${sn[1]}`);
    expect(list.body.data).toMatchObject([{ variant_id: v, state: 'in_stock' }]);

    // a transfer moves the serial with the unit: in transit while shipped, then on the new shelf
    const noSerial = await owner().post('/inventory/transfers', { from_store_id: shop.storeId, to_store_id: store2, lines: [{ variant_id: v, quantity: 1 }] });
    expect(noSerial.body.code).toBe('serial_required');
    const tr = await owner().post('/inventory/transfers', { from_store_id: shop.storeId, to_store_id: store2, lines: [{ variant_id: v, quantity: 1, serial_numbers: [sn[1]] }] });
    await owner().post(`/inventory/transfers/${tr.body.id}/ship`);
    expect((await owner().get(`/inventory/serials/${v}/${sn[1]}`)).body.state).toBe('in_transit');
    await expect(check(shop.storeId, [sn[1]!])).rejects.toMatchObject({ code: 'serial_not_in_stock' });
    const arrived = await t.request('POST', `/api/v1/inventory/transfers/${tr.body.id}/receive`, { token: shop.token });
    expect(arrived.body.lines[0].received_serial_numbers).toEqual([sn[1]]);
    await expect(check(store2, [sn[1]!])).resolves.toBeUndefined();
  });

  it('counts a store: snapshot, entries by id and barcode, review, and corrections that keep later sales', async () => {
    const [a, b] = [plain, other];
    const baseA = await onHand(store2, a.id);
    await adjust(store2, a.id, 10 - baseA);
    await adjust(store2, b.id, 8 - (await onHand(store2, b.id)));
    // a category count covers that category's variants only; cancelling it posts nothing
    const cat = await owner().post('/categories', { name: `Cat ${randomUUID().slice(0, 6)}` });
    const prod = await owner().post('/products', { name: 'Counted tee', category: cat.body.id, variants: [{ sku: `TEE-${randomUUID().slice(0, 6)}`, price: { amount: 500, currency: 'USD' } }] });
    const partial = await owner().post('/inventory/counts', { store_id: store2, category_id: cat.body.id });
    expect(partial.body.summary).toMatchObject({ lines: 1, uncounted: 1 });
    const only = await owner().get(`/inventory/counts/${partial.body.id}`);
    expect(only.body.lines.map((l: { variant_id: string }) => l.variant_id)).toEqual([prod.body.variants[0].id]);
    expect((await owner().post(`/inventory/counts/${partial.body.id}/cancel`)).body.status).toBe('cancelled');

    const open = await owner().post('/inventory/counts', { store_id: store2 });
    expect(open.status).toBe(201);
    expect(open.body.status).toBe('open');
    expect((await owner().post('/inventory/counts', { store_id: store2 })).body.code).toBe('count_already_open');
    const id = open.body.id;
    // one unit of A sells before its shelf is counted, one of B after
    await sale(store2, a.id, 1);
    const entered = await owner().put(`/inventory/counts/${id}/lines`, { lines: [{ variant_id: a.id, counted: 7 }, { barcode: b.barcode, counted: 1, mode: 'add' }, { barcode: b.sku, counted: 6, mode: 'add' }] });
    expect(entered.status).toBe(200);
    expect(entered.body.lines.find((l: { variant_id: string }) => l.variant_id === b.id)).toMatchObject({ counted: 7, expected: 8, correction: -1 });
    await sale(store2, b.id, 1);
    // counted on paper, one sold, then typed in: the sale after the count is kept
    const onPaper = await onHand(store2, spare.id);
    const countedAt = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 5));
    await sale(store2, spare.id, 1);
    const typed = await owner().put(`/inventory/counts/${id}/lines`, { lines: [{ variant_id: spare.id, counted: onPaper, counted_at: countedAt }] });
    expect(typed.body.lines[0]).toMatchObject({ counted: onPaper, on_hand_at_count: onPaper, correction: 0 });
    const unknown = await owner().put(`/inventory/counts/${id}/lines`, { lines: [{ barcode: '0000000000000', counted: 1 }] });
    expect(unknown.body).toMatchObject({ code: 'not_in_count', errors: [{ path: 'lines.0.barcode' }] });
    const review = await owner().get(`/inventory/counts/${id}?lines=differences`);
    expect(review.body.lines.map((l: { variant_id: string; expected: number; counted: number; difference: number; correction: number }) => [l.variant_id, l.expected, l.counted, l.difference, l.correction]).toSorted()).toEqual(
      [
        [a.id, 10, 7, -3, -2],
        [b.id, 8, 7, -1, -1],
      ].toSorted(),
    );
    const done = await owner().post(`/inventory/counts/${id}/submit`, { uncounted: 'skip' });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ status: 'submitted', summary: { net_correction: -3 } });
    // A: 7 on the shelf; B: 7 counted, then one sold
    expect(await onHand(store2, a.id)).toBe(7);
    expect(await onHand(store2, b.id)).toBe(6);
    expect((await t.request('POST', `/api/v1/inventory/counts/${id}/submit`, { token: shop.token })).body).toMatchObject({ code: 'invalid_transition', current_status: 'submitted' });
    const corr = await owner().get(`/inventory/movements?reference_id=${id}`);
    expect(corr.body.data.every((m: { kind: string }) => m.kind === 'count_correction')).toBe(true);
  });

  it('records an order.completed sale exactly once, however often it is delivered', async () => {
    const v = randomUUID();
    const orderId = randomUUID();
    const payload = { order_id: orderId, store_id: shop.storeId, register_id: shop.registerId, completed_at: new Date().toISOString(), lines: [{ line_id: 'l1', variant_id: v, quantity: 2 }, { line_id: 'l2', variant_id: v, quantity: 1 }] };
    const eventId = await tenantTx(t.app.database.db, shop.tenantId, (trx) => emit(trx, { tenantId: shop.tenantId, type: 'order.completed', payload }));
    await t.app.bus.drain(20_000);
    expect(await onHand(shop.storeId, v)).toBe(-3);
    // the same event again (a redelivery), then again after its inbox row is gone, then republished
    const redeliver = () =>
      systemTx(t.app.database.db, (trx) => sql`update platform.event_deliveries set status = 'pending', next_attempt_at = now() where event_id = ${eventId}`.execute(trx));
    await redeliver();
    await t.app.bus.drain(20_000);
    await systemTx(t.app.database.db, (trx) => sql`delete from platform.inbox where event_id = ${eventId}`.execute(trx));
    await redeliver();
    await t.app.bus.drain(20_000);
    await tenantTx(t.app.database.db, shop.tenantId, (trx) => emit(trx, { tenantId: shop.tenantId, type: 'order.completed', payload }));
    await t.app.bus.drain(20_000);
    expect(await onHand(shop.storeId, v)).toBe(-3);
    const moves = await owner().get(`/inventory/movements?reference_id=${orderId}`);
    expect(moves.body.data).toHaveLength(2);
    expect(await t.app.bus.deadLetters()).toBe(0);
    expect((await sell(shop.tenantId, { order_id: orderId, store_id: shop.storeId, lines: payload.lines })).applied).toBe(false);
  });

  it('pages through levels, low stock and movements with cursors', async () => {
    const walk = async (url: string) => {
      const seen: unknown[] = [];
      let cursor: string | null = null;
      do {
        const r = await owner().get(`${url}${url.includes('?') ? '&' : '?'}limit=2${cursor ? `&cursor=${cursor}` : ''}`);
        expect(r.status).toBe(200);
        seen.push(...r.body.data);
        cursor = r.body.next_cursor;
      } while (cursor);
      return seen;
    };
    for (const url of ['/inventory', '/inventory/low-stock', `/inventory/movements?store_id=${shop.storeId}`]) {
      const all = (await owner().get(`${url}${url.includes('?') ? '&' : '?'}limit=200`)).body.data;
      expect(all.length).toBeGreaterThan(2);
      expect(await walk(url)).toEqual(all);
    }
  });

  it('documents its routes in the OpenAPI description', async () => {
    const doc = await t.request('GET', '/api/openapi.json');
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/api/v1/inventory', '/api/v1/inventory/transfers/{id}/receive', '/api/v1/inventory/counts/{id}/lines']));
  });

  it('keeps stores and tenants apart: another tenant gets 404, a manager only reaches their stores, a cashier only reads', async () => {
    const tr = await owner().post('/inventory/transfers', { from_store_id: shop.storeId, to_store_id: store2, lines: [{ variant_id: spare.id, quantity: 1 }] });
    expect(tr.status).toBe(201);
    const stranger = await t.signup({ business_name: 'Elsewhere' });
    const them = as(stranger.token);
    expect((await them.get(`/inventory/transfers/${tr.body.id}`)).status).toBe(404);
    expect((await them.post(`/inventory/transfers/${tr.body.id}/ship`)).status).toBe(404);
    expect((await them.get(`/inventory?store_id=${shop.storeId}`)).body.data).toEqual([]);
    expect((await them.get(`/inventory/serials?variant_id=${tracked.id}`)).body.data).toEqual([]);
    expect((await them.get(`/inventory/movements?store_id=${shop.storeId}`)).body.data).toEqual([]);

    const mk = async (role: string, storeIds: string[]) => {
      const email = `${role}-${randomUUID()}@example.com`;
      await owner().post('/users', { email, name: role, role, password: 'a long password 1', store_ids: storeIds });
      return (await t.request('POST', '/api/v1/auth/login', { body: { email, password: 'a long password 1' } })).body.access_token as string;
    };
    const manager = as(await mk('manager', [store2]));
    expect((await manager.post('/inventory/adjustments', { store_id: shop.storeId, variant_id: spare.id, delta: 1, reason: 'found' })).status).toBe(404);
    expect((await manager.post('/inventory/adjustments', { store_id: store2, variant_id: spare.id, delta: 1, reason: 'found' })).status).toBe(201);
    expect((await manager.get(`/inventory?store_id=${shop.storeId}`)).status).toBe(404);
    expect((await manager.get('/inventory')).body.data.every((r: { store_id: string }) => r.store_id === store2)).toBe(true);
    // the destination's manager sees the transfer but may not ship it from the source
    expect((await manager.get(`/inventory/transfers/${tr.body.id}`)).status).toBe(200);
    expect((await manager.post(`/inventory/transfers/${tr.body.id}/ship`)).status).toBe(404);
    expect((await manager.put('/inventory/thresholds', { default_low_stock_threshold: 1 })).status).toBe(403);
    // a store id that is no store of this business (here: the other tenant's) is refused by field
    const foreign = await owner().post('/inventory/adjustments', { store_id: stranger.storeId, variant_id: spare.id, delta: 1, reason: 'found' });
    expect(foreign.status).toBe(404);
    expect(foreign.body.errors[0].path).toBe('store_id');
    const nowhere = await owner().post('/inventory/transfers', { from_store_id: shop.storeId, to_store_id: randomUUID(), lines: [{ variant_id: spare.id, quantity: 1 }] });
    expect(nowhere.status).toBe(404);
    expect(nowhere.body.errors[0].path).toBe('to_store_id');
    const cashier = as(await mk('cashier', [shop.storeId]));
    expect((await cashier.get(`/inventory?store_id=${shop.storeId}`)).status).toBe(200);
    expect((await cashier.post('/inventory/adjustments', { store_id: shop.storeId, variant_id: spare.id, delta: 1, reason: 'found' })).status).toBe(403);
  });
});

describe.skipIf(!hasPostgres())('inventory under concurrency on a PostgreSQL server', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('postgres');
  });
  afterAll(async () => t?.close());

  it('200 concurrent sales of one variant at one store leave on_hand exactly 200 lower, with one event per crossing, and a repeated order counts once', async () => {
    const shop = await t.signup({ business_name: 'Rush Hour' });
    const v = randomUUID();
    const inv = t.app.modules.inventory.service;
    const run = (quantity: number, orderId = randomUUID()) =>
      tenantTx(t.app.database.db, shop.tenantId, (trx) =>
        inv.recordSale(serviceCtx({ trx, tenantId: shop.tenantId, actor: systemActor, clock: t.app.kernel.clock, log: t.app.log }), {
          order_id: orderId,
          store_id: shop.storeId,
          lines: [{ line_id: '1', variant_id: v, quantity }],
        }),
      );
    await run(-150); // 150 on hand
    const results = await Promise.all(Array.from({ length: 200 }, () => run(1)));
    expect(results.every((r) => r.applied)).toBe(true);
    const stock = await tenantTx(t.app.database.db, shop.tenantId, async (trx) => {
      const level = await sql<{ on_hand: number }>`select on_hand from inventory.levels where variant_id = ${v}`.execute(trx);
      const moves = await sql<{ n: number }>`select count(*)::int as n from inventory.movements where variant_id = ${v} and kind = 'sale' and quantity = -1`.execute(trx);
      return { onHand: level.rows[0]!.on_hand, moves: moves.rows[0]!.n };
    });
    expect(stock).toEqual({ onHand: 150 - 200, moves: 200 });
    // the outbox is the platform's: read it system-scoped
    const events = await systemTx(t.app.database.db, async (trx) => {
      const ev = await sql<{ type: string; n: number }>`select type, count(*)::int as n from platform.outbox where tenant_id = ${shop.tenantId} and payload->>'variant_id' = ${v} group by type`.execute(trx);
      return Object.fromEntries(ev.rows.map((r) => [r.type, r.n]));
    });
    // 0 → 150 re-arms once; on the way down each line is crossed by exactly one sale
    expect(events).toEqual({ 'inventory.back_in_stock': 1, 'inventory.low_stock': 1, 'inventory.out_of_stock': 1 });

    // one order recorded by several transactions at once still counts once
    const orderId = randomUUID();
    const dupes = await Promise.all(Array.from({ length: 5 }, () => run(1, orderId)));
    expect(dupes.filter((r) => r.applied)).toHaveLength(1);
    const after = await tenantTx(t.app.database.db, shop.tenantId, (trx) => sql<{ on_hand: number }>`select on_hand from inventory.levels where variant_id = ${v}`.execute(trx));
    expect(after.rows[0]!.on_hand).toBe(150 - 201);
  });
});
