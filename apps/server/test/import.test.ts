import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasPostgres } from '@novapos/testkit';
import { idem, startTestApp, type DbKind, type TestApp, type TestTenant } from '../src/testing.ts';

const kinds: DbKind[] = hasPostgres() ? ['pglite', 'postgres'] : ['pglite'];

const csv = (...lines: string[]) => `${lines.join('\r\n')}\r\n`;
const HEADER =
  'handle,product_name,description,category,tax_code,option1_name,option1_value,option2_name,option2_value,sku,barcode,barcode_type,extra_barcodes,price,cost,track_serials,status,price:Seaside,stock:Main store,stock:Seaside';
// UPC-A 036000291452 and EAN-13 4006381333931 are valid GTINs
const GOOD = csv(
  HEADER,
  'linen-tee,Linen Tee,"Soft, breathable",Apparel > Shirts,Standard,Size,S,Color,Blue,TEE-S-BLU,036000291452,,internal:SHELF-1,19.99,7.50,false,active,18.00,10,3',
  'linen-tee,,,,,,M,,Blue,TEE-M-BLU,,,,19.99,,false,active,,4,',
  'linen-tee,,,,,,S,,Red,TEE-S-RED,,,,21,,false,archived,,,',
  'camp-mug,Camp Mug,,Kitchen,,,,,,MUG-1,4006381333931,ean13,,12,,no,active,,0,',
  'trail-cam,Trail Camera,,Electronics > Cameras,,,,,,CAM-1,,,,199.00,120.00,true,active,,,0',
);

describe.each(kinds)('catalog CSV import and export on %s', (kind) => {
  let t: TestApp;
  let shop: TestTenant;
  let seaside: string;

  const importCsv = (body: string, opts: { token?: string; query?: string; key?: string } = {}) =>
    t.request('POST', `/api/v1/imports/products${opts.query ?? ''}`, {
      token: opts.token ?? shop.token,
      rawBody: body,
      headers: { 'content-type': 'text/csv', 'idempotency-key': opts.key ?? randomUUID() },
    });
  const get = (url: string, token = shop.token) => t.request('GET', url, { token });
  const productCount = async (token = shop.token) => (await get('/api/v1/products?limit=200', token)).body.data.length;
  const stock = async (storeId: string, token = shop.token) =>
    Object.fromEntries((await get(`/api/v1/inventory?store_id=${storeId}&limit=200`, token)).body.data.map((l: { sku: string; on_hand: number }) => [l.sku, l.on_hand]));

  /** A business with the stores and tax code the files name. */
  async function business(name: string): Promise<{ tenant: TestTenant; seaside: string }> {
    const tenant = await t.signup({ business_name: name });
    const store = await t.request('POST', '/api/v1/stores', { token: tenant.token, body: { name: 'Seaside', timezone: 'Europe/London' }, headers: idem() });
    expect(store.status).toBe(201);
    const tax = await t.request('POST', '/api/v1/tax-codes', { token: tenant.token, body: { name: 'Standard', rates: [{ store_id: tenant.storeId, name: 'VAT', rate_ppm: 200_000 }] }, headers: idem() });
    expect(tax.status).toBe(201);
    return { tenant, seaside: store.body.id };
  }

  beforeAll(async () => {
    t = await startTestApp(kind);
    ({ tenant: shop, seaside } = await business('Threads'));
  });
  afterAll(async () => t?.close());

  it('imports products with options, barcodes, categories, prices and stock, and the export round-trips into another business', async () => {
    const r = await importCsv(GOOD);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toEqual({ status: 'applied', rows: 5, products_created: 3, products_updated: 0, variants_created: 5, variants_updated: 0, stock_rows: 3 });

    const tee = (await get('/api/v1/products?q=linen')).body.data[0];
    expect(tee).toMatchObject({ name: 'Linen Tee', description: 'Soft, breathable', options: [{ name: 'Size', values: ['S', 'M'] }, { name: 'Color', values: ['Blue', 'Red'] }], status: 'active' });
    expect(tee.variants.map((v: { sku: string; title: string; status: string }) => [v.sku, v.title, v.status])).toEqual([
      ['TEE-S-BLU', 'S / Blue', 'active'],
      ['TEE-M-BLU', 'M / Blue', 'active'],
      ['TEE-S-RED', 'S / Red', 'archived'],
    ]);
    expect(tee.variants[0]).toMatchObject({
      barcodes: [{ code: '036000291452', type: 'upca' }, { code: 'SHELF-1', type: 'internal' }],
      price: { amount: 1999, currency: 'USD' },
      cost: { amount: 750, currency: 'USD' },
      store_prices: [{ store_id: seaside, price: { amount: 1800, currency: 'USD' } }],
    });
    const categories = (await get('/api/v1/categories')).body.data;
    const shirts = categories.find((c: { name: string }) => c.name === 'Shirts');
    expect(categories.find((c: { id: string }) => c.id === shirts.parent_id).name).toBe('Apparel');
    expect(tee.category_id).toBe(shirts.id);
    expect((await get('/api/v1/products?barcode=4006381333931')).body.data[0].name).toBe('Camp Mug');
    expect((await get('/api/v1/products?q=camera')).body.data[0].variants[0]).toMatchObject({ track_serials: true, price: { amount: 19900 } });
    expect(await stock(shop.storeId)).toMatchObject({ 'TEE-S-BLU': 10, 'TEE-M-BLU': 4 });
    expect(await stock(seaside)).toMatchObject({ 'TEE-S-BLU': 3 });

    // the same file again changes nothing
    const again = await importCsv(GOOD);
    expect(again.body).toMatchObject({ status: 'applied', products_created: 0, products_updated: 0, variants_created: 0, variants_updated: 0, stock_rows: 0 });

    const exported = await get('/api/v1/exports/products.csv');
    expect(exported.status).toBe(200);
    expect(exported.headers['content-type']).toMatch(/^text\/csv/);
    expect(exported.headers['content-disposition']).toMatch(/attachment; filename="products-\d{4}-\d{2}-\d{2}\.csv"/);
    const other = await business('Copy Shop');
    const copied = await importCsv(exported.body, { token: other.tenant.token });
    expect(copied.status, JSON.stringify(copied.body)).toBe(200);
    expect(copied.body).toMatchObject({ products_created: 3, variants_created: 5, stock_rows: 3 });
    const reexported = await get('/api/v1/exports/products.csv', other.tenant.token);
    expect(reexported.body).toBe(exported.body);
  });

  it('rejects a file with bad rows with every line and column, and changes nothing', async () => {
    const before = { products: await productCount(), main: await stock(shop.storeId), seaside: await stock(seaside) };
    const bad = csv(
      'handle,product_name,colour,option1_name,option1_value,sku,barcode,price,stock:Main store',
      'cap,Cap,red,,,CAP-1,036000291453,12.00,5', // 2: barcode check digit
      'beanie,Beanie,,,,CAP-1,,9.00,1', // 3: SKU repeated in the file
      'scarf,Scarf,,,,SCARF-1,,12.345,1', // 4: too many decimals for USD
      'gloves,Gloves,,,,GLOVES-1,,8.00,2.5', // 5: quantity not a whole number
      'linen-tee,Linen Tee,,,,TEE-S-BLU,,19.99,', // 6: fine on its own (Linen Tee, options kept)…
      'linen-tee,,,,,MUG-1,,12,', // 7: …but MUG-1 belongs to Camp Mug
      'sock,,,,,SOCK-1,,3.00,', // 8: a new product needs a name
    );
    const r = await importCsv(bad);
    expect(r.status).toBe(422);
    expect(r.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(r.body).toMatchObject({ type: expect.any(String), title: 'Unprocessable Content', status: 422, code: 'import_rejected', detail: expect.stringMatching(/nothing was imported/) });
    const found = r.body.report.errors.map((e: { line: number; column: string | null }) => `${e.line}:${e.column}`);
    expect(found).toEqual(['1:colour', '2:barcode', '3:sku', '4:price', '5:stock:Main store', '7:sku', '8:product_name']);
    expect(r.body.report.rows).toBe(7);
    const reasons = Object.fromEntries(r.body.report.errors.map((e: { line: number; reason: string }) => [e.line, e.reason]));
    expect(reasons[2]).toMatch(/check digit/);
    expect(reasons[3]).toMatch(/repeats SKU CAP-1 \(first at 2\)/);
    expect(reasons[4]).toMatch(/more decimals than USD has/);
    expect(reasons[5]).toMatch(/whole number/);
    expect(reasons[7]).toMatch(/already used by a variant of "Camp Mug"/);
    expect(r.body.errors[0]).toEqual({ path: 'line 1, column colour', message: expect.stringMatching(/unknown column/) });

    const missing = await importCsv(csv('product_name,price', 'Cap,12.00'));
    expect(missing.status).toBe(422);
    expect(missing.body.report.errors.map((e: { line: number; column: string }) => `${e.line}:${e.column}`)).toEqual(['1:handle', '1:sku']);

    expect({ products: await productCount(), main: await stock(shop.storeId), seaside: await stock(seaside) }).toEqual(before);
  });

  it('checks without applying on a dry run, refuses stock for serial-tracked variants, and replays a repeated request', async () => {
    const before = await productCount();
    const file = csv('handle,product_name,sku,price,stock:Main store', 'tote,Canvas Tote,TOTE-1,24.00,6', 'belt,Leather Belt,BELT-1,35.00,2');
    const dry = await importCsv(file, { query: '?dry_run=true' });
    expect(dry.body).toEqual({ status: 'validated', rows: 2, products_created: 2, products_updated: 0, variants_created: 2, variants_updated: 0, stock_rows: 2 });
    expect(await productCount()).toBe(before);

    const tracked = await importCsv(csv('handle,sku,stock:Main store', 'trail-cam,CAM-1,2'));
    expect(tracked.status).toBe(422);
    expect(tracked.body.report.errors).toEqual([{ line: 2, column: 'stock:Main store', reason: expect.stringMatching(/CAM-1 tracks serial numbers/) }]);

    const key = randomUUID();
    const first = await importCsv(file, { key });
    expect(first.body).toMatchObject({ status: 'applied', products_created: 2, stock_rows: 2 });
    const replay = await importCsv(file, { key });
    expect(replay.status).toBe(200);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toEqual(first.body);
    expect(await productCount()).toBe(before + 2);
    const reused = await importCsv(csv('handle,product_name,sku,price', 'x,X,X-1,1.00'), { key });
    expect(reused.status).toBe(422);
    expect(reused.body.code).toBe('idempotency_key_reused');

    // a price update through a two-column file, for the same SKU in another case
    const price = await importCsv(csv('handle,sku,price', 'tote,tote-1,26.50'));
    expect(price.body).toMatchObject({ variants_updated: 1, products_updated: 0 });
    const tote = (await get('/api/v1/products?q=tote')).body.data[0].variants[0];
    expect(tote).toMatchObject({ sku: 'tote-1', price: { amount: 2650 } });
    const history = (await get(`/api/v1/variants/${tote.id}/prices`)).body.data;
    expect(history.map((h: { price: { amount: number } }) => h.price.amount)).toEqual([2400, 2650]);
    expect(history[0].valid_to).toBe(history[1].valid_from);
  });

  it('needs catalog.manage to import and catalog.read to export, and reads only text/csv', async () => {
    const cashier = await t.request('POST', '/api/v1/users', { token: shop.token, body: { email: `c-${randomUUID()}@example.com`, name: 'Cass', role: 'cashier', password: 'cashier password 1', store_ids: [shop.storeId] }, headers: idem() });
    expect(cashier.status).toBe(201);
    const login = await t.request('POST', '/api/v1/auth/login', { body: { email: cashier.body.email, password: 'cashier password 1' } });
    const token = login.body.access_token;
    expect((await importCsv(GOOD, { token })).status).toBe(403);
    expect((await get('/api/v1/exports/products.csv', token)).status).toBe(200);
    const json = await t.request('POST', '/api/v1/imports/products', { token: shop.token, body: { rows: [] }, headers: idem() });
    expect(json.status).toBe(415);
  });
});
