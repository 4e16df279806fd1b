import type { Selectable } from 'kysely';
import { newId, type Actor, type Trx } from '@novapos/platform';
import { canTransition, type PaymentDto, type PaymentStatus, type PaymentSummary, type TransitionDto } from './contract.ts';
import type { PaymentRow, PayTrx, TransitionRow } from './tables.ts';

/** Narrows the platform's untyped transaction to this module's tables. */
export const t = (trx: Trx): PayTrx => trx as unknown as PayTrx;

/**
 * The key every processor call for a payment carries: a retry of any of them can never charge
 * twice. The tenant is part of it because payment ids may be minted by tills and the processor's
 * keys are global to our account: another tenant reusing an id must never replay this charge.
 */
export const idempotencyKeyFor = (tenantId: string, paymentId: string): string => `novapos-pay-${tenantId}-${paymentId}`;

export interface Who {
  kind: string;
  id: string | null;
}
export const who = (actor: Actor): Who => ({ kind: actor.kind, id: actor.id });

// ---------------------------------------------------------------- mappers

const money = (amount: number, currency: string) => ({ amount: Number(amount), currency: currency.trim() });

export function toPayment(r: Selectable<PaymentRow>, giftCardBalance: number | null = null): PaymentDto {
  const c = r.currency;
  return {
    id: r.id,
    order_id: r.order_id,
    store_id: r.store_id,
    register_id: r.register_id,
    tender: r.tender,
    status: r.status,
    amount: money(r.amount, c),
    applied: money(r.applied, c),
    tip: money(r.tip, c),
    change_due: money(r.change_due, c),
    cash_rounding: r.cash_rounding,
    requested: money(r.requested, c),
    partial: r.tender === 'gift_card' && r.status === 'captured' && Number(r.amount) < Number(r.requested),
    card: r.card_last4 ? { brand: r.card_brand ?? 'unknown', last4: r.card_last4, approval_code: r.approval_code } : null,
    gift_card: r.tender === 'gift_card' && r.gift_card_last4 ? { last4: r.gift_card_last4, balance: giftCardBalance === null ? null : money(giftCardBalance, c) } : null,
    crypto: r.tender === 'crypto' ? { hosted_url: r.crypto_hosted_url, charge_id: r.processor_reference, expires_at: r.crypto_expires_at?.toISOString() ?? null } : null,
    decline_code: r.decline_code,
    message: r.message,
    processor_reference: r.processor_reference,
    offline: r.offline,
    created_at: r.created_at.toISOString(),
    updated_at: r.updated_at.toISOString(),
  };
}

export function toSummary(p: PaymentDto): PaymentSummary {
  return {
    payment_id: p.id,
    tender: p.tender,
    status: p.status,
    amount: p.amount,
    applied: p.applied,
    tip: p.tip,
    change_due: p.change_due,
    cash_rounding: p.cash_rounding,
    card: p.card,
    gift_card: p.gift_card ? { last4: p.gift_card.last4 } : null,
    crypto: p.crypto ? { hosted_url: p.crypto.hosted_url, charge_id: p.crypto.charge_id } : null,
    decline_code: p.decline_code,
    message: p.message,
    created_at: p.created_at,
    updated_at: p.updated_at,
  };
}

const toTransition = (r: Selectable<TransitionRow>): TransitionDto => ({
  from: r.from_status,
  to: r.to_status,
  reason: r.reason,
  actor_kind: r.actor_kind,
  actor_id: r.actor_id,
  at: r.at.toISOString(),
});

// ---------------------------------------------------------------- reads

export async function findPayment(trx: Trx, id: string, opts: { lock?: boolean } = {}): Promise<Selectable<PaymentRow> | undefined> {
  let q = t(trx).selectFrom('payments.payments').selectAll().where('id', '=', id);
  if (opts.lock) q = q.forUpdate();
  return q.executeTakeFirst();
}

export async function paymentsOfOrder(trx: Trx, orderId: string): Promise<Selectable<PaymentRow>[]> {
  return t(trx).selectFrom('payments.payments').selectAll().where('order_id', '=', orderId).orderBy('id').execute();
}

export async function transitionsOf(trx: Trx, paymentId: string): Promise<TransitionDto[]> {
  const rows = await t(trx).selectFrom('payments.transitions').selectAll().where('payment_id', '=', paymentId).orderBy('id').execute();
  return rows.map(toTransition);
}

// ---------------------------------------------------------------- writes

async function logTransition(trx: Trx, r: { tenantId: string; paymentId: string; from: PaymentStatus | null; to: PaymentStatus; reason: string; by: Who; at: Date }) {
  await t(trx)
    .insertInto('payments.transitions')
    .values({ tenant_id: r.tenantId, id: newId(), payment_id: r.paymentId, from_status: r.from, to_status: r.to, reason: r.reason, actor_kind: r.by.kind, actor_id: r.by.id, at: r.at })
    .execute();
}

export async function insertPayment(trx: Trx, row: PaymentRow, by: Who, reason: string): Promise<Selectable<PaymentRow>> {
  const inserted = await t(trx).insertInto('payments.payments').values(row).returningAll().executeTakeFirstOrThrow();
  await logTransition(trx, { tenantId: row.tenant_id, paymentId: row.id, from: null, to: row.status, reason, by, at: row.created_at });
  if (row.processor_reference) await addChargeRef(trx, row.tenant_id, row.processor_reference, row.id);
  return inserted;
}

export type PaymentPatch = Partial<Omit<PaymentRow, 'tenant_id' | 'id' | 'order_id' | 'status' | 'created_at' | 'updated_at'>>;

export type TransitionResult =
  | { kind: 'changed'; row: Selectable<PaymentRow>; from: PaymentStatus }
  /** already in the target status: nothing to do (a retry, a duplicate webhook) */
  | { kind: 'same'; row: Selectable<PaymentRow> }
  /** the state machine does not allow it from where the payment is now */
  | { kind: 'illegal'; row: Selectable<PaymentRow> };

/**
 * Moves a payment to `to` under a row lock, with the transition logged, or reports why not. Only
 * the transitions in PAYMENT_TRANSITIONS are ever written.
 */
export async function transition(
  trx: Trx,
  r: { tenantId: string; id: string; to: PaymentStatus; patch?: PaymentPatch; reason: string; by: Who; at: Date },
): Promise<TransitionResult> {
  const current = await findPayment(trx, r.id, { lock: true });
  if (!current) throw new Error(`payment ${r.id} vanished`);
  if (current.status === r.to) return { kind: 'same', row: current };
  if (!canTransition(current.status, r.to)) return { kind: 'illegal', row: current };
  const row = await t(trx)
    .updateTable('payments.payments')
    .set({ ...r.patch, status: r.to, updated_at: r.at })
    .where('id', '=', r.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await logTransition(trx, { tenantId: r.tenantId, paymentId: r.id, from: current.status, to: r.to, reason: r.reason, by: r.by, at: r.at });
  if (r.patch?.processor_reference && r.patch.processor_reference !== current.processor_reference) await addChargeRef(trx, r.tenantId, r.patch.processor_reference, r.id);
  return { kind: 'changed', row, from: current.status };
}

/** Fields that change without a change of status (a crypto checkout's hosted URL). */
export async function patchPayment(trx: Trx, r: { tenantId: string; id: string; patch: PaymentPatch; at: Date }): Promise<Selectable<PaymentRow>> {
  const row = await t(trx).updateTable('payments.payments').set({ ...r.patch, updated_at: r.at }).where('id', '=', r.id).returningAll().executeTakeFirstOrThrow();
  if (r.patch.processor_reference) await addChargeRef(trx, r.tenantId, r.patch.processor_reference, r.id);
  return row;
}

async function addChargeRef(trx: Trx, tenantId: string, reference: string, paymentId: string): Promise<void> {
  await t(trx).insertInto('payments.charge_refs').values({ processor_reference: reference, tenant_id: tenantId, payment_id: paymentId }).onConflict((oc) => oc.column('processor_reference').doNothing()).execute();
}
