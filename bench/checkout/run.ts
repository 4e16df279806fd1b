/**
 * Checkout benchmark: card checkouts per second and p50/p99 latency of `POST /api/v1/checkout`
 * (3 lines, one card tender, a fresh Idempotency-Key each) at 8 and 32 concurrent lanes (a lane is
 * a till on its own register, as in a store: one register rings one sale at a time), on a
 * PostgreSQL server and on embedded PGlite, beside `pgbench` TPC-B on the same PostgreSQL server
 * measured in the same run (the baseline: what that server does with a simple write transaction).
 *
 * Three processes, as in production: the NovaPOS server (`novapos serve`), the payment sandbox
 * (`apps/sandbox/bin/sandbox.js`, no added processing delay: this measures our side), and this
 * process, which tokenizes cards up front (the terminal's job) and then drives the lanes.
 *
 *   npm run bench:checkout
 *
 * Env: BENCH_CHECKOUTS (per lane setting, default 1500), BENCH_KINDS (default "postgres,pglite"),
 * BENCH_POOL_SIZE (default 10), BENCH_PGBENCH_SECONDS (default 15).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPgDatabase, freePort, pgBinDir, startPostgres, type PgServer } from '@novapos/testkit';

type Kind = 'postgres' | 'pglite';
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CHECKOUTS = Number(process.env.BENCH_CHECKOUTS ?? 1500);
const KINDS = (process.env.BENCH_KINDS ?? 'postgres,pglite').split(',').map((k) => k.trim()) as Kind[];
const POOL = Number(process.env.BENCH_POOL_SIZE ?? 10);
const PGBENCH_SECONDS = Number(process.env.BENCH_PGBENCH_SECONDS ?? 15);
const LANES = (process.env.BENCH_LANES ?? '8,32').split(',').map(Number);

interface Row {
  kind: Kind;
  lanes: number;
  n: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

async function waitReady(url: string, child: ChildProcess, what: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode}`);
    try {
      const r = await fetch(url);
      if (r.ok) return;
    } catch {
      // not yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not get ready at ${url}`);
}

async function startSandboxProcess(): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(process.execPath, [join(ROOT, 'apps/sandbox/bin/sandbox.js')], {
    env: { ...process.env, SANDBOX_PORT: String(port), SANDBOX_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  await waitReady(`${url}/__state`, child, 'sandbox');
  return { url, child };
}

async function startServerProcess(env: Record<string, string>): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [join(ROOT, 'apps/server/bin/novapos.js'), 'serve', ...(process.env.BENCH_ROLE ? ['--role', process.env.BENCH_ROLE] : [])], {
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', SANDBOX_PORT: 'off', LOG_LEVEL: 'warn', NOVAPOS_MASTER_KEY: randomBytes(32).toString('hex') },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  await waitReady(`${url}/readyz`, child, 'server');
  return { url, child };
}

async function json(url: string, init: RequestInit & { token?: string } = {}): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...(init.headers as Record<string, string>) };
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  const r = await fetch(url, { ...init, headers });
  const text = await r.text();
  return { status: r.status, body: text ? JSON.parse(text) : null };
}

interface Shop {
  token: string;
  /** the checkout a till at register `lane` sends */
  body: (cardToken: string, lane: number) => unknown;
}

/** A business with one register per lane: a register is one till, ringing one sale at a time (its numbers are gapless). */
async function prepareShop(url: string, registers: number): Promise<Shop> {
  const s = await json(`${url}/api/v1/signup`, {
    method: 'POST',
    headers: { 'idempotency-key': randomUUID() },
    body: JSON.stringify({ business_name: 'Bench Shop', email: `bench-${randomUUID()}@example.com`, password: 'bench password 123456', currency: 'USD', timezone: 'UTC' }),
  });
  if (s.status !== 201) throw new Error(`signup: ${s.status} ${JSON.stringify(s.body)}`);
  const token = s.body.access_token as string;
  const p = await json(`${url}/api/v1/products`, {
    method: 'POST',
    token,
    headers: { 'idempotency-key': randomUUID() },
    body: JSON.stringify({
      name: 'Bench tee',
      options: [{ name: 'Size', values: ['S', 'M', 'L'] }],
      variants: ['S', 'M', 'L'].map((size, i) => ({ sku: `BENCH-${size}`, option_values: [size], price: { amount: 1000 + 250 * i, currency: 'USD' } })),
    }),
  });
  if (p.status !== 201) throw new Error(`product: ${p.status} ${JSON.stringify(p.body)}`);
  const variants: string[] = p.body.variants.map((v: { id: string }) => v.id);
  const registerIds: string[] = [s.body.register.id];
  while (registerIds.length < registers) {
    const r = await json(`${url}/api/v1/stores/${s.body.store.id}/registers`, { method: 'POST', token, headers: { 'idempotency-key': randomUUID() }, body: JSON.stringify({ name: `Till ${registerIds.length + 1}` }) });
    if (r.status !== 201) throw new Error(`register: ${r.status} ${JSON.stringify(r.body)}`);
    registerIds.push(r.body.id);
  }
  const total = 1000 + 1250 + 1500;
  return {
    token,
    body: (cardToken, lane) => ({
      order: { store_id: s.body.store.id, register_id: registerIds[lane % registerIds.length], lines: variants.map((v) => ({ variant_id: v, quantity: 1 })) },
      payments: [{ tender: 'card', token: cardToken, amount: { amount: total, currency: 'USD' } }],
    }),
  };
}

async function tokens(sandboxUrl: string, n: number): Promise<string[]> {
  const out: string[] = [];
  const one = async () => {
    const r = await json(`${sandboxUrl}/v1/tokens`, {
      method: 'POST',
      headers: { authorization: 'Bearer pk_test_novapos' },
      body: JSON.stringify({ number: '4242424242424242', exp_month: 12, exp_year: new Date().getUTCFullYear() + 3, cvc: '123' }),
    });
    if (r.status !== 200) throw new Error(`tokenize: ${r.status}`);
    out.push(r.body.id);
  };
  for (let i = 0; i < n; i += 50) await Promise.all(Array.from({ length: Math.min(50, n - i) }, one));
  return out;
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

async function runLanes(url: string, shop: Shop, cards: string[], lanes: number): Promise<Omit<Row, 'kind'>> {
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: lanes }, async (_, lane) => {
      for (;;) {
        const i = next++;
        if (i >= cards.length) return;
        const t0 = performance.now();
        const r = await fetch(`${url}/api/v1/checkout`, {
          method: 'POST',
          headers: { authorization: `Bearer ${shop.token}`, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
          body: JSON.stringify(shop.body(cards[i]!, lane)),
        });
        const body = (await r.json()) as { status?: string };
        latencies.push(performance.now() - t0);
        if (r.status !== 201 || body.status !== 'completed') errors++;
      }
    }),
  );
  const secs = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { lanes, n: cards.length, rps: cards.length / secs, p50: pct(latencies, 50), p99: pct(latencies, 99), errors };
}

function pgbench(pg: PgServer, dbUrl: string): number {
  const bin = join(pgBinDir()!, 'pgbench');
  const init = spawnSync(bin, ['-i', '-s', '10', '-q', dbUrl], { encoding: 'utf8' });
  if (init.status !== 0) throw new Error(`pgbench -i failed: ${init.stderr}`);
  const run = spawnSync(bin, ['-c', '8', '-j', '2', '-T', String(PGBENCH_SECONDS), dbUrl], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`pgbench failed: ${run.stderr}`);
  const m = /tps = ([\d.]+)/.exec(run.stdout);
  if (!m) throw new Error(`no tps in pgbench output: ${run.stdout}`);
  void pg;
  return Number(m[1]);
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  let tps: number | null = null;
  const sandbox = await startSandboxProcess();
  const children: ChildProcess[] = [sandbox.child];
  let pg: PgServer | null = null;
  const dirs: string[] = [];
  try {
    for (const kind of KINDS) {
      let env: Record<string, string>;
      if (kind === 'postgres') {
        pg = await startPostgres();
        const urls = await createPgDatabase(pg.adminUrl, 'bench_checkout');
        const base = await createPgDatabase(pg.adminUrl, 'bench_pgbench');
        tps = pgbench(pg, base.ownerUrl);
        console.log(`[postgres] pgbench TPC-B -c 8 -j 2 -T ${PGBENCH_SECONDS}: ${tps.toFixed(0)} tps`);
        env = { DATABASE_URL: urls.appUrl, DATABASE_ADMIN_URL: urls.ownerUrl, DATABASE_POOL_SIZE: String(POOL) };
      } else {
        const dir = mkdtempSync(join(tmpdir(), 'novapos-bench-checkout-'));
        dirs.push(dir);
        env = { NOVAPOS_DATA_DIR: dir };
      }
      const server = await startServerProcess({ ...env, PAYMENTS_PROCESSOR_URL: sandbox.url });
      children.push(server.child);
      const shop = await prepareShop(server.url, Math.max(...LANES));
      const warm = await runLanes(server.url, shop, await tokens(sandbox.url, 200), 8);
      if (warm.errors) throw new Error(`[${kind}] warm-up had ${warm.errors} failed checkouts`);
      for (const lanes of LANES) {
        const cards = await tokens(sandbox.url, CHECKOUTS);
        const r = await runLanes(server.url, shop, cards, lanes);
        rows.push({ kind, ...r });
        console.log(`[${kind}] ${lanes} lanes: ${r.rps.toFixed(0)} checkouts/s, p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms (${r.n} checkouts, ${r.errors} failed)`);
      }
      server.child.kill('SIGTERM');
      await new Promise((r) => server.child.once('exit', r));
    }
  } finally {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    if (pg) await pg.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }

  console.log('\nPOST /api/v1/checkout, 3 lines, card tender (sandbox without added delay), one server process');
  console.log('| database | lanes | checkouts/s | p50 ms | p99 ms | failed | ÷ pgbench tps |');
  console.log('|---|---|---|---|---|---|---|');
  for (const r of rows) {
    const ratio = tps ? (r.rps / tps).toFixed(2) : 'n/a';
    console.log(`| ${r.kind} | ${r.lanes} | ${r.rps.toFixed(0)} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.errors} | ${ratio} |`);
  }
  if (tps) console.log(`\npgbench TPC-B (scale 10, -c 8 -j 2 -T ${PGBENCH_SECONDS}) on the same PostgreSQL server: ${tps.toFixed(0)} tps`);
  if (rows.some((r) => r.errors)) process.exitCode = 1;
}

await main();
