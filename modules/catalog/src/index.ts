import { fileURLToPath } from 'node:url';
import type { StoresApi } from '@novapos/identity';
import { serviceCtx, systemActor, type Clock, type ConsumerDef, type Ctx, type MigrationSource, type NovaModule } from '@novapos/platform';
import type { Logger } from 'pino';
import type { PriceAtDto, VariantPricing, VariantRef } from './contract.ts';
import { catalogRoutes } from './catalog.routes.ts';
import * as svc from './catalog.service.ts';

export * from './contract.ts';

export const catalogMigrations: MigrationSource = {
  module: 'catalog',
  schema: 'catalog',
  dir: fileURLToPath(new URL('../migrations', import.meta.url)),
};

/** The catalog's service API for other modules. Every method runs in the caller's `ctx.trx`. */
export interface CatalogApi {
  /** Variants by id in the caller's tenant (missing ids are simply absent). */
  getVariants(ctx: Ctx, ids: readonly string[]): Promise<VariantRef[]>;
  /** Variant ids of a category and its descendants (all variants when null). */
  variantIdsInCategory(ctx: Ctx, categoryId: string | null): Promise<string[]>;
  /** The variant a scanned code belongs to (UPC-A/EAN-13 forms of one GTIN match), or null. */
  findByBarcode(ctx: Ctx, code: string): Promise<VariantRef | null>;
  /** The price of a variant in a store (null: base price) at an instant; null if it had none then. */
  priceAt(ctx: Ctx, variantId: string, storeId: string | null, at: Date): Promise<PriceAtDto | null>;
  /** Prices and tax rates of variants in one store at an instant (default now), and whether prices include tax. */
  pricing(ctx: Ctx, input: { storeId: string; variantIds: readonly string[]; at?: Date }): Promise<{ prices_include_tax: boolean; currency: string | null; variants: VariantPricing[] }>;
  /** Marks variants as sold, so they can be archived but never deleted (also done on order.completed). */
  markSold(ctx: Ctx, variantIds: readonly string[]): Promise<void>;
  /** The rates of a tax code in a store (a custom sale line); null if there is no such code. */
  taxRates(ctx: Ctx, taxCodeId: string, storeId: string): Promise<{ id: string; name: string; rate_ppm: number }[] | null>;
}

export interface CatalogModule extends NovaModule {
  service: CatalogApi;
  /**
   * Every catalog operation the routes use, `(ctx, input)` in the caller's transaction: for the
   * composition root only (CLI, demo seed, CSV import, tests). Other modules use `service`.
   */
  operations: typeof svc;
}

export function createCatalogModule(opts: { clock: Clock; log: Logger; stores: StoresApi }): CatalogModule {
  const service: CatalogApi = {
    getVariants: svc.variantRefs,
    variantIdsInCategory: svc.variantIdsInCategory,
    findByBarcode: svc.findVariantByBarcode,
    priceAt: svc.priceAt,
    pricing: svc.pricing,
    markSold: svc.markSold,
    taxRates: svc.taxRatesOf,
  };
  const ctxFor = (trx: Parameters<ConsumerDef['handle']>[0], tenantId: string, requestId: string) =>
    serviceCtx({ trx, tenantId, actor: systemActor, clock: opts.clock, log: opts.log, requestId });
  return {
    name: 'catalog',
    migrations: catalogMigrations,
    routes: () => catalogRoutes(opts.stores),
    consumers: () => [
      {
        // identity owns the tenant's currency; prices here must be in it
        name: 'catalog.tenant-settings',
        types: ['tenant.created'],
        async handle(trx, event) {
          const currency = (event.payload as { currency?: unknown }).currency;
          if (typeof currency === 'string') await svc.initSettings(ctxFor(trx, event.tenant_id, event.id), currency);
        },
      },
      {
        // a sold variant is archived, never deleted
        name: 'catalog.ever-sold',
        types: ['order.completed'],
        async handle(trx, event) {
          const lines = (event.payload as { lines?: { variant_id?: unknown }[] }).lines ?? [];
          const ids = lines.map((l) => l.variant_id).filter((id): id is string => typeof id === 'string');
          await svc.markSold(ctxFor(trx, event.tenant_id, event.id), ids);
        },
      },
    ],
    service,
    operations: svc,
  };
}
export { upsertCatalog, type BulkIssue, type BulkOptions, type BulkOutcome, type BulkProduct, type BulkSummary, type BulkVariant, type BulkVariantOutcome } from './catalog.bulk.ts';
