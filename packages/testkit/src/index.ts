export { onProcessExit } from './cleanup.ts';
export { freePort, waitForPort } from './free-port.ts';
export {
  PG_DEFAULT_DATABASE,
  PG_ROLES,
  createPgDatabase,
  pgAvailable,
  pgBinDir,
  startPostgres,
  type PgDatabaseUrls,
  type PgServer,
  type PgServerInfo,
} from './postgres.ts';
export { natsAvailable, natsServerPath, startNats, type NatsServer } from './nats.ts';
export { CHROMIUM_ARGS, chromiumAvailable, chromiumPath, launchChromium } from './browser.ts';
export {
  hasChromium,
  hasNats,
  hasPostgres,
  infraRequired,
  requireInfra,
  type InfraName,
} from './infra.ts';
export { freshPgDatabase, testPostgres } from './pg-test.ts';
export type { ProvidedPg } from './provided-context.ts';
