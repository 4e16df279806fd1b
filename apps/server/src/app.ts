import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { createCatalogModule, type CatalogModule } from '@novapos/catalog';
import { createIdentityModule, type IdentityModule } from '@novapos/identity';
import { createInventoryModule, type InventoryModule } from '@novapos/inventory';
import { createSalesModule, type SalesModule } from '@novapos/sales';
import { createPaymentsModule, paymentsKeys, type PaymentsModule } from '@novapos/payments';
import { CSV_CONTENT_TYPE, createCatalogImportFlow, type CatalogImportFlow } from '@novapos/flow-catalog-import';
import { createCheckoutFlow, type CheckoutFlow } from '@novapos/flow-checkout';
import { createDevicesModule, type DevicesModule } from '@novapos/devices';
import { createOfflineSyncFlow, type OfflineSyncFlow } from '@novapos/flow-offline-sync';
import { OrderCreate, OrderDto } from '@novapos/sales/contract';
import { PaymentCreate, PaymentDto } from '@novapos/payments/contract';
import {
  createEventBus,
  createHttpServer,
  createLogger,
  createMetrics,
  migrate,
  openDatabase,
  platformMigrations,
  purgeExpiredKeys,
  registerRoutes,
  systemClock,
  systemTx,
  type Clock,
  type Config,
  type Database,
  type EventBus,
  type Kernel,
  type Metrics,
  type MigrationSource,
  type NovaModule,
} from '@novapos/platform';

export const REPO_ROOT = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
export const DEFAULT_WEB_DIST = join(REPO_ROOT, 'apps/web/dist');

/** Every module, in migration order. */
export interface Modules {
  identity: IdentityModule;
  catalog: CatalogModule;
  inventory: InventoryModule;
  sales: SalesModule;
  payments: PaymentsModule;
  devices: DevicesModule;
}

/** Processes across modules (flows/). */
export interface Flows {
  catalogImport: CatalogImportFlow;
  checkout: CheckoutFlow;
  offlineSync: OfflineSyncFlow;
}

export interface NovaPos {
  config: Config;
  log: Logger;
  database: Database;
  metrics: Metrics;
  bus: EventBus;
  modules: Modules;
  flows: Flows;
  kernel: Kernel;
  http: FastifyInstance;
  migrations: MigrationSource[];
  /** Starts what the role asks for: the HTTP listener (api) and/or the relay and timers (worker). */
  start(): Promise<{ url: string | null }>;
  /** Runs after close() (e.g. stopping a payment sandbox started beside the server). */
  onClose(fn: () => Promise<void>): void;
  close(): Promise<void>;
}

export interface CreateOptions {
  logger?: Logger;
  clock?: Clock;
  /** Apply migrations on open (default true). */
  migrate?: boolean;
}

export async function createNovaPos(config: Config, opts: CreateOptions = {}): Promise<NovaPos> {
  const log = opts.logger ?? createLogger(config.logLevel);
  const clock = opts.clock ?? systemClock;
  if (config.masterKeyGenerated) {
    log.warn(`NOVAPOS_MASTER_KEY is not set: using a development key stored in ${join(config.dataDir, 'master.key')}. Set it in production (all replicas must share it).`);
  }
  const database = await openDatabase({
    url: config.databaseUrl,
    adminUrl: config.databaseAdminUrl,
    pgliteDir: config.databaseUrl ? undefined : (config.pgliteDir ?? join(config.dataDir, 'db')),
    poolSize: config.poolSize,
  });
  const identity = createIdentityModule({ masterKey: config.masterKey, clock, log });
  const catalog = createCatalogModule({ clock, log, stores: identity.stores });
  const inventory = createInventoryModule({ catalog: catalog.service, stores: identity.stores, clock, log });
  const sales = createSalesModule({ catalog: catalog.service, stores: identity.stores, inventory: inventory.service, clock, log });
  const payments = createPaymentsModule({
    clock,
    log,
    database,
    processor: {
      url: config.processorUrl ?? `http://127.0.0.1:${config.sandboxPort ?? 3001}`,
      publicUrl: config.processorPublicUrl,
      publishableKey: config.processorPublishableKey,
      secretKey: config.processorSecretKey,
      webhookSecret: config.processorWebhookSecret,
      timeoutMs: config.processorTimeoutMs,
    },
    // webhooks come back to where this server listens (known once it does), unless told otherwise
    publicUrl: () => {
      if (config.publicUrl) return config.publicUrl;
      const addr = http.server.address();
      return typeof addr === 'object' && addr ? `http://127.0.0.1:${addr.port}` : null;
    },
    keys: paymentsKeys(config.masterKey),
  });
  const devices = createDevicesModule();
  const modules: Modules = { identity, catalog, inventory, sales, payments, devices };
  // migration order: a module's migrations may reference the modules listed before it
  const all: NovaModule[] = [identity, catalog, inventory, sales, payments, devices];
  const migrations = [platformMigrations, ...all.map((m) => m.migrations)];
  if (opts.migrate !== false) await migrate(database, migrations, (m) => log.info(m));

  const metrics = createMetrics();
  const bus = createEventBus({ database, log, metrics, ...(config.natsUrl ? { natsUrl: config.natsUrl } : {}), ...(config.databaseUrl ? { listenUrl: config.databaseUrl } : {}) });
  const kernel: Kernel = {
    database,
    clock,
    log,
    authenticate: (req) => modules.identity.authenticate(req),
    refreshActor: (trx, principal) => modules.identity.refreshActor(trx, principal),
  };

  const webDist = config.webDist ?? DEFAULT_WEB_DIST;
  const hasWeb = existsSync(join(webDist, 'index.html'));
  const http = await createHttpServer({
    logger: log,
    database,
    metrics,
    migrations,
    trustProxy: config.trustProxy,
    fallback: async (req, reply) => {
      // client-side routes of the single-page app get its shell; files that do not exist stay 404
      const path = req.url.split('?')[0]!;
      if (!hasWeb || /\.[a-z0-9]+$/i.test(path)) return false;
      if (path === '/' ) {
        void reply.redirect('/admin');
        return true;
      }
      if (!/^\/(admin|pos|login|signup)(\/|$)/.test(path)) return false;
      // read per request (it is small) so a rebuilt web app is served without a restart
      const indexHtml = await readFile(join(webDist, 'index.html'), 'utf8');
      void reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(indexHtml);
      return true;
    },
  });
  for (const m of all) {
    registerRoutes(http, kernel, m.routes(kernel));
    for (const c of m.consumers?.() ?? []) bus.subscribe(c);
  }
  // the processor's webhooks are verified over their raw bytes: a scope with its own body parser
  await payments.registerWebhooks(http, kernel);
  const flows: Flows = {
    catalogImport: createCatalogImportFlow({
      catalog: catalog.operations,
      inventory: inventory.service,
      async stores(ctx) {
        const out: { id: string; name: string }[] = [];
        let cursor: string | undefined;
        do {
          const page = await identity.service.listStores(ctx, { limit: 200, ...(cursor ? { cursor } : {}) });
          out.push(...page.data.map((s) => ({ id: s.id, name: s.name })));
          cursor = page.next_cursor ?? undefined;
        } while (cursor);
        return out;
      },
      currency: async (ctx) => (await identity.service.me(ctx)).tenant.currency,
    }),
    checkout: createCheckoutFlow({
      database,
      sales: sales.service,
      payments: payments.service,
      // a repeat may take a checkout over only once the first one's processor call has surely ended
      leaseSeconds: Math.ceil(config.processorTimeoutMs / 1000) * 2 + 10,
      schemas: { orderCreate: OrderCreate, paymentCreate: PaymentCreate, order: OrderDto, payment: PaymentDto },
      clock,
      log,
    }),
    offlineSync: createOfflineSyncFlow({
      database,
      devices: devices.service,
      sales: sales.service,
      payments: payments.service,
      registers: identity.stores,
      leaseSeconds: Math.ceil(config.processorTimeoutMs / 1000) * 2 + 10,
      schemas: { order: OrderDto },
    }),
  };
  registerRoutes(http, kernel, flows.checkout.routes());
  registerRoutes(http, kernel, flows.offlineSync.routes());
  for (const c of flows.checkout.consumers()) bus.subscribe(c);
  // The import route reads CSV bodies as a stream, after authentication, within its own size limit.
  http.addContentTypeParser(CSV_CONTENT_TYPE, (_req, payload, done) => done(null, payload));
  registerRoutes(http, kernel, flows.catalogImport.routes(kernel));
  if (hasWeb) {
    await http.register(fastifyStatic, {
      root: webDist,
      prefix: '/',
      index: false,
      setHeaders(res, path) {
        // hashed assets are immutable; the shell and service worker must revalidate
        if (/\/assets\//.test(path)) res.header('cache-control', 'public, max-age=31536000, immutable');
        else res.header('cache-control', 'no-cache');
      },
    });
  } else {
    log.warn(`web app not built (${webDist}); run 'npm run build' to serve /admin and /pos`);
  }

  let timer: NodeJS.Timeout | null = null;
  let reconcileTimer: NodeJS.Timeout | null = null;
  const startTimers = () => {
    const purge = async () => {
      try {
        await systemTx(database.db, (trx) => purgeExpiredKeys(trx));
      } catch (err) {
        log.warn({ err }, 'idempotency key purge failed');
      }
    };
    timer = setInterval(purge, 10 * 60_000);
    // payments whose outcome is unknown (a processor timeout, a crash mid-checkout) are settled
    // by asking the processor; at start too, so a restart picks up what the last process left
    const reconcile = async () => {
      try {
        const r = await payments.service.reconcile(database);
        if (r.settled) log.info(r, 'payments reconciled');
      } catch (err) {
        log.warn({ err }, 'payment reconciliation failed');
      }
    };
    reconcileTimer = setInterval(reconcile, 10_000);
    reconcileTimer.unref();
    void reconcile();
    timer.unref();
    void purge();
  };

  let closed = false;
  const closeHooks: (() => Promise<void>)[] = [];
  return {
    config,
    log,
    database,
    metrics,
    bus,
    modules,
    flows,
    kernel,
    http,
    migrations,
    async start() {
      let url: string | null = null;
      if (config.role !== 'api') {
        await bus.start();
        startTimers();
      }
      if (config.role !== 'worker') {
        await http.listen({ port: config.port, host: config.host });
        const addr = http.server.address();
        const port = typeof addr === 'object' && addr ? addr.port : config.port;
        url = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}`;
      }
      return { url };
    },
    onClose(fn) {
      closeHooks.push(fn);
    },
    async close() {
      if (closed) return;
      closed = true;
      if (timer) clearInterval(timer);
      if (reconcileTimer) clearInterval(reconcileTimer);
      await http.close();
      await bus.stop();
      await database.close();
      for (const fn of closeHooks) await fn();
    },
  };
}
