import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../src/app.ts';
import { DEMO, seedDemo } from '../src/seed.ts';
import { startTestApp, type TestApp } from '../src/testing.ts';

const BIN = join(REPO_ROOT, 'apps/server/bin/novapos.js');

describe('demo catalog and the import CLI (PGlite in a data dir)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'novapos-import-cli-'));
  let t: TestApp | null = null;
  let token: string;

  beforeAll(async () => {
    t = await startTestApp('pglite', { pgliteDir: join(dataDir, 'db') });
    await seedDemo(t.app);
    const login = await t.request('POST', '/api/v1/auth/login', { body: { email: DEMO.users[0].email, password: DEMO.users[0].password } });
    token = login.body.access_token;
  });
  afterAll(async () => {
    await t?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('seeds about 300 products and 1,500 variants with serials, tax rates per store, low and negative stock', async () => {
    const { app } = t!;
    const csv = await t!.request('GET', '/api/v1/exports/products.csv', { token });
    const rows = String(csv.body).trim().split('\r\n').slice(1);
    expect(rows.length).toBeGreaterThanOrEqual(1500);
    expect(new Set(rows.map((r) => r.split(',')[0])).size).toBeGreaterThanOrEqual(290);
    const me = (await t!.request('GET', '/api/v1/me', { token })).body;
    expect(me.stores).toHaveLength(2);
    const tax = (await t!.request('GET', '/api/v1/tax-codes', { token })).body.data;
    expect(tax).toHaveLength(1);
    for (const s of me.stores) expect(tax[0].rates.filter((r: { store_id: string }) => r.store_id === s.id)).toHaveLength(2);
    const negative = (await t!.request('GET', '/api/v1/inventory?negative=true', { token })).body.data;
    expect(negative).toHaveLength(1);
    const low = (await t!.request('GET', '/api/v1/inventory/low-stock?limit=200', { token })).body.data;
    expect(low.length).toBeGreaterThan(10);
    const serials = (await t!.request('GET', '/api/v1/inventory/serials?state=in_stock&limit=200', { token })).body.data;
    expect(serials.length).toBeGreaterThan(100);
    const apparel = (await t!.request('GET', '/api/v1/products?q=merino sweater', { token })).body.data[0];
    expect(apparel.options.map((o: { name: string }) => o.name)).toEqual(['Size', 'Color']);
    const camera = (await t!.request('GET', '/api/v1/products?q=action camera', { token })).body.data[0];
    expect(camera.variants[0].track_serials).toBe(true);
    await app.close();
  });

  it('imports from the command line as the demo owner: a bad file exits 1 with the report', () => {
    const env = { ...process.env, NOVAPOS_DATA_DIR: dataDir, LOG_LEVEL: 'error', SANDBOX_PORT: 'off', DATABASE_URL: '', NATS_URL: '' };
    const bad = join(dataDir, 'bad.csv');
    writeFileSync(bad, 'handle,product_name,sku,price,stock:Nova Outfitters Downtown\r\nkite,Kite,KITE-1,12.345,3\r\nkite,,KITE-2,12.00,lots\r\n');
    const r = spawnSync(process.execPath, [BIN, 'import', 'products', bad], { env, encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/Import rejected: The file has 3 problems; nothing was imported/);
    expect(r.stderr).toMatch(/line 2, column price: "12.345" has more decimals than USD has \(2\)/);
    expect(r.stderr).toMatch(/line 3, column handle: a product without options has one variant/);
    expect(r.stderr).toMatch(/line 3, column stock:Nova Outfitters Downtown: "lots" is not a whole number/);
  });
});
