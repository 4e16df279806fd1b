import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type Config } from '@novapos/platform';
import { startSandbox, type Sandbox, type SandboxOptions } from '@novapos/sandbox';
import { sandboxClient } from '@novapos/sandbox/testing';
import { freshPgDatabase } from '@novapos/testkit';
import { REPO_ROOT, createNovaPos, type CreateOptions, type NovaPos } from './app.ts';

export type DbKind = 'pglite' | 'postgres';

export interface TestResponse<T = any> {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: T;
}

export interface TestApp {
  app: NovaPos;
  kind: DbKind;
  config: Config;
  /** Sends a request through Fastify's inject (no socket). `token` sets Authorization. */
  request<T = any>(method: string, url: string, opts?: { token?: string; body?: unknown; headers?: Record<string, string>; rawBody?: string; ip?: string }): Promise<TestResponse<T>>;
  /** Signs a new business up and returns its owner's tokens, store and register. */
  signup(overrides?: Partial<Record<string, string>>): Promise<TestTenant>;
  close(): Promise<void>;
}

export interface TestTenant {
  token: string;
  refresh: string;
  tenantId: string;
  userId: string;
  storeId: string;
  registerId: string;
  email: string;
  password: string;
}

/**
 * A NovaPOS on a real database for tests: in-memory PGlite, or a fresh database on the run's
 * PostgreSQL server where the app logs in as a role that is neither owner nor superuser.
 */
export async function startTestApp(kind: DbKind = 'pglite', extra: Partial<Config> = {}, opts: CreateOptions = {}): Promise<TestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'novapos-test-'));
  const overrides: Partial<Config> = { dataDir, pgliteDir: 'memory://', masterKey: randomBytes(32), port: 0, host: '127.0.0.1', sandboxPort: null, logLevel: 'silent', ...extra };
  if (kind === 'postgres') {
    const urls = await freshPgDatabase('app');
    overrides.databaseUrl = urls.appUrl;
    overrides.databaseAdminUrl = urls.ownerUrl;
  }
  const config = loadConfig({ LOG_LEVEL: 'silent' }, overrides);
  const app = await createNovaPos(config, opts);

  const request: TestApp['request'] = async (method, url, req = {}) => {
    const headers: Record<string, string> = { ...req.headers };
    if (req.token) headers.authorization = `Bearer ${req.token}`;
    let payload: string | undefined;
    if (req.rawBody !== undefined) payload = req.rawBody;
    else if (req.body !== undefined) {
      payload = JSON.stringify(req.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await app.http.inject({ method: method as 'GET', url, headers, ...(payload !== undefined ? { payload } : {}), ...(req.ip ? { remoteAddress: req.ip } : {}) });
    let body: unknown = res.body;
    const type = String(res.headers['content-type'] ?? '');
    if (type.includes('json') && res.body.length) body = JSON.parse(res.body);
    return { status: res.statusCode, headers: res.headers as Record<string, string>, body: body as never };
  };

  return {
    app,
    kind,
    config,
    request,
    async signup(o = {}) {
      const email = o.email ?? `owner-${randomUUID()}@example.com`;
      const password = o.password ?? 'correct horse battery staple';
      const r = await request('POST', '/api/v1/signup', {
        body: { business_name: o.business_name ?? 'Test Shop', email, password, currency: o.currency ?? 'USD', timezone: o.timezone ?? 'Europe/London' },
        headers: { 'idempotency-key': randomUUID() },
      });
      if (r.status !== 201) throw new Error(`signup failed: ${r.status} ${JSON.stringify(r.body)}`);
      return { token: r.body.access_token, refresh: r.body.refresh_token, tenantId: r.body.tenant.id, userId: r.body.user.id, storeId: r.body.store.id, registerId: r.body.register.id, email, password };
    },
    async close() {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export const idem = (): Record<string, string> => ({ 'idempotency-key': randomUUID() });

/**
 * What a checkout test sells from: a "Tee" in S (10.00 USD) and M (25.50 USD), and a cashier of
 * the owner's store (with a PIN when given), signed in. `api` calls as the owner, with a fresh
 * Idempotency-Key each time.
 */
export async function seedTeeShop(t: TestApp, owner: TestTenant, opts: { cashierPin?: string } = {}) {
  const usd = (amount: number) => ({ amount, currency: 'USD' });
  const api = (method: string, url: string, body?: unknown) => t.request(method, url, { token: owner.token, headers: idem(), ...(body !== undefined ? { body } : {}) });
  const p = await api('POST', '/api/v1/products', {
    name: 'Tee',
    options: [{ name: 'Size', values: ['S', 'M'] }],
    variants: [
      { sku: 'TEE-S', option_values: ['S'], price: usd(1000) },
      { sku: 'TEE-M', option_values: ['M'], price: usd(2550) },
    ],
  });
  if (p.status !== 201) throw new Error(JSON.stringify(p.body));
  const email = `cashier-${randomUUID()}@example.com`;
  const c = await api('POST', '/api/v1/users', { email, name: 'Casey', role: 'cashier', password: 'cashier password 1', ...(opts.cashierPin ? { pin: opts.cashierPin } : {}), store_ids: [owner.storeId] });
  if (c.status !== 201) throw new Error(JSON.stringify(c.body));
  const login = await t.request('POST', '/api/v1/auth/login', { body: { email, password: 'cashier password 1' } });
  return { api, variants: { s: p.body.variants[0].id as string, m: p.body.variants[1].id as string }, cashier: { id: c.body.id as string, token: login.body.access_token as string } };
}

export interface CheckoutTestApp extends TestApp {
  sandbox: Sandbox;
  /** The app's own listener (webhooks from the sandbox reach it here). */
  url: string;
  /** A one-use card token from the sandbox, as the till's terminal screen gets it. */
  cardToken(number?: string): Promise<string>;
}

/**
 * A test app wired to its own payment sandbox, listening on a loopback port so the sandbox's
 * signed webhooks reach it. Events are delivered when the test calls `app.bus.drain()`.
 */
export async function startCheckoutTestApp(kind: DbKind = 'pglite', extra: Partial<Config> = {}, sandboxOpts: SandboxOptions = {}, opts: CreateOptions = {}): Promise<CheckoutTestApp> {
  const sandbox = await startSandbox({ timeoutMs: 60_000, webhookRetryDelaysMs: [100, 200, 400], ...sandboxOpts });
  const t = await startTestApp(kind, { processorUrl: sandbox.url, processorTimeoutMs: 1500, ...extra }, opts);
  await t.app.http.listen({ port: 0, host: '127.0.0.1' });
  const addr = t.app.http.server.address();
  const url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  sandbox.setWebhookUrl(`${url}/api/v1/webhooks/sandbox`);
  const client = sandboxClient(sandbox.url, { secretKey: sandbox.secretKey, publishableKey: sandbox.publishableKey });
  return {
    ...t,
    sandbox,
    url,
    cardToken: async (number) => (await client.tokenize(number)).id,
    async close() {
      await t.close();
      await sandbox.close();
    },
  };
}

/** The CLI a child-process server runs (`novapos serve`, `novapos seed --demo`). */
export const SERVER_BIN = join(REPO_ROOT, 'apps/server/bin/novapos.js');

/**
 * The environment of a `novapos serve` child process on a PostgreSQL database (its app and owner
 * URLs), on a loopback port, charging through `processorUrl`, with its own data dir and master
 * key (so tokens survive a restart of the child).
 */
export function childServerEnv(o: { urls: { appUrl: string; ownerUrl: string }; port: number; processorUrl: string; dataDir: string }): NodeJS.ProcessEnv {
  return {
    ...process.env,
    DATABASE_URL: o.urls.appUrl,
    DATABASE_ADMIN_URL: o.urls.ownerUrl,
    DATABASE_POOL_SIZE: '10',
    PORT: String(o.port),
    HOST: '127.0.0.1',
    SANDBOX_PORT: 'off',
    PAYMENTS_PROCESSOR_URL: o.processorUrl,
    NOVAPOS_PUBLIC_URL: `http://127.0.0.1:${o.port}`,
    NOVAPOS_MASTER_KEY: randomBytes(32).toString('hex'),
    NOVAPOS_DATA_DIR: o.dataDir,
    LOG_LEVEL: 'error',
  };
}

/** Starts `novapos serve` as a child process; resolves once `${base}/readyz` answers, rejects with its stderr if it exits or is not ready within `timeoutMs`. */
export async function spawnServer(env: NodeJS.ProcessEnv, base: string, timeoutMs: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, [SERVER_BIN, 'serve'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  for (let i = 0; i < timeoutMs / 100; i++) {
    if (child.exitCode !== null) throw new Error(`server exited: ${stderr}`);
    try {
      if ((await fetch(`${base}/readyz`)).ok) return child;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server did not get ready: ${stderr}`);
}
