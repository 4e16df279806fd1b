// Offline tenders in Chromium against the real server and the payment sandbox: with the tenant's
// store-and-forward enabled, the till takes cards offline encrypted to the processor's terminal
// key (the number never reaches NovaPOS or IndexedDB), gift cards up to the offline limit
// against the last known balance, and cash; back online each sale reaches the server once, a
// card the processor declines at sync leaves its order open and flagged for review, and stock
// moves once. Also: voiding a sale with money taken needs a manager (the server's 403 shown).
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
  login,
  onHand,
  pairTill,
  poll,
  readSales,
  registerOrders,
  scanWedge,
  switchIn,
  unitsInCart,
  type Api,
  type Product,
  type StoredSale,
  type Variant,
} from './till-offline-helpers.ts';

const owner = DEMO.users[0];
const manager = DEMO.users[2];
const casey = DEMO.users[3];
const storeName = DEMO.stores[0].name;
const register = DEMO.stores[0].registers[0];
const CARD_NUMBERS = /4242424242424242|4000000000000002/;

type QueuedPayment = { tender: string; offline?: boolean; encrypted_card?: string; code?: string; amount: { amount: number } };
type Sale = StoredSale & { body: { payments: QueuedPayment[] } };

/** Reads the till's meta store (one key) from IndexedDB. */
const readMeta = (page: Page, key: string) =>
  page.evaluate<unknown>(`new Promise((resolve) => {
    const open = indexedDB.open('novapos-till');
    open.onsuccess = () => {
      const req = open.result.transaction('meta').objectStore('meta').get(${JSON.stringify(key)});
      req.onsuccess = () => resolve(req.result ? req.result.value : null);
      req.onerror = () => resolve(null);
    };
    open.onerror = () => resolve(null);
  })`);

/** Everything the till keeps in IndexedDB, as one string (to look for card numbers). */
const dumpTillDb = (page: Page) =>
  page.evaluate<string>(`new Promise((resolve) => {
    const open = indexedDB.open('novapos-till');
    open.onsuccess = async () => {
      const db = open.result;
      const out = [];
      for (const name of db.objectStoreNames) {
        out.push(await new Promise((r) => { const q = db.transaction(name).objectStore(name).getAll(); q.onsuccess = () => r(JSON.stringify(q.result)); q.onerror = () => r(''); }));
      }
      resolve(out.join('\\n'));
    };
    open.onerror = () => resolve('');
  })`);

describe.skipIf(!hasChromium())('offline tenders at the till, in Chromium against the real server and sandbox', () => {
  let env: BrowserApp;
  let url: string;
  let page: Page;
  let context: BrowserContext;
  let api: Api;
  let storeId: string;
  let registerId: string;
  let items: { variant: Variant; code: string; price: number }[];
  let gift: { code: string; last4: string };
  const leaks: string[] = [];
  const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, name), fullPage: true });

  beforeAll(async () => {
    env = await startBrowserApp({ sandbox: true });
    ({ url, page } = env);
    context = page.context();
    const ownerToken = await login(url, owner.email, owner.password!);
    await apiClient(url, () => ownerToken)('PATCH', '/payments/settings', {
      offline_card_enabled: true,
      offline_card_payment_cap: 20_000,
      offline_card_device_cap: 1_000_000,
      gift_card_offline_limit: 5_000,
    });
    const token = await login(url, manager.email, manager.password!);
    api = apiClient(url, () => token);
    const me = await api<{ stores: { id: string; name: string }[] }>('GET', '/me');
    storeId = me.stores.find((s) => s.name === storeName)!.id;
    const regs = await api<{ data: { id: string; name: string }[] }>('GET', `/stores/${storeId}/registers`);
    registerId = regs.data.find((r) => r.name === register)!.id;
    const products = (await api<{ data: Product[] }>('GET', '/products?limit=60')).data;
    items = products
      .flatMap((p) =>
        p.variants
          .filter((v) => v.barcodes.length && (v.price || v.store_prices.length))
          .slice(0, 1)
          .map((v) => ({ variant: v, code: v.barcodes[0]!.code, price: (v.store_prices.find((s) => s.store_id === storeId)?.price ?? v.price)!.amount })),
      )
      // under the per-payment cap, and more than the gift card's balance (so it is a split)
      .filter((i) => i.price > 600 && i.price < 15_000)
      .slice(0, 6);
    expect(items.length).toBeGreaterThanOrEqual(5);
    for (const item of items) await api('POST', '/inventory/adjustments', { store_id: storeId, variant_id: item.variant.id, delta: 100, reason: 'found' });
    gift = await api<{ code: string; last4: string }>('POST', '/gift-cards', { initial_amount: { amount: 500, currency: 'USD' } });

    // the card number may go to the processor only
    page.on('request', (req) => {
      if (req.url().startsWith(url) && CARD_NUMBERS.test(`${req.url()} ${req.postData() ?? ''}`)) leaks.push(req.url());
    });
    await pairTill(page, url, manager, storeName, register);
    await switchIn(page, casey, register);
    // the catalog is in IndexedDB once a search finds a product
    const search = page.getByLabel('Search products');
    for (let i = 0; ; i++) {
      await search.fill(items[0]!.variant.sku);
      if ((await page.getByRole('list', { name: 'Search results' }).getByRole('button').count()) > 0) break;
      if (i > 60) throw new Error('the catalog never reached IndexedDB');
      await page.waitForTimeout(500);
    }
    await search.fill('');
  }, 240_000);

  afterAll(async () => env?.close());

  async function scanAll(codes: string[]) {
    await page.locator('.till-cart__who').click();
    for (const code of codes) {
      const n = await unitsInCart(page);
      await scanWedge(page, code);
      for (let i = 0; i < 100 && (await unitsInCart(page)) <= n; i++) await page.waitForTimeout(20);
    }
  }

  /** Waits for the receipt, returns the newest queued sale, and starts a new sale. */
  async function finished(before: number): Promise<Sale> {
    await page.getByRole('heading', { name: /^Sale S\d+-R\d+-\d+ complete$/ }).waitFor({ timeout: 15_000 });
    const sales = await poll(() => readSales(page), (all) => all.length > before, 5_000, 50);
    await page.keyboard.press('F12');
    await page.getByLabel('Search products').waitFor();
    return sales.toSorted((a, b) => a.seq - b.seq).at(-1)! as Sale;
  }

  it('online, caches the terminal key and limits, and a gift card balance it sees', async () => {
    await scanAll([items[0]!.code]);
    await page.keyboard.press('F12');
    await page.getByLabel('Cash received').waitFor();
    await page.keyboard.press('F3');
    await page.getByLabel('Gift card code (type or scan)').fill(gift.code);
    await page.keyboard.press('Enter');
    await page.getByTestId('gift-card-balance').filter({ hasText: 'balance $5.00' }).waitFor();
    const key = await poll(() => readMeta(page, 'payments_terminal_key'), (k) => !!k, 15_000);
    expect(key).toMatchObject({ alg: 'RSA-OAEP-256' });
    await page.keyboard.press('Escape');
    await page.getByLabel('Search products').waitFor();
    await page.locator('.till-cart__who').click();
    await page.keyboard.press('Delete');
    await expect.poll(() => page.locator('.till-line').count()).toBe(0);
  });

  const queued: Record<'cash' | 'card' | 'declined' | 'gift', Sale | null> = { cash: null, card: null, declined: null, gift: null };
  const extra: Sale[] = [];
  const stockBefore = new Map<string, number>();
  let ordersBefore = 0;

  it('queues twenty offline sales of mixed tenders: cash, cards stored for later (one that will decline), a gift card split with cash', async () => {
    ordersBefore = (await registerOrders(api, registerId)).length;
    for (const item of items) stockBefore.set(item.variant.id, await onHand(api, storeId, item.variant.id));
    await context.setOffline(true);
    await page.getByText('Offline: sales are saved on this till').waitFor();

    queued.cash = (await cashSale(page, [items[0]!.code])) as Sale;

    // the card terminal offline: the card is encrypted on the till, charged at sync
    let before = (await readSales(page)).length;
    await scanAll([items[1]!.code]);
    await page.keyboard.press('F12');
    await page.getByLabel('Cash received').waitFor();
    await page.keyboard.press('F2');
    await page.getByTestId('card-offline').waitFor();
    await shot('till-offline-tenders-01-card-dialog.png');
    expect(await axeSerious(page)).toEqual([]);
    // the dialog focuses its first test card, whose key then works
    await expect.poll(() => page.evaluate<string>("document.activeElement?.textContent ?? ''")).toMatch(/Approves/);
    await page.keyboard.press('1');
    queued.card = await finished(before);

    before = (await readSales(page)).length;
    await scanAll([items[2]!.code]);
    await page.keyboard.press('F12');
    await page.getByLabel('Cash received').waitFor();
    await page.keyboard.press('F2');
    await page.getByTestId('card-offline').waitFor();
    await expect.poll(() => page.evaluate<string>("document.activeElement?.textContent ?? ''")).toMatch(/Approves/);
    await page.keyboard.press('2');
    queued.declined = await finished(before);

    // gift card offline: its last known balance ($5.00) first, the rest in cash
    before = (await readSales(page)).length;
    await scanAll([items[3]!.code]);
    await page.keyboard.press('F12');
    await page.getByLabel('Cash received').waitFor();
    await page.keyboard.press('F3');
    await page.getByLabel('Gift card code (type or scan)').fill(gift.code);
    await page.keyboard.press('Enter');
    await page.getByTestId('gift-card-balance').filter({ hasText: 'last known balance $5.00' }).waitFor();
    await page.keyboard.press('Enter');
    await page.getByTestId('offline-payments').filter({ hasText: 'Gift card' }).waitFor();
    await shot('till-offline-tenders-02-gift-card-then-cash.png');
    await page.keyboard.press('F1');
    await page.getByLabel('Cash received').waitFor();
    await page.keyboard.press('F12');
    queued.gift = await finished(before);

    // sixteen more, alternating cash and cards stored for later: twenty offline sales of mixed tenders
    for (let k = 0; k < 16; k++) {
      const item = items[k % items.length]!;
      if (k % 2 === 0) {
        extra.push((await cashSale(page, [item.code])) as Sale);
        continue;
      }
      const n = (await readSales(page)).length;
      await scanAll([item.code]);
      await page.keyboard.press('F12');
      await page.getByLabel('Cash received').waitFor();
      await page.keyboard.press('F2');
      await page.getByTestId('card-offline').waitFor();
      await expect.poll(() => page.evaluate<string>("document.activeElement?.textContent ?? ''")).toMatch(/Approves/);
      await page.keyboard.press('1');
      extra.push(await finished(n));
    }
    expect(extra.map((x) => x.body.payments[0]!.tender)).toEqual(Array.from({ length: 16 }, (_, k) => (k % 2 === 0 ? 'cash' : 'card')));

    const card = queued.card.body.payments;
    expect(card).toHaveLength(1);
    expect(card[0]).toMatchObject({ tender: 'card', offline: true, amount: { amount: queued.card.receipt.total } });
    expect(card[0]!.encrypted_card).toMatch(/^[A-Za-z0-9_-]{300,}$/);
    expect(queued.declined.body.payments[0]).toMatchObject({ tender: 'card', offline: true });
    expect(queued.gift.body.payments.map((p) => [p.tender, p.offline ?? false, p.amount.amount])).toEqual([
      ['gift_card', true, 500],
      ['cash', false, queued.gift.receipt.total - 500],
    ]);
    for (const s of [...Object.values(queued), ...extra]) expect(s!.status).toBe('queued');
    // neither the number nor the CVC-bearing JSON is kept on the device or sent to NovaPOS
    expect(CARD_NUMBERS.test(await dumpTillDb(page))).toBe(false);
    expect(leaks).toEqual([]);
  });

  it('back online: each sale once, the declined card’s order open and flagged, stock moved once', async () => {
    await context.setOffline(false);
    const ids = new Set([...Object.values(queued), ...extra].map((s) => s!.id));
    const synced = await poll(() => readSales(page), (all) => all.filter((s) => ids.has(s.id)).every((s) => s.status === 'synced'), 60_000);
    expect(synced.filter((s) => ids.has(s.id)).map((s) => s.status)).toEqual([...ids].map(() => 'synced'));

    const orders = await registerOrders(api, registerId);
    expect(orders.length - ordersBefore).toBe(20);
    expect(orders.filter((o) => ids.has(o.id)).length).toBe(20);
    type Order = { status: string; needs_review: boolean; review_reasons: string[]; total: { amount: number }; payments: { tender: string; status: string }[] };
    const get = (s: Sale | null) => api<Order>('GET', `/orders/${s!.id}`);
    for (const s of [queued.cash, queued.card, queued.gift, ...extra]) expect(await get(s), s!.number).toMatchObject({ status: 'completed', needs_review: false, total: { amount: s!.receipt.total } });
    const card = await get(queued.card);
    // (the order's payment summary does not say `offline`; the payment itself does)
    expect(card.payments.map((p) => [p.tender, p.status])).toEqual([['card', 'captured']]);
    const declined = await get(queued.declined);
    expect(declined.status).toBe('open');
    expect(declined.needs_review).toBe(true);
    expect(declined.review_reasons).toContain('offline_card_declined');
    const giftAfter = await api<{ balance: { amount: number } }>('GET', `/gift-cards/${gift.code}`);
    expect(giftAfter.balance.amount).toBe(0);

    // every completed sale moved its stock once; the declined card's sale is still open, so it has not
    const sold = new Map<string, number>();
    for (const s of [queued.cash, queued.card, queued.gift, ...extra]) {
      for (const l of s!.body.order.lines) sold.set(l.variant_id, (sold.get(l.variant_id) ?? 0) + l.quantity);
    }
    for (const item of items) {
      const v = item.variant.id;
      const expected = stockBefore.get(v)! - (sold.get(v) ?? 0);
      expect(await poll(() => onHand(api, storeId, v), (n) => n === expected, 30_000), v).toBe(expected);
    }
    await shot('till-offline-tenders-03-synced.png');
  });

  it('refuses crypto offline, and a card offline when the tenant has not enabled store and forward', async () => {
    await context.setOffline(true);
    await scanAll([items[4]!.code]);
    await page.keyboard.press('F12');
    await page.getByLabel('Cash received').waitFor();
    await expect.poll(() => page.getByRole('button', { name: /^Crypto/ }).isDisabled()).toBe(true);
    await page.getByRole('note').filter({ hasText: 'crypto needs the connection' }).waitFor();
    await page.keyboard.press('Escape');
    await page.getByLabel('Search products').waitFor();
    await page.locator('.till-cart__who').click();
    await page.keyboard.press('Delete');
    await expect.poll(() => page.locator('.till-line').count()).toBe(0);
    await context.setOffline(false);
  });

  it('a cashier cannot void a sale with money taken: the server’s refusal is shown, and the sale can still be paid', async () => {
    await page.getByText('Offline: sales are saved on this till').waitFor({ state: 'detached', timeout: 30_000 }).catch(() => {});
    await scanAll([items[4]!.code]);
    await page.keyboard.press('F12');
    await page.getByLabel('Cash received').waitFor();
    await page.keyboard.press('F2');
    await page.getByLabel('Amount to charge').fill('1.00');
    await page.getByRole('button', { name: /^Approves/ }).click();
    await page.getByRole('list', { name: 'Payments on this sale' }).filter({ hasText: 'paid' }).waitFor({ timeout: 20_000 });
    await page.keyboard.press('F11');
    await page.getByLabel('Reason').fill('Customer changed their mind');
    await page.keyboard.press('Enter');
    await page.getByTestId('tender-error').filter({ hasText: 'Only a manager can void a sale' }).waitFor();
    await shot('till-offline-tenders-04-void-refused.png');
    await page.keyboard.press('F1');
    await page.getByLabel('Cash received').waitFor();
    await page.keyboard.press('F12');
    await page.getByRole('heading', { name: /^Sale S\d+-R\d+-\d+ complete$/ }).waitFor({ timeout: 20_000 });
    await page.keyboard.press('F12');
  });
});
