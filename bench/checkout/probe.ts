// A quick per-step latency probe (one lane, in-process, Fastify inject): `npx tsx bench/checkout/probe.ts [postgres]`.
import { randomBytes, randomUUID } from 'node:crypto';
import { loadConfig } from '@novapos/platform';
import { startSandbox } from '@novapos/sandbox';
import { sandboxClient } from '@novapos/sandbox/testing';
import { createNovaPos } from '@novapos/server';
import { createPgDatabase, startPostgres } from '@novapos/testkit';

const kind = process.argv[2] ?? 'pglite';
const pgmod = await import('pg');
const counts = new Map<string, number>();
let queries = 0;
const times = new Map<string, number>();
const orig = pgmod.default.Client.prototype.query;
pgmod.default.Client.prototype.query = function (this: unknown, ...args: unknown[]) {
  queries++;
  const text = typeof args[0] === 'string' ? args[0] : (args[0] as { text?: string })?.text ?? '?';
  const k = text.replace(/\s+/g, ' ').slice(0, 110);
  counts.set(k, (counts.get(k) ?? 0) + 1);
  const t0 = performance.now();
  const out = (orig as (...a: unknown[]) => unknown).apply(this, args);
  if (out && typeof (out as Promise<unknown>).then === 'function') void (out as Promise<unknown>).then(() => times.set(k, (times.get(k) ?? 0) + performance.now() - t0), () => undefined);
  return out;
} as typeof orig;
const pg = kind === 'postgres' ? await startPostgres() : null;
const urls = pg ? await createPgDatabase(pg.adminUrl, 'probe') : null;
const sandbox = await startSandbox();
const app = await createNovaPos(loadConfig({ LOG_LEVEL: 'warn' }, { pgliteDir: 'memory://', masterKey: randomBytes(32), port: 0, host: '127.0.0.1', sandboxPort: null, logLevel: 'warn', processorUrl: sandbox.url, ...(urls ? { databaseUrl: urls.appUrl, databaseAdminUrl: urls.ownerUrl, poolSize: 10 } : {}) }));
if (!process.env.PROBE_NOBUS) await app.start();
const client = sandboxClient(sandbox.url, { secretKey: sandbox.secretKey, publishableKey: sandbox.publishableKey });
const t = {
  async request(method: string, url: string, o: { token?: string; headers?: Record<string, string>; body?: unknown } = {}) {
    const r = await app.http.inject({ method: method as 'GET', url, headers: { ...(o.token ? { authorization: `Bearer ${o.token}` } : {}), ...(o.body ? { 'content-type': 'application/json' } : {}), ...o.headers }, ...(o.body ? { payload: JSON.stringify(o.body) } : {}) });
    return { status: r.statusCode, body: r.json() };
  },
  cardToken: async () => (await client.tokenize()).id,
};
const s = await t.request('POST', '/api/v1/signup', { headers: { 'idempotency-key': randomUUID() }, body: { business_name: 'Probe', email: `p-${randomUUID()}@example.com`, password: 'probe password 1234', currency: 'USD', timezone: 'UTC' } });
const owner = { token: s.body.access_token, storeId: s.body.store.id, registerId: s.body.register.id };
const p = await t.request('POST', '/api/v1/products', { token: owner.token, headers: { 'idempotency-key': randomUUID() }, body: { name: 'Tee', options: [{ name: 'Size', values: ['S', 'M', 'L'] }], variants: ['S', 'M', 'L'].map((size) => ({ sku: size, option_values: [size], price: { amount: 1000, currency: 'USD' } })) } });
const variants = p.body.variants.map((v: { id: string }) => v.id);
const order = { store_id: owner.storeId, register_id: owner.registerId, lines: variants.map((v: string) => ({ variant_id: v, quantity: 1 })) };
const time = async (label: string, fn: () => Promise<unknown>) => {
  await new Promise((r) => setTimeout(r, 500));
  queries = 0;
  counts.clear();
  times.clear();
  const t0 = performance.now();
  for (let i = 0; i < 30; i++) await fn();
  console.log(label, ((performance.now() - t0) / 30).toFixed(1), 'ms', (queries / 30).toFixed(1), 'queries');
  if (process.env.PROBE_QUERIES === label) {
    const total = [...times.values()].reduce((a, b) => a + b, 0) / 30;
    console.log('  time in queries per request', total.toFixed(1), 'ms');
    for (const [k, v] of [...times].toSorted((a, b) => b[1] - a[1]).slice(0, Number(process.env.PROBE_TOP ?? 15))) console.log(((v / 30).toFixed(2) + ' ms').padStart(10), String(counts.get(k)! / 30).padStart(5), k);
  }
};
await time('GET /me', () => t.request('GET', '/api/v1/me', { token: owner.token }));
await time('POST /orders', () => t.request('POST', '/api/v1/orders', { token: owner.token, headers: { 'idempotency-key': randomUUID() }, body: order }));
await time('checkout cash', () => t.request('POST', '/api/v1/checkout', { token: owner.token, headers: { 'idempotency-key': randomUUID() }, body: { order, payments: [{ tender: 'cash', amount: { amount: 3000, currency: 'USD' } }] } }));
const tokens = await Promise.all(Array.from({ length: 30 }, () => t.cardToken()));
let i = 0;
await time('checkout card', () => t.request('POST', '/api/v1/checkout', { token: owner.token, headers: { 'idempotency-key': randomUUID() }, body: { order, payments: [{ tender: 'card', token: tokens[i++], amount: { amount: 3000, currency: 'USD' } }] } }));
await app.close();
await sandbox.close();
await pg?.stop();
