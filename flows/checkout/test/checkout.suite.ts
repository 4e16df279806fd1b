// Checkout through HTTP as a till and an integrator use it, against a real payment sandbox.
// Run on PGlite (checkout.test.ts) and on a PostgreSQL server (checkout.pg.test.ts).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_CARDS } from '@novapos/sandbox';
import { seedTeeShop, startCheckoutTestApp, type CheckoutTestApp, type DbKind, type TestTenant } from '@novapos/server/testing';

export const usd = (amount: number) => ({ amount, currency: 'USD' });

export interface Shop {
  t: CheckoutTestApp;
  owner: TestTenant;
  cashierToken: string;
  /** S 10.00, M 25.50, Serial-tracked 99.00 */
  variants: { s: string; m: string; serial: string };
  clock: { now: number };
}

export async function openShop(kind: DbKind): Promise<Shop> {
  const clock = { now: Date.now() };
  const t = await startCheckoutTestApp(kind, {}, { clock: () => new Date(clock.now) });
  const owner = await t.signup();
  const { api, variants: tee, cashier } = await seedTeeShop(t, owner);
  const s = await api('POST', '/api/v1/products', { name: 'Phone', variants: [{ sku: 'PHONE-1', price: usd(9900), track_serials: true }] });
  if (s.status !== 201) throw new Error(JSON.stringify(s.body));
  const variants = { ...tee, serial: s.body.variants[0].id };
  for (const v of [variants.s, variants.m]) {
    const r = await api('POST', '/api/v1/inventory/adjustments', { store_id: owner.storeId, variant_id: v, delta: 100, reason: 'found' });
    if (r.status !== 201) throw new Error(JSON.stringify(r.body));
  }
  const rc = await api('POST', '/api/v1/inventory/receipts', { store_id: owner.storeId, supplier: 'Acme', lines: [{ variant_id: variants.serial, quantity: 2, unit_cost: usd(5000), serial_numbers: ['SN-1', 'SN-2'] }] });
  if (rc.status !== 201) throw new Error(JSON.stringify(rc.body));
  return { t, owner, cashierToken: cashier.token, variants, clock };
}

export function checkoutSuite(kind: DbKind) {
  let shop: Shop;
  let t: CheckoutTestApp;
  beforeAll(async () => {
    shop = await openShop(kind);
    t = shop.t;
  }, 120_000);
  afterAll(() => shop?.t.close());

  const post = (url: string, body: unknown, opts: { token?: string; key?: string } = {}) =>
    t.request('POST', url, { token: opts.token ?? shop.owner.token, headers: { 'idempotency-key': opts.key ?? randomUUID() }, body });
  const get = (url: string) => t.request('GET', url, { token: shop.owner.token });
  const order = (lines: { variant_id: string; quantity: number; serial_numbers?: string[] }[]) => ({ store_id: shop.owner.storeId, register_id: shop.owner.registerId, lines });
  const onHand = async (variantId: string) => {
    const r = await get(`/api/v1/inventory?store_id=${shop.owner.storeId}&variant_id=${variantId}`);
    return (r.body.data ?? r.body)[0]?.on_hand as number;
  };

  describe(`checkout (${kind})`, () => {
    it('sells for cash: change due, completed, stock moved once even when the event is delivered again', async () => {
      const before = await onHand(shop.variants.m);
      const r = await post('/api/v1/checkout', { order: order([{ variant_id: shop.variants.m, quantity: 2 }]), payments: [{ tender: 'cash', amount: usd(6000) }] });
      expect(r.status).toBe(201);
      expect(r.body).toMatchObject({ status: 'completed', total: usd(5100), amount_paid: usd(5100), amount_due: usd(0), change_due: usd(900) });
      expect(r.body.number).toMatch(/^S\d+-R\d+-\d{6}$/);
      expect(r.body.payments).toEqual([expect.objectContaining({ tender: 'cash', status: 'captured', amount: usd(6000), applied: usd(5100), change_due: usd(900) })]);
      await t.app.bus.drain(20_000);
      expect(await onHand(shop.variants.m)).toBe(before - 2);
      // the event delivered again (a relay retry): stock does not move twice
      await t.app.bus.drain(20_000);
      expect(await onHand(shop.variants.m)).toBe(before - 2);
    });

    it('charges a card through the processor: brand, last 4 and approval code, never the number', async () => {
      const token = await t.cardToken(TEST_CARDS.approve);
      const r = await post('/api/v1/checkout', { order: order([{ variant_id: shop.variants.s, quantity: 1 }]), payments: [{ tender: 'card', token, amount: usd(1000) }] });
      expect(r.status).toBe(201);
      expect(r.body.status).toBe('completed');
      const card = r.body.payments[0].card;
      expect(card).toMatchObject({ brand: 'visa', last4: '4242' });
      expect(card.approval_code).toMatch(/\S+/);
      expect(JSON.stringify(r.body)).not.toContain(TEST_CARDS.approve);
    });

    it('keeps a sale open after a decline, with the reason, and takes cash for it afterwards', async () => {
      for (const [number, code] of [
        [TEST_CARDS.decline, 'payment_declined'],
        [TEST_CARDS.insufficientFunds, 'payment_declined'],
        [TEST_CARDS.processingError, 'payment_failed'],
      ] as const) {
        const token = await t.cardToken(number);
        const r = await post('/api/v1/checkout', { order: order([{ variant_id: shop.variants.s, quantity: 1 }]), payments: [{ tender: 'card', token, amount: usd(1000) }] });
        expect(r.status, JSON.stringify(r.body)).toBe(402);
        expect(r.headers['content-type']).toContain('application/problem+json');
        expect(r.body.code).toBe(code);
        expect(r.body.detail).toMatch(/\w/);
        expect(r.body.order).toMatchObject({ status: 'open', amount_due: usd(1000) });
        const cash = await post(`/api/v1/orders/${r.body.order_id}/payments`, { tender: 'cash', amount: usd(2000) });
        expect(cash.status, JSON.stringify(cash.body)).toBe(201);
        expect(cash.body).toMatchObject({ tender: 'cash', status: 'captured', change_due: usd(1000) });
        expect(cash.body.order).toMatchObject({ status: 'completed', amount_paid: usd(1000) });
      }
    });

    it('splits a sale over card and cash; only cash may pay more than is due', async () => {
      const token = await t.cardToken();
      const r = await post('/api/v1/checkout', {
        order: order([{ variant_id: shop.variants.m, quantity: 1 }, { variant_id: shop.variants.s, quantity: 1 }]),
        payments: [{ tender: 'card', token, amount: usd(3000) }, { tender: 'cash', amount: usd(1000) }],
      });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      expect(r.body).toMatchObject({ status: 'completed', total: usd(3550), amount_paid: usd(3550), change_due: usd(450) });
      expect(r.body.payments.map((p: { tender: string }) => p.tender)).toEqual(['card', 'cash']);

      const open = await post('/api/v1/orders', order([{ variant_id: shop.variants.s, quantity: 1 }]));
      expect(open.status).toBe(201);
      const over = await post(`/api/v1/orders/${open.body.id}/payments`, { tender: 'card', token: await t.cardToken(), amount: usd(1500) });
      expect(over.status).toBe(422);
      expect(over.body.code).toBe('overpayment');
      expect((await get(`/api/v1/orders/${open.body.id}`)).body).toMatchObject({ status: 'open', amount_paid: usd(0), payments: [] });
      expect(t.sandbox.state().charges.by_status.succeeded).toBeGreaterThan(0);
    });

    it('authorizes a short gift card for its balance and takes the rest on another tender', async () => {
      const gc = await post('/api/v1/gift-cards', { initial_amount: usd(1500) });
      expect(gc.status, JSON.stringify(gc.body)).toBe(201);
      const r = await post('/api/v1/checkout', { order: order([{ variant_id: shop.variants.m, quantity: 1 }]), payments: [{ tender: 'gift_card', code: gc.body.code, amount: usd(2550) }] });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      expect(r.body).toMatchObject({ status: 'open', amount_paid: usd(1500), amount_due: usd(1050) });
      expect(r.body.payments[0]).toMatchObject({ tender: 'gift_card', status: 'captured', applied: usd(1500) });
      expect((await get(`/api/v1/gift-cards/${gc.body.code}`)).body.balance).toEqual(usd(0));
      const rest = await post(`/api/v1/orders/${r.body.id}/payments`, { tender: 'card', token: await t.cardToken(), amount: usd(1050) });
      expect(rest.status, JSON.stringify(rest.body)).toBe(201);
      expect(rest.body.order.status).toBe('completed');
    });

    it('waits for a crypto payment and completes when the signed webhook says it was paid', async () => {
      const r = await post('/api/v1/checkout', { order: order([{ variant_id: shop.variants.s, quantity: 2 }]), payments: [{ tender: 'crypto', amount: usd(2000) }] });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      expect(r.body.status).toBe('open');
      const pay = r.body.payments[0];
      expect(pay).toMatchObject({ tender: 'crypto', status: 'pending' });
      expect(pay.crypto.hosted_url).toMatch(/^http/);
      const paid = await fetch(`${t.sandbox.url}/v1/crypto/charges/${pay.crypto.charge_id}/pay`, { method: 'POST' });
      expect(paid.status).toBeLessThan(300);
      await t.sandbox.webhooksIdle();
      await t.app.bus.drain(20_000);
      const after = await get(`/api/v1/orders/${r.body.id}`);
      expect(after.body.status).toBe('completed');
      expect(after.body.payments[0].status).toBe('captured');
    });

    it('fails an expired crypto charge and lets the cashier take another tender', async () => {
      const r = await post('/api/v1/checkout', { order: order([{ variant_id: shop.variants.s, quantity: 1 }]), payments: [{ tender: 'crypto', amount: usd(1000) }] });
      expect(r.status).toBe(201);
      // the processor's clock passes the charge's expiry; its webhook is signed at the real time
      shop.clock.now += 3 * 3600_000;
      t.sandbox.sweep();
      shop.clock.now -= 3 * 3600_000;
      await t.sandbox.webhooksIdle();
      await t.app.bus.drain(20_000);
      const after = await get(`/api/v1/orders/${r.body.id}`);
      expect(after.body.status).toBe('open');
      expect(after.body.payments[0].status).toBe('failed');
      const cash = await post(`/api/v1/orders/${r.body.id}/payments`, { tender: 'cash', amount: usd(1000) });
      expect(cash.body.order.status).toBe('completed');
    });

    it('replays a repeated checkout and refuses the same key with another body', async () => {
      const key = randomUUID();
      const body = { order: order([{ variant_id: shop.variants.s, quantity: 1 }]), payments: [{ tender: 'card', token: await t.cardToken(), amount: usd(1000) }] };
      const charges = t.sandbox.state().charges.count;
      const first = await post('/api/v1/checkout', body, { key });
      const again = await post('/api/v1/checkout', body, { key });
      expect(first.status).toBe(201);
      expect(again.status).toBe(201);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.body.id).toBe(first.body.id);
      expect(t.sandbox.state().charges.count).toBe(charges + 1);
      const other = await post('/api/v1/checkout', { ...body, order: order([{ variant_id: shop.variants.s, quantity: 2 }]) }, { key });
      expect(other.status).toBe(422);
      expect(other.body.code).toBe('idempotency_key_reused');
    });

    it('answers 503 when the processor times out, and settles on a retry with one charge', async () => {
      const key = randomUUID();
      const body = { order: order([{ variant_id: shop.variants.s, quantity: 1 }]), payments: [{ tender: 'card', token: await t.cardToken(TEST_CARDS.timeout), amount: usd(1000) }] };
      const first = await post('/api/v1/checkout', body, { key });
      expect(first.status, JSON.stringify(first.body)).toBe(503);
      expect(first.body.code).toBe('payment_outcome_unknown');
      const orderId = first.body.order_id;
      expect((await get(`/api/v1/orders/${orderId}`)).body.payments[0].status).toBe('unknown');
      const retry = await post('/api/v1/checkout', body, { key });
      expect(retry.status, JSON.stringify(retry.body)).toBe(201);
      expect(retry.body).toMatchObject({ id: orderId, status: 'completed' });
      const keys = Object.entries(t.sandbox.state().charges.by_idempotency_key).filter(([k]) => k.includes(retry.body.payments[0].payment_id));
      expect(keys).toEqual([[expect.any(String), 1]]);
    });

    it('the reconciler settles a timed-out payment without a retry', async () => {
      const body = { order: order([{ variant_id: shop.variants.s, quantity: 1 }]), payments: [{ tender: 'card', token: await t.cardToken(TEST_CARDS.timeout), amount: usd(1000) }] };
      const first = await post('/api/v1/checkout', body);
      expect(first.status).toBe(503);
      await t.app.modules.payments.service.reconcile(t.app.database);
      await t.app.bus.drain(20_000);
      const after = await get(`/api/v1/orders/${first.body.order_id}`);
      expect(after.body.status).toBe('completed');
      expect(after.body.payments[0].status).toBe('captured');
    });

    it('refuses to sell a serial-tracked item without an in-stock serial, and marks the serial sold', async () => {
      const none = await post('/api/v1/checkout', { order: order([{ variant_id: shop.variants.serial, quantity: 1 }]), payments: [{ tender: 'cash', amount: usd(9900) }] });
      expect(none.status).toBe(400);
      const wrong = await post('/api/v1/checkout', { order: order([{ variant_id: shop.variants.serial, quantity: 1, serial_numbers: ['NOPE'] }]), payments: [{ tender: 'cash', amount: usd(9900) }] });
      expect(wrong.status).toBe(409);
      const ok = await post('/api/v1/checkout', { order: order([{ variant_id: shop.variants.serial, quantity: 1, serial_numbers: ['SN-1'] }]), payments: [{ tender: 'cash', amount: usd(9900) }] });
      expect(ok.status, JSON.stringify(ok.body)).toBe(201);
      await t.app.bus.drain(20_000);
      const again = await post('/api/v1/checkout', { order: order([{ variant_id: shop.variants.serial, quantity: 1, serial_numbers: ['SN-1'] }]), payments: [{ tender: 'cash', amount: usd(9900) }] });
      expect(again.status).toBe(409);
    });

    it('bad input changes nothing: no order, no payment, no key kept', async () => {
      const before = (await get(`/api/v1/orders?limit=200`)).body.data.length;
      const key = randomUUID();
      const bad = await post('/api/v1/checkout', { order: order([{ variant_id: shop.variants.s, quantity: 0 }]), payments: [{ tender: 'cash', amount: usd(100) }] }, { key });
      expect(bad.status).toBe(400);
      expect(bad.body.errors[0].path).toMatch(/order\.lines\.0\.quantity/);
      const noLines = await post('/api/v1/checkout', { order: order([]), payments: [] }, { key });
      expect(noLines.status).toBe(400);
      expect((await get(`/api/v1/orders?limit=200`)).body.data.length).toBe(before);
      // an unknown gift card is a decline, as a card's would be: the sale stays open for another tender
      const unknownGift = await post('/api/v1/checkout', { order: order([{ variant_id: shop.variants.s, quantity: 1 }]), payments: [{ tender: 'gift_card', code: '4111 1111 1111 1111', amount: usd(100) }] });
      expect(unknownGift.status).toBe(402);
      expect(unknownGift.body).toMatchObject({ code: 'payment_declined', decline_code: 'gift_card_not_found', order: { status: 'open' } });
      // the key was not kept: the corrected request runs
      const fixed = await post('/api/v1/checkout', { order: order([{ variant_id: shop.variants.s, quantity: 1 }]), payments: [{ tender: 'cash', amount: usd(1000) }] }, { key });
      expect(fixed.status).toBe(201);
    });

    it('completes a sale discounted to zero without a payment', async () => {
      const r = await post('/api/v1/checkout', {
        order: { ...order([{ variant_id: shop.variants.s, quantity: 1 }]), order_discount: { type: 'percent', value: 10000, reason: 'damaged display item' } },
        payments: [],
      });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      expect(r.body).toMatchObject({ status: 'completed', total: usd(0), amount_due: usd(0), payments: [] });
    });

    it('voids an open sale: card money goes back first; a cashier needs a manager for it', async () => {
      const open = await post('/api/v1/orders', order([{ variant_id: shop.variants.m, quantity: 1 }]));
      const gift = await post('/api/v1/gift-cards', { initial_amount: usd(1000) });
      await post(`/api/v1/orders/${open.body.id}/payments`, { tender: 'gift_card', code: gift.body.code, amount: usd(1000) });
      const card = await post(`/api/v1/orders/${open.body.id}/payments`, { tender: 'card', token: await t.cardToken(), amount: usd(1000) });
      expect(card.status).toBe(201);
      const byCashier = await post(`/api/v1/orders/${open.body.id}/void`, { reason: 'customer left' }, { token: shop.cashierToken });
      expect(byCashier.status).toBe(403);
      const voided = await post(`/api/v1/orders/${open.body.id}/void`, { reason: 'customer left' });
      expect(voided.status, JSON.stringify(voided.body)).toBe(200);
      expect(voided.body.status).toBe('voided');
      expect(voided.body.payments.map((p: { status: string }) => p.status)).toEqual(['voided', 'voided']);
      expect((await get(`/api/v1/gift-cards/${gift.body.code}`)).body.balance).toEqual(usd(1000));
      const again = await post(`/api/v1/orders/${open.body.id}/void`, { reason: 'twice' });
      expect(again.status).toBe(409);
      expect(again.body.current_status).toBe('voided');
      const pay = await post(`/api/v1/orders/${open.body.id}/payments`, { tender: 'cash', amount: usd(100) });
      expect(pay.status).toBe(409);

      const plain = await post('/api/v1/orders', order([{ variant_id: shop.variants.s, quantity: 1 }]), { token: shop.cashierToken });
      const cashierVoid = await post(`/api/v1/orders/${plain.body.id}/void`, { reason: 'wrong item' }, { token: shop.cashierToken });
      expect(cashierVoid.status).toBe(200);
    });
  });
}
