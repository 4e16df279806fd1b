// On a PostgreSQL server: one checkout sent 1,000 times at once with one Idempotency-Key makes one
// order and one charge; the other answers are "still running" (409) or the replayed first answer.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasPostgres } from '@novapos/testkit';
import { openShop, usd, type Shop } from './checkout.suite.ts';

if (hasPostgres()) {
  describe('checkout under concurrency (PostgreSQL server)', () => {
    let shop: Shop;
    beforeAll(async () => {
      shop = await openShop('postgres');
    }, 120_000);
    afterAll(() => shop?.t.close());

    const send = (body: unknown, key: string) =>
      fetch(`${shop.t.url}/api/v1/checkout`, {
        method: 'POST',
        headers: { authorization: `Bearer ${shop.owner.token}`, 'content-type': 'application/json', 'idempotency-key': key },
        body: JSON.stringify(body),
      }).then(async (r) => ({ status: r.status, replayed: r.headers.get('idempotent-replayed') === 'true', body: (await r.json()) as { id?: string; status?: string; code?: string } }));

    it('1,000 identical checkouts with one key make one order and one charge', async () => {
      const key = randomUUID();
      const body = {
        order: { store_id: shop.owner.storeId, register_id: shop.owner.registerId, lines: [{ variant_id: shop.variants.s, quantity: 1 }, { variant_id: shop.variants.m, quantity: 1 }] },
        payments: [{ tender: 'card', token: await shop.t.cardToken(), amount: usd(3550) }],
      };
      const ordersBefore = (await shop.t.request('GET', '/api/v1/orders?limit=200', { token: shop.owner.token })).body.data.length;
      const chargesBefore = shop.t.sandbox.state().charges.count;
      const answers = await Promise.all(Array.from({ length: 1000 }, () => send(body, key)));
      const statuses = new Map<number, number>();
      for (const a of answers) statuses.set(a.status, (statuses.get(a.status) ?? 0) + 1);
      expect([...statuses.keys()].every((s) => s === 201 || s === 409), JSON.stringify([...statuses])).toBe(true);
      const created = answers.filter((a) => a.status === 201);
      expect(created.filter((a) => !a.replayed)).toHaveLength(1);
      expect(new Set(created.map((a) => a.body.id)).size).toBe(1);
      for (const a of answers.filter((x) => x.status === 409)) expect(a.body.code).toBe('idempotency_request_in_progress');
      // a till that got 409 retries and gets the first answer
      const late = await send(body, key);
      expect(late).toMatchObject({ status: 201, replayed: true, body: { id: created[0]!.body.id, status: 'completed' } });
      expect(shop.t.sandbox.state().charges.count).toBe(chargesBefore + 1);
      expect((await shop.t.request('GET', '/api/v1/orders?limit=200', { token: shop.owner.token })).body.data.length).toBe(ordersBefore + 1);
    }, 180_000);

    it('concurrent payments on one order never pay it twice', async () => {
      const open = await shop.t.request('POST', '/api/v1/orders', {
        token: shop.owner.token,
        headers: { 'idempotency-key': randomUUID() },
        body: { store_id: shop.owner.storeId, register_id: shop.owner.registerId, lines: [{ variant_id: shop.variants.m, quantity: 2 }] },
      });
      const tokens = await Promise.all(Array.from({ length: 20 }, () => shop.t.cardToken()));
      const answers = await Promise.all(
        tokens.map((token) =>
          fetch(`${shop.t.url}/api/v1/orders/${open.body.id}/payments`, {
            method: 'POST',
            headers: { authorization: `Bearer ${shop.owner.token}`, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
            body: JSON.stringify({ tender: 'card', token, amount: usd(5100) }),
          }).then((r) => r.status),
        ),
      );
      // one is charged; the others are told a payment is in progress, or that nothing is due any more
      expect(answers.filter((s) => s === 201)).toHaveLength(1);
      expect(answers.every((s) => s === 201 || s === 409), JSON.stringify(answers)).toBe(true);
      const order = (await shop.t.request('GET', `/api/v1/orders/${open.body.id}`, { token: shop.owner.token })).body;
      expect(order).toMatchObject({ status: 'completed', amount_paid: usd(5100) });
      expect(order.payments.filter((p: { status: string }) => p.status === 'captured')).toHaveLength(1);
    }, 120_000);
  });
}
