// Where concurrency matters: real row locks and real parallel transactions on a PostgreSQL server,
// with the app logging in as a role that row-level security applies to.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_CARDS } from '@novapos/sandbox';
import { hasPostgres } from '@novapos/testkit';
import { idem, issueCard, paymentEvents, startPaymentsApp, till, usd, type CheckoutTestApp, type TestTenant, type Till } from './harness.ts';

describe.skipIf(!hasPostgres())('payments on postgres', () => {
  let t: CheckoutTestApp;
  let shop: TestTenant;
  let pos: Till;

  beforeAll(async () => {
    t = await startPaymentsApp('postgres');
    shop = await t.signup({ business_name: 'Busy Shop' });
    pos = till(t, shop);
  });
  afterAll(async () => t?.close());

  const balance = async (code: string) => (await t.request('GET', `/api/v1/gift-cards/${code}`, { token: shop.token })).body.balance.amount as number;

  it('never drives a gift card negative: 50 concurrent redemptions of 10 on a card of 100, exactly 10 succeed', async () => {
    const { code } = await issueCard(t, shop, 100);
    const results = await Promise.all(Array.from({ length: 50 }, () => pos.begin({ tender: 'gift_card', amount: usd(10), code }, { amount_due: 10 })));
    const captured = results.filter((p) => p.status === 'captured');
    expect(captured).toHaveLength(10);
    expect(captured.every((p) => p.applied.amount === 10 && !p.partial)).toBe(true);
    expect(results.filter((p) => p.status === 'declined').every((p) => p.decline_code === 'insufficient_funds')).toBe(true);
    expect(await balance(code)).toBe(0);
    const acts = (await t.request('GET', `/api/v1/gift-cards/${code}/activities?limit=200`, { token: shop.token })).body.data as { kind: string; amount: { amount: number }; balance_after: { amount: number } }[];
    expect(acts.filter((a) => a.kind === 'redeem')).toHaveLength(10);
    expect(acts.reduce((s, a) => s + a.amount.amount, 0)).toBe(0);
    expect(new Set(acts.map((a) => a.balance_after.amount)).size).toBe(acts.length);
  });

  it('authorizes partially under contention: what is taken always adds up to what was on the card', async () => {
    const { code } = await issueCard(t, shop, 1000);
    const results = await Promise.all(Array.from({ length: 20 }, () => pos.begin({ tender: 'gift_card', amount: usd(150), code }, { amount_due: 150 })));
    const taken = results.filter((p) => p.status === 'captured').reduce((s, p) => s + p.applied.amount, 0);
    expect(taken).toBe(1000);
    expect(results.filter((p) => p.partial)).toHaveLength(1);
    expect(await balance(code)).toBe(0);
  });

  it('adds concurrent loads and redemptions by atomic deltas', async () => {
    const { code } = await issueCard(t, shop, 500);
    await Promise.all([
      ...Array.from({ length: 10 }, () => t.request('POST', `/api/v1/gift-cards/${code}/load`, { token: shop.token, headers: idem(), body: { amount: usd(100) } })),
      ...Array.from({ length: 10 }, () => pos.begin({ tender: 'gift_card', amount: usd(50), code }, { amount_due: 50 })),
    ]);
    expect(await balance(code)).toBe(500 + 1000 - 500);
  });

  it('re-credits a gift card payment voided twice at once only once', async () => {
    const { code } = await issueCard(t, shop, 300);
    const p = await pos.begin({ tender: 'gift_card', amount: usd(300), code }, { amount_due: 300 });
    const voids = await Promise.allSettled(Array.from({ length: 5 }, () => pos.api.void(pos.db, shop.tenantId, p.id, { reason: 'duplicate tap' })));
    expect(voids.every((v) => v.status === 'fulfilled' && v.value.status === 'voided')).toBe(true);
    expect(await balance(code)).toBe(300);
    expect((await paymentEvents(pos.db, p.id)).map((e) => e.type)).toEqual(['payment.captured', 'payment.voided']);
  });

  it('charges once when one card payment is executed from several places at once', async () => {
    const begun = await pos.begin({ tender: 'card', amount: usd(2500), token: await t.cardToken() });
    const outs = await Promise.all(Array.from({ length: 8 }, () => pos.api.execute(pos.db, shop.tenantId, begun.id)));
    expect(outs.every((p) => p.status === 'captured')).toBe(true);
    expect(t.sandbox.state().charges.by_idempotency_key[`novapos-pay-${shop.tenantId}-${begun.id}`]).toBe(1);
    expect((await paymentEvents(pos.db, begun.id)).map((e) => e.type)).toEqual(['payment.captured']);
  });

  it('reconciles unknown payments of every tenant from a system transaction, each in its own tenant', async () => {
    const other = await t.signup({ business_name: 'Second Busy Shop' });
    const pos2 = till(t, other);
    const a = await pos.pay({ tender: 'card', amount: usd(100), token: await t.cardToken(TEST_CARDS.timeout) });
    const b = await pos2.pay({ tender: 'card', amount: usd(200), token: await t.cardToken(TEST_CARDS.timeout) });
    expect([a.status, b.status]).toEqual(['unknown', 'unknown']);
    const r = await pos.api.reconcile(pos.db);
    expect(r.settled).toBeGreaterThanOrEqual(2);
    expect((await pos.read((ctx) => pos.api.get(ctx, a.id)))!.status).toBe('captured');
    expect((await pos2.read((ctx) => pos2.api.get(ctx, b.id)))!.status).toBe('captured');
    // row-level security: neither tenant sees the other's payment
    expect(await pos.read((ctx) => pos.api.get(ctx, b.id))).toBeNull();
    expect((await t.request('GET', `/api/v1/payments/${a.id}`, { token: other.token })).status).toBe(404);
  });

  it('finds the tenant of a webhook through the charge directory and applies it under RLS', async () => {
    const begun = await pos.begin({ tender: 'crypto', amount: usd(777) });
    const p = await pos.api.execute(pos.db, shop.tenantId, begun.id);
    await fetch(`${t.sandbox.url}/v1/crypto/charges/${p.crypto!.charge_id}/pay`, { method: 'POST' });
    await t.sandbox.webhooksIdle();
    expect((await pos.read((ctx) => pos.api.get(ctx, p.id)))!.status).toBe('captured');
    expect((await paymentEvents(pos.db, p.id)).map((e) => e.type)).toEqual(['payment.captured']);
  });

  it('runs as a role that row-level security applies to', async () => {
    const r = await sql<{ rolsuper: boolean }>`select rolsuper from pg_roles where rolname = current_user`.execute(t.app.database.db);
    expect(r.rows[0]!.rolsuper).toBe(false);
    // without a tenant, the payments tables show nothing
    const rows = await t.app.database.db.transaction().execute(async (trx) => {
      await sql`select set_config('role', 'novapos_app', true)`.execute(trx);
      return (await sql<{ n: number }>`select count(*)::int as n from payments.payments`.execute(trx)).rows[0]!.n;
    });
    expect(rows).toBe(0);
  });
});
