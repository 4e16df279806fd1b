import { fileURLToPath } from 'node:url';
import type { FastifyRequest } from 'fastify';
import { AppError, type Clock, type Ctx, type Kernel, type MigrationSource, type NovaModule, type Principal, type Trx } from '@novapos/platform';
import type { Logger } from 'pino';
import { identityRoutes } from './identity.routes.ts';
import * as svc from './identity.service.ts';
import { deriveKeys, verifyAccess } from './secrets.ts';

export * from './contract.ts';
export type { IdentityDeps, RegisterInfo, SignupResult, StoreInfo } from './identity.service.ts';
export { actorFor, loginByEmail } from './identity.service.ts';
export { PIN_VERIFIER_ITERATIONS, type PinVerifier } from './secrets.ts';

export const identityMigrations: MigrationSource = {
  module: 'identity',
  schema: 'identity',
  dir: fileURLToPath(new URL('../migrations', import.meta.url)),
};

/** What other modules may ask identity about stores. */
export interface StoresApi {
  /** The ids among `ids` that are stores of the caller's tenant. */
  existingStoreIds(ctx: Ctx, ids: readonly string[]): Promise<string[]>;
  /** A store with its number (order numbers), and the business's name and currency (sales, receipts); null if none. */
  storeInfo(ctx: Ctx, storeId: string): Promise<svc.StoreInfo | null>;
  /** The caller's business: name, currency and time zone. */
  tenantInfo(ctx: Ctx): Promise<{ id: string; name: string; currency: string; timezone: string }>;
  /** A register's store, name and number; null if none. */
  registerInfo(ctx: Ctx, registerId: string): Promise<svc.RegisterInfo | null>;
  /** Display names of users by id (unknown ids are absent). */
  userNames(ctx: Ctx, ids: readonly string[]): Promise<Record<string, string>>;
  /** An active member of staff who works at the store (owners and admins work at all), or null. */
  staffMember(ctx: Ctx, userId: string, storeId: string): Promise<{ id: string; name: string; role: string } | null>;
}

export interface IdentityModule extends NovaModule {
  stores: StoresApi;
  migrations: MigrationSource;
  routes(kernel: Kernel): ReturnType<typeof identityRoutes>;
  authenticate(req: FastifyRequest): Promise<Principal | null>;
  refreshActor: Kernel['refreshActor'];
  /** For the CLI and seeding: signup inside a transaction the caller opened. */
  signup: (trx: Trx, body: Parameters<typeof svc.signup>[2]) => ReturnType<typeof svc.signup>;
  service: typeof svc;
  deps: svc.IdentityDeps;
}

export function createIdentityModule(opts: { masterKey: Buffer; clock: Clock; log: Logger }): IdentityModule {
  const deps: svc.IdentityDeps = { keys: deriveKeys(opts.masterKey), clock: opts.clock, log: opts.log };
  return {
    name: 'identity',
    migrations: identityMigrations,
    routes: (kernel) => identityRoutes(kernel, deps),
    async authenticate(req) {
      const header = req.headers.authorization;
      if (!header) {
        if (req.headers['x-api-key']) throw new AppError(401, 'invalid_api_key', 'This API key is not valid');
        return null;
      }
      const m = /^Bearer\s+(\S+)$/i.exec(header);
      if (!m) throw new AppError(401, 'invalid_token', 'Use Authorization: Bearer <access token>');
      const claims = await verifyAccess(deps.keys, m[1]!, deps.clock.now());
      return {
        tenantId: claims.tid,
        actor: { kind: 'user', id: claims.sub, role: null, permissions: new Set(), storeIds: [], registerId: claims.reg ?? null },
      };
    },
    async refreshActor(trx, principal) {
      const actor = await svc.loadActor(trx, principal.actor.id!, principal.actor.registerId ?? null);
      if (!actor) throw new AppError(401, 'invalid_token', 'This account is no longer active');
      return actor;
    },
    signup: (trx, body) => svc.signup(trx, deps, body),
    stores: {
      existingStoreIds: (ctx, ids) => svc.existingStoreIds(ctx, ids),
      storeInfo: (ctx, id) => svc.storeInfo(ctx, id),
      tenantInfo: (ctx) => svc.tenantInfo(ctx),
      registerInfo: (ctx, id) => svc.registerInfo(ctx, id),
      userNames: (ctx, ids) => svc.userNames(ctx, ids),
      staffMember: (ctx, userId, storeId) => svc.staffMember(ctx, userId, storeId),
    },
    service: svc,
    deps,
  };
}
