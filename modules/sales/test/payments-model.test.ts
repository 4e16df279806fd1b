import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError, serviceCtx, systemActor, tenantTx, type Ctx } from '@novapos/platform';
import { FINAL_PAYMENT_STATUSES, PAYMENT_STATUSES, type OrderDto, type PaymentStatus, type PaymentSummary } from '@novapos/sales';
import { idem, startTestApp, type TestApp, type TestTenant } from '@novapos/server/testing';

const usd = (amount: number) => ({ amount, currency: 'USD' });

type Cmd =
  | { kind: 'record'; slot: number; status: PaymentStatus; applied: number; dt: number }
  | { kind: 'void' };

/**
 * Random sequences of payment summaries (new, repeated, late, out of a final status) and voids
 * against one order, checked against a model of recordPayment's rules after every step:
 * paid = Σ applied of captured, completed ⇔ paid once covered the total, no way out of a final
 * order status or a final payment status.
 */
describe('recordPayment against a model (property)', () => {
  let t: TestApp;
  let shop: TestTenant;
  let mug: string;
  beforeAll(async () => {
    t = await startTestApp('pglite');
    shop = await t.signup({ business_name: 'Model Shop' });
    const p = await t.request('POST', '/api/v1/products', { token: shop.token, headers: idem(), body: { name: 'Mug', variants: [{ sku: 'MUG', price: usd(1000) }] } });
    mug = p.body.variants[0].id;
  });
  afterAll(async () => t?.close());

  const tx = <T>(fn: (ctx: Ctx) => Promise<T>) =>
    tenantTx(t.app.database.db, shop.tenantId, (trx) => fn(serviceCtx({ trx, tenantId: shop.tenantId, actor: systemActor, clock: t.app.kernel.clock, log: t.app.log })));

  const cmd: fc.Arbitrary<Cmd> = fc.oneof(
    { weight: 8, arbitrary: fc.record({ kind: fc.constant('record' as const), slot: fc.integer({ min: 0, max: 3 }), status: fc.constantFrom(...PAYMENT_STATUSES), applied: fc.integer({ min: 0, max: 1500 }), dt: fc.integer({ min: -2, max: 3 }) }) },
    { weight: 1, arbitrary: fc.constant({ kind: 'void' as const }) },
  );

  it('keeps paid, status and payments as the model says', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(cmd, { minLength: 1, maxLength: 12 }), async (cmds) => {
        const created = await t.request('POST', '/api/v1/orders', { token: shop.token, headers: idem(), body: { store_id: shop.storeId, lines: [{ variant_id: mug, quantity: 1 }] } });
        const order = created.body as OrderDto;
        const total = order.total.amount;
        const ids = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
        const base = Date.now();
        const model = { status: 'open' as string, paid: 0, payments: new Map<string, PaymentSummary>() };
        const capturedSum = () => [...model.payments.values()].filter((p) => p.status === 'captured').reduce((s, p) => s + p.applied.amount, 0);
        for (const c of cmds) {
          if (c.kind === 'void') {
            const r = await tx((ctx) => t.app.modules.sales.service.voidOrder(ctx, order.id, 'model')).catch((e: unknown) => e);
            if (model.status === 'open') {
              expect((r as OrderDto).status).toBe('voided');
              model.status = 'voided';
            } else {
              expect((r as AppError).toProblem()).toMatchObject({ status: 409, current_status: model.status });
            }
            continue;
          }
          const id = ids[c.slot]!;
          const prev = model.payments.get(id);
          const at = new Date(base + (prev ? Date.parse(prev.updated_at) - base + c.dt * 1000 : 0)).toISOString();
          const s: PaymentSummary = {
            payment_id: id, tender: 'card', status: c.status, amount: usd(c.applied), applied: usd(c.applied), tip: usd(0), change_due: usd(0), cash_rounding: 0,
            card: null, gift_card: null, crypto: null, decline_code: null, message: null, created_at: new Date(base).toISOString(), updated_at: at,
          };
          const stale = prev && (Date.parse(at) < Date.parse(prev.updated_at) || (FINAL_PAYMENT_STATUSES.includes(prev.status) && prev.status !== s.status));
          if (!stale) model.payments.set(id, s);
          if (model.status !== 'voided') {
            model.paid = capturedSum();
            if (model.status === 'open' && model.paid >= total) model.status = 'completed';
          }
          const got = await tx((ctx) => t.app.modules.sales.service.recordPayment(ctx, order.id, s));
          expect(got.status).toBe(model.status);
          expect(got.amount_paid.amount).toBe(model.paid);
          expect(Object.fromEntries(got.payments.map((p) => [p.payment_id, p.status]))).toEqual(Object.fromEntries([...model.payments].map(([k, v]) => [k, v.status])));
          if (got.status === 'open') expect(got.amount_due.amount).toBe(total - model.paid);
        }
      }),
      { numRuns: 25 },
    );
  });
});
