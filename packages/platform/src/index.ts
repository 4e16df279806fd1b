export * from './errors.ts';
export * from './ids.ts';
export * from './clock.ts';
export * from './config.ts';
export * from './context.ts';
export * from './logger.ts';
export * from './db/database.ts';
export * from './db/migrator.ts';
export * from './events/types.ts';
export * from './events/outbox.ts';
export * from './events/bus.ts';
export * from './module.ts';
export * from './http/kernel.ts';
export * from './http/route.ts';
export * from './http/problem.ts';
export * from './http/metrics.ts';
export * from './http/pagination.ts';
export * from './http/idempotency.ts';

import { fileURLToPath } from 'node:url';
import type { MigrationSource } from './db/migrator.ts';

export const platformMigrations: MigrationSource = {
  module: 'platform',
  schema: 'platform',
  dir: fileURLToPath(new URL('../migrations', import.meta.url)),
};
