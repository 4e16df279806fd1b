import { fileURLToPath } from 'node:url';
import type { CatalogApi } from '@novapos/catalog';
import type { Clock, MigrationSource, NovaModule } from '@novapos/platform';
import type { Logger } from 'pino';

export * from './contract.ts';

export const inventoryMigrations: MigrationSource = {
  module: 'inventory',
  schema: 'inventory',
  dir: fileURLToPath(new URL('../migrations', import.meta.url)),
};

export interface InventoryModule extends NovaModule {}

export function createInventoryModule(_opts: { catalog: CatalogApi; clock: Clock; log: Logger }): InventoryModule {
  return { name: 'inventory', migrations: inventoryMigrations, routes: () => [] };
}
