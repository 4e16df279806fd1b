// Shared by the payments tests: a test app with its sandbox, and the service called as the checkout flow calls it.
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { newId, serviceCtx, systemActor, systemTx, tenantTx, type Ctx, type Database } from '@novapos/platform';
import { idem, startCheckoutTestApp, type CheckoutTestApp, type DbKind, type TestTenant } from '@novapos/server/testing';
import { createPaymentsModule, paymentsKeys, type PaymentCreate, type PaymentDto, type PaymentsApi, type PaymentsModuleDeps } from '../src/index.ts';

export { idem, type CheckoutTestApp, type DbKind, type TestTenant };

export async function startPaymentsApp(kind: DbKind): Promise<CheckoutTestApp> {
  return startCheckoutTestApp(kind, { processorTimeoutMs: 1000 }, { timeoutMs: 20_000 });
}

/**
 * A second payments module on the same database and sandbox with other processor settings (short
 * crypto expiry, reconcile at once): what another replica with that configuration would do.
 */
export function paymentsVariant(t: CheckoutTestApp, processor: Partial<PaymentsModuleDeps['processor']>): PaymentsApi {
  return createPaymentsModule({
    clock: t.app.kernel.clock,
    log: t.app.log,
    database: t.app.database,
    processor: { url: t.sandbox.url, secretKey: t.sandbox.secretKey, webhookSecret: t.sandbox.webhookSecret, timeoutMs: 1000, ...processor },
    publicUrl: t.url,
    keys: paymentsKeys(t.config.masterKey),
  }).service;
}

export interface Till {
  api: PaymentsApi;
  db: Database;
  tenantId: string;
  /** begin, as the flow calls it in its transaction; a new order id unless one is given */
  begin(body: PaymentCreate & Record<string, unknown>, o?: { order_id?: string; amount_due?: number; id?: string; currency?: string }): Promise<PaymentDto>;
  /** runs fn in a tenant transaction with a service ctx (get, listForOrder, settings) */
  read<T>(fn: (ctx: Ctx) => Promise<T>): Promise<T>;
  /** begin, then execute outside the transaction */
  pay(body: PaymentCreate & Record<string, unknown>, o?: { order_id?: string; amount_due?: number }): Promise<PaymentDto>;
}

export function till(t: CheckoutTestApp, shop: TestTenant, api: PaymentsApi = t.app.modules.payments.service): Till {
  const db = t.app.database;
  const begin: Till['begin'] = (body, o = {}) =>
    tenantTx(db.db, shop.tenantId, (trx) =>
      api.begin(serviceCtx({ trx, tenantId: shop.tenantId, actor: systemActor, clock: t.app.kernel.clock, log: t.app.log }), {
        ...(o.id ? { id: o.id } : {}),
        order_id: o.order_id ?? newId(),
        store_id: shop.storeId,
        register_id: shop.registerId,
        currency: o.currency ?? 'USD',
        amount_due: o.amount_due ?? body.amount.amount,
        body,
      }),
    );
  return {
    api,
    db,
    tenantId: shop.tenantId,
    begin,
    read: (fn) => tenantTx(db.db, shop.tenantId, (trx) => fn(serviceCtx({ trx, tenantId: shop.tenantId, actor: systemActor, clock: t.app.kernel.clock, log: t.app.log }))),
    async pay(body, o) {
      const p = await begin(body, o);
      return api.execute(db, shop.tenantId, p.id);
    },
  };
}

export const usd = (amount: number) => ({ amount, currency: 'USD' });

/** Events written to the outbox for a payment, oldest first. */
export async function paymentEvents(db: Database, paymentId: string): Promise<{ type: string; payload: any }[]> {
  return systemTx(db.db, async (trx) => (await sql<{ type: string; payload: any }>`select type, payload from platform.outbox where payload->'payment'->>'payment_id' = ${paymentId} order by id`.execute(trx)).rows);
}

export async function transitions(t: CheckoutTestApp, shop: TestTenant, paymentId: string): Promise<{ from: string | null; to: string; reason: string }[]> {
  const r = await t.request('GET', `/api/v1/payments/${paymentId}`, { token: shop.token });
  if (r.status !== 200) throw new Error(`GET payment ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.transitions;
}

/** Issues a gift card over HTTP and returns its full code. */
export async function issueCard(t: CheckoutTestApp, shop: TestTenant, amount: number): Promise<{ code: string; id: string }> {
  const r = await t.request('POST', '/api/v1/gift-cards', { token: shop.token, headers: idem(), body: { initial_amount: usd(amount) } });
  if (r.status !== 201) throw new Error(`issue failed ${r.status} ${JSON.stringify(r.body)}`);
  return { code: r.body.code, id: r.body.id };
}

export const uniqueEmail = () => `pay-${randomUUID()}@example.com`;
