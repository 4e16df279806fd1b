// On a PostgreSQL server: the same device pushes the same batch from several tabs at once. Each
// mutation is applied once: one push applies, the others wait for it and answer duplicates (or,
// waiting too long, 409 push_in_progress for the till to retry).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '@novapos/platform';
import { sandboxClient } from '@novapos/sandbox/testing';
import { hasPostgres } from '@novapos/testkit';
import { openSyncShop, usd, type SyncShop } from './push.suite.ts';

if (hasPostgres()) {
  describe('pushes of one device at once (PostgreSQL server)', () => {
    let shop: SyncShop;
    beforeAll(async () => {
      shop = await openSyncShop('postgres');
      await shop.t.request('PATCH', '/api/v1/payments/settings', { token: shop.owner.token, body: { offline_card_enabled: true } });
    }, 120_000);
    afterAll(() => shop?.t.close());

    const send = (deviceId: string, mutations: unknown[]) =>
      fetch(`${shop.t.url}/api/v1/devices/${deviceId}/push`, {
        method: 'POST',
        headers: { authorization: `Bearer ${shop.owner.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ register_id: shop.owner.registerId, mutations }),
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));

    it('applies each mutation once however many tabs push the batch together', async () => {
      const device = randomUUID();
      const client = sandboxClient(shop.t.sandbox.url, shop.t.sandbox);
      const sale = (payments: unknown[]) => ({
        order: { id: newId(), store_id: shop.owner.storeId, register_id: shop.owner.registerId, lines: [{ variant_id: shop.variants.s, quantity: 1 }], captured_offline_at: new Date().toISOString() },
        payments,
      });
      const batch = [
        { seq: 1, id: newId(), name: 'checkout', args: sale([{ tender: 'cash', amount: usd(1000) }]) },
        { seq: 2, id: newId(), name: 'checkout', args: sale([{ tender: 'card', offline: true, encrypted_card: await client.encryptCard(), amount: usd(1000) }]) },
        { seq: 3, id: newId(), name: 'checkout', args: sale([{ tender: 'cash', amount: usd(2000) }]) },
        { seq: 4, id: newId(), name: 'checkout', args: sale([{ tender: 'card', offline: true, encrypted_card: await client.encryptCard(), amount: usd(1000) }]) },
        { seq: 5, id: newId(), name: 'checkout', args: sale([{ tender: 'cash', amount: usd(1000) }]) },
      ];
      const ordersBefore = (await shop.t.request('GET', '/api/v1/orders?limit=200', { token: shop.owner.token })).body.data.length;
      const chargesBefore = shop.t.sandbox.state().charges.count;
      const answers = await Promise.all(Array.from({ length: 6 }, () => send(device, batch)));
      for (const a of answers) expect([200, 409], JSON.stringify(a.body)).toContain(a.status);
      for (const a of answers.filter((x) => x.status === 409)) expect(a.body.code).toBe('push_in_progress');
      const applied = new Map<number, number>();
      const orderOf = new Map<number, Set<string>>();
      for (const a of answers.filter((x) => x.status === 200)) {
        expect(a.body.last_applied_seq).toBe(5);
        for (const r of a.body.results) {
          if (r.status === 'applied') applied.set(r.seq, (applied.get(r.seq) ?? 0) + 1);
          else expect(r.status).toBe('duplicate');
          orderOf.set(r.seq, (orderOf.get(r.seq) ?? new Set()).add(r.order.id));
        }
      }
      expect([...applied.entries()].toSorted()).toEqual([[1, 1], [2, 1], [3, 1], [4, 1], [5, 1]]);
      for (const ids of orderOf.values()) expect(ids.size).toBe(1);
      // a tab that was told to wait retries and gets the same answers
      const late = await send(device, batch);
      expect(late.body.results.map((r: { status: string }) => r.status)).toEqual(['duplicate', 'duplicate', 'duplicate', 'duplicate', 'duplicate']);
      expect((await shop.t.request('GET', '/api/v1/orders?limit=200', { token: shop.owner.token })).body.data.length).toBe(ordersBefore + 5);
      expect(shop.t.sandbox.state().charges.count).toBe(chargesBefore + 2);
    }, 120_000);
  });
}
