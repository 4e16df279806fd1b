import type { ConsumerDef } from './events/delivery.ts';
import type { MigrationSource } from './db/migrator.ts';
import type { AnyRouteDef, Kernel } from './http/route.ts';

/**
 * What the composition root needs from a module: its migrations, its routes and the event
 * consumers it runs in the worker. Modules reach each other only through their service APIs,
 * passed in when the root creates them.
 */
export interface NovaModule {
  name: string;
  migrations: MigrationSource;
  routes(kernel: Kernel): AnyRouteDef[];
  consumers?(): ConsumerDef[];
}
