// The till offline, in Chromium against the real server: sales rung with the network off are
// queued on the device, survive a reload, and reach the server exactly once through the push
// endpoint; two tabs never send one sale twice; a sale the server refuses waits for a manager
// without holding the rest up; and axe-core finds nothing serious on the till's screens.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { hasChromium } from '@novapos/testkit';
import { DEMO } from '@novapos/server';
import { ARTIFACTS, startBrowserApp, type BrowserApp } from './harness.ts';
import {
  apiClient,
  axeSerious,
  cashSale,
  countCachedVariants,
  hasRoute,
  login,
  onHand,
  pairTill,
  poll,
  readSales,
  registerOrders,
  scanWedge,
  switchIn,
  unitsInCart,
  waitForServiceWorker,
  type Api,
  type Product,
  type StoredSale,
  type Variant,
} from './till-offline-helpers.ts';

const manager = DEMO.users[2];
const casey = DEMO.users[3];
const storeName = DEMO.stores[0].name;
const register = DEMO.stores[0].registers[0];

describe.skipIf(!hasChromium())('the till offline, in Chromium against the real server', () => {
  let env: BrowserApp;
  let url: string;
  let page: Page;
  let context: BrowserContext;
  let token: string;
  let api: Api;
  let storeId: string;
  let registerId: string;
  /** variants with a barcode, a price, and stock at the store */
  let items: { product: Product; variant: Variant; code: string }[];
  let pushReady = false;
  let verifiersReady = false;
  const shot = (p: Page, name: string) => p.screenshot({ path: join(ARTIFACTS, name), fullPage: true });
  const violations: Record<string, unknown> = {};
  /** Runs axe; a violation fails the test at the end (expect.soft) without stopping the flow. */
  const axeCheck = async (p: Page, screen: string) => {
    const found = await axeSerious(p);
    if (found.length) violations[screen] = found;
    expect.soft(found, `axe on ${screen}`).toEqual([]);
  };

  beforeAll(async () => {
    env = await startBrowserApp();
    ({ url, page } = env);
    context = page.context();
    token = await login(url, manager.email, manager.password);
    api = apiClient(url, () => token);
    const me = await api<{ stores: { id: string; name: string }[] }>('GET', '/me');
    storeId = me.stores.find((s) => s.name === storeName)!.id;
    const regs = await api<{ data: { id: string; name: string }[] }>('GET', `/stores/${storeId}/registers`);
    registerId = regs.data.find((r) => r.name === register)!.id;
    const products = (await api<{ data: Product[] }>('GET', '/products?limit=60')).data;
    items = products
      .flatMap((p) => p.variants.filter((v) => v.barcodes.length && (v.price || v.store_prices.length)).slice(0, 1).map((v) => ({ product: p, variant: v, code: v.barcodes[0]!.code })))
      .slice(0, 12);
    // Enough stock that no sale here runs a level to zero (the server would still sell, but the
    // test compares exact levels).
    for (const item of items) await api('POST', '/inventory/adjustments', { store_id: storeId, variant_id: item.variant.id, delta: 500, reason: 'found' });
    pushReady = await hasRoute(url, token, 'POST', `/devices/${crypto.randomUUID()}/push`);
    verifiersReady = await hasRoute(url, token, 'GET', `/stores/${storeId}/cashiers/verifiers`);

    await pairTill(page, url, manager, storeName, register);
    violations['cashier picker'] = await axeSerious(page);
    await page.getByRole('button', { name: `Switch in as ${casey.name}` }).click();
    await page.getByLabel('PIN', { exact: true }).waitFor();
    violations['PIN pad'] = await axeSerious(page);
    await page.getByLabel('PIN', { exact: true }).fill(casey.pin);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: `${casey.name} is signed in on ${register}` }).waitFor();
    const total = await poll(() => countCachedVariants(page), (n) => n > 1000, 60_000);
    expect(total).toBeGreaterThan(1000);
    await page.getByRole('tab', { name: '★ Favourites' }).waitFor();
    await waitForServiceWorker(page);
  }, 240_000);

  afterAll(async () => {
    for (const k of Object.keys(violations)) if (!(violations[k] as unknown[]).length) delete violations[k];
    if (Object.keys(violations).length) console.log('axe violations:', JSON.stringify(violations, null, 2));
    await env?.close();
  });

  it('has no serious or critical accessibility violations on the selling and tender screens', async () => {
    expect(violations['cashier picker'], 'axe on the cashier picker').toEqual([]);
    expect(violations['PIN pad'], 'axe on the PIN pad').toEqual([]);
    await page.locator('.till-cart__who').click();
    await (axeCheck(page, 'selling (empty)'));
    await cashSaleStart(page, [items[0]!.code]);
    await (axeCheck(page, 'selling (cart)'));
    await page.keyboard.press('F12');
    await page.getByLabel('Cash received').waitFor();
    await axeCheck(page, 'tender');
    await shot(page, 'till-offline-00-tender-online.png');
    await page.keyboard.press('Escape');
    await page.getByLabel('Search products').waitFor();
    // clear the cart: Del removes the selected line
    await page.locator('.till-cart__who').click();
    await page.keyboard.press('Delete');
    await expect.poll(() => page.locator('.till-line').count()).toBe(0);
  });

  let offlineSales: StoredSale[] = [];
  let ordersBefore = 0;
  const stockBefore = new Map<string, number>();

  it('rings 20 sales of varied cash carts offline, queues each before its receipt, and keeps all 20 over a reload', async () => {
    ordersBefore = (await registerOrders(api, registerId)).length;
    for (const item of items) stockBefore.set(item.variant.id, await onHand(api, storeId, item.variant.id));
    await context.setOffline(true);
    await page.getByText('Offline: sales are saved on this till').waitFor();
    await (axeCheck(page, 'selling (offline banner)'));
    await shot(page, 'till-offline-01-banner.png');

    for (let i = 0; i < 20; i++) {
      // 1 to 4 different items, one of them sometimes twice; exact cash or a typed amount
      const codes = [items[i % items.length]!.code];
      if (i % 2 === 1) codes.push(items[(i + 3) % items.length]!.code);
      if (i % 3 === 2) codes.push(items[(i + 5) % items.length]!.code, items[(i + 5) % items.length]!.code);
      if (i % 5 === 4) codes.push(items[(i + 7) % items.length]!.code);
      const sale = await cashSale(page, codes, i % 4 === 3 ? { cash: '1000' } : {});
      expect(sale.status).toBe('queued');
      expect(sale.receipt.lines.reduce((s, l) => s + l.quantity, 0)).toBe(codes.length);
      offlineSales.push(sale);
      if (i === 0) await shot(page, 'till-offline-02-first-sale.png');
    }
    expect(new Set(offlineSales.map((s) => s.id)).size).toBe(20);
    expect(new Set(offlineSales.map((s) => s.number)).size).toBe(20);
    expect(offlineSales.map((s) => s.device_seq)).toEqual(offlineSales.map((_, i) => offlineSales[0]!.device_seq + i));
    await page.getByTestId('queued-sales').filter({ hasText: '20 sales waiting to send' }).waitFor();
    await shot(page, 'till-offline-03-20-queued.png');

    await page.reload();
    await page.getByRole('heading', { name: 'Who is selling?' }).waitFor();
    await page.getByTestId('queued-sales').filter({ hasText: '20 sales waiting to send' }).waitFor();
    const after = await readSales(page);
    expect(after.filter((s) => s.status === 'queued').map((s) => s.id).toSorted()).toEqual(offlineSales.map((s) => s.id).toSorted());
    await axeCheck(page, 'cashier picker (offline, reloaded)');
    await shot(page, 'till-offline-04-reloaded.png');
  });

  it('switches a cashier in offline with the PIN checked on the till (cached verifiers)', async (ctx) => {
    if (!verifiersReady) ctx.skip();
    await page.getByRole('button', { name: `Switch in as ${casey.name}` }).click();
    await page.getByLabel('PIN', { exact: true }).fill('0000');
    await page.keyboard.press('Enter');
    await page.getByRole('alert').filter({ hasText: 'Wrong PIN' }).waitFor();
    await shot(page, 'till-offline-05-pin-wrong.png');
    await page.getByLabel('PIN', { exact: true }).fill(casey.pin);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: `${casey.name} is signed in on ${register}` }).waitFor();
  });

  it('sends the 20 sales once back online: exactly 20 new orders, each once, totals as the till showed, stock moved once', async (ctx) => {
    if (!pushReady) {
      await context.setOffline(false);
      ctx.skip();
    }
    await context.setOffline(false);
    // when the offline PIN switch did not run, the cashier switches in online
    if (await page.getByRole('heading', { name: 'Who is selling?' }).isVisible()) await switchIn(page, casey, register);
    const ids = new Set(offlineSales.map((s) => s.id));
    const synced = await poll(() => readSales(page), (all) => all.filter((s) => ids.has(s.id)).every((s) => s.status === 'synced'), 60_000);
    expect(synced.filter((s) => ids.has(s.id)).map((s) => s.status)).toEqual(offlineSales.map(() => 'synced'));
    await expect.poll(() => page.getByTestId('queued-sales').count()).toBe(0);

    const orders = await registerOrders(api, registerId);
    expect(orders.length - ordersBefore).toBe(20);
    const mine = orders.filter((o) => ids.has(o.id));
    expect(mine.length).toBe(20);
    for (const sale of offlineSales) {
      const order = await api<{ number: string; status: string; total: { amount: number }; captured_offline_at: string | null; cashier_id: string | null }>('GET', `/orders/${sale.id}`);
      expect(order, sale.number).toMatchObject({ number: sale.number, status: 'completed', total: { amount: sale.receipt.total } });
      expect(order.captured_offline_at).not.toBeNull();
    }
    const sold = new Map<string, number>();
    for (const s of offlineSales) for (const l of s.body.order.lines) sold.set(l.variant_id, (sold.get(l.variant_id) ?? 0) + l.quantity);
    for (const [variantId, qty] of sold) {
      const expected = stockBefore.get(variantId)! - qty;
      expect(await poll(() => onHand(api, storeId, variantId), (n) => n === expected, 30_000), variantId).toBe(expected);
    }
    const device = await api<{ last_applied_seq: number }>('GET', `/devices/${offlineSales[0]!.device_id}`);
    expect(device.last_applied_seq).toBeGreaterThanOrEqual(offlineSales.at(-1)!.device_seq);
    await shot(page, 'till-offline-06-synced.png');
  });

  it('never sends a sale twice from two tabs of the same register that were offline together', async (ctx) => {
    if (!pushReady) ctx.skip();
    const second = await context.newPage();
    await second.goto(`${url}/pos`);
    await switchIn(second, casey, register);
    const before = (await registerOrders(api, registerId)).length;
    await context.setOffline(true);
    await page.getByText('Offline: sales are saved on this till').waitFor();
    await second.getByText('Offline: sales are saved on this till').waitFor();
    const rung: StoredSale[] = [];
    for (let i = 0; i < 3; i++) {
      rung.push(await cashSale(page, [items[i]!.code]));
      rung.push(await cashSale(second, [items[i + 3]!.code, items[i + 4]!.code]));
    }
    expect(new Set(rung.map((s) => s.device_seq)).size).toBe(6);
    expect(new Set(rung.map((s) => s.number)).size).toBe(6);
    await shot(second, 'till-offline-07-second-tab.png');
    await context.setOffline(false);
    const ids = new Set(rung.map((s) => s.id));
    await poll(() => readSales(page), (all) => all.filter((s) => ids.has(s.id)).every((s) => s.status === 'synced'), 60_000);
    // both tabs saw the online event and asked to sync; give a straggler time to send twice if it would
    await page.waitForTimeout(1500);
    const orders = await registerOrders(api, registerId);
    expect(orders.length - before).toBe(6);
    expect(orders.filter((o) => ids.has(o.id)).length).toBe(6);
    for (const s of rung) {
      const o = await api<{ total: { amount: number }; status: string }>('GET', `/orders/${s.id}`);
      expect(o).toMatchObject({ status: 'completed', total: { amount: s.receipt.total } });
    }
    await second.close();
  });

  it('shows a sale the server refused (a variant archived meanwhile) to a manager, without blocking the rest, and resends it fixed', async (ctx) => {
    if (!pushReady) ctx.skip();
    const [gone, kept, other] = [items[9]!, items[10]!, items[11]!];
    const before = (await registerOrders(api, registerId)).length;
    await context.setOffline(true);
    await page.getByText('Offline: sales are saved on this till').waitFor();
    const refused = await cashSale(page, [gone.code, kept.code]);
    const fine = [await cashSale(page, [other.code]), await cashSale(page, [kept.code])];
    await api('POST', `/variants/${gone.variant.id}/archive`, {});
    try {
      await context.setOffline(false);
      const all = await poll(
        () => readSales(page),
        (rows) => rows.find((s) => s.seq === refused.seq)?.status === 'rejected' && fine.every((f) => rows.find((s) => s.seq === f.seq)?.status === 'synced'),
        60_000,
      );
      const row = all.find((s) => s.seq === refused.seq)!;
      expect(row.status).toBe('rejected');
      expect(row.rejection?.code).toBeTruthy();
      expect(fine.map((f) => all.find((s) => s.seq === f.seq)!.status)).toEqual(['synced', 'synced']);
      expect((await registerOrders(api, registerId)).length - before).toBe(2);

      const banner = page.getByRole('status', { name: 'Sales waiting to send' });
      await banner.filter({ hasText: '1 sale was refused by the server' }).waitFor();
      await shot(page, 'till-offline-08-refused-banner.png');
      await page.getByRole('button', { name: 'Review refused sales' }).click();
      await page.getByRole('heading', { name: 'Sales refused by the server' }).waitFor();
      await page.getByText('Only a manager, admin or owner can fix or discard').waitFor();
      expect(await page.getByRole('button', { name: `Resend sale ${refused.number}` }).count()).toBe(0);
      await (axeCheck(page, 'refused sales (cashier)'));

      await page.getByRole('button', { name: 'Switch to a manager' }).click();
      await switchInManager(page);
      const card = page.getByRole('article', { name: new RegExp(`Sale ${refused.number}`) });
      await card.waitFor();
      await card.getByText('The server said:').waitFor();
      expect(await card.locator('.refused__reason').textContent()).toContain(row.rejection!.title);
      const archivedRow = card.locator('tbody tr').filter({ has: page.locator('.refused__badge', { hasText: 'Archived' }) });
      expect(await archivedRow.count()).toBe(1);
      await axeCheck(page, 'refused sales (manager)');
      await shot(page, 'till-offline-09-refused-manager.png');

      await archivedRow.getByRole('button', { name: /^Remove / }).click();
      const newTotal = await card.getByTestId('refused-new-total').textContent();
      await shot(page, 'till-offline-10-refused-fixed.png');
      await card.getByRole('button', { name: `Resend sale ${refused.number}` }).click();
      const done = await poll(() => readSales(page), (rows) => rows.some((s) => s.id === refused.id && s.status === 'synced'), 60_000);
      const resent = done.find((s) => s.id === refused.id && s.status === 'synced')!;
      expect(resent.seq).not.toBe(refused.seq);
      expect(resent.mutation_id).not.toBe(refused.mutation_id);
      expect(done.find((s) => s.seq === refused.seq)!.status).toBe('resent');
      await page.getByText('No refused sales').waitFor();
      const order = await api<{ number: string; status: string; total: { amount: number }; lines: { variant_id: string }[] }>('GET', `/orders/${refused.id}`);
      expect(order.number).toBe(refused.number);
      expect(order.lines.map((l) => l.variant_id)).toEqual([kept.variant.id]);
      expect(order.total.amount).toBe(resent.receipt.total);
      const usd = (n: number) => new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).format(n / 100);
      expect(newTotal).toBe(usd(resent.receipt.total));
      expect((await registerOrders(api, registerId)).length - before).toBe(3);
    } finally {
      await context.setOffline(false);
      await api('POST', `/variants/${gone.variant.id}/restore`, {}).catch(() => {});
    }
  });

  async function switchInManager(p: Page) {
    await p.getByRole('button', { name: `Switch in as ${manager.name}` }).click();
    await p.getByLabel('PIN', { exact: true }).fill(manager.pin!);
    await p.keyboard.press('Enter');
  }
});

/** Scans the codes into the cart without paying. */
async function cashSaleStart(page: Page, codes: string[]) {
  for (const code of codes) {
    const n = await unitsInCart(page);
    await scanWedge(page, code);
    await expect.poll(() => unitsInCart(page)).toBeGreaterThan(n);
  }
}
