// POST /checkout for one queued sale, and what its answer means for the queue.
import { ApiError, request, type AuthSource } from '../api/client';
import type { QueuedSale } from '../pos/db/till-db';
import type { SendOutcome } from './sync-engine';

type OrderReply = { number?: string; status?: string; total?: { amount: number } | null };

// Answers that say "not now" rather than "not this sale": try the same sale again later.
const TRANSIENT_CODES = new Set(['idempotency_request_in_progress', 'network_error', 'signed_out', 'rate_limited']);

export function classify(err: unknown): SendOutcome {
  if (!(err instanceof ApiError)) return { kind: 'retry', reason: err instanceof Error ? err.message : String(err) };
  const { status, code, problem } = err;
  const detail = problem.detail ?? null;
  if (status === 0 || status >= 500 || status === 408 || status === 429 || status === 401 || TRANSIENT_CODES.has(code)) {
    return { kind: 'retry', reason: detail ?? problem.title };
  }
  // A server that does not have the route yet (an older deployment) has not judged the sale.
  if ((status === 404 && code === 'not_found' && detail?.startsWith('No route')) || status === 405) {
    return { kind: 'retry', reason: 'The server does not accept sales yet' };
  }
  return { kind: 'rejected', rejection: { status, code, title: problem.title, detail } };
}

export async function sendSale(sale: QueuedSale, auth: AuthSource): Promise<SendOutcome> {
  try {
    const order = await request<OrderReply>({ method: 'POST', path: '/checkout', body: sale.body, idempotencyKey: sale.idempotency_key, auth });
    return { kind: 'accepted', order: { number: order?.number ?? sale.number, status: order?.status ?? 'unknown', total: order?.total?.amount ?? null } };
  } catch (err) {
    return classify(err);
  }
}
