import { fileURLToPath } from 'node:url';
import type { Clock, Ctx, MigrationSource, NovaModule } from '@novapos/platform';
import type { Logger } from 'pino';
import type { VariantRef } from './contract.ts';

export * from './contract.ts';

export const catalogMigrations: MigrationSource = {
  module: 'catalog',
  schema: 'catalog',
  dir: fileURLToPath(new URL('../migrations', import.meta.url)),
};

/** The catalog's service API for other modules. */
export interface CatalogApi {
  /** Variants by id in the caller's tenant (missing ids are simply absent). */
  getVariants(ctx: Ctx, ids: readonly string[]): Promise<VariantRef[]>;
  /** Variant ids of a category and its descendants (all variants when null). */
  variantIdsInCategory(ctx: Ctx, categoryId: string | null): Promise<string[]>;
}

export interface CatalogModule extends NovaModule {
  service: CatalogApi;
}

export function createCatalogModule(_opts: { clock: Clock; log: Logger }): CatalogModule {
  const missing = () => Promise.reject(new Error('catalog service not built yet'));
  return { name: 'catalog', migrations: catalogMigrations, routes: () => [], service: { getVariants: missing, variantIdsInCategory: missing } };
}
