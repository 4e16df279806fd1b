import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Actor, Clock, Ctx, Database, Kernel, MigrationSource, NovaModule } from '@novapos/platform';
import type { BeginInput, PaymentDto, PaymentSettingsDto, PaymentSummary } from './contract.ts';
import type { PaymentsKeys } from './gift-card-code.ts';
import { toSummary } from './payments.repository.ts';
import { paymentsRoutes } from './payments.routes.ts';
import * as svc from './payments.service.ts';
import { createProcessorClient, type ProcessorConfig } from './processor.client.ts';
import { readSettings } from './settings.service.ts';
import { registerWebhookRoutes, WEBHOOK_PATH } from './webhooks.ts';

export * from './contract.ts';
export { paymentsKeys, isValidGiftCardCode, type PaymentsKeys } from './gift-card-code.ts';
export { DEFAULT_PROCESSOR_TIMEOUT_MS, type ProcessorConfig } from './processor.client.ts';
export { DEFAULT_PAYMENT_SETTINGS } from './settings.service.ts';
export { WEBHOOK_PATH, WEBHOOK_TOLERANCE_SECONDS } from './webhooks.ts';
export type { ReconcileResult } from './payments.service.ts';

export const paymentsMigrations: MigrationSource = {
  module: 'payments',
  schema: 'payments',
  dir: fileURLToPath(new URL('../migrations', import.meta.url)),
};

/**
 * Payments' service API for the checkout flow, the worker timers and other modules. `begin`,
 * `get`, `listForOrder` and `settings` run in the caller's transaction; `execute`, `void` and
 * `reconcile` talk to the processor and so run OUTSIDE any transaction, opening their own tenant
 * transactions. Every state change emits `payment.<status>` with `{ order_id, payment: PaymentSummary }`.
 */
export interface PaymentsApi {
  /**
   * Records a payment. Cash and gift card settle here (captured or declined); card and crypto are
   * left `pending` for `execute`. 400 with errors[].path for a bad body, 422 `overpayment` for a
   * non-cash tender above `amount_due`, 422 `nothing_due`, 409 `payment_id_conflict`.
   */
  begin(ctx: Ctx, input: BeginInput): Promise<PaymentDto>;
  /**
   * Charges a pending card (or opens a crypto checkout) under the payment's idempotency key, then
   * records the outcome: captured, declined, failed, or `unknown` when the processor did not answer
   * in time. Idempotent: a settled payment is returned as it is.
   */
  execute(database: Database, tenantId: string, paymentId: string, opts?: { actor?: Actor }): Promise<PaymentDto>;
  summary(p: PaymentDto): PaymentSummary;
  get(ctx: Ctx, id: string): Promise<PaymentDto | null>;
  listForOrder(ctx: Ctx, orderId: string): Promise<PaymentDto[]>;
  /**
   * Card: authorization voided / captured charge refunded at the processor; gift card: re-credited;
   * cash: handed back. 409 `invalid_transition` (with `status`) when the payment cannot be voided,
   * 409 `void_not_supported` for a paid crypto checkout, 503 `processor_unavailable`.
   */
  void(database: Database, tenantId: string, paymentId: string, opts: { reason: string; actor?: Actor }): Promise<PaymentDto>;
  /** Settles unknown and stale pending payments by asking the processor; every tenant when tenantId is absent. */
  reconcile(database: Database, tenantId?: string): Promise<svc.ReconcileResult>;
  /** Cash rounding increment, offline card and gift card limits. */
  settings(ctx: Ctx): Promise<PaymentSettingsDto>;
}

export interface PaymentsModule extends NovaModule {
  migrations: MigrationSource;
  routes(kernel: Kernel): ReturnType<typeof paymentsRoutes>;
  /** The webhook route reads raw bytes: it registers in its own Fastify scope. Call once, before listen. */
  registerWebhooks(http: FastifyInstance, kernel: Kernel): Promise<void>;
  service: PaymentsApi;
}

export interface PaymentsModuleDeps {
  clock: Clock;
  log: Logger;
  database: Database;
  processor: ProcessorConfig & {
    /** A pending card or crypto payment untouched this long is settled by the reconciler; default 2 × timeoutMs, at least 30 s. */
    reconcileAfterMs?: number | undefined;
    /** The processor as tills' browsers reach it (tokenization, terminal key); default `url`. */
    publicUrl?: string | null | undefined;
    /** The browser's key at the processor; default the sandbox's. */
    publishableKey?: string | undefined;
  };
  /** Base URL the processor reaches this server at (for webhook_url); a function when known only once listening. */
  publicUrl: string | null | (() => string | null);
  keys: PaymentsKeys;
}

export function createPaymentsModule(opts: PaymentsModuleDeps): PaymentsModule {
  const timeoutMs = opts.processor.timeoutMs ?? 10_000;
  const deps: svc.PaymentsDeps & { webhookSecret: string } = {
    clock: opts.clock,
    log: opts.log,
    keys: opts.keys,
    processor: createProcessorClient(opts.processor),
    webhookSecret: opts.processor.webhookSecret,
    staleAfterMs: opts.processor.reconcileAfterMs ?? Math.max(2 * timeoutMs, 30_000),
    webhookUrl: () => {
      const base = typeof opts.publicUrl === 'function' ? opts.publicUrl() : opts.publicUrl;
      return base ? `${base.replace(/\/+$/, '')}${WEBHOOK_PATH}` : null;
    },
  };
  const service: PaymentsApi = {
    begin: (ctx, input) => svc.begin(ctx, deps, input),
    execute: (database, tenantId, paymentId, o) => svc.execute(deps, database, tenantId, paymentId, o?.actor),
    summary: (p) => toSummary(p),
    get: (ctx, id) => svc.getPayment(ctx, id),
    listForOrder: (ctx, orderId) => svc.listForOrder(ctx, orderId),
    void: (database, tenantId, paymentId, o) => svc.voidPayment(deps, database, tenantId, paymentId, o),
    reconcile: (database, tenantId) => svc.reconcile(deps, database, tenantId),
    settings: (ctx) => readSettings(ctx.trx),
  };
  return {
    name: 'payments',
    migrations: paymentsMigrations,
    routes: (kernel) =>
      paymentsRoutes(kernel, opts.keys, { processorUrl: opts.processor.publicUrl ?? opts.processor.url, publishableKey: opts.processor.publishableKey ?? 'pk_test_novapos' }),
    registerWebhooks: (http, kernel) => registerWebhookRoutes(http, kernel, deps, opts.database),
    service,
  };
}
