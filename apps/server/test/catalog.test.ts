import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceCtx, systemActor, systemTx, tenantTx } from '@novapos/platform';
import { hasPostgres } from '@novapos/testkit';
import { idem, startTestApp, type DbKind, type TestApp, type TestTenant } from '../src/testing.ts';
import { ChangesPage } from '@novapos/catalog/contract';

const kinds: DbKind[] = hasPostgres() ? ['pglite', 'postgres'] : ['pglite'];

const usd = (amount: number) => ({ amount, currency: 'USD' });
// valid GTINs: UPC-A 036000291452 is EAN-13 0036000291452; 4006381333931 (EAN-13); 96385074 (EAN-8)
const UPC = '036000291452';

describe.each(kinds)('catalog on %s', (kind) => {
  let t: TestApp;
  let shop: TestTenant;
  const post = (url: string, body: unknown, token = shop.token) => t.request('POST', url, { token, body, headers: idem() });

  async function product(name: string, variants: unknown[], extra: Record<string, unknown> = {}) {
    const r = await post('/api/v1/products', { name, variants, ...extra });
    if (r.status !== 201) throw new Error(`${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  }

  beforeAll(async () => {
    t = await startTestApp(kind);
    shop = await t.signup({ business_name: 'Threads' });
  });
  afterAll(async () => t?.close());

  it('creates a product with options, the chosen variants, barcodes and prices', async () => {
    const p = await product(
      'Linen Shirt',
      [
        { sku: 'LS-S-BLU', barcode: UPC, price: usd(4500), option_values: ['S', 'Blue'] },
        { sku: 'LS-M-BLU', barcodes: ['96385074', { code: 'SHELF-77', type: 'internal' }], price: usd(4500), option_values: ['m', 'blue'] },
        { sku: 'LS-L-RED', price: usd(4900), cost: usd(2000), option_values: ['L', 'Red'], track_serials: true },
      ],
      { description: 'Breezy', options: [{ name: 'Size', values: ['S', 'M', 'L'] }, { name: 'Color', values: ['Blue', 'Red'] }], image_urls: ['https://img.example.com/ls.jpg'] },
    );
    expect(p.options).toEqual([{ name: 'Size', values: ['S', 'M', 'L'] }, { name: 'Color', values: ['Blue', 'Red'] }]);
    expect(p.variants.map((v: { title: string }) => v.title)).toEqual(['S / Blue', 'M / Blue', 'L / Red']);
    expect(p.variants[0].barcodes).toEqual([{ code: UPC, type: 'upca' }]);
    expect(p.variants[1].barcodes).toEqual([{ code: '96385074', type: 'ean8' }, { code: 'SHELF-77', type: 'internal' }]);
    expect(p.variants[2]).toMatchObject({ price: usd(4900), cost: usd(2000), track_serials: true, status: 'active', store_prices: [] });

    const got = await t.request('GET', `/api/v1/products/${p.id}`, { token: shop.token });
    expect(got.body).toEqual(p);
    const events = await systemTx(t.app.database.db, (trx) => sql<{ type: string; payload: { variants: unknown[] } }>`select type, payload from platform.outbox where tenant_id = ${shop.tenantId} and type like 'catalog.%'`.execute(trx));
    expect(events.rows.find((e) => e.type === 'catalog.product_created')?.payload.variants).toHaveLength(3);
  });

  it('refuses bad input with problem+json naming the field, and creates nothing', async () => {
    const before = await t.request('GET', '/api/v1/products?q=Broken', { token: shop.token });
    const variants = ['S', 'M', 'L'].map((size, i) => ({ sku: `BR-${i}`, price: usd(100), option_values: [size] }));
    const cases: [unknown[], Record<string, unknown>, string, number][] = [
      [[...variants, { sku: 'BR-3', barcode: '4006381333932', price: usd(100), option_values: ['XL'] }], { options: [{ name: 'Size', values: ['S', 'M', 'L', 'XL'] }] }, 'variants.3.barcode', 400],
      [[{ sku: 'BR-0', barcode: { code: '12345', type: 'ean13' }, price: usd(100) }], {}, 'variants.0.barcode.code', 400],
      [[{ sku: 'BR-0', barcode: 'ABC-1', price: usd(100) }], {}, 'variants.0.barcode', 400],
      [[{ sku: 'BR-0', price: { amount: 1.5, currency: 'USD' } }], {}, 'variants.0.price.amount', 400],
      [[{ sku: 'BR-0', price: usd(100), option_values: ['S'] }, { sku: 'BR-1', price: { amount: 100, currency: 'EUR' }, option_values: ['M'] }], { options: [{ name: 'Size', values: ['S', 'M'] }] }, 'variants.1.price.currency', 400],
      [[{ sku: 'BR-0', price: usd(100), option_values: ['XL'] }], { options: [{ name: 'Size', values: ['S'] }] }, 'variants.0.option_values.0', 400],
      [[{ sku: 'BR-0', price: usd(100) }], { category_id: randomUUID() }, 'category_id', 400],
      [[{ sku: 'BR-0', price: usd(100), option_values: ['S'] }, { sku: 'br-0', price: usd(100), option_values: ['M'] }], { options: [{ name: 'Size', values: ['S', 'M'] }] }, 'variants.1.sku', 409],
      [[{ sku: 'BR-0', price: usd(100) }, { sku: 'BR-1', price: usd(100) }], {}, 'variants', 400],
    ];
    for (const [vs, extra, path, status] of cases) {
      const r = await post('/api/v1/products', { name: 'Broken', variants: vs, ...extra });
      expect(r.status, path).toBe(status);
      expect(r.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(r.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    }
    const tooMany = await post('/api/v1/products', { name: 'Broken', variants: Array.from({ length: 1001 }, (_, i) => ({ sku: `X${i}`, price: usd(1) })) });
    expect(tooMany.body.errors[0].path).toBe('variants');
    const after = await t.request('GET', '/api/v1/products?q=Broken', { token: shop.token });
    expect(after.body.data).toEqual(before.body.data);
  });

  it('refuses a taken SKU or barcode with 409 naming the field, whatever its case or GTIN form', async () => {
    const sizes = { options: [{ name: 'Size', values: ['S', 'M'] }] };
    const sku = await post('/api/v1/products', { name: 'Copy', ...sizes, variants: [{ sku: 'NEW-1', price: usd(1), option_values: ['S'] }, { sku: 'ls-s-blu', price: usd(1), option_values: ['M'] }] });
    expect(sku.status).toBe(409);
    expect(sku.body).toMatchObject({ code: 'duplicate_sku', errors: [{ path: 'variants.1.sku' }] });
    // the EAN-13 form of the UPC-A already on LS-S-BLU
    const code = await post('/api/v1/products', { name: 'Copy', variants: [{ sku: 'NEW-1', barcodes: ['4006381333931', `0${UPC}`], price: usd(1) }] });
    expect(code.status).toBe(409);
    expect(code.body).toMatchObject({ code: 'duplicate_barcode', errors: [{ path: 'variants.0.barcodes.1' }] });
    const p = await product('Copy', [{ sku: 'NEW-1', price: usd(1) }]);
    const patch = await t.request('PATCH', `/api/v1/variants/${p.variants[0].id}`, { token: shop.token, body: { sku: 'LS-M-BLU' } });
    expect(patch.status).toBe(409);
    expect(patch.body.errors).toEqual([{ path: 'sku', message: 'is already used by another variant' }]);
  });

  it('versions prices so any store and instant has one price, with per-store overrides', async () => {
    const p = await product('Wool Scarf', [{ sku: 'WS-1', price: usd(2000) }]);
    const v = p.variants[0];
    const before = new Date(Date.parse(v.created_at) - 1000).toISOString();
    const t1 = new Date().toISOString();
    const up = await t.request('PATCH', `/api/v1/variants/${v.id}`, { token: shop.token, body: { price: usd(2500) } });
    expect(up.body.price).toEqual(usd(2500));
    const store = await t.request('PUT', `/api/v1/variants/${v.id}/prices/${shop.storeId}`, { token: shop.token, body: { price: usd(2200) } });
    expect(store.body.store_prices).toEqual([{ store_id: shop.storeId, price: usd(2200) }]);

    const history = (await t.request('GET', `/api/v1/variants/${v.id}/prices`, { token: shop.token })).body.data;
    expect(history.map((h: { price: { amount: number } }) => h.price.amount)).toEqual([2000, 2500, 2200]);
    // the base versions tile time: the first ends exactly where the second starts
    expect(history[0].valid_to).toBe(history[1].valid_from);
    expect(history[1].valid_to).toBeNull();

    const priceAt = async (q: string) => (await t.request('GET', `/api/v1/variants/${v.id}/price?${q}`, { token: shop.token })).body;
    expect(await priceAt(`at=${encodeURIComponent(t1)}`)).toMatchObject({ price: usd(2000), source: 'base' });
    expect(await priceAt('')).toMatchObject({ price: usd(2500), source: 'base' });
    expect(await priceAt(`store_id=${shop.storeId}`)).toMatchObject({ price: usd(2200), source: 'store' });
    expect(await priceAt(`store_id=${shop.storeId}&at=${encodeURIComponent(t1)}`)).toMatchObject({ price: usd(2000), source: 'base' });
    expect((await t.request('GET', `/api/v1/variants/${v.id}/price?at=${encodeURIComponent(before)}`, { token: shop.token })).status).toBe(404);

    const nowhere = await t.request('PUT', `/api/v1/variants/${v.id}/prices/${randomUUID()}`, { token: shop.token, body: { price: usd(1) } });
    expect(nowhere.status).toBe(404);
    expect(nowhere.body.errors[0].path).toBe('params.store_id');

    expect((await t.request('DELETE', `/api/v1/variants/${v.id}/prices/${shop.storeId}`, { token: shop.token })).status).toBe(204);
    expect(await priceAt(`store_id=${shop.storeId}`)).toMatchObject({ price: usd(2500), source: 'base' });
    const api = t.app.modules.catalog.service;
    const now = await tenantTx(t.app.database.db, shop.tenantId, (trx) => api.priceAt(ctxOf(trx), v.id, shop.storeId, new Date()));
    expect(now?.price).toEqual(usd(2500));
  });

  const ctxOf = (trx: Parameters<typeof serviceCtx>[0]['trx'], tenantId = shop.tenantId) => serviceCtx({ trx, tenantId, actor: systemActor, clock: t.app.kernel.clock, log: t.app.log });

  it('archives a sold variant, never deleting it, and deletes one never sold', async () => {
    const tote = (sku: string, size: string, barcode?: string) => ({ sku, price: usd(1500), option_values: [size], ...(barcode ? { barcode } : {}) });
    const options = [{ name: 'Size', values: ['S', 'M', 'L', 'XL'] }];
    const p = await product('Canvas Tote', [tote('CT-1', 'S'), tote('CT-2', 'M', '4006381333931'), tote('CT-3', 'L')], { options });
    const [sold, unsold, other] = p.variants;
    await tenantTx(t.app.database.db, shop.tenantId, (trx) => t.app.modules.catalog.service.markSold(ctxOf(trx), [sold.id]));
    const del = await t.request('DELETE', `/api/v1/variants/${sold.id}`, { token: shop.token });
    expect(del.status).toBe(409);
    expect(del.body.code).toBe('variant_sold');
    const arch = await t.request('POST', `/api/v1/variants/${sold.id}/archive`, { token: shop.token });
    expect(arch.body).toMatchObject({ status: 'archived', ever_sold: true });
    expect((await t.request('DELETE', `/api/v1/variants/${unsold.id}`, { token: shop.token })).status).toBe(204);
    expect((await t.request('GET', `/api/v1/variants/${unsold.id}`, { token: shop.token })).status).toBe(404);
    // its barcode is free again
    const again = await post(`/api/v1/products/${p.id}/variants`, tote('CT-4', 'XL', '4006381333931'));
    expect(again.status).toBe(201);
    expect((await t.request('DELETE', `/api/v1/variants/${other.id}`, { token: shop.token })).status).toBe(204);
    expect((await t.request('DELETE', `/api/v1/variants/${again.body.id}`, { token: shop.token })).status).toBe(204);
    const lone = await product('Lone Pin', [{ sku: 'LP-1', price: usd(300) }]);
    expect((await t.request('DELETE', `/api/v1/variants/${lone.variants[0].id}`, { token: shop.token })).body.code).toBe('last_variant');
    const restored = await t.request('POST', `/api/v1/variants/${sold.id}/restore`, { token: shop.token });
    expect(restored.body.status).toBe('active');
    const events = await systemTx(t.app.database.db, (trx) => sql<{ type: string; payload: { variant_id?: string } }>`select type, payload from platform.outbox where tenant_id = ${shop.tenantId} order by seq`.execute(trx));
    const about = (id: string) => events.rows.filter((e) => e.payload.variant_id === id).map((e) => e.type);
    expect(about(sold.id)).toEqual(['catalog.variant_archived', 'catalog.variant_restored']);
    expect(about(unsold.id)).toEqual(['catalog.variant_deleted']);
    expect(events.rows.filter((e) => e.type === 'catalog.price_changed').length).toBeGreaterThanOrEqual(3);
  });

  it('searches names by prefix and misspelling, SKUs by prefix and barcodes exactly', async () => {
    const cat = await post('/api/v1/categories', { name: 'Home' });
    const sub = await post('/api/v1/categories', { name: 'Candles', parent_id: cat.body.id });
    await product('Juniper Candle', [{ sku: 'JC-100', price: usd(1800) }], { category: sub.body.id });
    await product('Linen Trousers', [{ sku: 'LT-32', price: usd(6000), option_values: ['Navy'] }], { options: [{ name: 'Color', values: ['Navy'] }] });
    const names = async (q: string) => (await t.request('GET', `/api/v1/products?${q}`, { token: shop.token })).body.data.map((p: { name: string }) => p.name);
    expect(await names('q=lin')).toEqual(['Linen Shirt', 'Linen Trousers']);
    expect(await names('q=LINEN%20tr')).toEqual(['Linen Trousers']);
    expect(await names('q=trousers%20navy')).toEqual(['Linen Trousers']);
    // misspellings: the nearest correction ranks first
    expect((await names('q=jnuiper'))[0]).toBe('Juniper Candle');
    expect((await names('q=candel'))[0]).toBe('Juniper Candle');
    expect(await names('q=jc-1')).toEqual(['Juniper Candle']);
    expect(await names(`barcode=0${UPC}`)).toEqual(['Linen Shirt']);
    expect(await names(`q=${UPC}`)).toEqual(['Linen Shirt']);
    expect(await names(`category_id=${cat.body.id}`)).toEqual(['Juniper Candle']);
    expect(await names(`q=lin&category_id=${cat.body.id}`)).toEqual([]);
    expect(await names(`category_id=${randomUUID()}`)).toEqual([]);
    expect(await names('q=zzzzqx')).toEqual([]);

    const page1 = await t.request('GET', '/api/v1/products?q=l&limit=1', { token: shop.token });
    expect(page1.body.data).toHaveLength(1);
    const page2 = await t.request('GET', `/api/v1/products?q=l&limit=1&cursor=${page1.body.next_cursor}`, { token: shop.token });
    expect(page2.body.data[0].id).not.toBe(page1.body.data[0].id);
    const all = await t.request('GET', '/api/v1/products?limit=2', { token: shop.token });
    const rest = await t.request('GET', `/api/v1/products?limit=200&cursor=${all.body.next_cursor}`, { token: shop.token });
    const listed = [...all.body.data, ...rest.body.data].map((p: { name: string }) => p.name);
    expect(listed).toEqual(listed.toSorted());
    expect(listed).toContain('Wool Scarf');
  });

  it('renames and archives products, and a renamed product is found by its new name', async () => {
    const p = await product('Merino Beanie', [{ sku: 'MB-1', price: usd(3000) }]);
    const r = await t.request('PATCH', `/api/v1/products/${p.id}`, { token: shop.token, body: { name: 'Cashmere Beanie' } });
    expect(r.body.name).toBe('Cashmere Beanie');
    const names = async (q: string) => (await t.request('GET', `/api/v1/products?q=${q}`, { token: shop.token })).body.data.map((x: { name: string }) => x.name);
    expect(await names('cashm')).toEqual(['Cashmere Beanie']);
    expect(await names('merino')).toEqual([]);
    const arch = await t.request('PATCH', `/api/v1/products/${p.id}`, { token: shop.token, body: { status: 'archived' } });
    expect(arch.body.status).toBe('archived');
    expect(arch.body.variants[0].status).toBe('archived');
    expect((await t.request('GET', '/api/v1/products?q=cashm&status=active', { token: shop.token })).body.data).toEqual([]);
  });

  it("keeps each tenant's catalog to itself", async () => {
    const other = await t.signup({ business_name: 'Elsewhere' });
    const mine = (await t.request('GET', '/api/v1/products?q=linen%20shirt', { token: shop.token })).body.data[0];
    expect((await t.request('GET', `/api/v1/products/${mine.id}`, { token: other.token })).status).toBe(404);
    expect((await t.request('PATCH', `/api/v1/products/${mine.id}`, { token: other.token, body: { name: 'Mine now' } })).status).toBe(404);
    expect((await t.request('PATCH', `/api/v1/variants/${mine.variants[0].id}`, { token: other.token, body: { price: usd(1) } })).status).toBe(404);
    expect((await t.request('GET', '/api/v1/products?q=linen', { token: other.token })).body.data).toEqual([]);
    expect((await t.request('GET', '/api/v1/catalog/changes', { token: other.token })).body.data).toEqual([]);
    // SKUs and barcodes are unique per tenant, not across tenants
    const same = await post('/api/v1/products', { name: 'Linen Shirt', variants: [{ sku: 'LS-S-BLU', barcode: UPC, price: usd(1) }] }, other.token);
    expect(same.status).toBe(201);
    const refs = await tenantTx(t.app.database.db, other.tenantId, (trx) => t.app.modules.catalog.service.getVariants(ctxOf(trx, other.tenantId), [mine.variants[0].id, same.body.variants[0].id]));
    expect(refs.map((v) => v.id)).toEqual([same.body.variants[0].id]);
  });

  it('lets cashiers read the catalog but not change it', async () => {
    const email = `c-${randomUUID()}@example.com`;
    await post('/api/v1/users', { email, name: 'Cy', role: 'cashier', password: 'cashier password 1', store_ids: [shop.storeId] });
    const token = (await t.request('POST', '/api/v1/auth/login', { body: { email, password: 'cashier password 1' } })).body.access_token;
    expect((await t.request('GET', '/api/v1/products?q=lin', { token })).status).toBe(200);
    expect((await t.request('GET', '/api/v1/catalog/changes?limit=1', { token })).status).toBe(200);
    const r = await post('/api/v1/products', { name: 'Nope', variants: [{ sku: 'NOPE', price: usd(1) }] }, token);
    expect(r.status).toBe(403);
  });

  it('keeps categories a tree and tax rates per store, and prices sales with them', async () => {
    const a = (await post('/api/v1/categories', { name: 'Apparel' })).body;
    const b = (await post('/api/v1/categories', { name: 'Tops', parent_id: a.id })).body;
    expect((await post('/api/v1/categories', { name: 'tops', parent_id: a.id })).status).toBe(409);
    const cycle = await t.request('PATCH', `/api/v1/categories/${a.id}`, { token: shop.token, body: { parent_id: b.id } });
    expect(cycle.body).toMatchObject({ status: 409, code: 'category_cycle', errors: [{ path: 'parent_id' }] });

    const code = (await post('/api/v1/tax-codes', { name: 'Standard', rates: [{ store_id: shop.storeId, name: 'State', rate_ppm: 40_000 }] })).body;
    const withCity = (await post(`/api/v1/tax-codes/${code.id}/rates`, { store_id: shop.storeId, name: 'City', rate_ppm: 48_750 })).body;
    expect(withCity.rates.map((r: { name: string }) => r.name)).toEqual(['State', 'City']);
    expect((await post(`/api/v1/tax-codes/${code.id}/rates`, { store_id: shop.storeId, name: 'city', rate_ppm: 1 })).status).toBe(409);
    const bad = await post(`/api/v1/tax-codes/${code.id}/rates`, { store_id: shop.storeId, name: 'Odd', rate_ppm: 2_000_000 });
    expect(bad.body.errors[0].path).toBe('rate_ppm');

    const tee = await product('Cotton Tee', [{ sku: 'CT-TEE', price: usd(1000) }], { category_id: b.id, tax_code: code.id });
    expect((await t.request('DELETE', `/api/v1/categories/${b.id}`, { token: shop.token })).body.code).toBe('category_in_use');
    expect((await t.request('DELETE', `/api/v1/tax-codes/${code.id}`, { token: shop.token })).body.code).toBe('tax_code_in_use');
    expect((await t.request('PATCH', '/api/v1/catalog/settings', { token: shop.token, body: { prices_include_tax: true } })).body).toMatchObject({ currency: 'USD', prices_include_tax: true });

    const api = t.app.modules.catalog.service;
    const priced = await tenantTx(t.app.database.db, shop.tenantId, (trx) => api.pricing(ctxOf(trx), { storeId: shop.storeId, variantIds: [tee.variants[0].id] }));
    expect(priced.prices_include_tax).toBe(true);
    expect(priced.variants[0]).toMatchObject({ price: usd(1000), source: 'base', tax_code_id: code.id });
    expect(priced.variants[0]!.rates.map((r) => r.rate_ppm)).toEqual([40_000, 48_750]);
    const inCat = await tenantTx(t.app.database.db, shop.tenantId, (trx) => api.variantIdsInCategory(ctxOf(trx), a.id));
    expect(inCat).toEqual([tee.variants[0].id]);
    const scanned = await tenantTx(t.app.database.db, shop.tenantId, (trx) => api.findByBarcode(ctxOf(trx), `0${UPC}`));
    expect(scanned).toMatchObject({ sku: 'LS-S-BLU', name: 'Linen Shirt / S / Blue', barcodes: [UPC] });
  });

  it('feeds every change in order: applying the feed rebuilds the catalog', async () => {
    const cache = new Map<string, Record<string, unknown> | null>();
    let cursor: string | undefined;
    const follow = async () => {
      for (;;) {
        const r = await t.request('GET', `/api/v1/catalog/changes?limit=7${cursor ? `&cursor=${cursor}` : ''}`, { token: shop.token });
        // the page PostgreSQL writes as JSON text is what the documented schema says
        expect(ChangesPage.safeParse(r.body).error).toBeUndefined();
        for (const c of r.body.data as { changed_at: string }[]) expect(new Date(c.changed_at).toISOString()).toBe(c.changed_at);
        for (const c of r.body.data) cache.set(`${c.entity}:${c.id}`, c.op === 'delete' ? null : c.data);
        cursor = r.body.next_cursor;
        if (!r.body.has_more) return;
      }
    };
    await follow();
    const p = await product('Feed Socks', [{ sku: 'FS-1', price: usd(500) }]);
    await t.request('PATCH', `/api/v1/variants/${p.variants[0].id}`, { token: shop.token, body: { price: usd(600) } });
    await follow();
    const products = (await t.request('GET', '/api/v1/products?limit=200', { token: shop.token })).body.data;
    for (const { variants, ...core } of products) {
      expect(cache.get(`product:${core.id}`)).toEqual(core);
      for (const v of variants) expect(cache.get(`variant:${v.id}`)).toEqual(v);
    }
    const live = [...cache.entries()].filter(([k, v]) => k.startsWith('variant:') && v !== null);
    expect(live).toHaveLength(products.flatMap((x: { variants: unknown[] }) => x.variants).length);
    const taxCodes = (await t.request('GET', '/api/v1/tax-codes', { token: shop.token })).body.data;
    for (const c of taxCodes) expect(cache.get(`tax_code:${c.id}`)).toEqual(c);
    expect(cache.get(`settings:${shop.tenantId}`)).toMatchObject({ currency: 'USD', prices_include_tax: true });
    const again = await t.request('GET', `/api/v1/catalog/changes?cursor=${cursor}`, { token: shop.token });
    expect(again.body).toEqual({ data: [], next_cursor: cursor, has_more: false });
  });

  it('takes the currency from tenant.created and refuses prices in another', async () => {
    const euro = await t.signup({ business_name: 'Euro Shop', currency: 'EUR' });
    await t.app.bus.drain(20_000);
    expect((await t.request('GET', '/api/v1/catalog/settings', { token: euro.token })).body).toMatchObject({ currency: 'EUR', prices_include_tax: false });
    const r = await post('/api/v1/products', { name: 'Brie', variants: [{ sku: 'BRIE', price: usd(900) }] }, euro.token);
    expect(r.body).toMatchObject({ status: 400, code: 'currency_mismatch', errors: [{ path: 'variants.0.price.currency', message: 'must be EUR' }] });
  });

  it('takes a product of 1,000 variants in one request', async () => {
    const sizes = Array.from({ length: 40 }, (_, i) => `W${i}`);
    const colors = Array.from({ length: 25 }, (_, i) => `C${i}`);
    const variants = sizes.flatMap((s) => colors.map((c) => ({ sku: `BIG-${s}-${c}`, price: usd(100), option_values: [s, c] })));
    const started = Date.now();
    const p = await product('Big Grid', variants, { options: [{ name: 'Waist', values: sizes }, { name: 'Colour', values: colors }] });
    expect(p.variants).toHaveLength(1000);
    expect(Date.now() - started).toBeLessThan(20_000);
    const more = await post(`/api/v1/products/${p.id}/variants`, { sku: 'BIG-MORE', price: usd(1), option_values: ['W0', 'C0'] });
    expect(more.body.code).toBe('too_many_variants');
  });
});
