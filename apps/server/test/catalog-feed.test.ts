import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError, serviceCtx, systemActor, tenantTx, type Ctx, type Trx } from '@novapos/platform';
import { hasPostgres } from '@novapos/testkit';
import { idem, startTestApp, type TestApp, type TestTenant } from '../src/testing.ts';

/**
 * The till's delta feed (GET /catalog/changes) under concurrent writers on a PostgreSQL server:
 * transactions that take their xid early, hold still, record their change late and commit after
 * younger ones, while a reader follows the feed. Only a server has concurrent sessions.
 */
const usd = (amount: number) => ({ amount, currency: 'USD' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return { open, opened };
}

type Cached = Record<string, unknown> & { version?: number };

describe.skipIf(!hasPostgres())('catalog change feed on postgres', () => {
  let t: TestApp;
  let shop: TestTenant;
  const ops = () => t.app.modules.catalog.operations;
  const tx = <T>(fn: (ctx: Ctx, trx: Trx) => Promise<T>) =>
    tenantTx(t.app.database.db, shop.tenantId, (trx) => fn(serviceCtx({ trx, tenantId: shop.tenantId, actor: systemActor, clock: t.app.kernel.clock, log: t.app.log }), trx));

  /** A till: follows the feed, applies each change, and checks one entity's versions only rise. */
  function till() {
    const cache = new Map<string, Cached | null>();
    const seen: { key: string; seq: number }[] = [];
    let cursor: string | undefined;
    const follow = async (limit = 50): Promise<boolean> => {
      const r = await t.request('GET', `/api/v1/catalog/changes?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`, { token: shop.token });
      expect(r.status).toBe(200);
      for (const c of r.body.data as { entity: string; id: string; op: string; seq: number; data: Cached | null }[]) {
        const key = `${c.entity}:${c.id}`;
        const prev = cache.get(key);
        if (prev && c.data && c.data.version !== undefined) expect(c.data.version, `${key} went backwards`).toBeGreaterThan(prev.version!);
        cache.set(key, c.op === 'delete' ? null : c.data);
        seen.push({ key, seq: c.seq });
      }
      cursor = r.body.next_cursor;
      return r.body.has_more;
    };
    const catchUp = async () => {
      while (await follow(500));
    };
    /**
     * Catches up until `done` holds. Other suites share the PostgreSQL server, and a writing
     * transaction anywhere in the cluster holds the feed back (it delays, never skips), so a
     * change may take a moment to be deliverable after its commit.
     */
    const catchUpUntil = async (done: () => boolean | Promise<boolean>, what: string) => {
      const deadline = Date.now() + 20_000;
      for (;;) {
        await catchUp();
        if (await done()) return;
        if (Date.now() > deadline) throw new Error(`the feed never delivered ${what}`);
        await sleep(50);
      }
    };
    return { cache, seen, follow, catchUp, catchUpUntil };
  }

  beforeAll(async () => {
    t = await startTestApp('postgres');
    shop = await t.signup({ business_name: 'Feed Co' });
  });
  afterAll(async () => t?.close());

  it('delivers a change that commits late with a lower sequence number to a reader already past it', async () => {
    const r = await t.request('POST', '/api/v1/products', {
      token: shop.token,
      headers: idem(),
      body: { name: 'Race Tee', options: [{ name: 'Size', values: ['S', 'M'] }], variants: [{ sku: 'RACE-S', price: usd(1000), option_values: ['S'] }, { sku: 'RACE-M', price: usd(1000), option_values: ['M'] }] },
    });
    const [young, old] = r.body.variants.map((v: { id: string }) => v.id);
    const reader = till();
    await reader.catchUp();

    // T_old takes its xid first and waits; T_young records a change (lower seq) and waits
    const oldHasXid = gate();
    const goOld = gate();
    const youngRecorded = gate();
    const goYoung = gate();
    const tOld = tx(async (ctx, trx) => {
      await sql`select pg_current_xact_id()`.execute(trx);
      oldHasXid.open();
      await goOld.opened;
      await ops().updateVariant(ctx, old, { price: usd(1200) });
    });
    let tYoung: Promise<void> | undefined;
    try {
      await oldHasXid.opened;
      tYoung = tx(async (ctx) => {
        await ops().updateVariant(ctx, young, { price: usd(1100) });
        youngRecorded.open();
        await goYoung.opened;
      });
      await youngRecorded.opened;
      // T_old now records its change (a higher seq) and commits while T_young is still open
      goOld.open();
      await tOld;
      await reader.catchUpUntil(() => (reader.cache.get(`variant:${old}`) as { price?: { amount: number } } | undefined)?.price?.amount === 1200, "T_old's change");
      const oldSeq = reader.seen.findLast((s) => s.key === `variant:${old}`)!.seq;
      expect(reader.cache.get(`variant:${old}`)).toMatchObject({ price: usd(1200) });
      expect(reader.cache.get(`variant:${young}`)).toMatchObject({ price: usd(1000) });

      // A reader paging by seq alone ("xid older than every running transaction, order by seq")
      // would have returned T_old's change and moved its cursor past T_young's lower seq.
      const naive = await tx(async (_ctx, trx) =>
        (await sql<{ seq: number }>`select seq from catalog.changes where seq > ${oldSeq - 1} and kx < pg_snapshot_xmin(pg_current_snapshot())::text::bigint order by seq`.execute(trx)).rows,
      );
      expect(naive.map((n) => n.seq)).toEqual([oldSeq]);

      goYoung.open();
      await tYoung;
      await reader.catchUpUntil(() => reader.seen.some((x) => x.seq < oldSeq && x.key === `variant:${young}` && reader.seen.indexOf(x) > reader.seen.findIndex((y) => y.seq === oldSeq)), "T_young's change");
      // delivered after T_old's change although its sequence number is lower
      const oldAt = reader.seen.findIndex((x) => x.seq === oldSeq);
      const youngAt = reader.seen.findIndex((x, i) => i > oldAt && x.key === `variant:${young}`);
      expect(youngAt).toBeGreaterThan(oldAt);
      expect(reader.seen[youngAt]!.seq).toBeLessThan(oldSeq);
      expect(reader.cache.get(`variant:${young}`)).toMatchObject({ price: usd(1100) });
    } finally {
      goOld.open();
      goYoung.open();
      await Promise.allSettled([tOld, tYoung]);
    }
  });

  it('never skips or reorders a change while concurrent writers commit out of order: the followed feed ends in the final state', async () => {
    const sizes = ['XS', 'S', 'M', 'L', 'XL'];
    const colors = ['Red', 'Blue', 'Green', 'Black'];
    const stores = [randomUUID(), randomUUID()];
    const setup = await tx(async (ctx) => {
      const tax = await ops().createTaxCode(ctx, { name: 'Std', rates: [{ store_id: stores[0]!, name: 'State', rate_ppm: 40_000 }] });
      const cat = await ops().createCategory(ctx, { name: 'Stress' });
      const products = [];
      for (let i = 0; i < 6; i++) {
        products.push(
          await ops().createProduct(ctx, {
            name: `Stress ${i}`,
            category: cat.id,
            tax_code: tax.id,
            options: [{ name: 'Size', values: sizes }, { name: 'Color', values: colors }],
            variants: sizes.slice(0, 3).map((s, j) => ({ sku: `ST-${i}-${j}`, price: usd(1000 + i), option_values: [s, 'Red'] })),
          }),
        );
      }
      return { tax, cat, products };
    });
    const productIds = setup.products.map((p) => p.id);
    const variantIds = setup.products.flatMap((p) => p.variants.map((v) => v.id));
    const rateId = setup.tax.rates[0]!.id;
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(Math.random() * xs.length)]!;
    let skuSeq = 0;

    const operations: ((ctx: Ctx) => Promise<unknown>)[] = [
      (ctx) => ops().updateVariant(ctx, pick(variantIds), { price: usd(100 + Math.floor(Math.random() * 5000)) }),
      (ctx) => ops().updateVariant(ctx, pick(variantIds), { price: usd(100 + Math.floor(Math.random() * 5000)) }),
      (ctx) => ops().setStorePrice(ctx, pick(variantIds), pick(stores), usd(50 + Math.floor(Math.random() * 500))),
      (ctx) => ops().removeStorePrice(ctx, pick(variantIds), pick(stores)),
      (ctx) => ops().archiveVariant(ctx, pick(variantIds)),
      (ctx) => ops().restoreVariant(ctx, pick(variantIds)),
      (ctx) => ops().updateProduct(ctx, pick(productIds), { name: `Stress ${Math.random().toString(36).slice(2, 7)}` }),
      async (ctx) => {
        const v = await ops().addVariant(ctx, pick(productIds), { sku: `ST-N-${skuSeq++}`, price: usd(999), option_values: [pick(sizes), pick(colors)] });
        variantIds.push(v.id);
      },
      (ctx) => ops().deleteVariant(ctx, pick(variantIds)),
      (ctx) => ops().updateCategory(ctx, setup.cat.id, { name: `Stress ${Math.random().toString(36).slice(2, 7)}` }),
      (ctx) => ops().updateTaxRate(ctx, rateId, { rate_ppm: Math.floor(Math.random() * 100_000) }),
      (ctx) => ops().updateSettings(ctx, { prices_include_tax: Math.random() < 0.5 }),
    ];

    const reader = till();
    const writing = { on: true };
    let committed = 0;
    let refused = 0;
    const writer = async () => {
      for (let i = 0; i < 30; i++) {
        const early = Math.random() < 0.6;
        const before = Math.random() * 40;
        const after = Math.random() * 40;
        try {
          await tx(async (ctx, trx) => {
            // an xid taken long before the change is recorded, and a commit long after it
            if (early) await sql`select pg_current_xact_id(), pg_sleep(${before / 1000})`.execute(trx);
            await pick(operations)(ctx);
            await sql`select pg_sleep(${after / 1000})`.execute(trx);
          });
          committed++;
        } catch (err) {
          // expected refusals (a duplicate combination, the last variant, a deleted id) roll back
          if (!(err instanceof AppError)) throw err;
          refused++;
        }
      }
    };
    const readerLoop = async () => {
      while (writing.on) {
        await reader.follow(20);
        await sleep(3);
      }
    };
    const reading = readerLoop();
    await Promise.all(Array.from({ length: 8 }, writer)).finally(() => (writing.on = false));
    await reading;
    const all = await tx(async (_ctx, trx) => (await sql<{ n: number }>`select count(*)::int as n from catalog.changes`.execute(trx)).rows[0]!.n);
    await reader.catchUpUntil(() => reader.seen.length >= all, 'every change');
    expect(committed).toBeGreaterThan(150);
    expect(refused).toBeLessThan(committed);

    // the cache the till built equals the catalog as it is now
    const products = (await t.request('GET', '/api/v1/products?limit=200&q=stress', { token: shop.token })).body.data;
    expect(products).toHaveLength(6);
    let live = 0;
    for (const { variants, ...core } of products) {
      expect(reader.cache.get(`product:${core.id}`)).toEqual(core);
      for (const v of variants) expect(reader.cache.get(`variant:${v.id}`)).toEqual(v);
      live += variants.length;
    }
    const cachedVariants = [...reader.cache.entries()].filter(([k, v]) => k.startsWith('variant:') && v !== null && productIds.includes((v as { product_id: string }).product_id));
    expect(cachedVariants).toHaveLength(live);
    expect(reader.cache.get(`category:${setup.cat.id}`)).toEqual((await t.request('GET', `/api/v1/categories/${setup.cat.id}`, { token: shop.token })).body);
    expect(reader.cache.get(`tax_code:${setup.tax.id}`)).toEqual((await t.request('GET', `/api/v1/tax-codes/${setup.tax.id}`, { token: shop.token })).body);
    expect(reader.cache.get(`settings:${shop.tenantId}`)).toEqual((await t.request('GET', '/api/v1/catalog/settings', { token: shop.token })).body);
    // and it saw every change exactly once
    expect(reader.seen.length).toBe(all);
    expect(new Set(reader.seen.map((s) => s.seq)).size).toBe(all);
  });
});
