import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { hasChromium } from '@novapos/testkit';
import { DEMO } from '@novapos/server';
import { priceCart, type TaxRate } from '@novapos/domain';
import { ARTIFACTS, startBrowserApp, type BrowserApp } from './harness.ts';
import { axeSerious, countCachedVariants, pairTill, scanWedge, switchIn as switchInAs } from './till-offline-helpers.ts';

const manager = DEMO.users[2];
const casey = DEMO.users[3];
const register = DEMO.stores[0].registers[0];

type Money = { amount: number; currency: string };
type Variant = { id: string; sku: string; title: string; barcodes: { code: string }[]; price: Money | null; store_prices: { store_id: string; price: Money }[] };
type Product = { id: string; name: string; tax_code_id: string | null; variants: Variant[] };


describe.skipIf(!hasChromium())('the till selling screen in Chromium', () => {
  let env: BrowserApp;
  let url: string;
  let page: Page;
  let context: BrowserContext;
  let token: string;
  let storeId: string;
  let products: Product[];
  let rates: TaxRate[];
  let variantTotal: number;

  const api = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${url}/api/v1${path}`, { headers: { authorization: `Bearer ${token}` } });
    if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  const lineNames = () => page.locator('.till-line__name').allTextContents();
  const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, name), fullPage: true });

  beforeAll(async () => {
    env = await startBrowserApp();
    ({ url, page } = env);
    context = page.context();
    const login = await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: manager.email, password: manager.password }) });
    token = ((await login.json()) as { access_token: string }).access_token;
    const me = await api<{ stores: { id: string; name: string }[] }>('/me');
    storeId = me.stores.find((s) => s.name === DEMO.stores[0].name)!.id;
    products = (await api<{ data: Product[] }>('/products?limit=40')).data.filter((p) => p.variants.some((v) => v.barcodes.length && v.price));
    const codes = await api<{ data: { id: string; rates: { id: string; store_id: string; name: string; rate_ppm: number }[] }[] }>('/tax-codes');
    rates = codes.data[0]!.rates.filter((r) => r.store_id === storeId).map((r) => ({ id: r.id, name: r.name, rate_ppm: r.rate_ppm }));
    variantTotal = 0;
    for (let cursor: string | null = null, more = true; more; ) {
      const feed: { data: { entity: string; id: string; op: string }[]; next_cursor: string; has_more: boolean } = await api(`/catalog/changes?limit=1000${cursor ? `&cursor=${cursor}` : ''}`);
      variantTotal += feed.data.filter((c) => c.entity === 'variant' && c.op === 'upsert').length;
      cursor = feed.next_cursor;
      more = feed.has_more;
    }

    await pairTill(page, url, manager, DEMO.stores[0].name, register);
    await switchInAs(page, casey, register);
  });
  afterAll(async () => env?.close());

  const nameOf = (p: Product, v: Variant) => (v.title ? `${p.name} / ${v.title}` : p.name);
  const priceOf = (v: Variant) => (v.store_prices.find((s) => s.store_id === storeId)?.price ?? v.price)!.amount;

  it('downloads the whole catalog into IndexedDB', async () => {
    expect(variantTotal).toBeGreaterThan(1000);
    await expect.poll(() => countCachedVariants(page), { timeout: 30_000 }).toBe(variantTotal);
    await page.getByRole('tab', { name: '★ Favourites' }).waitFor();
  });

  it('adds a line when a keyboard-wedge scanner types a barcode, also into the search field', async () => {
    const p = products[0]!;
    const v = p.variants.find((x) => x.barcodes.length)!;
    await page.locator('.till-cart__who').click();
    await scanWedge(page, v.barcodes[0]!.code);
    await expect.poll(lineNames).toEqual([nameOf(p, v)]);

    // The same scan while the search field has focus: a second unit, and the field keeps what was typed.
    const search = page.getByLabel('Search products');
    await search.click();
    await search.pressSequentially('lin', { delay: 90 });
    await scanWedge(page, v.barcodes[0]!.code);
    await expect.poll(() => page.locator('.till-line__meta').first().textContent()).toMatch(/^2 ×/);
    expect(await search.inputValue()).toBe('lin');
    await search.fill('');
    await shot('till-scan.png');
  });

  it('says so when a scanned barcode is not in the catalog', async () => {
    await page.locator('.till-cart__who').click();
    await scanWedge(page, '4006381333931');
    await page.getByRole('alert').filter({ hasText: 'No product has the barcode 4006381333931' }).waitFor();
  });

  it('finds products by name as you type and by SKU prefix', async () => {
    const p = products[1]!;
    const v = p.variants[0]!;
    const search = page.getByLabel('Search products');
    await search.fill('');
    await search.pressSequentially(p.name.split(' ')[0]!.slice(0, 5).toLowerCase() + ' ' + p.name.split(' ')[1]!.slice(0, 3).toLowerCase(), { delay: 40 });
    const results = page.getByRole('list', { name: 'Search results' });
    await results.getByRole('button', { name: new RegExp(nameOf(p, v).replace(/[/]/g, '.')) }).first().waitFor();

    await search.fill(v.sku.slice(0, v.sku.length - 2).toLowerCase());
    await results.getByRole('button', { name: new RegExp(v.sku) }).waitFor();
    await results.getByRole('button', { name: new RegExp(v.sku) }).click();
    await expect.poll(lineNames).toContain(nameOf(p, v));
    await search.fill('');
  });

  it('shows totals equal to the server-side pricing of the same cart (packages/domain)', async () => {
    // Cart: products[0] × 2 (scanned twice) and products[1]'s first variant × 1, then + on it, and a 10 % line discount.
    const [p0, p1] = [products[0]!, products[1]!];
    const v0 = p0.variants.find((x) => x.barcodes.length)!;
    const v1 = p1.variants[0]!;
    await page.getByRole('button', { name: new RegExp(`^${nameOf(p1, v1).replace(/[/]/g, '.')}\\s*\\d+ ×`) }).click();
    await page.getByRole('button', { name: /Quantity \+1/ }).click();
    await page.getByRole('button', { name: /Line discount/ }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Percent off').fill('15');
    await dialog.getByRole('alert').filter({ hasText: 'Your limit is 10 % off' }).waitFor();
    await dialog.getByLabel('Percent off').fill('10');
    await dialog.getByRole('button', { name: 'Apply discount' }).click();

    const settings = await api<{ prices_include_tax: boolean }>('/catalog/settings');
    const expected = priceCart({
      lines: [
        { id: 'a', unit_price: priceOf(v0), quantity: 2, rates },
        { id: 'b', unit_price: priceOf(v1), quantity: 2, rates, discount: { type: 'percent', value: 1000 } },
      ],
      pricesIncludeTax: settings.prices_include_tax,
      currency: 'USD',
    });
    const usd = (n: number) => new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).format(n / 100);
    await expect.poll(() => page.getByTestId('total').textContent()).toBe(usd(expected.total));
    expect(await page.getByTestId('subtotal').textContent()).toBe(usd(expected.subtotal));
    expect(await page.getByTestId('discount-total').textContent()).toBe(`−${usd(expected.discount_total)}`);
    await shot('till-cart.png');
    await page.setViewportSize({ width: 390, height: 844 });
    await shot('till-phone.png');
    await page.setViewportSize({ width: 1024, height: 768 });
  });

  it('keeps selling offline: banner, search from IndexedDB, a cash sale queued that survives a reload', async () => {
    await page.evaluate('navigator.serviceWorker.ready.then(() => true)');
    await expect.poll(() => page.evaluate('navigator.serviceWorker.controller !== null'), { timeout: 20_000 }).toBe(true);
    await context.setOffline(true);
    try {
      await page.getByText('Offline: sales are saved on this till').waitFor();
      const p = products[2]!;
      const search = page.getByLabel('Search products');
      await search.fill(p.name.toLowerCase());
      await page.getByRole('list', { name: 'Search results' }).getByRole('button').first().waitFor();
      await search.fill('');
      await shot('till-offline.png');

      // Pay → Exact: two keys.
      await page.locator('.till-cart__who').click();
      const total = await page.getByTestId('total').textContent();
      await page.keyboard.press('F12');
      await page.getByRole('heading', { name: 'Cash payment' }).waitFor();
      await shot('till-tender.png');
      await page.keyboard.press('F12');
      const done = page.getByRole('heading', { name: /^Sale S\d+-R\d+-000001 complete$/ });
      await done.waitFor();
      expect(await page.locator('.receipt-paper').textContent()).toContain(total!);
      await page.getByTestId('queued-sales').filter({ hasText: '1 sale waiting to send' }).waitFor();
      await shot('till-receipt-offline.png');

      // New sale (third key), then a reload while offline: the sale is still queued.
      await page.keyboard.press('F12');
      await expect.poll(lineNames).toEqual([]);
      await page.reload();
      await page.getByRole('heading', { name: 'Who is selling?' }).waitFor();
      await page.getByTestId('queued-sales').filter({ hasText: '1 sale waiting to send' }).waitFor();
      await shot('till-offline-reloaded.png');
    } finally {
      await context.setOffline(false);
    }
  });

  it('sends the queued sale once back online: the server has the order once, completed, with the till’s number and total', async () => {
    const readSales = () =>
      page.evaluate<{ id: string; number: string; status: string; receipt: { total: number } }[]>(`new Promise((resolve, reject) => {
        const open = indexedDB.open('novapos-till');
        open.onsuccess = () => {
          const req = open.result.transaction('sales').objectStore('sales').getAll();
          req.onsuccess = () => resolve(req.result);
        };
        open.onerror = () => reject(open.error);
      })`);
    await expect.poll(async () => (await readSales()).map((s) => s.status), { timeout: 30_000 }).toEqual(['synced']);
    await expect.poll(() => page.getByTestId('queued-sales').count()).toBe(0);
    const [sale] = await readSales();
    const order = await api<{ number: string; status: string; total: Money; register_id: string }>(`/orders/${sale!.id}`);
    expect(order).toMatchObject({ number: sale!.number, status: 'completed', total: { amount: sale!.receipt.total } });
    const same = await api<{ data: { id: string }[] }>(`/orders?q=${encodeURIComponent(sale!.number)}`);
    expect(same.data.map((o) => o.id)).toEqual([sale!.id]);
  });

  it('parks a sale and resumes it later; the sale in progress survives a reload; another cashier’s unfinished sale is parked, not handed over', async () => {
    const switchIn = (who: { name: string; pin: string }) => switchInAs(page, who, register);
    const parkedRows = () => page.getByRole('list', { name: 'Parked sales on this register' }).getByRole('listitem');
    if (!(await page.getByRole('heading', { name: `${casey.name} is signed in on ${register}` }).count())) await switchIn(casey);
    const [p0, p2] = [products[0]!, products[2]!];
    const v0 = p0.variants.find((x) => x.barcodes.length)!;
    const v2 = p2.variants.find((x) => x.barcodes.length)!;

    // Park (F3): the cart empties, and the next customer is served.
    await page.locator('.till-cart__who').click();
    await scanWedge(page, v0.barcodes[0]!.code);
    await scanWedge(page, v0.barcodes[0]!.code);
    await expect.poll(lineNames).toEqual([nameOf(p0, v0)]);
    await page.keyboard.press('F3');
    await page.getByRole('status').filter({ hasText: /Sale parked: 2 items/ }).waitFor();
    await expect.poll(lineNames).toEqual([]);
    await page.locator('.till-cart__who').click();
    await scanWedge(page, v2.barcodes[0]!.code);
    await expect.poll(lineNames).toEqual([nameOf(p2, v2)]);

    // The parked sale can't be resumed into a cart that has a sale in it.
    await page.keyboard.press('Shift+F3');
    const dialog = page.getByRole('dialog', { name: 'Parked sales' });
    await expect.poll(() => parkedRows().count()).toBe(1);
    expect(await parkedRows().first().getAttribute('aria-label')).toMatch(new RegExp(`by ${casey.name}: 2 items`));
    expect(await dialog.getByRole('button', { name: 'Resume' }).isDisabled()).toBe(true);
    await shot('till-parked.png');
    expect(await axeSerious(page)).toEqual([]);
    await page.keyboard.press('Escape');
    await page.keyboard.press('F8');
    await expect.poll(lineNames).toEqual([]);
    await page.keyboard.press('Shift+F3');
    await dialog.getByRole('button', { name: 'Resume' }).click();
    await expect.poll(lineNames).toEqual([nameOf(p0, v0)]);
    expect(await page.locator('.till-line__meta').first().textContent()).toMatch(/^2 ×/);
    await page.getByRole('status').filter({ hasText: `Resumed the sale ${casey.name} parked at` }).waitFor();
    await page.keyboard.press('Shift+F3');
    await dialog.getByText('No sale is parked on this register.').waitFor();
    await page.keyboard.press('Escape');

    // A reload (or a crash) in the middle of the sale: the same cashier gets it back.
    await page.reload();
    await switchIn(casey);
    await expect.poll(lineNames).toEqual([nameOf(p0, v0)]);
    await page.getByRole('status').filter({ hasText: 'The sale in progress was restored.' }).waitFor();

    // Another cashier opening the till after a reload: Casey's sale is parked under Casey's name.
    await page.reload();
    await switchIn(manager);
    await page.getByRole('status').filter({ hasText: `${casey.name}’s unfinished sale was parked` }).waitFor();
    expect(await lineNames()).toEqual([]);
    await page.keyboard.press('Shift+F3');
    await expect.poll(() => parkedRows().count()).toBe(1);
    expect(await parkedRows().first().getAttribute('aria-label')).toMatch(new RegExp(`by ${casey.name}: 2 items`));
    await dialog.getByRole('button', { name: 'Discard…' }).click();
    await dialog.getByRole('button', { name: 'Discard it' }).click();
    await dialog.getByText('No sale is parked on this register.').waitFor();
    await page.keyboard.press('Escape');
  });

  it('tells the cashier when the catalog cannot be downloaded, and clears it once the download succeeds', async () => {
    const other = await env.newPage();
    let failing = true;
    await other.route('**/api/v1/catalog/changes*', (route) =>
      failing
        ? route.fulfill({ status: 503, contentType: 'application/problem+json', body: JSON.stringify({ type: 'about:blank', title: 'Service Unavailable', status: 503, code: 'unavailable' }) })
        : route.continue(),
    );
    await pairTill(other, url, manager, DEMO.stores[0].name, DEMO.stores[0].registers[1]);
    const status = other.getByLabel('Catalog');
    await status.filter({ hasText: 'The catalog could not be downloaded onto this till' }).waitFor();
    await other.screenshot({ path: join(ARTIFACTS, 'till-catalog-failed.png') });
    failing = false;
    await other.evaluate('window.dispatchEvent(new Event("online"))');
    await expect.poll(() => countCachedVariants(other), { timeout: 30_000 }).toBe(variantTotal);
    await expect.poll(() => status.count()).toBe(0);
    await other.context().close();
  });
});
