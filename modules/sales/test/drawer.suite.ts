import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceCtx, systemActor, tenantTx, type Ctx } from '@novapos/platform';
import type { OrderDto, PaymentSummary, SessionReportDto } from '@novapos/sales';
import { idem, startTestApp, type DbKind, type TestApp, type TestTenant } from '@novapos/server/testing';

const usd = (amount: number) => ({ amount, currency: 'USD' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function drawerSuite(kind: DbKind): void {
describe(`drawer sessions on ${kind}`, () => {
  let t: TestApp;
  let shop: TestTenant;
  let cashierToken: string;
  let cashierId: string;
  let managerToken: string;
  let tee: string;

  const req = (token: string) => ({
    get: (url: string) => t.request('GET', `/api/v1${url}`, { token }),
    post: (url: string, body?: unknown) => t.request('POST', `/api/v1${url}`, { token, headers: idem(), body: body ?? {} }),
  });
  const owner = () => req(shop.token);
  const cashier = () => req(cashierToken);
  const tx = <T>(fn: (ctx: Ctx) => Promise<T>) =>
    tenantTx(t.app.database.db, shop.tenantId, (trx) => fn(serviceCtx({ trx, tenantId: shop.tenantId, actor: systemActor, clock: t.app.kernel.clock, log: t.app.log })));
  const sales = () => t.app.modules.sales.service;
  function pay(orderId: string, over: Partial<PaymentSummary> & { amount: PaymentSummary['amount'] }) {
    const now = new Date().toISOString();
    const s: PaymentSummary = {
      payment_id: randomUUID(), tender: 'card', status: 'captured', applied: over.amount, tip: usd(0), change_due: usd(0), cash_rounding: 0,
      card: null, gift_card: null, crypto: null, decline_code: null, message: null, created_at: now, updated_at: now, ...over,
    };
    return tx((ctx) => sales().recordPayment(ctx, orderId, s));
  }
  const sell = async (quantity: number, as = cashier(), extra: Record<string, unknown> = {}) => {
    const r = await as.post('/orders', { store_id: shop.storeId, register_id: shop.registerId, lines: [{ variant_id: tee, quantity }], ...extra });
    expect(r.status).toBe(201);
    return r.body as OrderDto;
  };

  beforeAll(async () => {
    t = await startTestApp(kind);
    shop = await t.signup({ business_name: 'Drawer Shop' });
    const tc = await owner().post('/tax-codes', { name: 'Sales tax', rates: [{ store_id: shop.storeId, name: 'State', rate_ppm: 50_000 }] });
    const p = await owner().post('/products', { name: 'Tee', tax_code: tc.body.id, variants: [{ sku: 'TEE', price: usd(2000) }] });
    tee = p.body.variants[0].id;
    const mk = async (role: string) => {
      const email = `${role}-${randomUUID()}@example.com`;
      const u = await owner().post('/users', { email, name: `Pat ${role}`, role, password: 'a long password 1', store_ids: [shop.storeId] });
      return { id: u.body.id as string, token: (await t.request('POST', '/api/v1/auth/login', { body: { email, password: 'a long password 1' } })).body.access_token as string };
    };
    const c = await mk('cashier');
    cashierToken = c.token;
    cashierId = c.id;
    managerToken = (await mk('manager')).token;
  });
  afterAll(async () => t?.close());

  it('runs a session: float, paid in and out, cash and card sales, voids, X report, close with a count, Z report', async () => {
    const reg = shop.registerId;
    const before = new Date();
    await sleep(5);
    expect((await owner().get(`/registers/${reg}/session`)).body.code).toBe('no_open_session');
    const opened = await owner().post(`/registers/${reg}/session`, { opening_float: usd(10_000) });
    expect(opened.status).toBe(201);
    expect(opened.body).toMatchObject({ status: 'open', opening_float: usd(10_000), expected_cash: usd(10_000), opened_by: shop.userId });
    const sid = opened.body.id as string;
    const twice = await cashier().post(`/registers/${reg}/session`, { opening_float: usd(5_000) });
    expect(twice.status).toBe(409);
    expect(twice.body.code).toBe('session_already_open');

    expect((await cashier().post(`/registers/${reg}/session/cash-movements`, { kind: 'paid_in', amount: usd(500), reason: 'change from bank' })).status).toBe(201);
    const out = await cashier().post(`/registers/${reg}/session/cash-movements`, { kind: 'paid_out', amount: usd(200), reason: 'window cleaner' });
    expect(out.body).toMatchObject({ movement: { kind: 'paid_out', amount: usd(-200), reason: 'window cleaner' }, session: { expected_cash: usd(10_300) } });
    const noReason = await cashier().post(`/registers/${reg}/session/cash-movements`, { kind: 'paid_out', amount: usd(200) });
    expect(noReason.status).toBe(400);
    expect(noReason.body.errors[0].path).toBe('reason');

    // cash sale: 2 × 20.00 + 5 % = 42.00, handed 50.00, change 8.00
    const a = await sell(2);
    expect(a.session_id).toBe(sid);
    expect(a.total).toEqual(usd(4200));
    const paidA = await pay(a.id, { tender: 'cash', amount: usd(5000), applied: usd(4200), change_due: usd(800) });
    expect(paidA.status).toBe('completed');
    // card sale by the owner: 21.00 + 2.00 tip
    const b = await sell(1, owner());
    await pay(b.id, { amount: usd(2300), applied: usd(2100), tip: usd(200) });
    // a void
    const c = await sell(1);
    await tx((ctx) => sales().voidOrder(ctx, c.id, 'mistake'));
    // an open order that took money
    const d = await sell(3);
    await pay(d.id, { amount: usd(1000) });

    const cur = await cashier().get(`/registers/${reg}/session`);
    expect(cur.body.expected_cash).toEqual(usd(10_300 + 4200));
    const x = (await cashier().get(`/sessions/${sid}/report`)).body as SessionReportDto;
    expect(x).toMatchObject({
      kind: 'X',
      orders: { completed: 2, open: 1, voided: 1 },
      gross_sales: usd(6000), discounts: usd(0), tax: usd(300), net_sales: usd(6000), tips: usd(200),
      refunds: { count: 0, amount: usd(0) },
      voids: { count: 1, amount: usd(2100) },
      cash: { opening_float: usd(10_000), cash_sales: usd(4200), paid_in: usd(500), paid_out: usd(200), expected: usd(14_500), counted: null, variance: null },
    });
    expect(x.by_tender).toEqual([
      { tender: 'card', count: 2, amount: usd(2100 + 1000), tips: usd(200) },
      { tender: 'cash', count: 1, amount: usd(4200), tips: usd(0) },
    ]);
    expect(x.tax_breakdown).toMatchObject([{ name: 'State', rate_ppm: 50_000, taxable: usd(6000), tax: usd(300) }]);
    expect(x.by_cashier.toSorted((p, q) => p.total.amount - q.total.amount)).toEqual([
      { cashier_id: shop.userId, name: expect.any(String), orders: 1, total: usd(2100) },
      { cashier_id: cashierId, name: 'Pat cashier', orders: 1, total: usd(4200) },
    ]);

    // closing: not by another cashier; a count by denomination; warnings
    const refused = await cashier().post(`/registers/${reg}/session/close`, { counted_total: usd(14_500) });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('not_your_session');
    expect((await owner().post(`/registers/${reg}/session/close`, {})).status).toBe(400);
    const closed = await owner().post(`/registers/${reg}/session/close`, {
      counted: [{ denomination: 5000, count: 2 }, { denomination: 2000, count: 2 }, { denomination: 100, count: 4 }, { denomination: 25, count: 3 }],
      unsynced_sales: 2,
    });
    expect(closed.status).toBe(200);
    // 100 + 40 + 4 + 0.75 = 144.75 counted vs 145.00 expected
    expect(closed.body.session).toMatchObject({ status: 'closed', counted_cash: usd(14_475), variance: usd(-25), unsynced_sales: 2, closed_by: shop.userId });
    expect(closed.body.report).toMatchObject({ kind: 'Z', cash: { expected: usd(14_500), counted: usd(14_475), variance: usd(-25) } });
    expect(closed.body.warnings.map((w: { code: string; count: number }) => [w.code, w.count])).toEqual([['unsynced_sales', 2], ['open_orders_with_payments', 1]]);
    await sleep(5);
    const after = new Date();

    expect((await cashier().get(`/registers/${reg}/session`)).status).toBe(409);
    expect((await cashier().get(`/sessions/${sid}/report`)).status).toBe(403);
    const z = await req(managerToken).get(`/sessions/${sid}/report`);
    expect(z.status).toBe(200);
    expect(z.body.kind).toBe('Z');
    expect((await owner().get(`/sessions?register_id=${reg}`)).body.data.map((s: { id: string }) => s.id)).toEqual([sid]);

    // offline: the sale belongs to the session open when it was rung, even when it syncs after the close
    const during = new Date(new Date(opened.body.opened_at).getTime() + 1);
    expect((await tx((ctx) => sales().sessionFor(ctx, reg, during)))?.id).toBe(sid);
    expect(await tx((ctx) => sales().sessionFor(ctx, reg, before))).toBeNull();
    expect(await tx((ctx) => sales().sessionFor(ctx, reg, after))).toBeNull();
    const late = await sell(1, cashier(), { captured_offline_at: during.toISOString(), lines: [{ variant_id: tee, quantity: 1, unit_price: usd(2000) }] });
    expect(late.session_id).toBe(sid);
    await pay(late.id, { tender: 'cash', amount: usd(2100), applied: usd(2100) });
    const z2 = (await owner().get(`/sessions/${sid}/report`)).body as SessionReportDto;
    expect(z2.cash).toMatchObject({ expected: usd(16_600), counted: usd(14_475), variance: usd(-2125) });
    expect(z2.orders.completed).toBe(3);

    // a new session takes new sales
    const next = await cashier().post(`/registers/${reg}/session`, { opening_float: usd(0) });
    expect(next.status).toBe(201);
    expect((await sell(1)).session_id).toBe(next.body.id);
  });

  it('refuses bad drawer input and other tenants', async () => {
    const reg = shop.registerId;
    const bad = await owner().post(`/registers/${reg}/session/cash-movements`, { kind: 'bribe', amount: usd(1), reason: 'x' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toBe('kind');
    const eur = await owner().post(`/registers/${reg}/session/cash-movements`, { kind: 'paid_in', amount: { amount: 1, currency: 'EUR' }, reason: 'x' });
    expect(eur.body.code).toBe('currency_mismatch');
    const stranger = await t.signup({ business_name: 'Other' });
    expect((await req(stranger.token).get(`/registers/${reg}/session`)).status).toBe(404);
    expect((await req(stranger.token).post(`/registers/${reg}/session`, { opening_float: usd(1) })).status).toBe(404);
  });
});
}
