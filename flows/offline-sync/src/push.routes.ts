import { z } from 'zod';
import { defineRoute, type AnyRouteDef } from '@novapos/platform';
import { DeviceParams, MUTATION_STATUSES, MutationProblem, PushBody } from '@novapos/devices';
import { push, type OfflineSyncDeps } from './push.flow.ts';

export function pushRoutes(deps: OfflineSyncDeps, schemas: { order: z.ZodType }): AnyRouteDef[] {
  const Result = z.object({
    seq: z.number().int(),
    id: z.string(),
    status: z.enum(MUTATION_STATUSES),
    /** applied and duplicate: the order (open and flagged when a payment failed at sync) */
    order: schemas.order.optional(),
    /** rejected: why; applied: what failed at sync (a declined offline card), if anything */
    problem: MutationProblem.optional(),
  });
  const PushResponse = z
    .object({
      last_applied_seq: z.number().int(),
      results: z.array(Result),
      /** present when the push stopped early (an outage): the mutations from this seq on were not processed */
      stopped: z.object({ seq: z.number().int(), problem: MutationProblem }).optional(),
    })
    .meta({ id: 'PushResult' });

  return [
    defineRoute({
      method: 'POST',
      url: '/api/v1/devices/:device_id/push',
      summary: "A till's queued mutations (sales made offline), applied once each in the device's sequence",
      tags: ['devices'],
      permission: 'sales.sell',
      params: DeviceParams,
      body: PushBody.meta({ id: 'PushBody' }),
      response: PushResponse,
      status: 200,
      // the device's sequence makes a push idempotent; each mutation claims its own key
      idempotent: false,
      transaction: 'none',
      handler: async (ctx, { params, body }) => push(ctx, deps, params.device_id, body) as never,
    }),
  ];
}
