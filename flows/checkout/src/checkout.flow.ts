import {
  AppError,
  claimStagedKey,
  emit,
  finishStagedKey,
  newId,
  releaseStagedKey,
  saveRecoveryPoint,
  scopeToTenant,
  type Ctx,
  type Database,
  type StagedKey,
  type StoredResponse,
  type Trx,
} from '@novapos/platform';
import { FINAL_FAILURES, PROCESSOR_TENDERS, type OrderView, type PaymentView, type PaymentsPort, type SalesPort } from './ports.ts';

export interface CheckoutDeps {
  database: Database;
  sales: SalesPort;
  payments: PaymentsPort;
  /**
   * How long a running checkout holds its Idempotency-Key against repeats. It must outlast a
   * processor call (its timeout), or a repeat could resume while the first is still waiting.
   */
  leaseSeconds: number;
}

/** Saved with the key in the first transaction, so a repeat after a crash resumes with the same ids. */
interface Recovery {
  order_id: string;
  payment_ids: string[];
}

export type Target = { kind: 'create'; order: unknown } | { kind: 'existing'; orderId: string };

export interface Result {
  status: number;
  body: unknown;
  replayed: boolean;
}

/** What a run of payments ends with; each is final and stored against the Idempotency-Key. */
type End =
  | { kind: 'done'; order: OrderView; last: PaymentView | null }
  | { kind: 'failed'; order: OrderView; payment: PaymentView };

type Step = End | { kind: 'execute'; paymentId: string };
type TxOutcome = { kind: 'execute'; paymentId: string } | { kind: 'answer'; response: StoredResponse; replayed: boolean };

const IN_FLIGHT: ReadonlySet<string> = new Set(['pending', 'unknown', 'authorized']);

const inTx = (ctx: Ctx, trx: Trx): Ctx => ({ ...ctx, trx, emit: (type, payload) => emit(trx, { tenantId: ctx.tenantId, type, payload }) });

export interface Respond {
  /** Body of a successful answer (the order for checkout, the payment for a payment). */
  done(order: OrderView, last: PaymentView | null, ctx: Ctx): Promise<unknown>;
}

/**
 * Checkout and "add a payment" as staged steps. Everything in-house (the order, cash, gift cards)
 * happens in database transactions; a card or crypto charge is a processor call made between two
 * transactions, so no transaction is held open across the network. The Idempotency-Key is claimed
 * in the first transaction with the ids it will use (the recovery point), and answered in the last
 * one, so:
 * - a repeat while the first runs gets 409; a repeat afterwards replays the answer;
 * - a repeat after a crash resumes with the same order and payment ids, and the processor call
 *   carries a key derived from the payment id, so a card is never charged twice;
 * - bad input in the first transaction rolls everything back, key included.
 */
export async function runPayments(
  ctx: Ctx,
  deps: CheckoutDeps,
  target: Target,
  paymentBodies: readonly Record<string, unknown>[],
  key: StagedKey | null,
  respond: Respond,
): Promise<Result> {
  const { database, sales, payments } = deps;
  let orderId: string | null = null;
  let paymentIds: string[] = [];
  let first = true;
  let created: OrderView | null = null;

  const tx = <T>(fn: (c: Ctx) => Promise<T>): Promise<T> =>
    database.db.transaction().execute(async (trx) => {
      await scopeToTenant(trx, ctx.tenantId);
      return fn(inTx(ctx, trx));
    });

  for (;;) {
    let out: TxOutcome;
    try {
      out = await tx(async (c): Promise<TxOutcome> => {
        if (first) {
          let recovery: Recovery | null = null;
          if (key) {
            const claim = await claimStagedKey(c.trx, key, deps.leaseSeconds);
            if (claim.kind === 'replay') return { kind: 'answer', response: claim.response, replayed: true };
            recovery = claim.recovery as Recovery | null;
          }
          if (recovery) orderId = recovery.order_id;
          else if (target.kind === 'create') created = await sales.createOrder(c, target.order as never);
          else orderId = target.orderId;
          if (created) orderId = created.id;
          paymentIds = paymentBodies.map((b, i) => (typeof b.id === 'string' ? b.id : (recovery?.payment_ids[i] ?? newId())));
          if (key && !recovery) await saveRecoveryPoint(c.trx, key, { order_id: orderId!, payment_ids: paymentIds } satisfies Recovery);
        }
        // an order this transaction created is already locked by it: no second read
        const step = await advance(c, orderId!, created);
        created = null;
        if (step.kind === 'execute') return step;
        const response = await answer(c, step);
        if (key) await finishStagedKey(c.trx, key, response);
        return { kind: 'answer', response, replayed: false };
      });
    } catch (err) {
      // the first transaction rolled back with its key: nothing happened. Later ones leave durable
      // steps behind (a captured card), so the key stays with its recovery point for a repeat.
      if (!first && key) await tx((c) => releaseStagedKey(c.trx, key)).catch(() => undefined);
      throw err;
    }
    first = false;
    if (out.kind === 'answer') return { status: out.response.status, body: out.response.body, replayed: out.replayed };

    // between transactions: the processor call, recorded by payments in its own transaction
    const p = await payments.execute(database, ctx.tenantId, out.paymentId);
    const waitingForCustomer = p.tender === 'crypto' && p.status === 'pending' && p.crypto?.charge_id;
    if (!waitingForCustomer && (p.status === 'unknown' || p.status === 'pending' || p.status === 'authorized')) {
      // the sale shows the payment as unknown until the processor says; the key stays resumable
      await tx(async (c) => {
        await sales.lockOrder(c, p.order_id);
        await sales.recordPayment(c, p.order_id, payments.summary(p) as never);
        if (key) await releaseStagedKey(c.trx, key);
      });
      throw new AppError(503, 'payment_outcome_unknown', 'The card processor did not answer in time. The payment is being checked with the processor; repeat the request with the same Idempotency-Key to get the outcome (the card will not be charged twice).', {
        headers: { 'retry-after': '2' },
        extra: { order_id: orderId, payment_id: p.id },
      });
    }
  }

  /** Takes the next payments in order until one needs the processor, one fails, or nothing is due. */
  async function advance(c: Ctx, id: string, fresh: OrderView | null = null): Promise<Step> {
    let order = fresh ?? (await sales.lockOrder(c, id));
    // a payment settled since the order last heard of it (another request's card between its
    // processor call and its next transaction, a webhook whose event is not delivered yet) is
    // applied first, so what is due below is what is really due
    const known = new Map(order.payments.map((x) => [x.payment_id, x.status]));
    let onOrder = await payments.listForOrder(c, id);
    for (const x of onOrder) {
      if (known.get(x.id) !== x.status && !IN_FLIGHT.has(x.status)) order = await sales.recordPayment(c, id, payments.summary(x) as never);
    }
    let last: PaymentView | null = null;
    for (let i = 0; i < paymentBodies.length; i++) {
      let p = await payments.get(c, paymentIds[i]!);
      if (!p) {
        if (order.status !== 'open' || order.amount_due.amount <= 0) break;
        // money already on its way (a card at the processor, a crypto checkout the customer has
        // open) is spoken for: the order row lock makes this check and the new payment one step
        const inFlight = onOrder.filter((x) => IN_FLIGHT.has(x.status));
        const held = inFlight.reduce((sum, x) => sum + x.amount.amount - (x.tip?.amount ?? 0), 0);
        if (held > 0 && order.amount_due.amount - held <= 0) {
          throw new AppError(409, 'payment_in_progress', 'Another payment for this sale is still in progress; wait for its outcome before taking another', {
            extra: { order_id: order.id, payment_ids: inFlight.map((x) => x.id) },
          });
        }
        p = await payments.begin(c, {
          id: paymentIds[i]!,
          order_id: order.id,
          store_id: order.store_id,
          register_id: order.register_id,
          currency: order.total.currency,
          amount_due: order.amount_due.amount - held,
          body: paymentBodies[i] as never,
        });
        onOrder = [...onOrder, p];
      }
      last = p;
      if (PROCESSOR_TENDERS.has(p.tender) && (p.status === 'pending' || p.status === 'unknown')) {
        // crypto is paid by the customer on the hosted page: once its checkout is open, the order
        // waits for the webhook
        if (p.tender === 'crypto' && p.status === 'pending' && p.crypto?.charge_id) {
          order = await sales.recordPayment(c, order.id, payments.summary(p) as never);
          return { kind: 'done', order, last: p };
        }
        return { kind: 'execute', paymentId: p.id };
      }
      order = await sales.recordPayment(c, order.id, payments.summary(p) as never);
      if (FINAL_FAILURES.has(p.status)) return { kind: 'failed', order, payment: p };
    }
    // nothing is due on a sale discounted to zero: it completes without a payment
    if (order.status === 'open' && order.total.amount === 0) order = await sales.settle(c, order.id);
    return { kind: 'done', order, last };
  }

  async function answer(c: Ctx, end: End): Promise<StoredResponse> {
    // the order as the last step left it, in this transaction: current
    const order = end.order;
    if (end.kind === 'done') return { status: 201, body: await respond.done(order, end.last, c) };
    const p = end.payment;
    const declined = p.status === 'declined';
    const problem = new AppError(
      402,
      declined ? 'payment_declined' : 'payment_failed',
      p.message ?? (declined ? 'The payment was declined. The sale is still open: take another tender.' : 'The payment could not be processed. The sale is still open: try again or take another tender.'),
      { extra: { order_id: order.id, payment_id: p.id, decline_code: p.decline_code ?? null, payment: payments.summary(p), order } },
    ).toProblem();
    return { status: 402, body: problem };
  }
}

export interface VoidDeps extends CheckoutDeps {
  payments: CheckoutDeps['payments'] & {
    listForOrder(ctx: Ctx, orderId: string): Promise<PaymentView[]>;
    void(database: Database, tenantId: string, paymentId: string, opts: { reason: string; actor?: Ctx['actor'] }): Promise<PaymentView>;
  };
}

/**
 * Voids an open sale. Money already taken goes back first (a card charge voided or refunded at the
 * processor, a gift card re-credited, cash handed back), each recorded on the order; then the
 * order turns `voided`. A repeat after a failure half way carries on where it stopped.
 */
export async function voidSale(ctx: Ctx, deps: VoidDeps, orderId: string, reason: string, key: StagedKey | null, mayVoidPaid: boolean): Promise<Result> {
  const { database, sales, payments } = deps;
  const tx = <T>(fn: (c: Ctx) => Promise<T>): Promise<T> =>
    database.db.transaction().execute(async (trx) => {
      await scopeToTenant(trx, ctx.tenantId);
      return fn(inTx(ctx, trx));
    });
  const first = await tx(async (c) => {
    if (key) {
      const claim = await claimStagedKey(c.trx, key, deps.leaseSeconds);
      if (claim.kind === 'replay') return { replay: claim.response };
    }
    const order = await sales.lockOrder(c, orderId);
    if (order.status !== 'open') await sales.voidOrder(c, orderId, reason); // throws the 409 with the current status
    const taken = (await payments.listForOrder(c, orderId)).filter((p) => p.status === 'captured' || p.status === 'authorized');
    const inFlight = (await payments.listForOrder(c, orderId)).filter((p) => p.status === 'pending' || p.status === 'unknown');
    if (inFlight.length && inFlight.some((p) => p.tender === 'card')) {
      throw new AppError(409, 'payment_in_progress', 'A card payment on this sale is still waiting for the processor; void the sale once it has settled', {
        extra: { payment_ids: inFlight.map((p) => p.id) },
      });
    }
    if (taken.length && !mayVoidPaid) {
      throw new AppError(403, 'forbidden', "Money was already taken on this sale: voiding it needs a manager (permission 'sales.void_paid')", { extra: { permission: 'sales.void_paid' } });
    }
    if (key) await saveRecoveryPoint(c.trx, key, { order_id: orderId, payment_ids: taken.map((p) => p.id) });
    return { taken: taken.map((p) => p.id), pendingCrypto: inFlight.filter((p) => p.tender === 'crypto').map((p) => p.id) };
  });
  if ('replay' in first) return { status: first.replay!.status, body: first.replay!.body, replayed: true };
  try {
    // a crypto checkout the customer has not paid yet is cancelled with the sale
    for (const id of [...first.taken, ...first.pendingCrypto]) {
      const p = await payments.void(database, ctx.tenantId, id, { reason, actor: ctx.actor });
      await tx((c) => sales.recordPayment(c, orderId, payments.summary(p) as never));
    }
    return await tx(async (c) => {
      await sales.lockOrder(c, orderId);
      const order = await sales.voidOrder(c, orderId, reason);
      const res: StoredResponse = { status: 200, body: order };
      if (key) await finishStagedKey(c.trx, key, res);
      return { ...res, replayed: false };
    });
  } catch (err) {
    if (key) await tx((c) => releaseStagedKey(c.trx, key)).catch(() => undefined);
    throw err;
  }
}
