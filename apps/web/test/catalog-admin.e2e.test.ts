import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
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
    await expect.poll(() => page.getByRole('row', { name: /Combined/ }).textContent()).toContain('8.875 %');
    await page.getByLabel(/Include tax/).check();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('Prices now include tax.').waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'catalog-tax.png'), fullPage: true });

    const codes = (await t.request('GET', '/api/v1/tax-codes', { token })).body.data;
    const clothing = codes.find((c: { name: string }) => c.name === 'Clothing');
    expect(clothing.rates.map((r: { name: string; rate_ppm: number }) => [r.name, r.rate_ppm]).toSorted()).toEqual([['NY State', 40000], ['NYC', 48750]]);
    expect((await t.request('GET', '/api/v1/catalog/settings', { token })).body.prices_include_tax).toBe(true);
  });

  // The import and export endpoints are not in the server yet: the browser's requests are answered
  // here with the agreed contract, to pin what the screen sends and how it shows the answers.
  it('uploads a CSV with the agreed headers and shows the per-row error report, then the summary', async () => {
    const seen: { url: string; headers: Record<string, string>; body: string }[] = [];
    await page.route('**/api/v1/imports/products*', async (route) => {
      const req = route.request();
      seen.push({ url: req.url(), headers: req.headers(), body: req.postData() ?? '' });
      if (req.url().includes('dry_run=true')) {
        await route.fulfill({
          status: 422,
          contentType: 'application/problem+json',
          body: JSON.stringify({
            type: 'https://novapos.dev/problems/import-rejected', title: 'Unprocessable Entity', status: 422, code: 'import_rejected',
            detail: 'The file has rows that cannot be imported.',
            report: { rows: 3, errors: [{ line: 3, column: 'barcode', reason: 'has a wrong check digit (expected 2)' }, { line: 4, column: 'sku', reason: 'repeats line 2' }] },
          }),
        });
      } else {
        await route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ status: 'applied', rows: 3, products_created: 1, products_updated: 0, variants_created: 3, variants_updated: 0, stock_rows: 2 }) });
      }
    });
    await page.route('**/api/v1/exports/products.csv', (route) =>
      route.fulfill({ status: 200, headers: { 'Content-Type': 'text/csv', 'Content-Disposition': 'attachment; filename="nova-products.csv"' }, body: 'product_name,sku\nHarbor tee,HT-S-RED\n' }),
    );

    await page.goto(`${url}/admin/catalog/import-export`);
    const csv = 'product_name,sku,price\nHarbor tee,HT-S-RED,24.50\nBad,X-1,1\nDup,HT-S-RED,2\n';
    await page.getByLabel('CSV file').setInputFiles({ name: 'products.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByRole('button', { name: 'Check file' }).click();
    await page.getByText('2 problems in 3 rows; nothing was imported.').waitFor();
    const rows = page.getByRole('table', { name: 'Rows that need a fix' }).getByRole('row');
    await expect.poll(() => rows.count()).toBe(3);
    expect(await rows.nth(1).textContent()).toContain('barcode');
    await page.screenshot({ path: join(ARTIFACTS, 'catalog-import-report.png'), fullPage: true });

    await page.getByLabel('Check only: validate every row without changing anything').uncheck();
    await page.getByRole('button', { name: 'Import file' }).click();
    await page.getByText('Imported 3 rows.').waitFor();

    expect(seen).toHaveLength(2);
    expect(seen[0]!.url).toContain('?dry_run=true');
    expect(seen[1]!.url).not.toContain('dry_run');
    for (const r of seen) {
      expect(r.headers['content-type']).toBe('text/csv');
      expect(r.headers.authorization).toMatch(/^Bearer /);
      expect(r.body).toBe(csv);
    }
    // a check and an import are two intents: two keys
    expect(seen[0]!.headers['idempotency-key']).toBeTruthy();
    expect(seen[0]!.headers['idempotency-key']).not.toBe(seen[1]!.headers['idempotency-key']);

    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download products CSV' }).click();
    expect((await download).suggestedFilename()).toBe('nova-products.csv');
    await page.getByText('Downloaded nova-products.csv.').waitFor();
    await page.unrouteAll();
  });
});
