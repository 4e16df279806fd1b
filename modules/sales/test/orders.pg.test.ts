import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceCtx, systemActor, systemTx, tenantTx } from '@novapos/platform';
import type { OrderDto, PaymentSummary } from '@novapos/sales';
import { hasPostgres } from '@novapos/testkit';
import { idem, startTestApp, type TestApp, type TestTenant } from '@novapos/server/testing';

const usd = (amount: number) => ({ amount, currency: 'USD' });

/** What needs concurrent sessions: row locks on the counter and the order. Only a server has them. */
describe.skipIf(!hasPostgres())('sales under concurrency on a PostgreSQL server', () => {
  let t: TestApp;
  let shop: TestTenant;
  let mug: string;

  beforeAll(async () => {
    t = await startTestApp('postgres');
    shop = await t.signup({ business_name: 'Rush Hour' });
    const p = await t.request('POST', '/api/v1/products', { token: shop.token, headers: idem(), body: { name: 'Mug', variants: [{ sku: 'MUG', price: usd(500) }] } });
    mug = p.body.variants[0].id;
  });
  afterAll(async () => t?.close());

  const create = (body: Record<string, unknown> = {}) =>
    t.request('POST', '/api/v1/orders', { token: shop.token, headers: idem(), body: { store_id: shop.storeId, register_id: shop.registerId, lines: [{ variant_id: mug, quantity: 1 }], ...body } });

  it('gives 50 concurrent orders on one register 50 distinct, gapless numbers', async () => {
    const rs = await Promise.all(Array.from({ length: 50 }, () => create()));
    expect(rs.map((r) => r.status)).toEqual(Array(50).fill(201));
    const numbers = rs.map((r) => r.body.number as string).toSorted();
    expect(numbers).toEqual(Array.from({ length: 50 }, (_, i) => `S1-R1-${String(i + 1).padStart(6, '0')}`));
    expect((await create()).body.number).toBe('S1-R1-000051');
  });

  it('creates an offline order sent ten times at once exactly once', async () => {
    const id = randomUUID();
    const at = new Date().toISOString();
    const rs = await Promise.all(Array.from({ length: 10 }, () => create({ id, captured_offline_at: at })));
    expect(rs.map((r) => r.status)).toEqual(Array(10).fill(201));
    expect(new Set(rs.map((r) => r.body.number)).size).toBe(1);
    const n = await tenantTx(t.app.database.db, shop.tenantId, async (trx) => (await sql<{ n: number }>`select count(*)::int as n from sales.orders where id = ${id}`.execute(trx)).rows[0]!.n);
    expect(n).toBe(1);
  });

  it('completes an order once when two payments covering it are recorded at once', async () => {
    const o = (await create({ lines: [{ variant_id: mug, quantity: 2 }] })).body as OrderDto;
    const now = new Date().toISOString();
    const s = (): PaymentSummary => ({
      payment_id: randomUUID(), tender: 'card', status: 'captured', amount: usd(500), applied: usd(500), tip: usd(0), change_due: usd(0), cash_rounding: 0,
      card: null, gift_card: null, crypto: null, decline_code: null, message: null, created_at: now, updated_at: now,
    });
    const record = (p: PaymentSummary) =>
      tenantTx(t.app.database.db, shop.tenantId, (trx) => t.app.modules.sales.service.recordPayment(serviceCtx({ trx, tenantId: shop.tenantId, actor: systemActor, clock: t.app.kernel.clock, log: t.app.log }), o.id, p));
    const [p1, p2] = [s(), s()];
    await Promise.all([record(p1), record(p2), record(p1), record(p2)]);
    const after = await t.request('GET', `/api/v1/orders/${o.id}`, { token: shop.token });
    expect(after.body).toMatchObject({ status: 'completed', amount_paid: usd(1000), amount_due: usd(0) });
    const events = await systemTx(t.app.database.db, async (trx) => (await sql<{ n: number }>`select count(*)::int as n from platform.outbox where type = 'order.completed' and payload->>'order_id' = ${o.id}`.execute(trx)).rows[0]!.n);
    expect(events).toBe(1);
  });
});
