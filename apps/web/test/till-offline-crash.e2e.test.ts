// The process serving the API is killed (SIGKILL) while the till pushes its offline queue, then
// started again: every sale reaches the server once, none is lost, stock moves once. The server
// runs as a child process (`novapos serve`) on a PostgreSQL server, so it can really be killed.
import { spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startSandbox, type Sandbox } from '@novapos/sandbox';
import { freePort, freshPgDatabase, hasChromium, hasPostgres, launchChromium } from '@novapos/testkit';
import { DEMO } from '@novapos/server';
import { childServerEnv, SERVER_BIN, spawnServer } from '@novapos/server/testing';
import { ARTIFACTS } from './harness.ts';
import {
  apiClient,
  cashSale,
  countCachedVariants,
  hasRoute,
  login,
  onHand,
  pairTill,
  poll,
  readSales,
  registerOrders,
  switchIn,
  waitForServiceWorker,
  type Api,
  type Product,
  type StoredSale,
} from './till-offline-helpers.ts';

const SALES = 20;
const manager = DEMO.users[2];
const casey = DEMO.users[3];
const storeName = DEMO.stores[0].name;
const register = DEMO.stores[0].registers[0];

describe.skipIf(!hasChromium() || !hasPostgres())('the till’s queue when the API process is killed mid-sync (PostgreSQL, child process)', () => {
  let sandbox: Sandbox;
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  let base: string;
  let server: ChildProcess | null = null;
  let browser: Browser;
  let page: Page;
  let token: string;
  let api: Api;

  const startServer = () => spawnServer(env, base, 60_000);

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    sandbox = await startSandbox({});
    const urls = await freshPgDatabase('tillcrash');
    dataDir = mkdtempSync(join(tmpdir(), 'novapos-till-crash-'));
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    env = childServerEnv({ urls, port, processorUrl: sandbox.url, dataDir });
    const seeded = spawnSync(process.execPath, [SERVER_BIN, 'seed', '--demo'], { env, encoding: 'utf8', timeout: 300_000 });
    if (seeded.status !== 0) throw new Error(`seed failed: ${seeded.stderr}`);
    server = await startServer();
    token = await login(base, manager.email, manager.password);
    api = apiClient(base, () => token);
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1024, height: 768 } })).newPage();
  }, 400_000);

  afterAll(async () => {
    await browser?.close();
    if (server && server.exitCode === null) server.kill('SIGKILL');
    await sandbox?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('loses no sale and makes none twice when the server is killed during the push and started again', async (ctx) => {
    if (!(await hasRoute(base, token, 'POST', `/devices/${crypto.randomUUID()}/push`))) ctx.skip();
    const me = await api<{ stores: { id: string; name: string }[] }>('GET', '/me');
    const storeId = me.stores.find((s) => s.name === storeName)!.id;
    const registerId = (await api<{ data: { id: string; name: string }[] }>('GET', `/stores/${storeId}/registers`)).data.find((r) => r.name === register)!.id;
    const products = (await api<{ data: Product[] }>('GET', '/products?limit=40')).data;
    const codes = products.flatMap((p) => p.variants.filter((v) => v.barcodes.length && v.price).slice(0, 1).map((v) => ({ id: v.id, code: v.barcodes[0]!.code }))).slice(0, 8);
    for (const c of codes) await api('POST', '/inventory/adjustments', { store_id: storeId, variant_id: c.id, delta: 500, reason: 'found' });
    const stockBefore = new Map<string, number>();
    for (const c of codes) stockBefore.set(c.id, await onHand(api, storeId, c.id));

    await pairTill(page, base, manager, storeName, register);
    await switchIn(page, casey, register);
    await poll(() => countCachedVariants(page), (n) => n > 1000, 60_000);
    await waitForServiceWorker(page);

    const context = page.context();
    await context.setOffline(true);
    await page.getByText('Offline: sales are saved on this till').waitFor();
    const sales: StoredSale[] = [];
    for (let i = 0; i < SALES; i++) sales.push(await cashSale(page, i % 2 ? [codes[i % codes.length]!.code, codes[(i + 1) % codes.length]!.code] : [codes[i % codes.length]!.code]));
    const ordersBefore = (await registerOrders(api, registerId)).length;

    // Online again; the server dies the moment the till's second push is on its way.
    let pushes = 0;
    let killed = false;
    const victim = server!;
    page.on('request', (req) => {
      if (!req.url().endsWith('/push') || killed) return;
      if (++pushes === 2) {
        killed = true;
        victim.kill('SIGKILL');
      }
    });
    await context.setOffline(false);
    await poll(async () => killed, (k) => k, 60_000, 50);
    expect(killed).toBe(true);
    await new Promise<void>((r) => (victim.exitCode !== null || victim.signalCode !== null ? r() : victim.once('exit', () => r())));
    const midway = await readSales(page);
    const syncedBeforeCrash = midway.filter((s) => s.status === 'synced').length;
    await page.screenshot({ path: join(ARTIFACTS, 'till-offline-crash-1-server-down.png'), fullPage: true });

    server = await startServer();
    const ids = new Set(sales.map((s) => s.id));
    const done = await poll(() => readSales(page), (all) => all.filter((s) => ids.has(s.id)).every((s) => s.status === 'synced'), 120_000, 500);
    expect(done.filter((s) => ids.has(s.id)).map((s) => s.status)).toEqual(sales.map(() => 'synced'));
    await page.screenshot({ path: join(ARTIFACTS, 'till-offline-crash-2-recovered.png'), fullPage: true });
    console.log(`till crash test: ${syncedBeforeCrash} of ${SALES} sales synced before the SIGKILL; all ${SALES} after the restart`);

    const orders = await registerOrders(api, registerId);
    expect(orders.length - ordersBefore).toBe(SALES);
    expect(orders.filter((o) => ids.has(o.id)).length).toBe(SALES);
    for (const s of sales) {
      const o = await api<{ number: string; status: string; total: { amount: number } }>('GET', `/orders/${s.id}`);
      expect(o, s.number).toMatchObject({ number: s.number, status: 'completed', total: { amount: s.receipt.total } });
    }
    const sold = new Map<string, number>();
    for (const s of sales) for (const l of s.body.order.lines) sold.set(l.variant_id, (sold.get(l.variant_id) ?? 0) + l.quantity);
    for (const [variantId, qty] of sold) {
      const expected = stockBefore.get(variantId)! - qty;
      expect(await poll(() => onHand(api, storeId, variantId), (n) => n === expected, 30_000), variantId).toBe(expected);
    }
  }, 600_000);
});
