/**
 * The till in Chromium against a real server with a BENCH_VARIANTS-variant catalog (default
 * 100,000), seeded through the catalog bulk path (POST /api/v1/imports/products, as
 * bench/catalog/import.ts does). Prints:
 * - the first full catalog download into IndexedDB, from "Pair this device" to every variant
 *   stored (target < 15 s);
 * - scan to line: p50/p95/max over BENCH_SCANS keyboard-wedge scans of random barcodes, from the
 *   scanner's Enter to the next frame after the line is in the DOM (target p95 ≤ 50 ms);
 * - the POS JavaScript: every script /pos loaded while pairing, selling and paying, gzip -9
 *   (target ≤ 300 KB).
 * Run: `npm run bench:pos`. Env: BENCH_VARIANTS, BENCH_SCANS (default 200), BENCH_DB (postgres or
 * pglite; default postgres when PostgreSQL is installed).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { catalogCsv } from '../catalog/catalog-csv.ts';
import { loadConfig, type Config } from '@novapos/platform';
import { createNovaPos, DEFAULT_WEB_DIST, type NovaPos } from '@novapos/server';
import { createPgDatabase, launchChromium, pgAvailable, startPostgres, type PgServer } from '@novapos/testkit';
import { countCachedVariants } from '@novapos/web/testing';
import { intEnv } from '../env.ts';

const VARIANTS = intEnv('BENCH_VARIANTS', 100_000, 100, 1_000_000);
const SCANS = intEnv('BENCH_SCANS', 200, 10, 10_000);
const KIND = (process.env.BENCH_DB ?? (pgAvailable() ? 'postgres' : 'pglite')) as 'postgres' | 'pglite';
const TARGETS = { download_s: 15, scan_p95_ms: 50, js_gzip_kb: 300 };

const catalogSynced = (page: Page) =>
  page.evaluate<boolean>(`new Promise((resolve) => {
    const open = indexedDB.open('novapos-catalog');
    open.onsuccess = () => {
      const db = open.result;
      if (!db.objectStoreNames.contains('meta')) { db.close(); return resolve(false); }
      const req = db.transaction('meta').objectStore('meta').get('synced_at');
      req.onsuccess = () => { db.close(); resolve(!!req.result); };
    };
    open.onerror = () => resolve(false);
  })`);

/**
 * One wedge scan in the page: the code's keydowns and Enter dispatched as the scanner's burst,
 * then the time from Enter to the next animation frame after the cart's units changed.
 */
const SCAN_IN_PAGE = `async (code) => {
  const units = () => [...document.querySelectorAll('.till-line__meta')].reduce((s, e) => s + (parseInt(e.textContent, 10) || 0), 0);
  const before = units();
  const target = document.activeElement || document.body;
  const key = (k) => target.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true, cancelable: true }));
  for (const ch of code) key(ch);
  return await new Promise((resolve, reject) => {
    const t0 = performance.now();
    const done = () => requestAnimationFrame(() => resolve(performance.now() - t0));
    const obs = new MutationObserver(() => {
      if (units() > before) { obs.disconnect(); clearTimeout(timer); done(); }
    });
    obs.observe(document.body, { subtree: true, childList: true, characterData: true });
    const timer = setTimeout(() => { obs.disconnect(); reject(new Error('no line after 5 s for ' + code)); }, 5000);
    key('Enter');
  });
}`;

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

async function main(): Promise<void> {
  if (!existsSync(join(DEFAULT_WEB_DIST, 'index.html'))) throw new Error('apps/web is not built: run npm run build first');
  const dataDir = mkdtempSync(join(tmpdir(), 'novapos-bench-pos-'));
  let pg: PgServer | null = null;
  let app: NovaPos | null = null;
  const browser = await launchChromium();
  try {
    const overrides: Partial<Config> = { dataDir, masterKey: randomBytes(32), port: 0, host: '127.0.0.1', sandboxPort: null, logLevel: 'warn', role: 'api', pgliteDir: 'memory://' };
    if (KIND === 'postgres') {
      pg = await startPostgres();
      const urls = await createPgDatabase(pg.adminUrl, 'bench_pos');
      Object.assign(overrides, { databaseUrl: urls.appUrl, databaseAdminUrl: urls.ownerUrl, poolSize: 10 });
    }
    app = await createNovaPos(loadConfig({ LOG_LEVEL: 'warn' }, overrides));
    const url = (await app.start()).url!;
    const email = `bench-${randomUUID()}@example.com`;
    const password = 'bench password 123456';
    const signup = (await (
      await fetch(`${url}/api/v1/signup`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID() },
        body: JSON.stringify({ business_name: 'Bench Till', email, password, currency: 'USD', timezone: 'UTC' }),
      })
    ).json()) as { access_token: string; store: { id: string; name: string }; register: { id: string; name: string } };
    const auth = { authorization: `Bearer ${signup.access_token}` };
    const cashier = { name: 'Bench Cashier', pin: '2468' };
    const user = await fetch(`${url}/api/v1/users`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
      body: JSON.stringify({ email: `cashier-${randomUUID()}@example.com`, name: cashier.name, role: 'cashier', pin: cashier.pin, store_ids: [signup.store.id] }),
    });
    if (!user.ok) throw new Error(`cashier: ${user.status} ${await user.text()}`);

    const { csv, barcodes } = catalogCsv(VARIANTS);
    const seedStart = performance.now();
    const imported = await fetch(`${url}/api/v1/imports/products`, { method: 'POST', headers: { ...auth, 'content-type': 'text/csv', 'idempotency-key': randomUUID() }, body: csv });
    if (imported.status !== 200) throw new Error(`import: ${imported.status} ${(await imported.text()).slice(0, 2000)}`);
    const seedSeconds = (performance.now() - seedStart) / 1000;

    console.log(
      `NovaPOS till bench — ${new Date().toISOString()}, Node ${process.version}, ${cpus().length} CPUs, Chromium ${browser.version()}, server on ${KIND}\n` +
        `catalog: ${VARIANTS.toLocaleString('en')} variants seeded through POST /api/v1/imports/products in ${seedSeconds.toFixed(1)} s\n`,
    );

    const context = await browser.newContext({ viewport: { width: 1024, height: 768 } });
    const page = await context.newPage();
    const scripts = new Set<string>();
    page.on('response', (res) => {
      const u = new URL(res.url());
      if (u.origin === new URL(url).origin && u.pathname.endsWith('.js')) scripts.add(u.pathname);
    });

    // 1. First full catalog download into IndexedDB, from the pairing click.
    await page.goto(`${url}/pos`);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in to pair' }).click();
    await page.getByLabel('Register').waitFor();
    await page.getByLabel('Register').selectOption({ label: signup.register.name });
    const t0 = performance.now();
    await page.getByRole('button', { name: 'Pair this device' }).click();
    // Done when the till records its first pull as complete (it polls nothing that competes with
    // the download's IndexedDB transactions); then every variant must be there.
    while (!(await catalogSynced(page))) {
      if (performance.now() - t0 > 300_000) throw new Error('catalog download stuck');
      await page.waitForTimeout(100);
    }
    const downloadS = (performance.now() - t0) / 1000;
    const count = await countCachedVariants(page);
    if (count !== VARIANTS) throw new Error(`catalog download ended with ${count} of ${VARIANTS} variants`);

    // Baseline, same run: the same feed fetched and parsed in Node, written nowhere.
    const f0 = performance.now();
    let changes = 0;
    for (let cursor: string | undefined, more = true; more; ) {
      const res = await fetch(`${url}/api/v1/catalog/changes?limit=5000${cursor ? `&cursor=${cursor}` : ''}`, { headers: auth });
      if (!res.ok) throw new Error(`feed: ${res.status}`);
      const body = (await res.json()) as { data: unknown[]; next_cursor: string; has_more: boolean };
      changes += body.data.length;
      cursor = body.next_cursor;
      more = body.has_more;
    }
    const feedS = (performance.now() - f0) / 1000;

    // 2. Scan to line, on the selling screen with the whole catalog cached.
    await page.getByRole('button', { name: `Switch in as ${cashier.name}` }).click();
    await page.getByLabel('PIN', { exact: true }).fill(cashier.pin);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: `${cashier.name} is signed in on ${signup.register.name}` }).waitFor();
    await page.locator('.till-cart__who').click();
    const pick = () => barcodes[Math.floor(Math.random() * barcodes.length)]!;
    for (let i = 0; i < 10; i++) await page.evaluate(`(${SCAN_IN_PAGE})(${JSON.stringify(pick())})`); // warm-up
    const times: number[] = [];
    for (let i = 0; i < SCANS; i++) {
      if (i % 10 === 0) {
        // a fresh cart every 10 scans, as at a real till
        while ((await page.locator('.till-line').count()) > 0) await page.keyboard.press('Delete');
        await page.locator('.till-cart__who').click();
      }
      times.push(await page.evaluate<number>(`(${SCAN_IN_PAGE})(${JSON.stringify(pick())})`));
    }
    times.sort((a, b) => a - b);

    // Pay the last cart (the tender and receipt screens' scripts count too).
    await page.keyboard.press('F12');
    await page.getByLabel('Cash received').waitFor();
    await page.keyboard.press('F12');
    await page.getByRole('heading', { name: /^Sale .* complete$/ }).waitFor();

    // 3. The POS JavaScript: what /pos loaded, gzip -9.
    const rows = [...scripts].toSorted().map((path) => {
      const file = join(DEFAULT_WEB_DIST, path);
      const raw = existsSync(file) ? readFileSync(file) : Buffer.alloc(0);
      return { path, raw: raw.length, gzip: gzipSync(raw, { level: 9 }).length };
    });
    const posJs = rows.filter((r) => !/\/(sw|workbox-[^/]+)\.js$/.test(r.path));
    const sw = rows.filter((r) => /\/(sw|workbox-[^/]+)\.js$/.test(r.path));
    const kb = (n: number) => (n / 1024).toFixed(1);
    const jsGzip = posJs.reduce((s, r) => s + r.gzip, 0);

    const ok = (pass: boolean) => (pass ? 'ok  ' : 'MISS');
    console.log(`${ok(downloadS < TARGETS.download_s)} first full catalog download: ${VARIANTS.toLocaleString('en')} variants into IndexedDB in ${downloadS.toFixed(1)} s (target < ${TARGETS.download_s} s); the feed alone (${changes.toLocaleString('en')} changes fetched in Node) ${feedS.toFixed(1)} s, ratio ${(downloadS / feedS).toFixed(2)}`);
    console.log(
      `${ok(quantile(times, 0.95) <= TARGETS.scan_p95_ms)} scan to line (${SCANS} wedge scans): p50 ${quantile(times, 0.5).toFixed(1)} ms, p95 ${quantile(times, 0.95).toFixed(1)} ms, max ${times.at(-1)!.toFixed(1)} ms (target p95 ≤ ${TARGETS.scan_p95_ms} ms)`,
    );
    console.log(`${ok(jsGzip / 1024 <= TARGETS.js_gzip_kb)} POS JavaScript: ${kb(jsGzip)} KB gzip (${kb(posJs.reduce((s, r) => s + r.raw, 0))} KB raw) in ${posJs.length} files (target ≤ ${TARGETS.js_gzip_kb} KB)`);
    for (const r of posJs.toSorted((a, b) => b.gzip - a.gzip)) console.log(`       ${kb(r.gzip).padStart(7)} KB  ${r.path}`);
    if (sw.length) console.log(`     service worker (not counted): ${sw.map((r) => `${r.path} ${kb(r.gzip)} KB`).join(', ')}`);
    await context.close();
  } finally {
    await browser.close();
    if (app) await app.close().catch((err: unknown) => console.error('close failed:', err));
    if (pg) await pg.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
