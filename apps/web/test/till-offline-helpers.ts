// What the offline till tests do in the browser and ask the server: pairing, PIN switch, wedge
// scans, cash sales, the till's IndexedDB read raw (the tests do not depend on the app's code),
// axe-core in the page, and the server's orders and stock.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { REPO_ROOT } from '@novapos/server';

const ARTIFACTS_DIR = join(REPO_ROOT, '.test-artifacts');

export type Money = { amount: number; currency: string };
export type Variant = { id: string; sku: string; title: string; status?: string; barcodes: { code: string }[]; price: Money | null; store_prices: { store_id: string; price: Money }[] };
export type Product = { id: string; name: string; variants: Variant[] };
export type StoredSale = {
  seq: number;
  id: string;
  number: string;
  status: string;
  device_id: string;
  device_seq: number;
  mutation_id: string;
  rejection: { code: string; title: string; detail: string | null } | null;
  receipt: { total: number; lines: { quantity: number }[] };
  body: { order: { lines: { variant_id: string; quantity: number }[] } };
};
export type ServerOrder = { id: string; number: string; status: string; register_id: string | null; total: Money; cashier_id?: string | null; lines?: { variant_id: string | null; quantity: number }[] };

export function apiClient(base: string, token: () => string) {
  return async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const headers: Record<string, string> = { authorization: `Bearer ${token()}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (method !== 'GET') headers['idempotency-key'] = crypto.randomUUID();
    const res = await fetch(`${base}/api/v1${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };
}
export type Api = ReturnType<typeof apiClient>;

export async function login(base: string, email: string, password: string): Promise<string> {
  const res = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
  if (!res.ok) throw new Error(`login ${email}: ${res.status}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

/** Does the server answer this route (anything but "No route")? */
export async function hasRoute(base: string, token: string, method: string, path: string): Promise<boolean> {
  const res = await fetch(`${base}/api/v1${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, ...(method === 'POST' ? { body: '{}' } : {}) });
  if (res.status !== 404) return true;
  const body = (await res.json().catch(() => ({}))) as { detail?: string };
  return !String(body.detail ?? '').startsWith('No route');
}

/**
 * What a keyboard-wedge scanner does: the code's keys and Enter in one burst, 8 ms apart, sent
 * through CDP without waiting on each key (and with the events' own timestamps), so a busy test
 * machine cannot stretch the burst into something that looks typed.
 */
const cdpSessions = new WeakMap<Page, Promise<import('playwright-core').CDPSession>>();

export async function scanWedge(page: Page, code: string): Promise<void> {
  // One session per page, kept: detaching a CDP session also ended the page's offline emulation.
  if (!cdpSessions.has(page)) cdpSessions.set(page, page.context().newCDPSession(page));
  const cdp = await cdpSessions.get(page)!;
  const t0 = Date.now() / 1000;
  const sends: Promise<unknown>[] = [];
  [...code, 'Enter'].forEach((ch, i) => {
    const enter = ch === 'Enter';
    const key = { key: ch, code: enter ? 'Enter' : `Digit${ch}`, windowsVirtualKeyCode: enter ? 13 : ch.charCodeAt(0), timestamp: t0 + i * 0.008 };
    sends.push(cdp.send('Input.dispatchKeyEvent', { type: 'keyDown', ...key, text: enter ? '\r' : ch }));
    sends.push(cdp.send('Input.dispatchKeyEvent', { type: 'keyUp', ...key }));
  });
  await Promise.all(sends);
}

export async function pairTill(page: Page, base: string, manager: { email: string; password: string }, storeName: string, register: string): Promise<void> {
  await page.goto(`${base}/pos`);
  await page.getByLabel('Email').fill(manager.email);
  await page.getByLabel('Password').fill(manager.password);
  await page.getByRole('button', { name: 'Sign in to pair' }).click();
  await page.getByLabel('Store').selectOption({ label: storeName });
  await page.getByLabel('Register').selectOption({ label: register });
  await page.getByRole('button', { name: 'Pair this device' }).click();
  await page.getByRole('heading', { name: 'Who is selling?' }).waitFor();
}

/** From the name tiles: tap the person, type the PIN, Enter; waits for the selling screen. */
export async function switchIn(page: Page, who: { name: string; pin: string }, register: string): Promise<void> {
  await page.getByRole('button', { name: `Switch in as ${who.name}` }).click();
  await page.getByLabel('PIN', { exact: true }).fill(who.pin);
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: `${who.name} is signed in on ${register}` }).waitFor();
}

export const lineNames = (page: Page) => page.locator('.till-line__name').allTextContents();

/** Reads the till's sale queue from IndexedDB. */
export const readSales = (page: Page) =>
  page.evaluate<StoredSale[]>(`new Promise((resolve, reject) => {
    const open = indexedDB.open('novapos-till');
    open.onsuccess = () => {
      const db = open.result;
      if (!db.objectStoreNames.contains('sales')) return resolve([]);
      const req = db.transaction('sales').objectStore('sales').getAll();
      req.onsuccess = () => resolve(req.result);
    };
    open.onerror = () => reject(open.error);
  })`);

export { countCachedVariants } from './till-idb.ts';

export async function waitForServiceWorker(page: Page): Promise<void> {
  await page.evaluate('navigator.serviceWorker.ready.then(() => true)');
  for (let i = 0; i < 100; i++) {
    if (await page.evaluate('navigator.serviceWorker.controller !== null')) return;
    await page.waitForTimeout(200);
  }
  throw new Error('no service worker controls the page');
}

/** Units in the cart: each line's meta starts with its quantity ("2 × $10.00 · SKU"). */
export const unitsInCart = async (page: Page) =>
  (await page.locator('.till-line__meta').allTextContents()).reduce((s, t) => s + Number(/^(\d+)/.exec(t)?.[1] ?? 0), 0);

/**
 * One cash sale: scan the codes (each once; a repeated code adds a unit), Pay (F12), then exact
 * cash (F12) or a typed amount, and New sale. Returns what the till queued.
 */
export async function cashSale(page: Page, codes: string[], opts: { cash?: string } = {}): Promise<StoredSale> {
  const before = (await readSales(page)).length;
  await page.locator('.till-cart__who').click();
  for (const code of codes) {
    const n = await unitsInCart(page);
    await scanWedge(page, code);
    // the line (or its extra unit) is on screen before the next scan
    for (let i = 0; i < 100 && (await unitsInCart(page)) <= n; i++) await page.waitForTimeout(20);
  }
  await page.keyboard.press('F12');
  const cashField = page.getByLabel('Cash received');
  await cashField.waitFor();
  if (opts.cash) {
    await cashField.fill(opts.cash);
    await cashField.press('Enter');
  } else {
    await page.keyboard.press('F12');
  }
  await page
    .getByRole('heading', { name: /^Sale S\d+-R\d+-\d+ complete$/ })
    .waitFor({ timeout: 15_000 })
    .catch(async (err: unknown) => {
      await page.screenshot({ path: join(ARTIFACTS_DIR, 'till-offline-failed-sale.png'), fullPage: true }).catch(() => {});
      throw err;
    });
  let sales = await readSales(page);
  for (let i = 0; sales.length === before && i < 50; i++) {
    await page.waitForTimeout(50);
    sales = await readSales(page);
  }
  await page.keyboard.press('F12');
  await page.getByLabel('Search products').waitFor();
  return sales.toSorted((a, b) => a.seq - b.seq).at(-1)!;
}

const require = createRequire(import.meta.url);
let axeSource: string | null = null;

export type AxeViolation = { id: string; impact: string | null; help: string; nodes: { target: string[]; html: string }[] };

/** axe-core run in the page; the serious and critical violations. */
export async function axeSerious(page: Page): Promise<AxeViolation[]> {
  axeSource ??= readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  if (!(await page.evaluate('typeof window.axe !== "undefined"'))) await page.addScriptTag({ content: axeSource });
  const result = await page.evaluate<{ violations: AxeViolation[] }>(`axe.run(document, { resultTypes: ['violations'] })`);
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => ({ target: n.target, html: n.html.slice(0, 200) })) }));
}

/** All orders of a register the server has, paged. */
export async function registerOrders(api: Api, registerId: string): Promise<ServerOrder[]> {
  const out: ServerOrder[] = [];
  let cursor: string | null = null;
  do {
    const page: { data: ServerOrder[]; next_cursor: string | null } = await api('GET', `/orders?register_id=${registerId}&limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    out.push(...page.data);
    cursor = page.next_cursor;
  } while (cursor);
  return out;
}

export async function onHand(api: Api, storeId: string, variantId: string): Promise<number> {
  const levels: { data: { variant_id: string; on_hand: number }[] } = await api('GET', `/inventory?store_id=${storeId}&variant_id=${variantId}`);
  return levels.data.find((l) => l.variant_id === variantId)?.on_hand ?? 0;
}

export async function poll<T>(fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 30_000, everyMs = 250): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last = await fn();
  while (!ok(last) && Date.now() < until) {
    await new Promise((r) => setTimeout(r, everyMs));
    last = await fn();
  }
  return last;
}
