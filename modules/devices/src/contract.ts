import { z } from 'zod';

// ---------------------------------------------------------------- names and codes

/** The mutations a till may push; each is applied through the flow of the same name. */
export const MUTATION_NAMES = ['checkout'] as const;
export type MutationName = (typeof MUTATION_NAMES)[number];
export const MUTATION_STATUSES = ['applied', 'duplicate', 'rejected'] as const;
export type MutationStatus = (typeof MUTATION_STATUSES)[number];

/** Stable codes of expected failures (problem+json `code`). */
export const DeviceErrors = {
  /** the batch starts after a seq the server has not processed: resend from last_applied_seq + 1 */
  sequenceGap: 'sequence_gap',
  /** another push of this device is still working through its mutations: retry shortly */
  pushInProgress: 'push_in_progress',
  /** the device was paired with another register */
  deviceRegisterMismatch: 'device_register_mismatch',
  /** this seq was processed for another mutation id: the mutation needs a new seq */
  sequenceReused: 'sequence_reused',
  registerMismatch: 'register_mismatch',
} as const;

/** At most this many mutations per push; the till sends the rest in the next one. */
export const MAX_PUSH_MUTATIONS = 100;

// ---------------------------------------------------------------- push

export const Id = z.uuid('must be a UUID');

export const Mutation = z.object({
  /** per device, 1, 2, 3, … in the order the till made them */
  seq: z.number().int('must be a whole number').min(1, 'must be at least 1').max(Number.MAX_SAFE_INTEGER),
  /** client-minted; also the idempotency key the mutation is applied under */
  id: Id,
  name: z.enum(MUTATION_NAMES),
  /** checkout: `{ order, payments }` as POST /checkout takes them; checked when it is applied */
  args: z.object({ order: z.record(z.string(), z.unknown()), payments: z.array(z.record(z.string(), z.unknown())).max(20, 'at most 20 payments').default([]) }),
  /** the cashier who rang the sale (switched in with a PIN, maybe offline); default the caller */
  cashier_id: Id.nullish(),
});
export type Mutation = z.output<typeof Mutation>;

export const PushBody = z
  .object({
    register_id: Id,
    mutations: z.array(Mutation).min(1, 'must have at least one mutation').max(MAX_PUSH_MUTATIONS, `must have at most ${MAX_PUSH_MUTATIONS} mutations`),
  })
  .superRefine((b, ctx) => {
    // one batch is one run of the device's sequence, in order
    b.mutations.forEach((m, i) => {
      const prev = b.mutations[i - 1];
      if (prev && m.seq !== prev.seq + 1) ctx.addIssue({ code: 'custom', path: ['mutations', i, 'seq'], message: `must be ${prev.seq + 1}: a push carries consecutive seqs in order` });
      if (b.mutations.findIndex((x) => x.id === m.id) !== i) ctx.addIssue({ code: 'custom', path: ['mutations', i, 'id'], message: 'is the id of another mutation in this push' });
    });
  });
export type PushBody = z.output<typeof PushBody>;

export const DeviceParams = z.object({ device_id: Id });

/** A problem as checkout answered it, extras (order_id, payment, …) kept. */
export const MutationProblem = z.looseObject({ type: z.string(), title: z.string(), status: z.number().int(), detail: z.string(), code: z.string() });

export const RejectedMutationDto = z.object({
  seq: z.number().int(),
  id: z.string(),
  name: z.string(),
  cashier_id: z.string().nullable(),
  problem: MutationProblem,
  processed_at: z.string(),
});
export type RejectedMutationDto = z.infer<typeof RejectedMutationDto>;

export const DeviceDto = z
  .object({
    device_id: z.string(),
    store_id: z.string(),
    register_id: z.string(),
    last_applied_seq: z.number().int(),
    last_push_at: z.string().nullable(),
    /** mutations the server refused, newest last (the manager's list to fix and resend) */
    rejected: z.array(RejectedMutationDto),
  })
  .meta({ id: 'Device' });
export type DeviceDto = z.infer<typeof DeviceDto>;

/** What the push log keeps per processed mutation, and answers again for a duplicate. */
export interface StoredResult {
  seq: number;
  id: string;
  status: 'applied' | 'rejected';
  order: unknown;
  problem: Record<string, unknown> | null;
}
