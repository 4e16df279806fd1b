/**
 * Catalog search benchmark: seeds 100,000 variants into one business on a throwaway PostgreSQL
 * server (through the catalog's own create-product operation, so search terms, prices, barcodes
 * and the change feed are all written as in production), then times typical searches over HTTP,
 * one request at a time, and prints p50/p95 per kind of query. Run: `npm run bench:catalog`.
 *
 * Env: BENCH_VARIANTS (default 100000), BENCH_QUERIES (requests per case, default 200),
 * BENCH_LIMIT (page size, default 20), BENCH_SEED_WORKERS (parallel seeding transactions, default 4),
 * BENCH_HOLD=1 (keep the database up afterwards, to look at query plans; Ctrl-C ends it).
 */
import { fork } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { gtinCheckDigit } from '@novapos/domain';
import { loadConfig, serviceCtx, systemActor, tenantTx, type Ctx } from '@novapos/platform';
import { createNovaPos, type NovaPos } from '@novapos/server';
import { createPgDatabase, pgAvailable, startPostgres, type PgServer } from '@novapos/testkit';
import type { ClientJob, ClientResult } from './client.ts';
import { intEnv } from '../env.ts';

const TARGET_VARIANTS = intEnv('BENCH_VARIANTS', 100_000, 100, 1_000_000);
const QUERIES = intEnv('BENCH_QUERIES', 200, 10, 10_000);
const LIMIT = intEnv('BENCH_LIMIT', 20, 1, 200);
const SEED_WORKERS = intEnv('BENCH_SEED_WORKERS', 4, 1, 32);
const PRODUCTS_PER_TX = 50;

// ------------------------------------------------------------------ a plausible catalog

const BRANDS = ['Acme', 'Northwind', 'Contoso', 'Fabrikam', 'Tailspin', 'Wingtip', 'Adventure', 'Litware', 'Proseware', 'Lucerne', 'Alpine', 'Coho', 'Humongous', 'Margie', 'Trey', 'Woodgrove', 'Wide', 'Blue Yonder', 'Fourth Coffee', 'Graphic'];
const MATERIALS = ['Linen', 'Cotton', 'Wool', 'Silk', 'Denim', 'Leather', 'Canvas', 'Suede', 'Merino', 'Cashmere', 'Fleece', 'Tweed', 'Corduroy', 'Nylon', 'Bamboo', 'Hemp', 'Alpaca', 'Velvet', 'Satin', 'Jersey'];
const TYPES = ['Shirt', 'Trousers', 'Jacket', 'Scarf', 'Hat', 'Boots', 'Belt', 'Dress', 'Skirt', 'Coat', 'Sweater', 'Hoodie', 'Socks', 'Gloves', 'Shorts', 'Blazer', 'Vest', 'Cardigan', 'Polo', 'Jeans', 'Backpack', 'Wallet', 'Sneakers', 'Sandals', 'Beanie', 'Tote', 'Parka', 'Chinos', 'Tunic', 'Kimono'];
const COLLECTIONS = ['Aurora', 'Borealis', 'Cascade', 'Dune', 'Ember', 'Fjord', 'Glacier', 'Harbor', 'Iris', 'Juniper', 'Kestrel', 'Lagoon', 'Meadow', 'Nimbus', 'Orchid', 'Prairie', 'Quartz', 'Ridge', 'Sierra', 'Tundra', 'Umber', 'Vista', 'Willow', 'Xenon', 'Yarrow', 'Zephyr', 'Atlas', 'Beacon', 'Cobalt', 'Delta', 'Echo', 'Falcon', 'Granite', 'Haven', 'Indigo', 'Jasper', 'Koda', 'Lumen', 'Mosaic', 'Nova'];
const SIZES = ['XS', 'S', 'M', 'L', 'XL', 'XXL'];
const COLORS = ['Red', 'Blue', 'Green', 'Black', 'White', 'Navy', 'Olive', 'Sand'];
/** variants per product, cycled: 1 (accessories) to 12 (size × colour), about 4 on average */
const SHAPES: [number, number][] = [[0, 0], [0, 0], [3, 1], [4, 1], [3, 2], [6, 1], [4, 2], [6, 2]];

let barcodeSeq = 0;
const ean13 = (): string => {
  const body = `20${String(barcodeSeq++).padStart(10, '0')}`;
  return `${body}${gtinCheckDigit(body)}`;
};

function productInput(i: number) {
  const name = `${BRANDS[i % BRANDS.length]} ${MATERIALS[Math.floor(i / 20) % MATERIALS.length]} ${TYPES[Math.floor(i / 400) % TYPES.length]} ${COLLECTIONS[Math.floor(i / 12_000 + i) % COLLECTIONS.length]} ${(i % 997) + 1}`;
  const [sizes, colors] = SHAPES[i % SHAPES.length]!;
  const options = [...(sizes ? [{ name: 'Size', values: SIZES.slice(0, sizes) }] : []), ...(colors > 1 ? [{ name: 'Color', values: COLORS.slice(0, colors) }] : [])];
  const combos: string[][] = sizes === 0 ? [[]] : SIZES.slice(0, sizes).flatMap((s) => (colors > 1 ? COLORS.slice(0, colors).map((c) => [s, c]) : [[s]]));
  return {
    name,
    description: null,
    options,
    variants: combos.map((values, k) => {
      const code = ean13();
      return { sku: `P${String(i).padStart(6, '0')}-${k}`, price: { amount: 999 + (i % 50) * 100, currency: 'USD' }, option_values: values, barcode: { code, type: 'ean13' as const, key: `gtin:0${code}` } };
    }),
  };
}

// ------------------------------------------------------------------ typical queries

function misspell(word: string, r: number): string {
  const w = word.toLowerCase();
  const i = 1 + (r % (w.length - 2));
  return w.slice(0, i) + w[i + 1] + w[i] + w.slice(i + 2);
}

interface Case {
  name: string;
  what: string;
  paths: string[];
}

function cases(skus: string[], barcodes: string[]): Case[] {
  const words = [...BRANDS, ...MATERIALS, ...TYPES, ...COLLECTIONS].filter((w) => !w.includes(' '));
  const pick = <T>(xs: readonly T[], n: number): T => xs[(n * 7919) % xs.length]!;
  const q = (s: string) => `/api/v1/products?limit=${LIMIT}&q=${encodeURIComponent(s)}`;
  const n = Array.from({ length: QUERIES }, (_, i) => i);
  return [
    { name: 'prefix', what: '3-5 letters of a word ("jun", "cashm")', paths: n.map((i) => q(pick(words, i).slice(0, 3 + (i % 3)).toLowerCase())) },
    { name: 'prefix 2 words', what: 'two word starts ("acme lin")', paths: n.map((i) => q(`${pick(BRANDS, i).split(' ')[0]!.toLowerCase()} ${pick(MATERIALS, i + 3).slice(0, 3).toLowerCase()}`)) },
    { name: 'full name', what: 'a whole product name, as typed', paths: n.map((i) => q(productInput((i * 104_729) % 1000).name)) },
    { name: 'fuzzy', what: 'one misspelt word ("jnuiper", "cahsmere")', paths: n.map((i) => q(misspell(pick(words.filter((w) => w.length >= 5), i), i))) },
    { name: 'sku prefix', what: 'the start of a SKU ("P01234")', paths: n.map((i) => q(pick(skus, i).slice(0, 6))) },
    { name: 'sku exact', what: 'a whole SKU', paths: n.map((i) => q(pick(skus, i + 1))) },
    { name: 'barcode', what: '?barcode= exact EAN-13 (scanner)', paths: n.map((i) => `/api/v1/products?barcode=${pick(barcodes, i)}`) },
  ];
}

// ------------------------------------------------------------------ run

const CLIENT_SCRIPT = fileURLToPath(new URL('./client.ts', import.meta.url));
const TSX_LOADER = import.meta.resolve('tsx');

function runClient(job: ClientJob): Promise<ClientResult[]> {
  return new Promise((resolve, reject) => {
    const child = fork(CLIENT_SCRIPT, [], { execArgv: ['--import', TSX_LOADER], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const timer = setTimeout(() => child.kill('SIGKILL'), 10 * 60_000);
    child.once('message', (m) => resolve(m as ClientResult[]));
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`request client exited (code ${code})`));
    });
    child.send(job);
  });
}

const quantile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;

async function main(): Promise<void> {
  if (!pgAvailable()) {
    console.log('bench:catalog needs PostgreSQL binaries (apt-get install postgresql); skipped.');
    return;
  }
  const began = performance.now();
  let pg: PgServer | null = null;
  let app: NovaPos | null = null;
  const dataDir = mkdtempSync(join(tmpdir(), 'novapos-bench-catalog-'));
  try {
    pg = await startPostgres();
    const urls = await createPgDatabase(pg.adminUrl, 'bench_catalog');
    const config = loadConfig(
      { LOG_LEVEL: 'warn' },
      { dataDir, masterKey: randomBytes(32), port: 0, host: '127.0.0.1', sandboxPort: null, logLevel: 'warn', role: 'api', databaseUrl: urls.appUrl, databaseAdminUrl: urls.ownerUrl, poolSize: 10 },
    );
    app = await createNovaPos(config);
    const { url } = await app.start();
    if (!url?.startsWith('http://127.0.0.1:')) throw new Error(`server is not on loopback: ${url}`);
    const signup = await fetch(`${url}/api/v1/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID() },
      body: JSON.stringify({ business_name: 'Bench Outfitters', email: `bench-${randomUUID()}@example.com`, password: 'bench password 123456', currency: 'USD', timezone: 'UTC' }),
    });
    const session = (await signup.json()) as { access_token: string; tenant: { id: string } };
    const tenantId = session.tenant.id;

    // seed: products of 1 to 12 variants until the target, PRODUCTS_PER_TX per transaction
    const ops = app.modules.catalog.operations;
    const total = { products: 0, variants: 0 };
    const inputs: ReturnType<typeof productInput>[] = [];
    for (let i = 0, v = 0; v < TARGET_VARIANTS; i++) {
      const p = productInput(i);
      p.variants = p.variants.slice(0, TARGET_VARIANTS - v);
      inputs.push(p);
      v += p.variants.length;
    }
    const seedStart = performance.now();
    let next = 0;
    const db = app.database.db;
    const worker = async () => {
      while (next < inputs.length) {
        const batch = inputs.slice(next, (next += PRODUCTS_PER_TX));
        await tenantTx(db, tenantId, async (trx) => {
          const ctx: Ctx = serviceCtx({ trx, tenantId, actor: systemActor, clock: app!.kernel.clock, log: app!.log, requestId: 'bench' });
          for (const p of batch) await ops.createProduct(ctx, p);
        });
        total.products += batch.length;
        total.variants += batch.reduce((s, p) => s + p.variants.length, 0);
        if (total.products % 5000 < PRODUCTS_PER_TX) process.stdout.write(`\r  seeding: ${total.variants.toLocaleString('en')} variants`);
      }
    };
    await Promise.all(Array.from({ length: SEED_WORKERS }, worker));
    const seedSeconds = (performance.now() - seedStart) / 1000;
    process.stdout.write('\n');
    await sql`analyze`.execute(app.database.admin);

    const skus = inputs.flatMap((p) => p.variants.map((v) => v.sku));
    const barcodes = inputs.flatMap((p) => p.variants.map((v) => v.barcode.code));
    inputs.length = 0; // the server shares this heap: let the seed data go before measuring
    const defs = cases(skus, barcodes);
    const results = await runClient({ url, token: session.access_token, cases: defs.map((c) => ({ name: c.name, paths: c.paths })) });
    const rows = defs.map((c, i) => {
      const times = results[i]!.times.toSorted((a, b) => a - b);
      return { c, p50: quantile(times, 0.5), p95: quantile(times, 0.95), max: times.at(-1)!, hits: results[i]!.hits };
    });

    console.log(`\nNovaPOS catalog search — ${new Date().toISOString()}, Node ${process.version}, ${cpus().length} CPUs, PostgreSQL server (throwaway cluster, fsync off), app role under row-level security`);
    console.log(`catalog: ${total.variants.toLocaleString('en')} variants in ${total.products.toLocaleString('en')} products, one business; seeded through createProduct in ${seedSeconds.toFixed(1)} s (${Math.round(total.variants / seedSeconds).toLocaleString('en')} variants/s, ${SEED_WORKERS} parallel transactions)`);
    console.log(`each case: ${QUERIES} sequential GET requests over HTTP from a separate process (loopback, bearer token, page of ${LIMIT} products with their variants), after 20 warm-up requests\n`);
    const pad = (s: string, n: number) => s.padEnd(n);
    const num = (x: number) => x.toFixed(1).padStart(7);
    console.log(`${pad('case', 16)}${pad('query', 44)}   p50 ms   p95 ms   max ms   with results`);
    for (const r of rows) console.log(`${pad(r.c.name, 16)}${pad(r.c.what, 44)}${num(r.p50)}  ${num(r.p95)}  ${num(r.max)}   ${r.hits}/${QUERIES}`);
    const worst = Math.max(...rows.map((r) => r.p95));
    console.log(`\nworst p95 ${worst.toFixed(1)} ms (target < 20 ms); total run ${((performance.now() - began) / 1000).toFixed(0)} s`);
    if (process.env.BENCH_HOLD === '1') {
      // keep the seeded database up to look at query plans: psql "<owner url>", Ctrl-C to stop
      console.log(`holding: ${url}, tenant ${tenantId}\n  token ${session.access_token}\n  owner ${urls.ownerUrl}\n  app   ${urls.appUrl}`);
      await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
    }
  } finally {
    if (app) await app.close().catch((err: unknown) => console.error('close failed:', err));
    if (pg) await pg.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
