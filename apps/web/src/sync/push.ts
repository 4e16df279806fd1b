// POST /devices/:device_id/push for a batch of one device's queued sales, and what the answer
// means for the queue (style.md habit 9; the contract is in the till plan, S's push endpoint).
import { ApiError, request, type AuthSource, type Problem } from '../api/client';
import type { CheckoutBody, QueuedSale, SaleRejection } from '../pos/db/till-db';

export type PushMutation = { seq: number; id: string; name: 'checkout'; args: CheckoutBody; cashier_id?: string };
export type PushBody = { register_id: string; mutations: PushMutation[] };
export type PushedOrder = { id?: string; number?: string; status?: string; total?: { amount: number } | null };
export type PushResult = { seq: number; id: string; status: 'applied' | 'duplicate' | 'rejected'; order?: PushedOrder | null; problem?: Problem | null };
export type PushReply = { last_applied_seq: number; results: PushResult[] };

export type PushOutcome =
  | { kind: 'processed'; last_applied_seq: number; results: PushResult[] }
  /** the server has processed this device up to `last_applied_seq` only: send again from there */
  | { kind: 'gap'; last_applied_seq: number }
  | { kind: 'retry'; reason: string };

// Answers that say "not now" rather than "not this batch": try the same batch again later.
const TRANSIENT_CODES = new Set(['idempotency_request_in_progress', 'network_error', 'signed_out', 'rate_limited', 'push_in_progress']);

const isUuid = (s: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);

export function mutationOf(sale: QueuedSale): PushMutation {
  return { seq: sale.device_seq, id: sale.mutation_id, name: 'checkout', args: sale.body, ...(isUuid(sale.cashier.id) ? { cashier_id: sale.cashier.id } : {}) };
}

export function rejectionOf(problem: Problem | null | undefined): SaleRejection {
  return { status: problem?.status ?? 422, code: problem?.code ?? 'rejected', title: problem?.title ?? 'Refused by the server', detail: problem?.detail ?? null };
}

function lastAppliedOf(problem: Problem): number | null {
  const p = problem as Problem & { last_applied_seq?: unknown; extra?: { last_applied_seq?: unknown } };
  const v = p.last_applied_seq ?? p.extra?.last_applied_seq;
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : null;
}

export function classifyPushError(err: unknown): PushOutcome {
  if (!(err instanceof ApiError)) return { kind: 'retry', reason: err instanceof Error ? err.message : String(err) };
  const { status, code, problem } = err;
  if (status === 409 && code === 'sequence_gap') {
    const last = lastAppliedOf(problem);
    if (last !== null) return { kind: 'gap', last_applied_seq: last };
  }
  const reason = problem.detail ?? problem.title;
  // A server that does not have the route yet (an older deployment) has not judged anything.
  if ((status === 404 && code === 'not_found' && problem.detail?.startsWith('No route')) || status === 405) {
    return { kind: 'retry', reason: 'The server does not accept sales from tills yet' };
  }
  // Anything else about the batch as a whole (5xx, 401/403, 429, 400 for the envelope…) is not a
  // verdict on a sale: the sales stay queued and the batch is tried again after a backoff.
  return { kind: 'retry', reason: TRANSIENT_CODES.has(code) || status === 0 || status >= 500 ? reason : `${reason} (${status} ${code})` };
}

export async function pushSales(deviceId: string, registerId: string, sales: readonly QueuedSale[], auth: AuthSource): Promise<PushOutcome> {
  const body: PushBody = { register_id: registerId, mutations: sales.map(mutationOf) };
  try {
    const reply = await request<PushReply>({ method: 'POST', path: `/devices/${encodeURIComponent(deviceId)}/push`, body, auth });
    return { kind: 'processed', last_applied_seq: reply.last_applied_seq, results: reply.results ?? [] };
  } catch (err) {
    return classifyPushError(err);
  }
}
