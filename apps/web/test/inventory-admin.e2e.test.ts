import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { hasChromium } from '@novapos/testkit';
import { DEMO } from '@novapos/server';
import type { TestApp } from '@novapos/server/testing';
import { ARTIFACTS, startBrowserApp, type BrowserApp } from './harness.ts';

const owner = DEMO.users[0];
const [downtown, seaside] = [DEMO.stores[0].name, DEMO.stores[1].name];
/** The category the count test counts: only this test's socks and beanie are in it (the demo catalog has ~1,560 variants). */
const CATEGORY = 'Trail basics';

describe.skipIf(!hasChromium())('inventory screens in Chromium', () => {
  let env: BrowserApp;
  let t: TestApp;
  let url: string;
  let page: Page;
  let token: string;
  let storeIds: string[];
  let socks: { id: string; sku: string };
  let beanie: { id: string; sku: string };
  let earbuds: { id: string; sku: string };

  const api = async (method: string, path: string, body?: unknown) => {
    const r = await t.request(method, `/api/v1${path}`, { token, ...(body ? { body } : {}) });
    if (r.status >= 400) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const onHand = async (storeId: string, variantId: string) => (await api('GET', `/inventory?store_id=${storeId}&variant_id=${variantId}`)).data[0]?.on_hand ?? 0;

  beforeAll(async () => {
    env = await startBrowserApp();
    ({ t, url, page } = env);
    token = (await t.request('POST', '/api/v1/auth/login', { body: { email: owner.email, password: owner.password } })).body.access_token;
    storeIds = (await api('GET', '/me')).stores.map((s: { id: string }) => s.id);
    const usd = (amount: number) => ({ amount, currency: 'USD' });
    const category = await api('POST', '/categories', { name: CATEGORY });
    const p1 = await api('POST', '/products', { name: 'Trail socks', category_id: category.id, variants: [{ sku: 'SOCK-1', price: usd(1200), barcodes: ['4006381333931'] }] });
    const p2 = await api('POST', '/products', { name: 'Wool beanie', category_id: category.id, variants: [{ sku: 'BEANIE-1', price: usd(2800) }] });
    const p3 = await api('POST', '/products', { name: 'Studio earbuds', variants: [{ sku: 'EAR-1', price: usd(9900), cost: usd(4150), track_serials: true }] });
    earbuds = p3.variants[0];
    socks = p1.variants[0];
    beanie = p2.variants[0];
    await api('POST', '/inventory/adjustments', { store_id: storeIds[1], variant_id: beanie.id, delta: 4, reason: 'initial_stock' });

    await page.goto(`${url}/login`);
    await page.getByLabel('Email').fill(owner.email);
    await page.getByLabel('Password').fill(owner.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/admin\/stores/);
  });
  afterAll(async () => env?.close());

  it('adjusts stock, shows the new level, and refuses to go below zero', async () => {
    await page.getByRole('link', { name: 'Inventory' }).click();
    await page.getByRole('heading', { name: 'Stock' }).waitFor();
    await page.getByLabel('Store').selectOption({ label: downtown });
    await page.getByLabel('Search').fill('SOCK-1');
    await page.getByRole('button', { name: 'Adjust stock of Trail socks' }).click();
    await page.getByLabel('Quantity').fill('12');
    await page.getByLabel('Reason').selectOption('initial_stock');
    await page.getByRole('button', { name: 'Add 12' }).click();
    await page.getByText('Trail socks: added 12 in Nova Outfitters Downtown (initial stock). On hand is now 12.').waitFor();
    await expect.poll(() => page.getByRole('row', { name: /Trail socks/ }).textContent()).toContain('12');
    expect(await onHand(storeIds[0]!, socks.id)).toBe(12);

    await page.getByRole('button', { name: 'Adjust stock of Trail socks' }).click();
    await page.getByLabel('Remove stock').check();
    await page.getByLabel('Quantity').fill('20');
    await page.getByRole('button', { name: 'Remove 20' }).click();
    await page.getByText('Only 12 on hand: an adjustment cannot take stock below zero.').waitFor();
    expect(await page.getByLabel('Quantity').getAttribute('aria-invalid')).toBe('true');
    await page.screenshot({ path: join(ARTIFACTS, 'inventory-adjust-error.png') });
    await page.getByRole('button', { name: 'Cancel' }).click();
    expect(await onHand(storeIds[0]!, socks.id)).toBe(12);

    await page.getByRole('link', { name: 'Movement history of Trail socks' }).click();
    await page.getByRole('heading', { name: 'Stock history: Trail socks' }).waitFor();
    await expect.poll(() => page.getByRole('table', { name: /Stock movements/ }).textContent()).toContain('Initial stock');
    await page.screenshot({ path: join(ARTIFACTS, 'inventory-history.png'), fullPage: true });
  });

  it('creates, ships and receives a transfer with a short line', async () => {
    await page.goto(`${url}/admin/inventory/transfers`);
    await page.getByRole('link', { name: 'New transfer' }).click();
    await page.getByLabel('From store').selectOption({ label: downtown });
    await page.getByLabel('To store').selectOption({ label: seaside });
    await page.getByRole('combobox', { name: 'Add an item' }).fill('SOCK-1');
    await page.getByRole('combobox', { name: 'Add an item' }).press('Enter');
    await page.getByLabel('Quantity of Trail socks').fill('5');
    await page.screenshot({ path: join(ARTIFACTS, 'inventory-transfer-new.png'), fullPage: true });
    await page.getByRole('button', { name: 'Create draft transfer' }).click();
    await page.getByRole('heading', { name: `Transfer to ${seaside}` }).waitFor();
    await expect.poll(() => page.locator('.page-header .badge').textContent()).toBe('Draft');

    await page.getByRole('button', { name: 'Ship 5 units' }).click();
    await page.getByText(`Shipped: 5 units left ${downtown}.`).waitFor();
    expect(await onHand(storeIds[0]!, socks.id)).toBe(7);
    await expect.poll(() => page.locator('.page-header .badge').textContent()).toBe('In transit');

    await page.getByLabel('Received quantity of Trail socks').fill('4');
    await page.getByLabel('Why fewer Trail socks arrived').selectOption('damaged');
    await page.getByRole('button', { name: 'Receive transfer' }).click();
    await page.getByText('Received 4 of 5 units; 1 recorded as a difference.').waitFor();
    await expect.poll(() => page.locator('.page-header .badge').textContent()).toBe('Received');
    expect(await onHand(storeIds[1]!, socks.id)).toBe(4);
    await page.screenshot({ path: join(ARTIFACTS, 'inventory-transfer-received.png'), fullPage: true });
  });

  it('runs a count of one category: scans, a typed quantity, review, submit', async () => {
    await page.goto(`${url}/admin/inventory/counts`);
    await page.getByLabel('Store').selectOption({ label: seaside });
    await page.getByLabel('What to count').selectOption({ label: CATEGORY });
    await page.getByRole('button', { name: 'Open count' }).click();
    await page.getByRole('heading', { name: `Count at ${seaside}` }).waitFor();
    // the category's two items, not the whole store's catalog
    await page.getByText('Count opened: 2 items to count.', { exact: false }).waitFor();
    await expect.poll(() => page.getByRole('table', { name: 'Items of this count' }).getByRole('row').count()).toBe(3);
    const scan = page.getByLabel('Scan a barcode or type a SKU, then Enter');
    for (let i = 0; i < 3; i++) {
      await scan.fill('4006381333931');
      await scan.press('Enter');
    }
    await expect.poll(() => page.locator('.scan-box__result').textContent()).toContain('3 counted');
    await scan.fill('NOT-A-CODE');
    await scan.press('Enter');
    await expect.poll(() => page.locator('.scan-box__result').textContent()).toContain('is not an item of this count');

    await page.getByLabel('Counted quantity of Wool beanie').fill('2');
    await page.getByLabel('Counted quantity of Wool beanie').press('Enter');
    await expect.poll(() => page.getByRole('row', { name: /Wool beanie/ }).textContent()).toContain('−2');
    await page.getByRole('button', { name: 'Differences' }).click();
    await expect.poll(() => page.getByRole('table', { name: 'Items of this count' }).getByRole('row').count()).toBe(3);
    await page.screenshot({ path: join(ARTIFACTS, 'inventory-count.png'), fullPage: true });

    await page.getByRole('button', { name: 'Review and submit' }).click();
    await page.getByRole('button', { name: 'Submit count' }).click();
    await page.getByText(/Count submitted: 2 corrections posted, net −3 units\./).waitFor();
    expect(await onHand(storeIds[1]!, socks.id)).toBe(3);
    expect(await onHand(storeIds[1]!, beanie.id)).toBe(2);
  });

  it('receives tracked stock from a supplier with one serial number per unit', async () => {
    await page.goto(`${url}/admin/inventory/receiving`);
    await page.getByRole('link', { name: 'Receive stock' }).click();
    await page.getByLabel('Receiving store').selectOption({ label: downtown });
    await page.getByLabel('Supplier', { exact: true }).fill('SoundCo');
    const picker = page.getByRole('combobox', { name: 'Add an item' });
    await picker.fill('Studio');
    await page.getByRole('option', { name: /Studio earbuds/ }).waitFor();
    await picker.press('ArrowDown');
    await picker.press('Enter');
    await expect.poll(() => page.getByLabel('Unit cost of Studio earbuds').inputValue()).toBe('41.50');
    await page.getByLabel('Quantity of Studio earbuds').fill('2');
    await page.getByLabel('Serial numbers of Studio earbuds, one per line').fill('SN-A');
    await page.getByRole('button', { name: 'Receive into stock' }).click();
    await expect.poll(() => page.getByLabel('Serial numbers of Studio earbuds, one per line').getAttribute('aria-invalid')).toBe('true');
    await page.screenshot({ path: join(ARTIFACTS, 'inventory-receive-error.png'), fullPage: true });
    expect(await onHand(storeIds[0]!, earbuds.id)).toBe(0);

    await page.getByLabel('Serial numbers of Studio earbuds, one per line').fill('SN-A\nSN-B');
    await page.getByRole('button', { name: 'Receive into stock' }).click();
    await page.getByText('Received 2 units from SoundCo. Stock is updated.').waitFor();
    await page.getByRole('heading', { name: 'Delivery from SoundCo' }).waitFor();
    expect(await onHand(storeIds[0]!, earbuds.id)).toBe(2);
    const serials = await api('GET', `/inventory/serials?variant_id=${earbuds.id}`);
    expect(serials.data.map((x: { serial_number: string }) => x.serial_number).toSorted()).toEqual(['SN-A', 'SN-B']);
  });
});
