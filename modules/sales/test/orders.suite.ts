import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cashRound, priceCart } from '@novapos/domain';
import { AppError, emit, serviceCtx, systemActor, systemTx, tenantTx, type Actor, type Ctx } from '@novapos/platform';
import type { OrderDto, PaymentSummary } from '@novapos/sales';
import { idem, startTestApp, type DbKind, type TestApp, type TestTenant } from '@novapos/server/testing';

const usd = (amount: number) => ({ amount, currency: 'USD' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const state = { name: 'State', rate_ppm: 40_000 };
const city = { name: 'City', rate_ppm: 48_750 };

export function ordersSuite(kind: DbKind): void {
describe(`sales on ${kind}`, () => {
  let t: TestApp;
  let shop: TestTenant;
  let register2: string;
  let taxCode: string;
  let shirtM: { id: string; sku: string };
  let mug: { id: string; sku: string };
  let phone: { id: string; sku: string };
  let cashierToken: string;
  let managerToken: string;
  let cashierId: string;

  const req = (token: string) => ({
    get: (url: string) => t.request('GET', `/api/v1${url}`, { token }),
    post: (url: string, body?: unknown) => t.request('POST', `/api/v1${url}`, { token, headers: idem(), body: body ?? {} }),
    patch: (url: string, body: unknown) => t.request('PATCH', `/api/v1${url}`, { token, body }),
  });
  const owner = () => req(shop.token);
  const cashier = () => req(cashierToken);
  const manager = () => req(managerToken);
  const sales = () => t.app.modules.sales.service;
  const tx = <T>(fn: (ctx: Ctx) => Promise<T>, actor: Actor = systemActor) =>
    tenantTx(t.app.database.db, shop.tenantId, (trx) => fn(serviceCtx({ trx, tenantId: shop.tenantId, actor, clock: t.app.kernel.clock, log: t.app.log })));
  const order = (body: Record<string, unknown>, as = owner()) => as.post('/orders', { store_id: shop.storeId, register_id: shop.registerId, ...body });
  const line = (v: { id: string }, quantity = 1, extra: Record<string, unknown> = {}) => ({ variant_id: v.id, quantity, ...extra });

  function summary(over: Partial<PaymentSummary> & { amount: PaymentSummary['amount'] }): PaymentSummary {
    const now = new Date().toISOString();
    return {
      payment_id: randomUUID(), tender: 'card', status: 'captured', applied: over.amount, tip: usd(0), change_due: usd(0), cash_rounding: 0,
      card: null, gift_card: null, crypto: null, decline_code: null, message: null, created_at: now, updated_at: now, ...over,
    };
  }
  const record = (orderId: string, s: PaymentSummary) => tx((ctx) => sales().recordPayment(ctx, orderId, s));

  async function outbox(type: string): Promise<{ id: string; payload: Record<string, unknown> }[]> {
    return systemTx(t.app.database.db, async (trx) => (await sql<{ id: string; payload: Record<string, unknown> }>`select id, payload from platform.outbox where tenant_id = ${shop.tenantId} and type = ${type} order by seq`.execute(trx)).rows);
  }

  async function mkUser(role: string): Promise<{ token: string; id: string }> {
    const email = `${role}-${randomUUID()}@example.com`;
    const u = await owner().post('/users', { email, name: `${role} person`, role, password: 'a long password 1', store_ids: [shop.storeId] });
    expect(u.status).toBe(201);
    const login = await t.request('POST', '/api/v1/auth/login', { body: { email, password: 'a long password 1' } });
    return { token: login.body.access_token, id: u.body.id };
  }

  beforeAll(async () => {
    t = await startTestApp(kind);
    shop = await t.signup({ business_name: 'Corner Shop' });
    const r2 = await owner().post(`/stores/${shop.storeId}/registers`, { name: 'Till 2' });
    expect(r2.status).toBe(201);
    register2 = r2.body.id;
    const tc = await owner().post('/tax-codes', { name: 'Standard', rates: [{ store_id: shop.storeId, ...state }, { store_id: shop.storeId, ...city }] });
    expect(tc.status).toBe(201);
    taxCode = tc.body.id;
    const p = await owner().post('/products', {
      name: 'Linen shirt', tax_code: taxCode, options: [{ name: 'Size', values: ['M', 'L'] }],
      variants: [{ sku: 'SHIRT-M', price: usd(1999), option_values: ['M'] }, { sku: 'SHIRT-L', price: usd(1999), option_values: ['L'] }],
    });
    expect(p.status).toBe(201);
    shirtM = { id: p.body.variants[0].id, sku: 'SHIRT-M' };
    const m = await owner().post('/products', { name: 'Mug', variants: [{ sku: 'MUG', price: usd(500) }] });
    mug = { id: m.body.variants[0].id, sku: 'MUG' };
    const ph = await owner().post('/products', { name: 'Phone', tax_code: taxCode, variants: [{ sku: 'PHONE', price: usd(50_000), track_serials: true }] });
    phone = { id: ph.body.variants[0].id, sku: 'PHONE' };
    const c = await mkUser('cashier');
    cashierToken = c.token;
    cashierId = c.id;
    managerToken = (await mkUser('manager')).token;
  });
  afterAll(async () => t?.close());

  it('prices an order on the server exactly as the domain priceCart does, with variant snapshots', async () => {
    const r = await order({
      lines: [line(shirtM, 3, { discount: { type: 'amount', value: 300, reason: 'stain' } }), line(mug, 2)],
      order_discount: { type: 'percent', value: 500, reason: 'loyal customer' },
    });
    expect(r.status).toBe(201);
    const o = r.body as OrderDto;
    const rates = (await t.request('GET', `/api/v1/tax-codes/${taxCode}`, { token: shop.token })).body.rates.map((x: { id: string; name: string; rate_ppm: number }) => ({ id: x.id, name: x.name, rate_ppm: x.rate_ppm }));
    const expected = priceCart({
      currency: 'USD', pricesIncludeTax: false,
      lines: [
        { id: 'a', unit_price: 1999, quantity: 3, discount: { type: 'amount', value: 300 }, rates },
        { id: 'b', unit_price: 500, quantity: 2, rates: [] },
      ],
      order_discount: { type: 'percent', value: 500 },
    });
    expect(o).toMatchObject({
      status: 'open', parked: false, needs_review: false, currency: 'USD',
      subtotal: usd(expected.subtotal), discount_total: usd(expected.discount_total), tax_total: usd(expected.tax_total), total: usd(expected.total),
      amount_paid: usd(0), amount_due: usd(expected.total), cashier_id: shop.userId, register_id: shop.registerId,
    });
    expect(o.number).toMatch(/^S1-R1-\d{6}$/);
    o.lines.forEach((l, i) => {
      const e = expected.lines[i]!;
      expect([l.discount_total.amount, l.tax_total.amount, l.total.amount, l.order_discount_share.amount]).toEqual([e.discount_total, e.tax_total, e.total, e.order_discount_share]);
    });
    expect(o.lines[0]).toMatchObject({ sku: 'SHIRT-M', name: 'Linen shirt / M', options: { Size: 'M' }, price_source: 'current', price_version_source: 'base', unit_price: usd(1999) });
    expect(o.lines[0]!.price_valid_from).not.toBeNull();
    expect(o.lines[0]!.tax_lines.map((x) => x.name)).toEqual(['State', 'City']);
    expect(o.tax_breakdown.map((b) => [b.name, b.tax.amount])).toEqual(expected.breakdown.map((b) => [b.name, b.tax]));
    // read back the same
    expect((await owner().get(`/orders/${o.id}`)).body).toEqual(o);
    const tr = await owner().get(`/orders/${o.id}/transitions`);
    expect(tr.body.data).toMatchObject([{ action: 'create', from_status: null, to_status: 'open', actor_kind: 'user', actor_id: shop.userId }]);
  });

  it('charges the current price online, whatever price the till sent', async () => {
    const r = await order({ lines: [line(mug, 1, { unit_price: usd(1) })] });
    expect(r.status).toBe(201);
    expect(r.body.lines[0]).toMatchObject({ unit_price: usd(500), price_source: 'current' });
  });

  it('keeps an offline price that was valid then, and keeps but flags one that was not', async () => {
    const p = await owner().post('/products', { name: 'Candle', variants: [{ sku: `CANDLE-${randomUUID().slice(0, 6)}`, price: usd(1000) }] });
    const candle = p.body.variants[0].id as string;
    await sleep(20);
    const then = new Date().toISOString();
    await sleep(20);
    expect((await owner().patch(`/variants/${candle}`, { price: usd(1200) })).status).toBe(200);
    await sleep(5);

    const valid = await order({ lines: [line({ id: candle }, 1, { unit_price: usd(1000) })], captured_offline_at: then });
    expect(valid.status).toBe(201);
    expect(valid.body).toMatchObject({ needs_review: false, review_reasons: [], captured_offline_at: new Date(then).toISOString(), total: usd(1000) });
    expect(valid.body.lines[0]).toMatchObject({ unit_price: usd(1000), price_source: 'offline_valid' });

    const stale = await order({ lines: [line({ id: candle }, 2, { unit_price: usd(900) })], captured_offline_at: then });
    expect(stale.status).toBe(201);
    expect(stale.body).toMatchObject({ needs_review: true, total: usd(1800) });
    expect(stale.body.lines[0]).toMatchObject({ unit_price: usd(900), price_source: 'offline_unverified', price_valid_from: null });
    expect(stale.body.review_reasons[0]).toMatch(/rung at USD 9\.00 but the price at .* was USD 10\.00/);

    // online now: the new price
    expect((await order({ lines: [line({ id: candle })] })).body.total).toEqual(usd(1200));

    const flagged = await owner().get('/orders?needs_review=true');
    expect(flagged.body.data.map((o: OrderDto) => o.id)).toEqual([stale.body.id]);
    expect((await cashier().post(`/orders/${stale.body.id}/review`, { note: 'ok' })).status).toBe(403);
    expect((await manager().post(`/orders/${stale.body.id}/review`, {})).status).toBe(400);
    const cleared = await manager().post(`/orders/${stale.body.id}/review`, { note: 'old shelf label, accepted' });
    expect(cleared.status).toBe(200);
    expect(cleared.body).toMatchObject({ needs_review: false, review: { note: 'old shelf label, accepted' } });
    expect(cleared.body.review_reasons).toHaveLength(1);
    const again = await manager().post(`/orders/${stale.body.id}/review`, { note: 'twice' });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('not_under_review');

    // a till whose clock runs a day ahead: priced and dated now, flagged
    const ahead = await order({ lines: [line({ id: candle }, 1, { unit_price: usd(1200) })], captured_offline_at: new Date(Date.now() + 86_400_000).toISOString() });
    expect(ahead.status).toBe(201);
    expect(Math.abs(new Date(ahead.body.captured_offline_at).getTime() - Date.now())).toBeLessThan(60_000);
    expect(ahead.body).toMatchObject({ needs_review: true, total: usd(1200) });
    expect(ahead.body.review_reasons.join(' ')).toMatch(/ahead of the server's clock/);
  });

  it('limits discounts: a cashier up to the tenant percent, a manager above; a discount needs a reason', async () => {
    const ok = await order({ lines: [line(mug, 2, { discount: { type: 'percent', value: 1000, reason: 'promo' } })] }, cashier());
    expect(ok.status).toBe(201);
    expect(ok.body.cashier_id).toBe(cashierId);
    expect(ok.body.discount_total).toEqual(usd(100));

    const over = await order({ lines: [line(mug, 2, { discount: { type: 'percent', value: 1001, reason: 'promo' } })] }, cashier());
    expect(over.status).toBe(403);
    expect(over.headers['content-type']).toContain('application/problem+json');
    expect(over.body).toMatchObject({ code: 'discount_requires_override', max_percent: 10, errors: [{ path: 'lines.0.discount' }] });
    const overAmount = await order({ lines: [line(mug, 2, { discount: { type: 'amount', value: 101, reason: 'dent' } })] }, cashier());
    expect(overAmount.body.code).toBe('discount_requires_override');
    const overOrder = await order({ lines: [line(mug, 2)], order_discount: { type: 'amount', value: 200, reason: 'friend' } }, cashier());
    expect(overOrder.body).toMatchObject({ code: 'discount_requires_override', errors: [{ path: 'order_discount' }] });

    expect((await order({ lines: [line(mug, 2)], order_discount: { type: 'amount', value: 200, reason: 'friend' } }, manager())).status).toBe(201);
    const noReason = await order({ lines: [line(mug, 1, { discount: { type: 'amount', value: 10 } })] }, cashier());
    expect(noReason.status).toBe(400);
    expect(noReason.body.errors.map((e: { path: string }) => e.path)).toContain('lines.0.discount.reason');
    const tooBig = await order({ lines: [line(mug, 1, { discount: { type: 'amount', value: 501, reason: 'x' } })] }, manager());
    expect(tooBig.body).toMatchObject({ code: 'discount_too_large', errors: [{ path: 'lines.0.discount.value' }] });

    // the tenant raises the limit
    expect((await cashier().patch('/sales/settings', { cashier_max_discount_percent: 20 })).status).toBe(403);
    const s = await owner().patch('/sales/settings', { cashier_max_discount_percent: 20 });
    expect(s.body).toEqual({ cashier_max_discount_percent: 20, cash_rounding_increment: 0, currency: 'USD' });
    expect((await order({ lines: [line(mug, 2, { discount: { type: 'percent', value: 1500, reason: 'promo' } })] }, cashier())).status).toBe(201);
    await owner().patch('/sales/settings', { cashier_max_discount_percent: 10 });

    // offline, the sale already happened: kept, flagged
    const offline = await order({ lines: [line(mug, 2, { unit_price: usd(500), discount: { type: 'percent', value: 5000, reason: 'promo' } })], captured_offline_at: new Date().toISOString() }, cashier());
    expect(offline.status).toBe(201);
    expect(offline.body.needs_review).toBe(true);
    expect(offline.body.review_reasons[0]).toMatch(/discount above the cashier limit/);
  });

  it('takes custom-amount lines with permission, taxed by a tax code when asked', async () => {
    const custom = { custom: { name: 'Gift wrap', unit_price: usd(250) }, quantity: 1 };
    const denied = await order({ lines: [custom] }, cashier());
    expect(denied.status).toBe(403);
    expect(denied.body.code).toBe('custom_line_not_allowed');
    const r = await order({ lines: [custom, { custom: { name: 'Repair', unit_price: usd(1000), tax_code_id: taxCode }, quantity: 1 }] }, manager());
    expect(r.status).toBe(201);
    expect(r.body.lines[0]).toMatchObject({ variant_id: null, sku: null, name: 'Gift wrap', price_source: 'custom', tax_total: usd(0), total: usd(250) });
    expect(r.body.lines[1]).toMatchObject({ tax_total: usd(40 + 49), total: usd(1089) });
    const noCode = await order({ lines: [{ custom: { name: 'X', unit_price: usd(1), taxable: true }, quantity: 1 }] });
    expect(noCode.body.errors[0].path).toBe('lines.0.custom.tax_code_id');
    const both = await order({ lines: [{ variant_id: mug.id, custom: { name: 'X', unit_price: usd(1) }, quantity: 1 }] });
    expect(both.status).toBe(400);
  });

  it('checks serials of online sales against the shelf, naming the line by its place', async () => {
    const r = await order({ lines: [{ custom: { name: 'Case', unit_price: usd(100) }, quantity: 1 }, line(phone, 1)] });
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ code: 'serial_required', errors: [{ path: 'lines.1.serial_numbers' }] });
    const gone = await order({ lines: [line(phone, 1, { serial_numbers: ['NOPE-1'] })] });
    expect(gone.status).toBe(409);
    expect(gone.body.code).toBe('serial_not_in_stock');
    await tx((ctx) => t.app.modules.inventory.service.adjust(ctx, { store_id: shop.storeId, variant_id: phone.id, delta: 1, reason: 'found', serial_numbers: ['IMEI-1'] }));
    expect((await order({ lines: [line(phone, 1, { serial_numbers: ['IMEI-1'] })] })).status).toBe(201);
  });

  it('numbers orders per register without gaps, takes a till number with its prefix, and never twice', async () => {
    const n = async (body: Record<string, unknown>) => {
      const r = await order({ lines: [line(mug)], ...body });
      return { status: r.status, number: r.body.number as string, body: r.body };
    };
    const a = await n({});
    const seq = Number(a.number.slice(-6));
    expect((await n({})).number).toBe(`S1-R1-${String(seq + 1).padStart(6, '0')}`);
    // a refused order does not use a number up
    expect((await order({ lines: [line(mug, 0)] })).status).toBe(400);
    expect((await order({ lines: [line(mug, 1, { discount: { type: 'amount', value: 9999, reason: 'x' } })] })).status).toBe(400);
    expect((await n({})).number).toBe(`S1-R1-${String(seq + 2).padStart(6, '0')}`);
    expect((await n({ register_id: register2 })).number).toBe('S1-R2-000001');
    const web = await n({ register_id: null });
    expect(web.number).toBe('S1-W-000001');
    expect(web.body.register_id).toBeNull();

    // the offline till's own counter: ahead of ours, the counter follows it
    const till = await n({ register_id: register2, number: 'S1-R2-000040', captured_offline_at: new Date().toISOString() });
    expect(till.status).toBe(201);
    expect(till.number).toBe('S1-R2-000040');
    expect((await n({ register_id: register2 })).number).toBe('S1-R2-000041');
    const taken = await n({ register_id: register2, number: 'S1-R2-000040' });
    expect(taken.status).toBe(409);
    expect(taken.body.code).toBe('order_number_taken');
    const wrong = await n({ register_id: register2, number: 'S1-R1-000099' });
    expect(wrong.status).toBe(400);
    expect(wrong.body).toMatchObject({ code: 'order_number_prefix', errors: [{ path: 'number' }] });
    const found = await owner().get('/orders?q=s1-r2-00004');
    expect(found.body.data.map((o: OrderDto) => o.number).toSorted()).toEqual(['S1-R2-000040', 'S1-R2-000041']);

    // an offline resend: same id and content → the same order; other content → 409
    const id = randomUUID();
    const body = { id, lines: [line(mug, 2)], captured_offline_at: new Date().toISOString() };
    const first = await order(body);
    const again = await order(body);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    const other = await order({ ...body, lines: [line(mug, 3)] });
    expect(other.status).toBe(409);
    expect(other.body.code).toBe('order_id_conflict');
  });

  it('refuses illegal transitions with 409 and the current status', async () => {
    const o = (await order({ lines: [line(mug)] })).body as OrderDto;
    const voided = await tx((ctx) => sales().voidOrder(ctx, o.id, 'customer left'));
    expect(voided).toMatchObject({ status: 'voided', void_reason: 'customer left', amount_due: usd(0) });
    expect(voided.voided_at).not.toBeNull();
    const err = await tx((ctx) => sales().voidOrder(ctx, o.id, 'again')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).toProblem()).toMatchObject({ status: 409, code: 'invalid_order_transition', current_status: 'voided' });
    for (const [method, url, body] of [['POST', 'park', {}], ['POST', 'resume', undefined], ['PATCH', '', { note: 'x' }]] as const) {
      const r = await t.request(method, `/api/v1/orders/${o.id}${url ? `/${url}` : ''}`, { token: shop.token, headers: idem(), body: body ?? {} });
      expect(r.status).toBe(409);
      expect(r.body).toMatchObject({ code: 'invalid_order_transition', current_status: 'voided' });
    }
    // a payment on a voided order is recorded and changes nothing else
    const after = await record(o.id, summary({ amount: usd(500) }));
    expect(after).toMatchObject({ status: 'voided', amount_paid: usd(0) });
    expect(after.payments).toHaveLength(1);
    const tr = (await owner().get(`/orders/${o.id}/transitions`)).body.data;
    expect(tr.map((x: { action: string }) => x.action)).toEqual(['create', 'void']);
    expect(tr[1]).toMatchObject({ from_status: 'open', to_status: 'voided', reason: 'customer left', actor_kind: 'system' });
  });

  it('parks, resumes and edits an open sale until money is taken', async () => {
    const o = (await order({ lines: [line(mug, 1)] }, cashier())).body as OrderDto;
    const parked = await cashier().post(`/orders/${o.id}/park`, { reason: 'customer fetching wallet' });
    expect(parked.status).toBe(200);
    expect(parked.body.parked).toBe(true);
    expect((await cashier().get('/orders?parked=true')).body.data.map((x: OrderDto) => x.id)).toContain(o.id);
    const twice = await cashier().post(`/orders/${o.id}/park`);
    expect(twice.body).toMatchObject({ code: 'invalid_order_transition', current_status: 'open', parked: true });
    expect((await cashier().post(`/orders/${o.id}/resume`)).body.parked).toBe(false);
    expect((await cashier().post(`/orders/${o.id}/resume`)).status).toBe(409);

    const patched = await cashier().patch(`/orders/${o.id}`, { lines: [line(mug, 3), line(shirtM, 1)] });
    expect(patched.status).toBe(200);
    expect(patched.body.lines.map((l: { sku: string; quantity: number }) => [l.sku, l.quantity])).toEqual([['MUG', 3], ['SHIRT-M', 1]]);
    expect(patched.body.number).toBe(o.number);
    const withDiscount = await cashier().patch(`/orders/${o.id}`, { order_discount: { type: 'amount', value: 100, reason: 'bundle' } });
    expect(withDiscount.body.lines.map((l: { order_discount_share: { amount: number } }) => l.order_discount_share.amount).reduce((a: number, b: number) => a + b, 0)).toBe(100);
    expect(withDiscount.body.discount_total).toEqual(usd(100));

    await record(o.id, summary({ amount: usd(500) }));
    const locked = await cashier().patch(`/orders/${o.id}`, { lines: [line(mug, 1)] });
    expect(locked.status).toBe(409);
    expect(locked.body.code).toBe('order_has_payments');
    expect((await cashier().post(`/orders/${o.id}/park`)).body.code).toBe('order_has_payments');
    expect((await cashier().patch(`/orders/${o.id}`, { note: 'gift' })).body.note).toBe('gift');
  });

  it('records payments idempotently and completes once: one order.completed, stock moved once', async () => {
    const o = (await order({ lines: [line(shirtM, 2), { custom: { name: 'Wrap', unit_price: usd(100) }, quantity: 1 }] })).body as OrderDto;
    const total = o.total.amount;
    const card = summary({ amount: usd(1500), applied: usd(1000), tip: usd(500), card: { brand: 'visa', last4: '4242', approval_code: 'A1' } });
    const pending = { ...card, status: 'pending' as const };
    let r = await record(o.id, pending);
    expect(r).toMatchObject({ status: 'open', amount_paid: usd(0), amount_due: usd(total) });
    r = await record(o.id, card);
    expect(r).toMatchObject({ status: 'open', amount_paid: usd(1000), tip_total: usd(500), amount_due: usd(total - 1000) });
    // the same again, and an older one: nothing changes
    expect(await record(o.id, card)).toEqual(r);
    expect((await record(o.id, { ...pending, updated_at: new Date(Date.now() - 60_000).toISOString() })).payments[0]!.status).toBe('captured');

    const handed = total - 1000 + 340;
    const cash = summary({ tender: 'cash', amount: usd(handed), applied: usd(total - 1000), change_due: usd(340) });
    const done = await record(o.id, cash);
    expect(done).toMatchObject({ status: 'completed', amount_paid: usd(total), amount_due: usd(0), change_due: usd(340), parked: false });
    expect(done.completed_at).not.toBeNull();
    await record(o.id, cash);
    // a final status is never left again
    const declined = summary({ tender: 'card', status: 'declined', amount: usd(100), decline_code: 'card_declined' });
    await record(o.id, declined);
    expect((await record(o.id, { ...declined, status: 'captured', updated_at: new Date(Date.now() + 1000).toISOString() })).payments.find((p) => p.payment_id === declined.payment_id)!.status).toBe('declined');

    const events = (await outbox('order.completed')).filter((e) => e.payload.order_id === o.id);
    expect(events).toHaveLength(1);
    expect(events[0]!.payload).toMatchObject({
      order_id: o.id, number: o.number, store_id: shop.storeId, register_id: shop.registerId, cashier_id: shop.userId, currency: 'USD', total,
      lines: [{ line_id: o.lines[0]!.id, variant_id: shirtM.id, quantity: 2, serial_numbers: [], total: o.lines[0]!.total.amount }],
      payments: [{ tender: 'card', applied: 1000 }, { tender: 'cash', applied: total - 1000 }],
    });
    const tr = (await owner().get(`/orders/${o.id}/transitions`)).body.data;
    expect(tr.map((x: { action: string }) => x.action)).toEqual(['create', 'complete']);

    // inventory's consumer applies it, once, even when the event comes again
    const onHand = async () => (await owner().get(`/inventory?store_id=${shop.storeId}&variant_id=${shirtM.id}`)).body.data[0]?.on_hand ?? 0;
    const before = await onHand();
    await t.app.bus.start();
    await t.app.bus.drain(20_000);
    expect(await onHand()).toBe(before - 2);
    await systemTx(t.app.database.db, (trx) => emit(trx, { tenantId: shop.tenantId, type: 'order.completed', payload: events[0]!.payload }));
    await t.app.bus.drain(20_000);
    expect(await onHand()).toBe(before - 2);
    expect(await t.app.bus.deadLetters()).toBe(0);
  });

  it('completes a cash sale rounded to the tenant increment, keeping the rounding on the order', async () => {
    await owner().patch('/sales/settings', { cash_rounding_increment: 5 });
    const o = (await order({ lines: [line(shirtM, 1)] })).body as OrderDto;
    expect(o.cash_rounding_increment).toBe(5);
    const rounding = cashRound(o.total.amount, 5) - o.total.amount;
    expect(rounding).not.toBe(0);
    const done = await record(o.id, summary({ tender: 'cash', amount: usd(5000), applied: usd(o.total.amount + rounding), change_due: usd(5000 - o.total.amount - rounding), cash_rounding: rounding }));
    expect(done).toMatchObject({ status: 'completed', cash_rounding: usd(rounding), amount_due: usd(0), amount_paid: usd(o.total.amount + rounding) });
    await owner().patch('/sales/settings', { cash_rounding_increment: 0 });
  });

  it('refuses bad input with 400 problem+json naming each field, and changes nothing', async () => {
    const before = (await owner().get('/orders?limit=200')).body.data.length;
    const cases: [unknown, string][] = [
      [{ store_id: shop.storeId, lines: [] }, 'lines'],
      [{ store_id: 'nope', lines: [line(mug)] }, 'store_id'],
      [{ store_id: shop.storeId, lines: [{ quantity: 1 }] }, 'lines.0.variant_id'],
      [{ store_id: shop.storeId, lines: [line(mug, 1.5)] }, 'lines.0.quantity'],
      [{ store_id: shop.storeId, lines: [line(mug)], order_discount: { type: 'percent', value: 10_001, reason: 'x' } }, 'order_discount.value'],
      [{ store_id: shop.storeId, lines: [line(mug)], captured_offline_at: 'yesterday' }, 'captured_offline_at'],
      [{ store_id: shop.storeId, lines: [line(mug, 1, { unit_price: { amount: 5, currency: 'EUR' } })], captured_offline_at: new Date().toISOString() }, 'lines.0.unit_price.currency'],
      [{ store_id: shop.storeId, lines: [{ variant_id: randomUUID(), quantity: 1 }] }, 'lines.0.variant_id'],
    ];
    for (const [body, path] of cases) {
      const r = await owner().post('/orders', body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.headers['content-type']).toContain('application/problem+json');
      expect(r.body.errors.map((e: { path: string }) => e.path), JSON.stringify(r.body)).toContain(path);
    }
    const badPayment = await tx((ctx) => sales().recordPayment(ctx, randomUUID(), { payment_id: 'x' } as never)).catch((e: unknown) => e);
    expect((badPayment as AppError).status).toBe(400);
    expect((await owner().get('/orders?limit=200')).body.data.length).toBe(before);
    expect((await owner().get(`/orders/${randomUUID()}`)).status).toBe(404);
    const stranger = await t.signup({ business_name: 'Elsewhere' });
    const mine = (await owner().get('/orders?limit=1')).body.data[0] as OrderDto;
    expect((await req(stranger.token).get(`/orders/${mine.id}`)).status).toBe(404);
    expect((await req(stranger.token).post('/orders', { store_id: shop.storeId, lines: [line(mug)] })).status).toBe(404);
  });

  it('pages orders with a cursor and documents its routes', async () => {
    const all = (await owner().get('/orders?limit=200')).body.data.map((o: OrderDto) => o.id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: { data: OrderDto[]; next_cursor: string | null } } = await owner().get(`/orders?limit=7${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      seen.push(...page.body.data.map((o) => o.id));
      cursor = page.body.next_cursor;
    } while (cursor);
    expect(seen).toEqual(all);
    expect((await owner().get(`/orders?store_id=${shop.storeId}&register_id=${register2}&status=open`)).body.data.every((o: OrderDto) => o.register_id === register2 && o.status === 'open')).toBe(true);
    const doc = await t.request('GET', '/api/openapi.json');
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/api/v1/orders', '/api/v1/orders/{id}/receipt', '/api/v1/registers/{id}/session/close', '/api/v1/sessions/{id}/report']));
  });
  it('prints receipts in every format by Accept, counting reprints as copies', async () => {
    const o = (await order({ lines: [line(shirtM, 2, { discount: { type: 'amount', value: 200, reason: 'Damaged' } }), line(mug, 1)], order_discount: { type: 'amount', value: 100, reason: 'Loyalty' } }, cashier())).body as OrderDto;
    await record(o.id, summary({ amount: usd(1000), card: { brand: 'visa', last4: '4242', approval_code: 'OK1234' } }));
    const total = o.total.amount;
    await record(o.id, summary({ tender: 'cash', amount: usd(total - 1000 + 55), applied: usd(total - 1000), change_due: usd(55) }));
    const get = (accept: string | undefined, query = '') =>
      t.app.http.inject({ method: 'GET', url: `/api/v1/orders/${o.id}/receipt${query}`, headers: { authorization: `Bearer ${shop.token}`, ...(accept ? { accept } : {}) } });

    const first = await get('application/json');
    expect(first.statusCode).toBe(200);
    expect(first.headers['content-type']).toContain('application/json');
    const model = JSON.parse(first.body);
    expect(model).toMatchObject({
      business_name: 'Corner Shop', register_name: expect.any(String), cashier_name: 'cashier person',
      order: { number: o.number, status: 'completed', currency: 'USD', timezone: 'Europe/London' },
      subtotal: 2 * 1999 - 200 + 500, discount_total: 300, total, change_due: 55, amount_due: 0,
      order_discount: { amount: 100, reason: 'Loyalty' },
      copy: { is_copy: false, reprint_number: 0 }, barcode_value: o.number,
    });
    expect(model.lines[0]).toMatchObject({ name: 'Linen shirt / M', sku: 'SHIRT-M', options: 'Size: M', quantity: 2, unit_price: 1999, discount: { amount: 200, reason: 'Damaged' }, total: 3798 });
    expect(model.tenders.map((x: { tender: string }) => x.tender)).toEqual(['card', 'cash']);
    expect(model.tenders[0].card).toEqual({ brand: 'visa', last4: '4242', approval_code: 'OK1234' });

    const html = await get('text/html');
    expect(html.headers['content-type']).toContain('text/html');
    expect(html.body).toContain(o.number);
    expect(html.body).toContain('4242');
    for (const width of [42, 48]) {
      const text = await get('text/plain', `?width=${width}`);
      expect(text.headers['content-type']).toContain('text/plain');
      const lines = text.body.split('\n');
      expect(lines.some((l) => l.includes(o.number))).toBe(true);
      expect(Math.max(...lines.map((l) => [...l].length))).toBeLessThanOrEqual(width);
      expect(text.body).toMatch(/COPY/i);
    }
    const esc = await get('application/vnd.escpos');
    expect(esc.headers['content-type']).toContain('application/vnd.escpos');
    expect([...esc.rawPayload.subarray(0, 2)]).toEqual([0x1b, 0x40]);
    expect(esc.rawPayload.includes(Buffer.from(o.number))).toBe(true);

    // prints so far: json, html, text ×2, escpos → the next is copy 5; a preview does not count
    const preview = JSON.parse((await get(undefined, '?count=false')).body);
    expect(preview.copy).toEqual({ is_copy: true, reprint_number: 5 });
    expect(JSON.parse((await get('*/*')).body).copy).toEqual({ is_copy: true, reprint_number: 5 });
    expect((await owner().get(`/orders/${o.id}`)).body.receipt_prints).toBe(6);
    expect((await get('text/html;q=0.5, application/vnd.escpos')).headers['content-type']).toContain('escpos');
    const refused = await get('image/png');
    expect(refused.statusCode).toBe(406);
    expect(JSON.parse(refused.body).code).toBe('not_acceptable');
    expect((await get('application/json', '?width=40')).statusCode).toBe(400);
    expect((await t.app.http.inject({ method: 'GET', url: `/api/v1/orders/${randomUUID()}/receipt`, headers: { authorization: `Bearer ${shop.token}` } })).statusCode).toBe(404);
  });
});
}
