import type { Selectable } from 'kysely';
import {
  AppError,
  conflict,
  newId,
  notFound,
  serviceCtx,
  systemActor,
  systemTx,
  tenantTx,
  type Actor,
  type Clock,
  type Ctx,
  type Database,
  type Trx,
} from '@novapos/platform';
import { cardAdapter, ProcessorRefusal } from './adapters/card.ts';
import { cashAdapter } from './adapters/cash.ts';
import { cryptoAdapter } from './adapters/crypto.ts';
import { giftCardAdapter } from './adapters/gift-card.ts';
import type { AdapterDeps, Outcome, TenderAdapter } from './adapters/types.ts';
import {
  PaymentCreate,
  PaymentErrors,
  canTransition,
  eventFor,
  type BeginInput,
  type PaymentDetailDto,
  type PaymentDto,
  type Tender,
} from './contract.ts';
import { findById } from './gift-cards.repository.ts';
import { findPayment, idempotencyKeyFor, insertPayment, patchPayment, paymentsOfOrder, t, toPayment, toSummary, transition, transitionsOf, who } from './payments.repository.ts';
import type { PaymentRow } from './tables.ts';

export interface PaymentsDeps extends AdapterDeps {
  clock: Clock;
  /** A pending card or crypto payment untouched this long is the reconciler's (its caller gave up). */
  staleAfterMs: number;
}

export const ADAPTERS: Record<Tender, TenderAdapter> = { cash: cashAdapter, card: cardAdapter, gift_card: giftCardAdapter, crypto: cryptoAdapter };

export interface ReconcileResult {
  checked: number;
  settled: number;
  still_open: number;
}

// ---------------------------------------------------------------- reads

async function withBalance(trx: Trx, row: Selectable<PaymentRow>): Promise<PaymentDto> {
  const card = row.gift_card_id ? await findById(trx, row.gift_card_id) : undefined;
  return toPayment(row, card ? Number(card.balance) : null);
}

const visible = (ctx: Ctx, row: Selectable<PaymentRow>) => ctx.actor.storeIds === null || ctx.actor.storeIds.includes(row.store_id);

export async function getPayment(ctx: Ctx, id: string): Promise<PaymentDto | null> {
  const row = await findPayment(ctx.trx, id);
  return row && visible(ctx, row) ? withBalance(ctx.trx, row) : null;
}

export async function getPaymentDetail(ctx: Ctx, id: string): Promise<PaymentDetailDto> {
  const payment = await getPayment(ctx, id);
  if (!payment) throw notFound('Payment');
  return { ...payment, transitions: await transitionsOf(ctx.trx, id) };
}

export async function listForOrder(ctx: Ctx, orderId: string): Promise<PaymentDto[]> {
  return (await paymentsOfOrder(ctx.trx, orderId)).map((r) => toPayment(r));
}

// ---------------------------------------------------------------- begin (caller's transaction)

function validation(issues: { path: PropertyKey[]; message: string }[]): AppError {
  const errors = issues.map((i) => ({ path: i.path.map(String).join('.') || 'body', message: i.message }));
  return new AppError(400, 'validation_failed', `Invalid payment: ${errors[0]!.path}: ${errors[0]!.message}`, { errors });
}

async function emitStatus(ctx: Ctx, dto: PaymentDto): Promise<void> {
  const type = eventFor(dto.status);
  if (type) await ctx.emit(type, { order_id: dto.order_id, payment: toSummary(dto) });
}

/**
 * Records a payment in the caller's transaction. Cash and gift card settle here (captured or
 * declined); card and crypto stay pending for `execute`. A payment id seen before answers the
 * payment as it is (an offline resend), unless it named another order or tender (409).
 */
export async function begin(ctx: Ctx, deps: PaymentsDeps, input: BeginInput): Promise<PaymentDto> {
  const parsed = PaymentCreate.safeParse(input.body);
  if (!parsed.success) throw validation(parsed.error.issues);
  const body = parsed.data;
  const id = input.id ?? body.id ?? newId();

  const existing = await findPayment(ctx.trx, id);
  if (existing) {
    if (existing.order_id !== input.order_id || existing.tender !== body.tender || existing.currency.trim() !== input.currency) {
      throw conflict(PaymentErrors.paymentIdConflict, `Payment ${id} exists already with other content`);
    }
    return withBalance(ctx.trx, existing);
  }
  if (body.amount.currency !== input.currency) {
    throw new AppError(400, PaymentErrors.currencyMismatch, `The order is in ${input.currency}`, { errors: [{ path: 'amount.currency', message: `must be ${input.currency}` }] });
  }
  if (input.amount_due <= 0) throw new AppError(422, PaymentErrors.nothingDue, 'Nothing is due on this order');
  if (body.tender !== 'cash' && body.amount.amount > input.amount_due) {
    throw new AppError(422, PaymentErrors.overpayment, `Only cash may pay more than is due (${input.amount_due}); ${body.tender} asked for ${body.amount.amount}`, {
      errors: [{ path: 'amount.amount', message: `must be at most ${input.amount_due}` }],
      extra: { amount_due: input.amount_due },
    });
  }
  const at = ctx.clock.now();
  const draft: PaymentRow = {
    tenant_id: ctx.tenantId,
    id,
    order_id: input.order_id,
    store_id: input.store_id,
    register_id: input.register_id,
    tender: body.tender,
    status: 'pending',
    currency: input.currency,
    amount: body.amount.amount,
    requested: body.amount.amount,
    tip: 0,
    applied: 0,
    change_due: 0,
    cash_rounding: 0,
    amount_due: input.amount_due,
    idempotency_key: idempotencyKeyFor(ctx.tenantId, id),
    card_token: null,
    processor_reference: null,
    processor_void_reference: null,
    card_brand: null,
    card_last4: null,
    approval_code: null,
    gift_card_id: null,
    gift_card_last4: null,
    crypto_hosted_url: null,
    crypto_expires_at: null,
    decline_code: null,
    message: null,
    offline: body.offline === true,
    encrypted_card: null,
    created_by: ctx.actor.id,
    created_at: at,
    updated_at: at,
  };
  const begun = await ADAPTERS[body.tender].begin(ctx, deps, draft, body);
  const row = await insertPayment(ctx.trx, begun.row, who(ctx.actor), begun.reason);
  const dto = toPayment(row, begun.giftCardBalance ?? null);
  await emitStatus(ctx, dto);
  return dto;
}

// ---------------------------------------------------------------- outcomes

/**
 * Applies a processor outcome in the caller's transaction: one guarded transition plus its
 * event. An outcome the state machine refuses (a webhook for a payment voided meanwhile) changes
 * nothing and is logged.
 */
export async function settle(ctx: Ctx, deps: PaymentsDeps, id: string, outcome: Outcome): Promise<PaymentDto> {
  const at = ctx.clock.now();
  if (outcome.to === null) return withBalance(ctx.trx, await patchPayment(ctx.trx, { tenantId: ctx.tenantId, id, patch: outcome.patch, at }));
  const r = await transition(ctx.trx, { tenantId: ctx.tenantId, id, to: outcome.to, patch: outcome.patch, reason: outcome.reason, by: who(ctx.actor), at });
  if (r.kind === 'illegal') {
    const level = outcome.to === 'captured' ? 'error' : 'warn';
    deps.log[level]({ payment_id: id, status: r.row.status, outcome: outcome.to, reason: outcome.reason }, `payment outcome ${outcome.to} ignored: the payment is ${r.row.status}${level === 'error' ? ' (money taken after the payment was closed: refund it at the processor)' : ''}`);
  }
  const dto = await withBalance(ctx.trx, r.row);
  if (r.kind === 'changed') await emitStatus(ctx, dto);
  return dto;
}

const ctxFor = (deps: PaymentsDeps, trx: Trx, tenantId: string, actor: Actor, requestId: string): Ctx =>
  serviceCtx({ trx, tenantId, actor, clock: deps.clock, log: deps.log, requestId });

async function applyOutcome(deps: PaymentsDeps, database: Database, tenantId: string, id: string, outcome: Outcome, actor: Actor): Promise<PaymentDto> {
  return tenantTx(database.db, tenantId, (trx) => settle(ctxFor(deps, trx, tenantId, actor, `payment:${id}`), deps, id, outcome));
}

async function load(database: Database, tenantId: string, id: string): Promise<Selectable<PaymentRow>> {
  const row = await tenantTx(database.db, tenantId, (trx) => findPayment(trx, id));
  if (!row) throw notFound('Payment');
  return row;
}

// ---------------------------------------------------------------- execute, void, reconcile (own transactions)

/**
 * Outside any transaction: asks the processor to take the money under the payment's idempotency
 * key, then records the outcome in a tenant transaction of its own. Safe to call again: a settled
 * payment is answered as it is; an unsettled one asks again under the same key.
 */
export async function execute(deps: PaymentsDeps, database: Database, tenantId: string, id: string, actor: Actor = systemActor): Promise<PaymentDto> {
  const row = await load(database, tenantId, id);
  const outcome = (await ADAPTERS[row.tender].execute?.(deps, row)) ?? null;
  if (!outcome) return tenantTx(database.db, tenantId, (trx) => withBalance(trx, row));
  return applyOutcome(deps, database, tenantId, id, outcome, actor);
}

/**
 * Voids a payment: a card at the processor first (authorization voided, captured charge refunded
 * under a key derived from the payment), a gift card re-credited, cash handed back; then the
 * payment becomes voided in one tenant transaction.
 */
export async function voidPayment(deps: PaymentsDeps, database: Database, tenantId: string, id: string, opts: { reason: string; actor?: Actor | undefined }): Promise<PaymentDto> {
  const actor = opts.actor ?? systemActor;
  const row = await load(database, tenantId, id);
  if (row.status === 'voided') return tenantTx(database.db, tenantId, (trx) => withBalance(trx, row));
  const refuse = (detail: string, code: string = PaymentErrors.invalidTransition) => conflict(code, detail, { status: row.status });
  if (!canTransition(row.status, 'voided')) throw refuse(`A ${row.status} payment cannot be voided`);
  if (row.tender === 'card' && row.status === 'pending') throw refuse('The card charge is under way; void it once it has settled');
  if (row.tender === 'crypto' && row.status === 'captured') throw refuse('A paid crypto checkout cannot be voided; refund it at the processor', PaymentErrors.voidNotSupported);
  const adapter = ADAPTERS[row.tender];
  let patch = {};
  if (adapter.voidAtProcessor && (row.status === 'captured' || row.status === 'authorized')) {
    try {
      patch = await adapter.voidAtProcessor(deps, row);
    } catch (err) {
      if (!(err instanceof ProcessorRefusal)) throw err;
      if (err.retryable) throw new AppError(503, PaymentErrors.processorUnavailable, `The processor did not confirm the void (${err.message}); try again`);
      throw refuse(`The processor refused the void: ${err.message}`, 'void_refused');
    }
  }
  return tenantTx(database.db, tenantId, async (trx) => {
    const ctx = ctxFor(deps, trx, tenantId, actor, `payment-void:${id}`);
    const r = await transition(trx, { tenantId, id, to: 'voided', patch, reason: opts.reason, by: who(actor), at: ctx.clock.now() });
    if (r.kind === 'illegal') throw conflict(PaymentErrors.invalidTransition, `A ${r.row.status} payment cannot be voided`, { status: r.row.status });
    if (r.kind === 'changed') await adapter.voidInTx?.(ctx, deps, r.row);
    const dto = await withBalance(trx, r.row);
    if (r.kind === 'changed') await emitStatus(ctx, dto);
    return dto;
  });
}

/**
 * Settles what the processor knows and we do not: `unknown` card payments, pending card and crypto
 * payments left stale, and crypto checkouts whose webhook may have been lost. Asks by idempotency
 * key (or charge id) and never charges again. All tenants when `tenantId` is absent.
 */
export async function reconcile(deps: PaymentsDeps, database: Database, tenantId?: string): Promise<ReconcileResult> {
  const staleBefore = new Date(deps.clock.now().getTime() - deps.staleAfterMs);
  const pick = (trx: Trx) =>
    t(trx)
      .selectFrom('payments.payments')
      .select(['tenant_id', 'id'])
      .where((eb) =>
        eb.or([
          eb('status', '=', 'unknown'),
          eb.and([eb('status', '=', 'pending'), eb('tender', 'in', ['card', 'crypto']), eb('updated_at', '<', staleBefore)]),
          eb.and([eb('status', '=', 'pending'), eb('tender', '=', 'crypto'), eb('processor_reference', 'is not', null)]),
        ]),
      )
      .orderBy('updated_at')
      .limit(500)
      .execute();
  const candidates = tenantId ? await tenantTx(database.db, tenantId, pick) : await systemTx(database.db, pick);
  const result: ReconcileResult = { checked: 0, settled: 0, still_open: 0 };
  for (const c of candidates) {
    result.checked++;
    try {
      const row = await load(database, c.tenant_id, c.id);
      if (row.status !== 'pending' && row.status !== 'unknown') continue;
      const stale = row.updated_at < staleBefore;
      const outcome = (await ADAPTERS[row.tender].reconcile?.(deps, row, stale)) ?? null;
      // a card the processor has never seen may still be on its way there until it is stale
      if (!outcome || (outcome.patch.decline_code === 'not_processed' && !stale)) {
        result.still_open++;
        continue;
      }
      const dto = await applyOutcome(deps, database, c.tenant_id, c.id, outcome, systemActor);
      if (dto.status === 'pending' || dto.status === 'unknown') result.still_open++;
      else result.settled++;
    } catch (err) {
      result.still_open++;
      deps.log.warn({ err, payment_id: c.id }, 'payment reconciliation failed; will retry');
    }
  }
  return result;
}
