// The push endpoint as a till uses it, against a real payment sandbox. Run on PGlite
// (push.test.ts) and on a PostgreSQL server (push.pg.test.ts).
import { randomUUID, webcrypto } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimStagedKey, newId, saveRecoveryPoint, serviceCtx, systemActor, tenantTx } from '@novapos/platform';
import { TEST_CARDS } from '@novapos/sandbox';
import { sandboxClient } from '@novapos/sandbox/testing';
import { idem, seedTeeShop, startCheckoutTestApp, type CheckoutTestApp, type DbKind, type TestTenant } from '@novapos/server/testing';
import { derivedPaymentId, mutationKey } from '../src/index.ts';

export const usd = (amount: number) => ({ amount, currency: 'USD' });

export interface SyncShop {
  t: CheckoutTestApp;
  owner: TestTenant;
  cashier: { id: string; token: string };
  /** S 10.00, M 25.50 */
  variants: { s: string; m: string };
}

export async function openSyncShop(kind: DbKind): Promise<SyncShop> {
  const t = await startCheckoutTestApp(kind);
  const owner = await t.signup();
  const { variants, cashier } = await seedTeeShop(t, owner, { cashierPin: '4321' });
  return { t, owner, cashier, variants };
}

export function pushSuite(kind: DbKind) {
  let shop: SyncShop;
  let t: CheckoutTestApp;
  beforeAll(async () => {
    shop = await openSyncShop(kind);
    t = shop.t;
  }, 120_000);
  afterAll(() => shop?.t.close());

  const get = (url: string, token = shop.owner.token) => t.request('GET', url, { token });
  const pushAs = (deviceId: string, mutations: unknown[], token = shop.owner.token, registerId = shop.owner.registerId) =>
    t.request('POST', `/api/v1/devices/${deviceId}/push`, { token, body: { register_id: registerId, mutations } });
  const push = (deviceId: string, mutations: unknown[]) => pushAs(deviceId, mutations);
  const settings = (patch: Record<string, unknown>) => t.request('PATCH', '/api/v1/payments/settings', { token: shop.owner.token, body: patch });
  const orderCount = async () => (await get('/api/v1/orders?limit=200')).body.data.length as number;
  const sale = (lines: { variant_id: string; quantity: number; unit_price?: unknown }[], payments: Record<string, unknown>[], extra: Record<string, unknown> = {}) => ({
    order: { id: newId(), store_id: shop.owner.storeId, register_id: shop.owner.registerId, lines, captured_offline_at: new Date().toISOString(), ...extra },
    payments,
  });
  type Args = { order: Record<string, unknown>; payments: Record<string, unknown>[] };
  const m = (seq: number, args: Args, extra: Record<string, unknown> = {}) => ({ seq, id: newId(), name: 'checkout' as const, args, ...extra });
  const cash = (amount: number) => ({ tender: 'cash', amount: usd(amount) });
  const client = () => sandboxClient(t.sandbox.url, t.sandbox);

  describe(`push (${kind})`, () => {
    it('applies mutations in seq order, attributes each sale to its cashier, and answers a replay with the stored results', async () => {
      const device = randomUUID();
      const before = await orderCount();
      const batch = [
        m(1, sale([{ variant_id: shop.variants.s, quantity: 1 }], [cash(1000)]), { cashier_id: shop.cashier.id }),
        m(2, sale([{ variant_id: shop.variants.m, quantity: 2 }], [cash(6000)]), { cashier_id: shop.cashier.id }),
        m(3, sale([{ variant_id: shop.variants.s, quantity: 3 }], [cash(3000)])),
      ];
      const r = await push(device, batch);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(r.body.last_applied_seq).toBe(3);
      expect(r.body.results.map((x: { seq: number; status: string }) => [x.seq, x.status])).toEqual([[1, 'applied'], [2, 'applied'], [3, 'applied']]);
      const [a, b, c] = r.body.results.map((x: { order: any }) => x.order);
      expect(a).toMatchObject({ status: 'completed', total: usd(1000), cashier_id: shop.cashier.id });
      expect(b).toMatchObject({ status: 'completed', total: usd(5100), change_due: usd(900), cashier_id: shop.cashier.id });
      expect(c).toMatchObject({ status: 'completed', cashier_id: shop.owner.userId });
      expect(a.id).toBe(batch[0]!.args.order.id);
      // numbered in the order applied, gapless per register
      const n = (o: { number: string }) => Number(o.number.split('-').at(-1));
      expect([n(b) - n(a), n(c) - n(b)]).toEqual([1, 1]);
      expect(await orderCount()).toBe(before + 3);

      const again = await push(device, batch);
      expect(again.status).toBe(200);
      expect(again.body.last_applied_seq).toBe(3);
      expect(again.body.results.map((x: { status: string }) => x.status)).toEqual(['duplicate', 'duplicate', 'duplicate']);
      expect(again.body.results.map((x: { order: { id: string } }) => x.order.id)).toEqual([a.id, b.id, c.id]);
      expect(await orderCount()).toBe(before + 3);

      const dev = await get(`/api/v1/devices/${device}`);
      expect(dev.body).toMatchObject({ device_id: device, register_id: shop.owner.registerId, last_applied_seq: 3, rejected: [] });
      const last = await get(`/api/v1/registers/${shop.owner.registerId}/last-number`);
      expect(last.status).toBe(200);
      expect(last.body.last_number >= c.number).toBe(true);
      expect(last.body).toMatchObject({ register_id: shop.owner.registerId, prefix: c.number.split('-').slice(0, 2).join('-') });
    });

    it('answers a batch that starts after a gap with 409 sequence_gap and last_applied_seq, changing nothing', async () => {
      const device = randomUUID();
      expect((await push(device, [m(1, sale([{ variant_id: shop.variants.s, quantity: 1 }], [cash(1000)]))])).body.last_applied_seq).toBe(1);
      const before = await orderCount();
      const r = await push(device, [m(3, sale([{ variant_id: shop.variants.s, quantity: 1 }], [cash(1000)]))]);
      expect(r.status).toBe(409);
      expect(r.headers['content-type']).toContain('application/problem+json');
      expect(r.body).toMatchObject({ code: 'sequence_gap', last_applied_seq: 1 });
      expect(await orderCount()).toBe(before);
      // a batch with a hole in it is bad input
      const bad = await push(device, [m(2, sale([{ variant_id: shop.variants.s, quantity: 1 }], [])), m(4, sale([{ variant_id: shop.variants.s, quantity: 1 }], []))]);
      expect(bad.status).toBe(400);
      expect(bad.body.errors[0].path).toContain('mutations.1.seq');
      expect(await orderCount()).toBe(before);
    });

    it('takes a sale whose till number another device on the register used: renumbered, the till’s number kept and searchable, flagged', async () => {
      const { prefix, last_value } = (await get(`/api/v1/registers/${shop.owner.registerId}/last-number`)).body;
      const number = `${prefix}-${String(last_value + 1).padStart(6, '0')}`;
      const [first, second] = [randomUUID(), randomUUID()];
      const one = m(1, sale([{ variant_id: shop.variants.s, quantity: 1 }], [cash(1000)], { number }));
      const two = m(1, sale([{ variant_id: shop.variants.m, quantity: 1 }], [cash(3000)], { number }));
      const r1 = await push(first, [one]);
      const r2 = await push(second, [two]);
      expect([r1.body.results[0].status, r2.body.results[0].status], JSON.stringify(r2.body)).toEqual(['applied', 'applied']);
      const [a, b] = [r1.body.results[0].order, r2.body.results[0].order];
      expect(a).toMatchObject({ number, till_number: null, status: 'completed', needs_review: false });
      expect(b).toMatchObject({ till_number: number, status: 'completed', needs_review: true });
      expect(b.number).toBe(`${prefix}-${String(last_value + 2).padStart(6, '0')}`);
      expect(b.review_reasons.join(' ')).toContain(`renumbered ${b.number}`);
      // the customer's receipt says the till's number: a search by it finds the sale
      const found = (await get(`/api/v1/orders?q=${encodeURIComponent(number)}`)).body.data.map((o: { id: string }) => o.id);
      expect(found.toSorted()).toEqual([a.id, b.id].toSorted());
      const printed = await t.app.http.inject({ method: 'GET', url: `/api/v1/orders/${b.id}/receipt?count=false`, headers: { authorization: `Bearer ${shop.owner.token}`, accept: 'text/plain' } });
      expect(printed.body).toMatch(new RegExp(`Order\\s+${b.number}`));
      expect(printed.body).toMatch(new RegExp(`Rung as\\s+${number}`));
      // a replay is the same order, and the register goes on after the new number
      const again = await push(second, [two]);
      expect(again.body.results[0]).toMatchObject({ status: 'duplicate', order: { id: b.id, number: b.number } });
      expect((await get(`/api/v1/registers/${shop.owner.registerId}/last-number`)).body.last_number).toBe(b.number);
      // an integrator's own number that is taken is still refused
      const api = await t.request('POST', '/api/v1/orders', {
        token: shop.owner.token,
        headers: { 'idempotency-key': randomUUID() },
        body: { store_id: shop.owner.storeId, register_id: shop.owner.registerId, number, lines: [{ variant_id: shop.variants.s, quantity: 1 }] },
      });
      expect(api.body).toMatchObject({ status: 409, code: 'order_number_taken' });
    });

    it('records a business refusal as rejected and goes on with the next mutation', async () => {
      const device = randomUUID();
      const before = await orderCount();
      const r = await push(device, [
        m(1, sale([{ variant_id: randomUUID(), quantity: 1 }], [cash(1000)])),
        m(2, sale([{ variant_id: shop.variants.s, quantity: 1 }], [cash(1000)]), { cashier_id: randomUUID() }),
        m(3, sale([{ variant_id: shop.variants.s, quantity: 1 }], [cash(1000)])),
      ]);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(r.body.last_applied_seq).toBe(3);
      expect(r.body.results.map((x: { status: string }) => x.status)).toEqual(['rejected', 'rejected', 'applied']);
      expect(r.body.results[0].problem).toMatchObject({ status: 400, code: 'unknown_variant', errors: [{ path: 'lines.0.variant_id' }] });
      expect(r.body.results[1].problem).toMatchObject({ status: 400, code: 'unknown_cashier', errors: [{ path: 'cashier_id' }] });
      expect(await orderCount()).toBe(before + 1);
      const dev = await get(`/api/v1/devices/${device}`);
      expect(dev.body.rejected.map((x: { seq: number; problem: { code: string } }) => [x.seq, x.problem.code])).toEqual([[1, 'unknown_variant'], [2, 'unknown_cashier']]);
      // replayed: the same refusals, nothing applied again
      const again = await push(device, [m(1, { order: {}, payments: [] }), m(2, { order: {}, payments: [] })].map((x, i) => ({ ...x, id: r.body.results[i].id, args: { order: {}, payments: [] } })));
      expect(again.body.results.map((x: { status: string; problem: { code: string } }) => [x.status, x.problem.code])).toEqual([['duplicate', 'unknown_variant'], ['duplicate', 'unknown_cashier']]);
    });

    it('rejects a sale with a variant archived since it was rung, without blocking the queue', async () => {
      const p = await t.request('POST', '/api/v1/products', { token: shop.owner.token, headers: idem(), body: { name: 'Gone', variants: [{ sku: `GONE-${randomUUID().slice(0, 8)}`, price: usd(500) }] } });
      const gone = p.body.variants[0].id;
      const archive = await t.request('PATCH', `/api/v1/products/${p.body.id}`, { token: shop.owner.token, body: { status: 'archived' } });
      expect(archive.status, JSON.stringify(archive.body)).toBe(200);
      const r = await push(randomUUID(), [
        m(1, sale([{ variant_id: gone, quantity: 1 }, { variant_id: shop.variants.s, quantity: 1 }], [cash(1500)])),
        m(2, sale([{ variant_id: shop.variants.s, quantity: 1 }], [cash(1000)])),
      ]);
      expect(r.body.results.map((x: { status: string }) => x.status)).toEqual(['rejected', 'applied']);
      expect(r.body.results[0].problem).toMatchObject({ status: 422, code: 'variant_archived', errors: [{ path: 'lines.0.variant_id' }] });
    });

    it('resumes a sale a crash left between the stages of its checkout into one order', async () => {
      const device = randomUUID();
      const mutation = m(1, { order: { store_id: shop.owner.storeId, register_id: shop.owner.registerId, lines: [{ variant_id: shop.variants.m, quantity: 1 }] }, payments: [cash(3000)] });
      const before = await orderCount();
      // the first stage of the mutation's checkout ran (key claimed, order created), then the process died
      const crashed = await tenantTx(t.app.database.db, shop.owner.tenantId, async (trx) => {
        const ctx = serviceCtx({ trx, tenantId: shop.owner.tenantId, actor: systemActor, clock: t.app.kernel.clock, log: t.app.log });
        const key = mutationKey(shop.owner.tenantId, device, mutation);
        await claimStagedKey(trx, key, 1);
        const o = await t.app.modules.sales.service.createOrder(ctx, mutation.args.order as never);
        await saveRecoveryPoint(trx, key, { order_id: o.id, payment_ids: [derivedPaymentId(shop.owner.tenantId, mutation.id, 0)] });
        return o;
      });
      await new Promise((r) => setTimeout(r, 1100)); // its lease runs out
      const r = await push(device, [mutation]);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(r.body.results[0]).toMatchObject({ status: 'applied', order: { id: crashed.id, status: 'completed', change_due: usd(450) } });
      expect(await orderCount()).toBe(before + 1);
    });

    it('stops at a sale whose card the processor has not answered for, and applies it once on the next push', async () => {
      await settings({ offline_card_enabled: true, offline_card_payment_cap: 10_000, offline_card_device_cap: 50_000 });
      const device = randomUUID();
      const batch = [
        m(1, sale([{ variant_id: shop.variants.s, quantity: 1 }], [cash(1000)])),
        m(2, sale([{ variant_id: shop.variants.s, quantity: 1 }], [{ tender: 'card', offline: true, encrypted_card: await client().encryptCard(), amount: usd(1000) }])),
        m(3, sale([{ variant_id: shop.variants.s, quantity: 1 }], [cash(1000)])),
      ];
      const before = await orderCount();
      const charges = t.sandbox.state().charges.count;
      // the charge is made at the processor, its answer never comes back
      t.sandbox.faults.timeoutNext(1, { processed: true });
      const r = await push(device, batch);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(r.body.last_applied_seq).toBe(1);
      expect(r.body.results.map((x: { status: string }) => x.status)).toEqual(['applied']);
      expect(r.body.stopped).toMatchObject({ seq: 2, problem: { status: 503, code: 'payment_outcome_unknown', last_applied_seq: 1 } });
      // the till sends the rest again: the card is looked up under its key, never charged twice
      const again = await push(device, batch.slice(1));
      expect(again.body.results.map((x: { status: string }) => x.status), JSON.stringify(again.body)).toEqual(['applied', 'applied']);
      expect(again.body.results[0].order).toMatchObject({ status: 'completed', payments: [{ tender: 'card', status: 'captured' }] });
      expect(t.sandbox.state().charges.count).toBe(charges + 1);
      expect(await orderCount()).toBe(before + 3);
    });

    it('refuses a push to a register of another store or another register than the PIN session', async () => {
      const r = await pushAs(randomUUID(), [m(1, sale([{ variant_id: shop.variants.s, quantity: 1 }], []))], shop.owner.token, randomUUID());
      expect(r.status).toBe(404);
      expect(r.body.errors[0].path).toBe('register_id');
      const device = randomUUID();
      expect((await push(device, [m(1, sale([{ variant_id: shop.variants.s, quantity: 1 }], [cash(1000)]))])).status).toBe(200);
      const other = await t.request('POST', `/api/v1/stores/${shop.owner.storeId}/registers`, { token: shop.owner.token, headers: idem(), body: { name: `Till ${randomUUID().slice(0, 6)}` } });
      const moved = await pushAs(device, [m(2, sale([{ variant_id: shop.variants.s, quantity: 1 }], [], { register_id: other.body.id }))], shop.owner.token, other.body.id);
      expect(moved.status).toBe(409);
      expect(moved.body.code).toBe('device_register_mismatch');
    });

    it('charges an offline card when the sale syncs, and flags the sale when it is declined then', async () => {
      const off = await settings({ offline_card_enabled: true, offline_card_payment_cap: 10_000, offline_card_device_cap: 50_000 });
      expect(off.status).toBe(200);
      const device = randomUUID();
      const ok = sale([{ variant_id: shop.variants.m, quantity: 1 }], [{ tender: 'card', offline: true, encrypted_card: await client().encryptCard(TEST_CARDS.approve), amount: usd(2550) }]);
      const declined = sale([{ variant_id: shop.variants.m, quantity: 1 }], [
        { tender: 'card', offline: true, encrypted_card: await client().encryptCard(TEST_CARDS.decline), amount: usd(1550) },
        cash(1000),
      ]);
      const r = await push(device, [m(1, ok), m(2, declined)]);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(r.body.results[0]).toMatchObject({ status: 'applied', order: { status: 'completed', needs_review: false, payments: [{ tender: 'card', status: 'captured', card: { last4: '4242' } }] } });
      const d = r.body.results[1];
      expect(d.status).toBe('applied');
      expect(d.problem).toMatchObject({ code: 'payment_declined', status: 402 });
      // the cash the customer handed over is taken all the same; the card's part is still due
      expect(d.order).toMatchObject({ status: 'open', needs_review: true, amount_paid: usd(1000), amount_due: usd(1550) });
      expect(d.order.review_reasons).toContain('offline_card_declined');
      expect(d.order.payments.map((p: { tender: string; status: string }) => [p.tender, p.status])).toEqual([['card', 'declined'], ['cash', 'captured']]);
      // NovaPOS never saw the number; only the processor could read the blob
      expect(JSON.stringify(r.body)).not.toContain(TEST_CARDS.approve);
      const flagged = await get('/api/v1/orders?needs_review=true&limit=200');
      expect(flagged.body.data.some((o: { id: string }) => o.id === d.order.id)).toBe(true);
    });

    it('enforces the offline card switch, the per-payment cap and the per-device cap', async () => {
      const card = async (amount: number) => ({ tender: 'card', offline: true, encrypted_card: await client().encryptCard(), amount: usd(amount) });
      const device = randomUUID();
      await settings({ offline_card_enabled: false });
      let r = await push(device, [m(1, sale([{ variant_id: shop.variants.s, quantity: 1 }], [await card(1000)]))]);
      expect(r.body.results[0]).toMatchObject({ status: 'rejected', problem: { code: 'offline_card_disabled', status: 422 } });

      await settings({ offline_card_enabled: true, offline_card_payment_cap: 1500, offline_card_device_cap: 2500 });
      r = await push(device, [m(2, sale([{ variant_id: shop.variants.m, quantity: 1 }], [await card(2550)]))]);
      expect(r.body.results[0]).toMatchObject({ status: 'rejected', problem: { code: 'offline_card_cap_exceeded', errors: [{ path: 'amount.amount' }] } });

      const before = await orderCount();
      r = await push(device, [
        m(3, sale([{ variant_id: shop.variants.s, quantity: 1 }], [await card(1000)])),
        m(4, sale([{ variant_id: shop.variants.s, quantity: 1 }], [await card(1000)])),
        m(5, sale([{ variant_id: shop.variants.s, quantity: 1 }], [await card(1000)])),
      ]);
      expect(r.body.results.map((x: { status: string }) => x.status)).toEqual(['applied', 'applied', 'rejected']);
      expect(r.body.results[2].problem).toMatchObject({ code: 'offline_card_device_cap_exceeded', per_device_cap: 2500, held: 2000 });
      expect(await orderCount()).toBe(before + 2);
      // a sale rung online means the device had the network: its offline run starts again
      r = await push(device, [
        m(6, { ...sale([{ variant_id: shop.variants.s, quantity: 1 }], [cash(1000)]), order: { ...sale([{ variant_id: shop.variants.s, quantity: 1 }], []).order, captured_offline_at: null } }),
        m(7, sale([{ variant_id: shop.variants.s, quantity: 1 }], [await card(1000)])),
      ]);
      expect(r.body.results.map((x: { status: string }) => x.status)).toEqual(['applied', 'applied']);
      await settings({ offline_card_payment_cap: 10_000, offline_card_device_cap: 50_000 });
    });

    it('redeems an offline gift card up to its balance: short, the sale stays open and is flagged', async () => {
      const gift = await t.request('POST', '/api/v1/gift-cards', { token: shop.owner.token, headers: idem(), body: { initial_amount: usd(1000) } });
      expect(gift.status).toBe(201);
      const device = randomUUID();
      await settings({ gift_card_offline_limit: 0 });
      let r = await push(device, [m(1, sale([{ variant_id: shop.variants.s, quantity: 1 }], [{ tender: 'gift_card', offline: true, code: gift.body.code, amount: usd(1000) }]))]);
      expect(r.body.results[0]).toMatchObject({ status: 'rejected', problem: { code: 'offline_gift_card_limit_exceeded' } });

      await settings({ gift_card_offline_limit: 5000 });
      // the till last knew a balance of 20.00; 10.00 is left
      r = await push(device, [m(2, sale([{ variant_id: shop.variants.m, quantity: 1 }], [{ tender: 'gift_card', offline: true, code: gift.body.code, amount: usd(2000) }, cash(550)]))]);
      const res = r.body.results[0];
      expect(res.status, JSON.stringify(res)).toBe('applied');
      expect(res.order).toMatchObject({ status: 'open', needs_review: true, amount_paid: usd(1550), amount_due: usd(1000) });
      expect(res.order.review_reasons).toContain('offline_gift_card_short');
      expect((await get(`/api/v1/gift-cards/${gift.body.code}`)).body.balance).toEqual(usd(0));
    });

    it('tells the till where to tokenize and what it may take offline', async () => {
      await settings({ offline_card_enabled: true, offline_card_payment_cap: 7500, offline_card_device_cap: 30_000, gift_card_offline_limit: 2500 });
      const r = await get('/api/v1/payments/terminal', shop.cashier.token);
      expect(r.status).toBe(200);
      expect(r.body).toEqual({
        processor_url: t.sandbox.url,
        publishable_key: t.sandbox.publishableKey,
        offline_card: { enabled: true, per_payment_cap: 7500, per_device_cap: 30_000 },
        offline_gift_card_limit: 2500,
      });
      const key = await fetch(`${r.body.processor_url}/v1/terminal/key`, { headers: { authorization: `Bearer ${r.body.publishable_key}` } });
      expect(key.status).toBe(200);
    });

    it('hands a paired till PBKDF2 verifiers that check the PIN with WebCrypto, and a new salt when the PIN changes', async () => {
      const r = await get(`/api/v1/stores/${shop.owner.storeId}/cashiers/verifiers`);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      const v = r.body.find((x: { user_id: string }) => x.user_id === shop.cashier.id);
      expect(v).toMatchObject({ name: 'Casey', role: 'cashier', algorithm: 'PBKDF2-SHA256' });
      expect(v.iterations).toBeGreaterThanOrEqual(200_000);
      const derive = async (pin: string, salt: string, iterations: number) => {
        const k = await webcrypto.subtle.importKey('raw', new TextEncoder().encode(pin), 'PBKDF2', false, ['deriveBits']);
        return Buffer.from(await webcrypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt: Buffer.from(salt, 'base64'), iterations }, k, 256)).toString('base64');
      };
      expect(await derive('4321', v.salt, v.iterations)).toBe(v.verifier);
      expect(await derive('4322', v.salt, v.iterations)).not.toBe(v.verifier);
      expect(JSON.stringify(r.body)).not.toContain('pin_hmac');
      // a cashier cannot pair a till, so cannot read them
      expect((await get(`/api/v1/stores/${shop.owner.storeId}/cashiers/verifiers`, shop.cashier.token)).status).toBe(403);
      const set = await t.request('POST', `/api/v1/users/${shop.cashier.id}/pin`, { token: shop.owner.token, body: { pin: '8642' } });
      expect(set.status).toBe(204);
      const w = (await get(`/api/v1/stores/${shop.owner.storeId}/cashiers/verifiers`)).body.find((x: { user_id: string }) => x.user_id === shop.cashier.id);
      expect(w.salt).not.toBe(v.salt);
      expect(await derive('8642', w.salt, w.iterations)).toBe(w.verifier);
    });

    it('lets a cashier create an order only as themself through POST /orders', async () => {
      const r = await t.request('POST', '/api/v1/orders', {
        token: shop.cashier.token,
        headers: idem(),
        body: { store_id: shop.owner.storeId, register_id: shop.owner.registerId, lines: [{ variant_id: shop.variants.s, quantity: 1 }], cashier_id: shop.owner.userId },
      });
      expect(r.status).toBe(201);
      expect(r.body.cashier_id).toBe(shop.cashier.id);
    });
  });
}
