import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId, systemTx } from '@novapos/platform';
import { TEST_CARDS } from '@novapos/sandbox';
import { paymentEvents, paymentsVariant, startPaymentsApp, till, transitions, usd, type CheckoutTestApp, type TestTenant, type Till } from './harness.ts';

const luhn = (n: string) => [...n].toReversed().reduce((sum, c, i) => sum + (i % 2 ? [0, 2, 4, 6, 8, 1, 3, 5, 7, 9][+c]! : +c), 0) % 10 === 0;

describe('payments on pglite', () => {
  let t: CheckoutTestApp;
  let shop: TestTenant;
  let pos: Till;

  beforeAll(async () => {
    t = await startPaymentsApp('pglite');
    shop = await t.signup({ business_name: 'Pay Shop' });
    pos = till(t, shop);
  });
  afterAll(async () => t?.close());

  const chargesUnder = (key: string) => t.sandbox.state().charges.by_idempotency_key[key] ?? 0;
  const keyOf = (id: string) => `novapos-pay-${shop.tenantId}-${id}`;

  describe('card', () => {
    it('captures an approved card with brand, last 4 and approval code, and emits payment.captured', async () => {
      const token = await t.cardToken(TEST_CARDS.approve);
      const begun = await pos.begin({ tender: 'card', amount: usd(2500), token }, { amount_due: 2500 });
      expect(begun.status).toBe('pending');
      const p = await pos.api.execute(pos.db, shop.tenantId, begun.id);
      expect(p).toMatchObject({ status: 'captured', amount: usd(2500), applied: usd(2500), tip: usd(0), change_due: usd(0) });
      expect(p.card).toMatchObject({ brand: 'visa', last4: '4242' });
      expect(p.card!.approval_code).toMatch(/\S+/);
      expect(p.processor_reference).toMatch(/^ch_/);
      expect(chargesUnder(keyOf(p.id))).toBe(1);
      const events = await paymentEvents(pos.db, p.id);
      expect(events.map((e) => e.type)).toEqual(['payment.captured']);
      expect(events[0]!.payload).toMatchObject({ order_id: p.order_id, payment: { payment_id: p.id, status: 'captured', applied: usd(2500), card: { last4: '4242' } } });
      expect((await transitions(t, shop, p.id)).map((x) => [x.from, x.to])).toEqual([[null, 'pending'], ['pending', 'captured']]);
    });

    it('charges a tip on top of the sale and leaves it out of what is applied', async () => {
      const p = await pos.pay({ tender: 'card', amount: usd(2000), tip: { percent: 15 }, token: await t.cardToken() }, { amount_due: 2000 });
      expect(p).toMatchObject({ status: 'captured', amount: usd(2300), applied: usd(2000), tip: usd(300) });
      const q = await pos.pay({ tender: 'card', amount: usd(1000), tip: usd(150), token: await t.cardToken() }, { amount_due: 1000 });
      expect(q).toMatchObject({ status: 'captured', amount: usd(1150), applied: usd(1000), tip: usd(150) });
      const charge = await fetch(`${t.sandbox.url}/v1/charges/${q.processor_reference}`, { headers: { authorization: `Bearer ${t.sandbox.secretKey}` } }).then((r) => r.json() as Promise<{ amount: number }>);
      expect(charge.amount).toBe(1150);
    });

    it.each([
      [TEST_CARDS.decline, 'declined', 'card_declined'],
      [TEST_CARDS.insufficientFunds, 'declined', 'insufficient_funds'],
      [TEST_CARDS.processingError, 'failed', 'processing_error'],
    ])('maps test card %s to %s (%s) with a message for the cashier', async (number, status, code) => {
      const p = await pos.pay({ tender: 'card', amount: usd(1200), token: await t.cardToken(number) });
      expect(p).toMatchObject({ status, decline_code: code, applied: usd(0) });
      expect(p.message).toMatch(/\w{3,}/);
      expect(p.card?.last4).toBe(number.slice(-4));
      expect((await paymentEvents(pos.db, p.id)).map((e) => e.type)).toEqual([`payment.${status}`]);
    });

    it('leaves a timed-out charge unknown, and the reconciler settles it captured with one charge', async () => {
      const p = await pos.pay({ tender: 'card', amount: usd(3100), token: await t.cardToken(TEST_CARDS.timeout) });
      expect(p.status).toBe('unknown');
      expect(p.message).toMatch(/do not charge again/i);
      const r = await pos.api.reconcile(pos.db, shop.tenantId);
      expect(r.settled).toBeGreaterThanOrEqual(1);
      const after = await pos.read((ctx) => pos.api.get(ctx, p.id));
      expect(after).toMatchObject({ status: 'captured', applied: usd(3100), card: { last4: '0408' } });
      // asking again (the flow retrying, a second reconcile) never charges again
      expect((await pos.api.execute(pos.db, shop.tenantId, p.id)).status).toBe('captured');
      await pos.api.reconcile(pos.db, shop.tenantId);
      expect(chargesUnder(keyOf(p.id))).toBe(1);
      expect((await paymentEvents(pos.db, p.id)).map((e) => e.type)).toEqual(['payment.unknown', 'payment.captured']);
      expect((await transitions(t, shop, p.id)).map((x) => x.to)).toEqual(['pending', 'unknown', 'captured']);
    });

    it('settles a charge whose answer was lost (processed, response dropped) by its idempotency key', async () => {
      t.sandbox.faults.timeoutNext(1, { processed: true });
      const p = await pos.pay({ tender: 'card', amount: usd(999), token: await t.cardToken() });
      expect(p.status).toBe('unknown');
      // a retry of execute asks under the same key and gets the saved charge
      const again = await pos.api.execute(pos.db, shop.tenantId, p.id);
      expect(again.status).toBe('captured');
      expect(chargesUnder(keyOf(p.id))).toBe(1);
    });

    it('fails a payment whose charge never reached the processor, without charging it', async () => {
      t.sandbox.faults.timeoutNext(1, { processed: false });
      const p = await pos.pay({ tender: 'card', amount: usd(4100), token: await t.cardToken() });
      expect(p.status).toBe('unknown');
      // too fresh to conclude: the request might still be on its way
      await pos.api.reconcile(pos.db, shop.tenantId);
      expect((await pos.read((ctx) => pos.api.get(ctx, p.id)))!.status).toBe('unknown');
      const eager = paymentsVariant(t, { reconcileAfterMs: 0 });
      const r = await eager.reconcile(pos.db);
      expect(r.settled).toBeGreaterThanOrEqual(1);
      const after = await pos.read((ctx) => pos.api.get(ctx, p.id));
      expect(after).toMatchObject({ status: 'failed', decline_code: 'not_processed', applied: usd(0) });
      expect(chargesUnder(keyOf(p.id))).toBe(0);
      // and it is never sent again
      expect((await pos.api.execute(pos.db, shop.tenantId, p.id)).status).toBe('failed');
      expect(chargesUnder(keyOf(p.id))).toBe(0);
    });

    it('runs two executes of one payment to one charge', async () => {
      const begun = await pos.begin({ tender: 'card', amount: usd(700), token: await t.cardToken() });
      const [a, b] = await Promise.all([pos.api.execute(pos.db, shop.tenantId, begun.id), pos.api.execute(pos.db, shop.tenantId, begun.id)]);
      expect([a.status, b.status]).toEqual(['captured', 'captured']);
      expect(chargesUnder(keyOf(begun.id))).toBe(1);
      expect((await paymentEvents(pos.db, begun.id)).map((e) => e.type)).toEqual(['payment.captured']);
    });

    it("keeps a payment id another tenant also used apart at the processor (tills mint ids)", async () => {
      const other = await t.signup({ business_name: 'Same Id Shop' });
      const pos2 = till(t, other);
      const id = newId();
      const mine = await pos.begin({ tender: 'card', amount: usd(600), token: await t.cardToken() }, { id });
      const theirs = await pos2.begin({ tender: 'card', amount: usd(900), token: await t.cardToken(TEST_CARDS.decline) }, { id });
      const a = await pos.api.execute(pos.db, shop.tenantId, mine.id);
      const b = await pos2.api.execute(pos2.db, other.tenantId, theirs.id);
      expect([a.status, b.status]).toEqual(['captured', 'declined']);
      expect(a.processor_reference).not.toBe(b.processor_reference);
    });

    it('refuses paying more than is due with a card (422 overpayment) and a card body without a token (400)', async () => {
      await expect(pos.begin({ tender: 'card', amount: usd(1001), token: 'tok_x' }, { amount_due: 1000 })).rejects.toMatchObject({ status: 422, code: 'overpayment' });
      await expect(pos.begin({ tender: 'card', amount: usd(100) })).rejects.toMatchObject({ status: 400, errors: [{ path: 'token' }] });
      await expect(pos.begin({ tender: 'cash', amount: usd(100), tip: usd(10) })).rejects.toMatchObject({ status: 400, errors: [{ path: 'tip' }] });
      await expect(pos.begin({ tender: 'cash', amount: { amount: 100, currency: 'EUR' } })).rejects.toMatchObject({ status: 400, code: 'currency_mismatch' });
    });

    it('voids a captured card by refunding it at the processor', async () => {
      const p = await pos.pay({ tender: 'card', amount: usd(1800), token: await t.cardToken() });
      const v = await pos.api.void(pos.db, shop.tenantId, p.id, { reason: 'customer changed their mind' });
      expect(v.status).toBe('voided');
      expect(t.sandbox.state().refunds.by_idempotency_key[`${keyOf(p.id)}-void`]).toBe(1);
      // a second void is a no-op, not a second refund
      expect((await pos.api.void(pos.db, shop.tenantId, p.id, { reason: 'again' })).status).toBe('voided');
      expect(t.sandbox.state().refunds.by_idempotency_key[`${keyOf(p.id)}-void`]).toBe(1);
      expect((await paymentEvents(pos.db, p.id)).map((e) => e.type)).toEqual(['payment.captured', 'payment.voided']);
      const log = await transitions(t, shop, p.id);
      expect(log.at(-1)).toMatchObject({ from: 'captured', to: 'voided', reason: 'customer changed their mind' });
    });

    it('refuses illegal transitions with 409 and the current status', async () => {
      const p = await pos.pay({ tender: 'card', amount: usd(500), token: await t.cardToken(TEST_CARDS.decline) });
      await expect(pos.api.void(pos.db, shop.tenantId, p.id, { reason: 'x' })).rejects.toMatchObject({ status: 409, code: 'invalid_transition', extra: { status: 'declined' } });
      const pending = await pos.begin({ tender: 'card', amount: usd(500), token: await t.cardToken() });
      await expect(pos.api.void(pos.db, shop.tenantId, pending.id, { reason: 'x' })).rejects.toMatchObject({ status: 409 });
    });
  });

  describe('cash', () => {
    it('applies what is due, gives change, and only cash may overpay', async () => {
      const p = await pos.pay({ tender: 'cash', amount: usd(5000) }, { amount_due: 3720 });
      expect(p).toMatchObject({ status: 'captured', amount: usd(5000), applied: usd(3720), change_due: usd(1280), cash_rounding: 0 });
      const part = await pos.begin({ tender: 'cash', amount: usd(1000) }, { amount_due: 3720 });
      expect(part).toMatchObject({ applied: usd(1000), change_due: usd(0) });
      expect((await paymentEvents(pos.db, p.id))[0]!.payload.payment).toMatchObject({ tender: 'cash', change_due: usd(1280) });
    });

    it('rounds cash to the tenant increment when it settles the sale', async () => {
      const s = await t.request('PATCH', '/api/v1/payments/settings', { token: shop.token, body: { cash_rounding_increment: 5 } });
      expect(s.status).toBe(200);
      expect(s.body).toMatchObject({ cash_rounding_increment: 5, offline_card_payment_cap: 10000, offline_card_enabled: false });
      try {
        const up = await pos.begin({ tender: 'cash', amount: usd(2000) }, { amount_due: 1003 });
        expect(up).toMatchObject({ applied: usd(1005), change_due: usd(995), cash_rounding: 2 });
        const down = await pos.begin({ tender: 'cash', amount: usd(1000) }, { amount_due: 1002 });
        expect(down).toMatchObject({ applied: usd(1000), change_due: usd(0), cash_rounding: -2 });
        const part = await pos.begin({ tender: 'cash', amount: usd(500) }, { amount_due: 1003 });
        expect(part).toMatchObject({ applied: usd(500), cash_rounding: 0 });
      } finally {
        await t.request('PATCH', '/api/v1/payments/settings', { token: shop.token, body: { cash_rounding_increment: 0 } });
      }
    });

    it('voids cash (handed back) and answers a resent payment id with the payment as it is', async () => {
      const id = newId();
      const orderId = newId();
      const p = await pos.begin({ tender: 'cash', amount: usd(800) }, { id, order_id: orderId, amount_due: 800 });
      const again = await pos.begin({ tender: 'cash', amount: usd(800) }, { id, order_id: orderId, amount_due: 0 });
      expect(again).toEqual(p);
      await expect(pos.begin({ tender: 'cash', amount: usd(800) }, { id, amount_due: 800 })).rejects.toMatchObject({ status: 409, code: 'payment_id_conflict' });
      const v = await pos.api.void(pos.db, shop.tenantId, id, { reason: 'wrong order' });
      expect(v.status).toBe('voided');
      expect((await pos.read((ctx) => pos.api.listForOrder(ctx, orderId))).map((x) => x.status)).toEqual(['voided']);
    });
  });

  describe('settings and reads', () => {
    it('needs payments.settings to read or change settings, and validates the patch', async () => {
      const bad = await t.request('PATCH', '/api/v1/payments/settings', { token: shop.token, body: { cash_rounding_increment: -1 } });
      expect(bad.status).toBe(400);
      const r = await t.request('GET', '/api/v1/payments/settings', { token: shop.token });
      expect(r.status).toBe(200);
      expect(r.body.gift_card_offline_limit).toBe(0);
      expect((await t.request('GET', '/api/v1/payments/settings')).status).toBe(401);
    });

    it('documents its routes in the OpenAPI document', async () => {
      const r = await t.request('GET', '/api/openapi.json');
      expect(r.status).toBe(200);
      const paths = Object.keys(r.body.paths);
      for (const p of ['/api/v1/gift-cards', '/api/v1/gift-cards/{code}', '/api/v1/payments/{id}', '/api/v1/payments/settings', '/api/v1/webhooks/sandbox']) expect(paths).toContain(p);
    });

    it("never shows one tenant's payment to another", async () => {
      const p = await pos.pay({ tender: 'cash', amount: usd(100) });
      const other = await t.signup({ business_name: 'Other Shop' });
      expect((await t.request('GET', `/api/v1/payments/${p.id}`, { token: other.token })).status).toBe(404);
      expect((await t.request('GET', `/api/v1/payments/${p.id}`, { token: shop.token })).status).toBe(200);
    });

    it('keeps no card number or CVV in the database or in responses', async () => {
      const tokens = await Promise.all([TEST_CARDS.approve, TEST_CARDS.decline, TEST_CARDS.timeout].map((n) => t.cardToken(n)));
      const paid = [];
      for (const token of tokens) paid.push(await pos.pay({ tender: 'card', amount: usd(321), token }));
      await pos.api.reconcile(pos.db, shop.tenantId);
      const responses = JSON.stringify(await Promise.all(paid.map((p) => t.request('GET', `/api/v1/payments/${p.id}`, { token: shop.token }).then((r) => r.body))));
      const tables = ['payments', 'transitions', 'charge_refs', 'webhook_events', 'gift_cards', 'gift_card_activities', 'settings'];
      const own = await pos.read(async (ctx) => {
        const parts: string[] = [];
        for (const table of tables) parts.push(JSON.stringify((await sql`select * from ${sql.table(`payments.${table}`)}`.execute(ctx.trx)).rows));
        return parts.join('\n');
      });
      const events = await systemTx(pos.db.db, async (trx) => JSON.stringify((await sql`select payload from platform.outbox`.execute(trx)).rows));
      const dump = `${own}\n${events}`;
      expect(dump).toContain('4242');
      for (const number of Object.values(TEST_CARDS)) {
        expect(dump.includes(number), `database holds ${number}`).toBe(false);
        expect(responses.includes(number), `a response holds ${number}`).toBe(false);
      }
      // nothing that looks like a card number (13-19 digits passing Luhn) either
      expect([...`${dump}${responses}`.matchAll(/\d{13,19}/g)].map((m) => m[0]).filter(luhn)).toEqual([]);
      expect(dump).not.toMatch(/cvc|cvv/i);
    });
  });
});
