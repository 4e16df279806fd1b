import type { z } from 'zod';
import type { AnyRouteDef } from '@novapos/platform';
import type { OfflineSyncDeps } from './push.flow.ts';
import { pushRoutes } from './push.routes.ts';

export { push, derivedPaymentId, mutationKey, type OfflineSyncDeps, type PushAnswer, type MutationResult } from './push.flow.ts';
export * from './ports.ts';

export interface OfflineSyncFlow {
  routes(): AnyRouteDef[];
}

/** Offline sync: the push endpoint through which tills deliver what they did offline, once each. */
export function createOfflineSyncFlow(deps: OfflineSyncDeps & { schemas: { order: z.ZodType } }): OfflineSyncFlow {
  return { routes: () => pushRoutes(deps, deps.schemas) };
}
