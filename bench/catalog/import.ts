/**
 * Catalog CSV import benchmark: writes a BENCH_VARIANTS-variant catalog CSV (default 100,000) to a
 * temp dir, then POSTs it to /api/v1/imports/products (one request, one all-or-nothing transaction)
 * on a server in this process, and prints rows/s and seconds. Run: `npm run bench:catalog-import`.
 *
 * Env: BENCH_VARIANTS (default 100000), BENCH_KINDS (postgres,pglite; default both),
 * BENCH_STOCK=0 (leave out the stock column).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { catalogCsv } from './catalog-csv.ts';
import { loadConfig, type Config } from '@novapos/platform';
import { createNovaPos, type NovaPos } from '@novapos/server';
import { createPgDatabase, pgAvailable, startPostgres, type PgServer } from '@novapos/testkit';
import { intEnv } from '../env.ts';

const VARIANTS = intEnv('BENCH_VARIANTS', 100_000, 10, 1_000_000);
const KINDS = (process.env.BENCH_KINDS ?? 'postgres,pglite').split(',').map((k) => k.trim()) as ('postgres' | 'pglite')[];
const STOCK = process.env.BENCH_STOCK !== '0';

function generate(path: string): { rows: number; products: number } {
  const made = catalogCsv(VARIANTS, { stock: STOCK });
  writeFileSync(path, made.csv);
  return { rows: made.rows, products: made.products };
}

async function run(kind: 'postgres' | 'pglite', file: string, dataDir: string): Promise<void> {
  let pg: PgServer | null = null;
  let app: NovaPos | null = null;
  try {
    const overrides: Partial<Config> = { dataDir, masterKey: randomBytes(32), port: 0, host: '127.0.0.1', sandboxPort: null, logLevel: 'warn', role: 'api', pgliteDir: 'memory://' };
    if (kind === 'postgres') {
      pg = await startPostgres();
      const urls = await createPgDatabase(pg.adminUrl, 'bench_import');
      Object.assign(overrides, { databaseUrl: urls.appUrl, databaseAdminUrl: urls.ownerUrl, poolSize: 10 });
    }
    app = await createNovaPos(loadConfig({ LOG_LEVEL: 'warn' }, overrides));
    const { url } = await app.start();
    const signup = await fetch(`${url}/api/v1/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID() },
      body: JSON.stringify({ business_name: 'Bench Imports', email: `bench-${randomUUID()}@example.com`, password: 'bench password 123456', currency: 'USD', timezone: 'UTC' }),
    });
    const { access_token: token } = (await signup.json()) as { access_token: string };
    const body = readFileSync(file);
    const started = performance.now();
    const res = await fetch(`${url}/api/v1/imports/products`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv', 'idempotency-key': randomUUID() },
      body,
    });
    const result = (await res.json()) as Record<string, unknown>;
    const seconds = (performance.now() - started) / 1000;
    if (res.status !== 200) throw new Error(`${kind}: import answered ${res.status} ${JSON.stringify(result).slice(0, 2000)}`);
    const rows = result.rows as number;
    console.log(
      `${kind.padEnd(9)} ${rows.toLocaleString('en')} rows in ${seconds.toFixed(1)} s = ${Math.round(rows / seconds).toLocaleString('en')} rows/s ` +
        `(products ${result.products_created}, variants ${result.variants_created}, stock rows ${result.stock_rows})`,
    );
    const exportStart = performance.now();
    const exported = await fetch(`${url}/api/v1/exports/products.csv`, { headers: { authorization: `Bearer ${token}` } });
    const text = await exported.text();
    const exportSeconds = (performance.now() - exportStart) / 1000;
    console.log(`${''.padEnd(9)} export of the same: ${(text.length / 1024 / 1024).toFixed(1)} MB in ${exportSeconds.toFixed(1)} s = ${Math.round(rows / exportSeconds).toLocaleString('en')} rows/s`);
  } finally {
    if (app) await app.close().catch((err: unknown) => console.error('close failed:', err));
    if (pg) await pg.stop();
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'novapos-bench-import-'));
  try {
    const file = join(dir, 'products.csv');
    const made = generate(file);
    console.log(
      `NovaPOS catalog CSV import — ${new Date().toISOString()}, Node ${process.version}, ${cpus().length} CPUs\n` +
        `file: ${made.rows.toLocaleString('en')} variants of ${made.products.toLocaleString('en')} products (1 to 12 variants, size × colour), EAN-13 each, category, price, cost${STOCK ? ', stock at one store' : ''}; ${(statSync(file).size / 1024 / 1024).toFixed(1)} MB\n` +
        'one POST /api/v1/imports/products over loopback HTTP: parse, validate, write in one transaction (catalog rows, price versions, search index, change feed, events, stock receipts), respond\n',
    );
    for (const kind of KINDS) {
      if (kind === 'postgres' && !pgAvailable()) {
        console.log('postgres  skipped: no PostgreSQL binaries (apt-get install postgresql)');
        continue;
      }
      await run(kind, file, dir);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
