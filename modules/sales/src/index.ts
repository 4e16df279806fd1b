import { fileURLToPath } from 'node:url';
import type { CatalogApi } from '@novapos/catalog';
import type { StoresApi } from '@novapos/identity';
import type { InventoryApi } from '@novapos/inventory';
import { notFound, type Clock, type Ctx, type Kernel, type MigrationSource, type NovaModule } from '@novapos/platform';
import type { Logger } from 'pino';
import type { LastNumberDto, OrderCreate, OrderDto, PaymentSummary, SessionDto, SettingsDto } from './contract.ts';
import * as drawer from './drawer.service.ts';
import * as orders from './orders.service.ts';
import { salesRoutes } from './sales.routes.ts';

export * from './contract.ts';

export const salesMigrations: MigrationSource = {
  module: 'sales',
  schema: 'sales',
  dir: fileURLToPath(new URL('../migrations', import.meta.url)),
};

/**
 * Sales' service API for flows (checkout, returns, offline sync). Every function runs in the
 * caller's transaction (`ctx.trx`) and returns plain data; failures are AppErrors with stable codes.
 */
export interface SalesApi {
  /**
   * A priced open order (400/403/404/409/422 as POST /orders). Same id and content again → that
   * order; other content → 409 order_id_conflict. `opts.cashierId` attributes the sale to another
   * cashier of the store (400 unknown_cashier otherwise): flows only, never a request body.
   */
  createOrder(ctx: Ctx, input: OrderCreate, opts?: orders.CreateOrderOptions): Promise<OrderDto>;
  /** Sets needs_review with the reason (idempotent). */
  flagForReview(ctx: Ctx, id: string, reason: string): Promise<OrderDto>;
  /** The register's prefix and highest order number (404 for a register the caller cannot reach). */
  lastNumber(ctx: Ctx, registerId: string): Promise<LastNumberDto>;
  /** The order, or null (also for a store the actor cannot reach). */
  getOrder(ctx: Ctx, id: string): Promise<OrderDto | null>;
  /** `SELECT … FOR UPDATE` on the order, then the order: serializes payments on one order. 404 if none. */
  lockOrder(ctx: Ctx, id: string): Promise<OrderDto>;
  /** Upserts the payment's summary (idempotent), recomputes paid/tip/rounding/change, moves the drawer for cash, completes the order (emitting order.completed) when paid in full. */
  recordPayment(ctx: Ctx, orderId: string, summary: PaymentSummary): Promise<OrderDto>;
  /** Completes an open order its captured payments already cover (a zero-total sale needs none). Idempotent. */
  settle(ctx: Ctx, id: string): Promise<OrderDto>;
  /** open → voided; 409 invalid_order_transition with current_status otherwise. */
  voidOrder(ctx: Ctx, id: string, reason: string): Promise<OrderDto>;
  /** The drawer session open on a register at an instant (offline sales: their captured time), or null. */
  sessionFor(ctx: Ctx, registerId: string, at: Date): Promise<SessionDto | null>;
  /** Discount limit, cash rounding increment and currency of the caller's tenant. */
  settings(ctx: Ctx): Promise<SettingsDto>;
}

export interface SalesModule extends NovaModule {
  migrations: MigrationSource;
  routes(kernel: Kernel): ReturnType<typeof salesRoutes>;
  service: SalesApi;
}

export interface SalesModuleDeps {
  catalog: CatalogApi;
  stores: StoresApi;
  inventory: InventoryApi;
  clock: Clock;
  log: Logger;
}

export function createSalesModule(opts: SalesModuleDeps): SalesModule {
  const deps: orders.SalesDeps = { catalog: opts.catalog, stores: opts.stores, inventory: opts.inventory, clock: opts.clock, log: opts.log };
  const service: SalesApi = {
    createOrder: (ctx, input, o) => orders.createOrder(ctx, deps, input, o),
    flagForReview: (ctx, id, reason) => orders.flagForReview(ctx, id, reason),
    lastNumber: (ctx, registerId) => orders.lastNumber(ctx, deps, registerId),
    getOrder: (ctx, id) => orders.loadOrder(ctx, id),
    async lockOrder(ctx, id) {
      const order = await orders.loadOrder(ctx, id, true);
      if (!order) throw notFound('Order');
      return order;
    },
    recordPayment: (ctx, orderId, summary) => orders.recordPayment(ctx, orderId, summary),
    settle: (ctx, id) => orders.settle(ctx, id),
    voidOrder: (ctx, id, reason) => orders.voidOrder(ctx, id, reason),
    sessionFor: (ctx, registerId, at) => drawer.sessionFor(ctx, registerId, at),
    settings: (ctx) => orders.getSettings(ctx, deps),
  };
  return {
    name: 'sales',
    migrations: salesMigrations,
    routes: (kernel) => salesRoutes(kernel, deps),
    service,
  };
}
