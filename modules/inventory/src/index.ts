import { fileURLToPath } from 'node:url';
import type { CatalogApi } from '@novapos/catalog';
import type { StoresApi } from '@novapos/identity';
import { serviceCtx, systemActor, type Clock, type ConsumerDef, type Ctx, type Kernel, type MigrationSource, type NovaModule } from '@novapos/platform';
import type { Logger } from 'pino';
import { OrderCompletedPayload, type AdjustmentBody, type MovementDto, type ReceiptCreate, type ReceiptDto, type RecordResult, type ReturnInput, type SaleInput, type SerialCheckLine } from './contract.ts';
import * as svc from './inventory.service.ts';
import type { LevelCore } from './inventory.repository.ts';
import { inventoryRoutes } from './inventory.routes.ts';
import type { InventoryDeps } from './ledger.service.ts';
import { createReceipt } from './receipts.service.ts';

export * from './contract.ts';
export { DEFAULT_LOW_STOCK_THRESHOLD, type LevelCore } from './inventory.repository.ts';

export const inventoryMigrations: MigrationSource = {
  module: 'inventory',
  schema: 'inventory',
  dir: fileURLToPath(new URL('../migrations', import.meta.url)),
};

/**
 * Inventory's service API for flows and other modules (checkout, returns, seeding, imports).
 * Every function runs in the caller's transaction (`ctx.trx`) and returns plain data.
 */
export interface InventoryApi {
  /** Sale movements of an order, exactly once per order_id (a repeat returns applied: false). Never refused for stock. */
  recordSale(ctx: Ctx, input: SaleInput): Promise<RecordResult>;
  /** Return movements (units back on the shelf), exactly once per return_id. */
  recordReturn(ctx: Ctx, input: ReturnInput): Promise<RecordResult>;
  /** Online checkout: throws `serial_not_in_stock` (409), `serial_required` or `serial_not_tracked` (400). */
  validateSerials(ctx: Ctx, storeId: string, lines: readonly SerialCheckLine[]): Promise<void>;
  /** Levels of variants at a store; variants that never moved there read as zero. */
  levels(ctx: Ctx, storeId: string, variantIds: readonly string[]): Promise<LevelCore[]>;
  /** A stock adjustment with a reason (refused below zero with `insufficient_stock`). */
  adjust(ctx: Ctx, input: AdjustmentBody): Promise<{ movement: MovementDto; level: LevelCore }>;
  /** Stock arriving from a supplier (also how seeding and imports put opening stock in). */
  receive(ctx: Ctx, input: ReceiptCreate): Promise<ReceiptDto>;
}

export interface InventoryModule extends NovaModule {
  migrations: MigrationSource;
  routes(kernel: Kernel): ReturnType<typeof inventoryRoutes>;
  consumers(): ConsumerDef[];
  service: InventoryApi;
}

/** Consumer name: its inbox rows are keyed by it, so it must never change. */
export const ORDER_COMPLETED_CONSUMER = 'inventory.order_completed';

export function createInventoryModule(opts: { catalog: CatalogApi; stores: StoresApi; clock: Clock; log: Logger }): InventoryModule {
  const deps: InventoryDeps = { catalog: opts.catalog, stores: opts.stores, clock: opts.clock, log: opts.log };
  const service: InventoryApi = {
    recordSale: (ctx, input) => svc.recordSale(ctx, input),
    recordReturn: (ctx, input) => svc.recordReturn(ctx, input),
    validateSerials: (ctx, storeId, lines) => svc.validateSerials(ctx, deps, storeId, lines),
    levels: (ctx, storeId, variantIds) => svc.levelsAt(ctx, storeId, variantIds),
    adjust: (ctx, input) => svc.adjust(ctx, deps, input),
    receive: (ctx, input) => createReceipt(ctx, deps, input),
  };
  const orderCompleted: ConsumerDef = {
    name: ORDER_COMPLETED_CONSUMER,
    types: ['order.completed'],
    async handle(trx, event) {
      // a malformed payload throws: retried, then parked as a dead letter for an operator
      const p = OrderCompletedPayload.parse(event.payload);
      const ctx = serviceCtx({ trx, tenantId: event.tenant_id, actor: systemActor, clock: opts.clock, log: opts.log, requestId: `event:${event.id}` });
      // the inbox makes this delivery once; recordSale's reference claim makes the order once,
      // even if sales publishes it twice or the inbox row was purged before a late redelivery
      await service.recordSale(ctx, { order_id: p.order_id, store_id: p.store_id, occurred_at: p.completed_at, lines: p.lines });
    },
  };
  return {
    name: 'inventory',
    migrations: inventoryMigrations,
    routes: (kernel) => inventoryRoutes(kernel, deps),
    consumers: () => [orderCompleted],
    service,
  };
}
