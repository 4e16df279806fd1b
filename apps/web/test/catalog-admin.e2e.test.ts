import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page, Request as BrowserRequest } from 'playwright-core';
import { hasChromium } from '@novapos/testkit';
import { DEMO } from '@novapos/server';
import type { TestApp } from '@novapos/server/testing';
import { ARTIFACTS, startBrowserApp, type BrowserApp } from './harness.ts';

const owner = DEMO.users[0];

describe.skipIf(!hasChromium())('catalog screens in Chromium', () => {
  let env: BrowserApp;
  let t: TestApp;
  let url: string;
  let page: Page;
  let token: string;
  let productId: string;

  beforeAll(async () => {
    env = await startBrowserApp();
    ({ t, url, page } = env);
    token = (await t.request('POST', '/api/v1/auth/login', { body: { email: owner.email, password: owner.password } })).body.access_token;
    await page.goto(`${url}/login`);
    await page.getByLabel('Email').fill(owner.email);
    await page.getByLabel('Password').fill(owner.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/admin\/stores/);
  });
  afterAll(async () => env?.close());

  it('creates a product from a 2 × 2 options grid pruned to 3 variants', async () => {
    await page.getByRole('link', { name: 'Catalog' }).click();
    await page.getByRole('heading', { name: 'Products' }).waitFor();
    await page.getByRole('link', { name: 'New product' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Harbor tee');
    await page.getByRole('button', { name: 'Add option' }).click();
    await page.getByLabel('Option 1 name').fill('Size');
    await page.getByLabel('Option 1 values').fill('S, M');
    await page.getByRole('button', { name: 'Add option' }).click();
    await page.getByLabel('Option 2 name').fill('Color');
    await page.getByLabel('Option 2 values').fill('Red, Blue');
    await expect.poll(() => page.getByRole('row').filter({ has: page.getByRole('button', { name: /^Remove variant/ }) }).count()).toBe(4);

    await page.getByRole('button', { name: 'Remove variant M / Blue' }).click();
    await expect.poll(() => page.getByText('4 variants will be created').count()).toBe(0);
    await page.getByText('3 variants will be created').waitFor();
    await page.getByLabel('SKU prefix').fill('HT');
    await page.getByLabel('Price for all').fill('24.50');
    await page.getByRole('button', { name: 'Fill', exact: true }).click();
    await expect.poll(() => page.getByLabel('SKU for S / Red').inputValue()).toBe('HT-S-RED');
    await page.getByLabel('Price for M / Red').fill('26');
    await page.getByLabel('Barcodes for S / Red').fill('036000291452');
    await page.screenshot({ path: join(ARTIFACTS, 'catalog-product-new.png'), fullPage: true });
    await page.getByRole('button', { name: 'Create product' }).click();

    await page.getByRole('heading', { name: 'Harbor tee' }).waitFor();
    await page.getByText('“Harbor tee” created with 3 variants.').waitFor();
    productId = page.url().split('/').at(-1)!;
    const product = (await t.request('GET', `/api/v1/products/${productId}`, { token })).body;
    const variants = product.variants.map((v: { sku: string; option_values: string[]; price: { amount: number } }) => [v.sku, v.option_values.join('/'), v.price.amount]);
    expect(variants.toSorted()).toEqual([
      ['HT-M-RED', 'M/Red', 2600],
      ['HT-S-BLUE', 'S/Blue', 2450],
      ['HT-S-RED', 'S/Red', 2450],
    ]);
    await page.screenshot({ path: join(ARTIFACTS, 'catalog-product-edit.png'), fullPage: true });
  });

  it('shows a duplicate SKU next to its cell and creates nothing', async () => {
    await page.goto(`${url}/admin/catalog/products/new`);
    await page.getByLabel('Name', { exact: true }).fill('Copy cat');
    await page.getByLabel('SKU for Default').fill('HT-S-RED');
    await page.getByLabel('Price for Default').fill('5');
    await page.getByRole('button', { name: 'Create product' }).click();
    await expect.poll(() => page.getByText('is already used by another variant').count()).toBeGreaterThan(0);
    expect(await page.getByLabel('SKU for Default').getAttribute('aria-invalid')).toBe('true');
    const list = (await t.request('GET', '/api/v1/products?q=Copy%20cat', { token })).body;
    expect(list.data.filter((p: { name: string }) => p.name === 'Copy cat')).toHaveLength(0);
  });

  it("sets and removes a store's price override and shows the price history", async () => {
    await page.goto(`${url}/admin/catalog/products/${productId}`);
    await page.getByRole('link', { name: /^Prices of Harbor tee — S \/ Red/ }).click();
    await page.getByRole('heading', { name: /Prices: Harbor tee — S \/ Red/ }).waitFor();
    await page.getByLabel(`Override price for ${DEMO.stores[1].name} (USD)`).fill('19.99');
    await page.getByRole('row', { name: new RegExp(DEMO.stores[1].name) }).getByRole('button', { name: 'Set' }).click();
    await page.getByText(`${DEMO.stores[1].name} now sells HT-S-RED at $19.99.`).waitFor();
    await expect.poll(() => page.getByRole('row', { name: new RegExp(DEMO.stores[1].name) }).first().textContent()).toContain('Store override');
    await expect.poll(() => page.getByRole('table', { name: /Price versions/ }).getByRole('row').count()).toBe(3);
    await page.screenshot({ path: join(ARTIFACTS, 'catalog-prices.png'), fullPage: true });

    const product = (await t.request('GET', `/api/v1/products/${productId}`, { token })).body;
    const v = product.variants.find((x: { sku: string }) => x.sku === 'HT-S-RED');
    const seaside = (await t.request('GET', '/api/v1/me', { token })).body.stores[1].id;
    expect(v.store_prices).toEqual([{ store_id: seaside, price: { amount: 1999, currency: 'USD' } }]);

    await page.getByRole('button', { name: `Remove the override in ${DEMO.stores[1].name}` }).click();
    await page.getByText(`${DEMO.stores[1].name} uses the base price of HT-S-RED again.`).waitFor();
    const after = (await t.request('GET', `/api/v1/variants/${v.id}`, { token })).body;
    expect(after.store_prices).toEqual([]);
  });

  it('renders a printable label sheet with SVG barcodes', async () => {
    await page.goto(`${url}/admin/catalog/products/${productId}`);
    await page.getByRole('link', { name: 'Print labels' }).click();
    await page.getByRole('heading', { name: 'Barcode labels' }).waitFor();
    await expect.poll(() => page.locator('.label-sheet .label__barcode svg').count()).toBe(3);
    await page.getByLabel('Number of labels for Harbor tee — S / Red').fill('4');
    await expect.poll(() => page.locator('.label-sheet .label__barcode svg').count()).toBe(6);
    expect(await page.getByRole('img', { name: 'Barcode 036000291452' }).count()).toBe(4);
    expect(await page.locator('.label-sheet').first().textContent()).toContain('$24.50');
    await page.screenshot({ path: join(ARTIFACTS, 'catalog-labels.png'), fullPage: true });

    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.admin__header').isVisible()).toBe(false);
    expect(await page.getByRole('button', { name: /^Print/ }).isVisible()).toBe(false);
    expect(await page.locator('.label-sheet').first().isVisible()).toBe(true);
    await page.screenshot({ path: join(ARTIFACTS, 'catalog-labels-print.png') });
    await page.emulateMedia({ media: 'screen' });
  });

  it('adds the missing combination, edits, archives and deletes variants', async () => {
    await page.goto(`${url}/admin/catalog/products`);
    await page.getByLabel('Search').fill('harb');
    await page.getByRole('link', { name: 'Harbor tee' }).click();
    await page.getByRole('heading', { name: 'Add variants' }).waitFor();
    await page.getByLabel('SKU for M / Blue').fill('HT-M-BLUE');
    await page.getByLabel('Price for M / Blue').fill('26.00');
    await page.getByRole('button', { name: 'Add 1 variant' }).click();
    await page.getByText('1 variant added.').waitFor();
    await page.getByText('Every combination of the options exists.', { exact: false }).waitFor();

    await page.getByRole('button', { name: 'Edit Harbor tee — M / Blue' }).click();
    await page.getByLabel('Price (USD)').fill('27.5');
    await page.getByRole('button', { name: 'Save variant' }).click();
    await page.getByText('HT-M-BLUE saved.').waitFor();
    await expect.poll(() => page.getByRole('row', { name: /HT-M-BLUE/ }).textContent()).toContain('$27.50');

    await page.getByRole('button', { name: 'Archive Harbor tee — M / Red' }).click();
    await page.getByText('HT-M-RED is archived: no longer sold, kept for history.').waitFor();
    await page.getByRole('button', { name: 'Delete Harbor tee — M / Blue' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Delete variant' }).click();
    await page.getByText('HT-M-BLUE deleted.').waitFor();

    const product = (await t.request('GET', `/api/v1/products/${productId}`, { token })).body;
    const state = Object.fromEntries(product.variants.map((v: { sku: string; status: string }) => [v.sku, v.status]));
    expect(state).toEqual({ 'HT-S-RED': 'active', 'HT-S-BLUE': 'active', 'HT-M-RED': 'archived' });
  });

  it('builds the category tree and moves a category', async () => {
    await page.goto(`${url}/admin/catalog/categories`);
    await page.getByLabel('New category name').fill('Apparel');
    await page.getByRole('button', { name: 'Add category' }).click();
    await page.getByText('Category “Apparel” created.').waitFor();
    await page.getByLabel('New category name').fill('Tops');
    await page.getByRole('button', { name: 'Add category' }).click();
    await page.getByText('Category “Tops” created.').waitFor();
    await page.getByRole('button', { name: 'Move Tops' }).click();
    await page.getByLabel('New place').selectOption({ label: 'Apparel' });
    await page.getByRole('button', { name: 'Move', exact: true }).click();
    await page.getByRole('button', { name: 'Rename Apparel › Tops' }).waitFor();
    const cats = (await t.request('GET', '/api/v1/categories', { token })).body.data;
    const apparel = cats.find((c: { name: string }) => c.name === 'Apparel');
    expect(cats.find((c: { name: string }) => c.name === 'Tops').parent_id).toBe(apparel.id);
  });

  it('gives a tax code several rates in one store and switches to tax-inclusive prices', async () => {
    await page.goto(`${url}/admin/catalog/tax`);
    await page.getByLabel('Tax code name').fill('Clothing');
    await page.getByRole('button', { name: 'Create tax code' }).click();
    await page.getByText('Tax code “Clothing” created. Add its rates per store.').waitFor();
    const add = page.getByRole('form', { name: 'Add a rate to Clothing' });
    for (const [name, pct] of [['NY State', '4'], ['NYC', '4.875']] as const) {
      await add.getByLabel('Store').selectOption({ label: DEMO.stores[0].name });
      await add.getByLabel('Rate name').fill(name);
      await add.getByLabel('Rate (%)').fill(pct);
      await add.getByRole('button', { name: 'Add rate' }).click();
      await page.getByText(`Rate “${name}” added.`).waitFor();
    }
    // the demo's "Sales tax" has combined rows too: read the one in Clothing's table of rates
    const clothingRates = page.getByRole('table', { name: 'Rates of Clothing per store' });
    await expect.poll(() => clothingRates.getByRole('row', { name: /Combined/ }).textContent()).toBe(`${DEMO.stores[0].name}Combined8.875 %`);
    await page.getByLabel(/Include tax/).check();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('Prices now include tax.').waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'catalog-tax.png'), fullPage: true });

    const codes = (await t.request('GET', '/api/v1/tax-codes', { token })).body.data;
    const clothing = codes.find((c: { name: string }) => c.name === 'Clothing');
    expect(clothing.rates.map((r: { name: string; rate_ppm: number }) => [r.name, r.rate_ppm]).toSorted()).toEqual([['NY State', 40000], ['NYC', 48750]]);
    expect((await t.request('GET', '/api/v1/catalog/settings', { token })).body.prices_include_tax).toBe(true);
  });

  it('imports a catalog CSV through the screen: a bad row refuses the whole file, a fixed file creates the products, the export has them', async () => {
    const [downtown, seaside] = [DEMO.stores[0].name, DEMO.stores[1].name];
    const header = `handle,product_name,category,tax_code,option1_name,option1_value,sku,barcode,price,price:${seaside},stock:${downtown}`;
    // EAN-13 4006381333931 is a valid code no demo item has; …932 has a wrong check digit
    const goodRows = [
      'tidepool-tote,Tidepool Tote,Beach shop > Totes,Sales tax,Color,Sand,TIDE-SAND,4006381333931,34.00,,6',
      'tidepool-tote,,,,,Navy,TIDE-NAVY,,34.00,36.00,4',
      'dune-visor,Dune Visor,Beach shop > Hats,Sales tax,,,DUNE-1,,22.50,,3',
    ];
    const file = (name: string, rows: string[]) => ({ name, mimeType: 'text/csv', buffer: Buffer.from(`${[header, ...rows].join('\r\n')}\r\n`) });
    const bad = file('beach-products.csv', [goodRows[0]!.replace('4006381333931', '4006381333932'), goodRows[1]!, goodRows[2]!.replace('22.50', '22.505')]);
    const good = file('beach-products-fixed.csv', goodRows);
    const api = async (path: string) => {
      const r = await t.request('GET', `/api/v1${path}`, { token });
      expect(r.status, `GET ${path}: ${JSON.stringify(r.body)}`).toBe(200);
      return r.body;
    };
    const productNamed = async (name: string) =>
      ((await api(`/products?q=${encodeURIComponent(name)}`)).data as { name: string }[]).find((p) => p.name === name) as
        | { id: string; category_id: string; options: { name: string; values: string[] }[]; variants: { id: string; sku: string; option_values: string[]; barcodes: { code: string }[]; price: { amount: number }; store_prices: { store_id: string; price: { amount: number } }[] }[] }
        | undefined;
    const categoryNames = async () => ((await api('/categories')).data as { name: string }[]).map((c) => c.name);
    const storeIds = ((await api('/me')).stores as { id: string }[]).map((s) => s.id);

    const sent: { url: string; type: string | undefined; key: string | undefined }[] = [];
    const onRequest = (r: BrowserRequest) => {
      if (r.method() === 'POST' && r.url().includes('/api/v1/imports/products')) sent.push({ url: r.url(), type: r.headers()['content-type'], key: r.headers()['idempotency-key'] });
    };
    page.on('request', onRequest);

    // a file with bad rows, imported for real (not "Check only"): the report names each line and column
    await page.goto(`${url}/admin/catalog/import-export`);
    await page.getByRole('heading', { name: 'Import and export' }).waitFor();
    await page.getByLabel('CSV file').setInputFiles(bad);
    await page.getByLabel('Check only: validate every row without changing anything').uncheck();
    await page.getByRole('button', { name: 'Import file' }).click();
    await page.getByText('The file has 2 problems; nothing was imported.').waitFor();
    await page.getByText('The file has 3 data rows;', { exact: false }).waitFor();
    const report = page.getByRole('table', { name: 'Rows that need a fix' }).getByRole('row');
    await expect.poll(() => report.count()).toBe(3);
    const cells = async (i: number) => (await report.nth(i).locator('th, td').allTextContents()).map((x) => x.trim());
    expect(await cells(0)).toEqual(['Line', 'Column', 'Problem']);
    const [first, second] = [await cells(1), await cells(2)];
    expect(first.slice(0, 2)).toEqual(['2', 'barcode']);
    expect(first[2]).toMatch(/check digit/);
    expect(second.slice(0, 2)).toEqual(['4', 'price']);
    expect(second[2]).toMatch(/more decimals than USD has/);
    await page.screenshot({ path: join(ARTIFACTS, 'catalog-import-report.png'), fullPage: true });

    // nothing of it was written: no products, no barcode, no categories
    expect(await productNamed('Tidepool Tote')).toBeUndefined();
    expect(await productNamed('Dune Visor')).toBeUndefined();
    expect((await api('/products?barcode=4006381333931')).data).toEqual([]);
    expect(await categoryNames()).not.toContain('Beach shop');

    // the fixed file: checked first, then imported
    await page.getByLabel('CSV file').setInputFiles(good);
    await page.getByLabel('Check only: validate every row without changing anything').check();
    await page.getByRole('button', { name: 'Check file' }).click();
    await page.getByText('All 3 rows are valid. Nothing was changed yet.').waitFor();
    expect(await productNamed('Tidepool Tote')).toBeUndefined();
    await page.getByRole('button', { name: 'Untick “Check only” to import this file.' }).click();
    await page.getByRole('button', { name: 'Import file' }).click();
    await page.getByText('Imported 3 rows.').waitFor();
    const summary = Object.fromEntries(
      await page
        .locator('.import-result dt')
        .evaluateAll((dts) => dts.map((dt) => [dt.textContent ?? '', dt.nextElementSibling?.textContent ?? ''])),
    );
    expect(summary).toEqual({ 'Products created': '2', 'Products updated': '0', 'Variants created': '3', 'Variants updated': '0', 'Stock rows': '3' });
    await page.screenshot({ path: join(ARTIFACTS, 'catalog-import-done.png'), fullPage: true });
    page.off('request', onRequest);
    // the file itself as the body; the import, the check and the import again are three intents: three keys
    expect(sent.map((r) => [new URL(r.url).search, r.type])).toEqual([
      ['', 'text/csv'],
      ['?dry_run=true', 'text/csv'],
      ['', 'text/csv'],
    ]);
    expect(new Set(sent.map((r) => r.key).filter(Boolean)).size).toBe(3);

    // the API has them: options, barcodes, prices, the store override, categories and stock
    const tote = await productNamed('Tidepool Tote');
    expect(tote?.options).toEqual([{ name: 'Color', values: ['Sand', 'Navy'] }]);
    expect(tote?.variants.map((v) => [v.sku, v.option_values.join('/'), v.price.amount, v.barcodes.map((b) => b.code).join(' ')])).toEqual([
      ['TIDE-SAND', 'Sand', 3400, '4006381333931'],
      ['TIDE-NAVY', 'Navy', 3400, ''],
    ]);
    expect(tote?.variants[1]!.store_prices).toEqual([{ store_id: storeIds[1], price: { amount: 3600, currency: 'USD' } }]);
    const visor = await productNamed('Dune Visor');
    expect(visor?.variants.map((v) => [v.sku, v.price.amount])).toEqual([['DUNE-1', 2250]]);
    const categories = (await api('/categories')).data as { id: string; name: string; parent_id: string | null }[];
    const beach = categories.find((c) => c.name === 'Beach shop');
    expect(categories.find((c) => c.id === tote?.category_id)).toMatchObject({ name: 'Totes', parent_id: beach?.id });
    const onHand = async (variantId: string) => (await api(`/inventory?store_id=${storeIds[0]}&variant_id=${variantId}`)).data[0]?.on_hand;
    expect([await onHand(tote!.variants[0]!.id), await onHand(tote!.variants[1]!.id), await onHand(visor!.variants[0]!.id)]).toEqual([6, 4, 3]);

    // …and so does the products list
    await page.goto(`${url}/admin/catalog/products`);
    await page.getByLabel('Search').fill('Tidepool');
    await page.getByRole('link', { name: 'Tidepool Tote' }).waitFor();
    await expect.poll(() => page.getByRole('row', { name: /Tidepool Tote/ }).textContent()).toContain('Beach shop › Totes');

    // the export downloads the whole catalog as CSV, these products included, in the import's format
    await page.goto(`${url}/admin/catalog/import-export`);
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download products CSV' }).click();
    const saved = await download;
    expect(saved.suggestedFilename()).toMatch(/^products-\d{4}-\d{2}-\d{2}\.csv$/);
    await page.getByText(`Downloaded ${saved.suggestedFilename()}.`).waitFor();
    const text = (await readFile(await saved.path())).toString('utf8').replace(/^\uFEFF/, '');
    const [head, ...lines] = text.trimEnd().split('\r\n');
    const columns = head!.split(',');
    expect(columns).toEqual(expect.arrayContaining(['handle', 'product_name', 'category', 'sku', 'barcode', 'price', `price:${seaside}`, `stock:${downtown}`]));
    // the demo catalog is there too (one row per variant)
    expect(lines.length).toBeGreaterThan(1500);
    const row = (sku: string) => {
      const found = lines.filter((l) => l.split(',')[columns.indexOf('sku')] === sku);
      expect(found, sku).toHaveLength(1);
      return Object.fromEntries(found[0]!.split(',').map((cell, i) => [columns[i], cell]));
    };
    expect(row('TIDE-SAND')).toMatchObject({ handle: 'tidepool-tote', product_name: 'Tidepool Tote', category: 'Beach shop > Totes', tax_code: 'Sales tax', option1_name: 'Color', option1_value: 'Sand', barcode: '4006381333931', price: '34.00', [`stock:${downtown}`]: '6' });
    expect(row('TIDE-NAVY')).toMatchObject({ handle: 'tidepool-tote', option1_value: 'Navy', price: '34.00', [`price:${seaside}`]: '36.00', [`stock:${downtown}`]: '4' });
    expect(row('DUNE-1')).toMatchObject({ product_name: 'Dune Visor', category: 'Beach shop > Hats', price: '22.50', [`stock:${downtown}`]: '3' });
  });
});
