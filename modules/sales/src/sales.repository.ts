import { sql } from 'kysely';
import { newId, type Ctx, type Trx } from '@novapos/platform';
import {
  DEFAULT_CASH_ROUNDING_INCREMENT,
  DEFAULT_CASHIER_MAX_DISCOUNT_PERCENT,
  type CashMovementDto,
  type OrderDto,
  type OrderLineDto,
  type PaymentSummary,
  type SessionDto,
  type TransitionDto,
} from './contract.ts';
import type { CashMovementRow, OrderLineRow, OrderPaymentRow, OrderRec, SalesTrx, SessionRow, TransitionRow } from './tables.ts';

export const t = (trx: Trx): SalesTrx => trx as unknown as SalesTrx;
/** jsonb parameters go in as JSON text: node-pg would send a JS array as a Postgres array. */
export const json = (v: unknown): never => JSON.stringify(v) as never;

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);
const m = (amount: number, currency: string) => ({ amount: Number(amount), currency });

// ---------------------------------------------------------------- settings

export interface SalesSettings { cashier_max_discount_percent: number; cash_rounding_increment: number }

// The tenant's settings, read once per transaction (an order is rendered several times in one
// checkout); writeSettings replaces the remembered value.
const settingsOfTx = new WeakMap<object, SalesSettings>();

export async function readSettings(ctx: Ctx): Promise<SalesSettings> {
  const known = settingsOfTx.get(ctx.trx);
  if (known) return known;
  const row = await t(ctx.trx).selectFrom('sales.settings').select(['cashier_max_discount_percent', 'cash_rounding_increment']).executeTakeFirst();
  const settings = row ?? { cashier_max_discount_percent: DEFAULT_CASHIER_MAX_DISCOUNT_PERCENT, cash_rounding_increment: DEFAULT_CASH_ROUNDING_INCREMENT };
  settingsOfTx.set(ctx.trx, settings);
  return settings;
}

export async function writeSettings(ctx: Ctx, s: SalesSettings): Promise<void> {
  settingsOfTx.delete(ctx.trx);
  await t(ctx.trx)
    .insertInto('sales.settings')
    .values({ tenant_id: ctx.tenantId, ...s })
    .onConflict((oc) => oc.column('tenant_id').doUpdateSet({ ...s, updated_at: sql`now()` as never }))
    .execute();
}

// ---------------------------------------------------------------- numbering

/**
 * Locks the counter of a prefix (creating it at 0) and returns its last value. The lock is held
 * to the end of the caller's transaction, so one register's orders are numbered one at a time and
 * a rolled-back order gives its number back: numbers stay gapless.
 */
export async function lockCounter(ctx: Ctx, prefix: string, storeId: string, registerId: string | null): Promise<number> {
  await t(ctx.trx)
    .insertInto('sales.register_counters')
    .values({ tenant_id: ctx.tenantId, prefix, store_id: storeId, register_id: registerId, last_value: 0 })
    .onConflict((oc) => oc.columns(['tenant_id', 'prefix']).doNothing())
    .execute();
  const row = await t(ctx.trx).selectFrom('sales.register_counters').select('last_value').where('prefix', '=', prefix).forUpdate().executeTakeFirstOrThrow();
  return Number(row.last_value);
}

export async function setCounter(ctx: Ctx, prefix: string, value: number): Promise<void> {
  await t(ctx.trx)
    .updateTable('sales.register_counters')
    .set({ last_value: sql<number>`greatest(last_value, ${value})` })
    .where('prefix', '=', prefix)
    .execute();
}

// ---------------------------------------------------------------- orders

export async function orderRow(ctx: Ctx, id: string, lock = false): Promise<OrderRec | undefined> {
  let q = t(ctx.trx).selectFrom('sales.orders').selectAll().where('id', '=', id);
  if (lock) q = q.forUpdate();
  return q.executeTakeFirst();
}

export async function linesOf(ctx: Ctx, orderIds: readonly string[]): Promise<OrderLineRow[]> {
  if (orderIds.length === 0) return [];
  return t(ctx.trx).selectFrom('sales.order_lines').selectAll().where('order_id', 'in', [...orderIds]).orderBy('order_id').orderBy('position').execute();
}

export async function paymentsOf(ctx: Ctx, orderIds: readonly string[]): Promise<OrderPaymentRow[]> {
  if (orderIds.length === 0) return [];
  return t(ctx.trx).selectFrom('sales.order_payments').selectAll().where('order_id', 'in', [...orderIds]).orderBy('created_at').orderBy('payment_id').execute();
}

export async function insertTransition(ctx: Ctx, row: Omit<TransitionRow, 'tenant_id' | 'id' | 'actor_kind' | 'actor_id' | 'at'>): Promise<void> {
  await t(ctx.trx)
    .insertInto('sales.order_transitions')
    .values({ tenant_id: ctx.tenantId, id: newId(), ...row, actor_kind: ctx.actor.kind, actor_id: ctx.actor.id, at: ctx.clock.now() })
    .execute();
}

export async function transitionsOf(ctx: Ctx, orderId: string): Promise<TransitionDto[]> {
  const rows = await t(ctx.trx).selectFrom('sales.order_transitions').selectAll().where('order_id', '=', orderId).orderBy('id').execute();
  return rows.map((r) => ({ id: r.id, action: r.action, from_status: r.from_status, to_status: r.to_status, reason: r.reason, actor_kind: r.actor_kind, actor_id: r.actor_id, at: r.at.toISOString() }));
}

export function toLine(r: OrderLineRow, currency: string): OrderLineDto {
  return {
    id: r.id,
    variant_id: r.variant_id,
    sku: r.sku,
    name: r.name,
    options: r.options ?? {},
    quantity: r.quantity,
    unit_price: m(r.unit_price, currency),
    price_source: r.price_source,
    price_version_source: r.price_version_source,
    price_valid_from: iso(r.price_valid_from),
    tax_code_id: r.tax_code_id,
    serial_numbers: r.serial_numbers ?? [],
    discount: r.discount,
    line_discount: m(r.line_discount, currency),
    order_discount_share: m(r.order_discount_share, currency),
    discount_total: m(r.discount_total, currency),
    tax_lines: (r.tax_lines ?? []).map((x) => ({ rate_id: x.rate_id, name: x.name, rate_ppm: x.rate_ppm, amount: m(x.amount, currency) })),
    tax_total: m(r.tax_total, currency),
    total: m(r.total, currency),
  };
}

export function toPaymentSummary(r: OrderPaymentRow): PaymentSummary {
  return r.summary as unknown as PaymentSummary;
}

export function toOrder(r: OrderRec, lines: OrderLineRow[], payments: OrderPaymentRow[], settings: SalesSettings): OrderDto {
  const c = r.currency.trim();
  const total = Number(r.total);
  const rounding = Number(r.cash_rounding);
  const paid = Number(r.amount_paid);
  return {
    id: r.id,
    number: r.number,
    till_number: r.till_number ?? null,
    status: r.status,
    store_id: r.store_id,
    register_id: r.register_id,
    session_id: r.session_id,
    cashier_id: r.cashier_id,
    customer_id: r.customer_id,
    parked: r.parked,
    captured_offline_at: iso(r.captured_offline_at),
    needs_review: r.needs_review,
    review_reasons: r.review_reasons ?? [],
    review: r.reviewed_at ? { by: r.reviewed_by, at: r.reviewed_at.toISOString(), note: r.review_note ?? '' } : null,
    currency: c,
    prices_include_tax: r.prices_include_tax,
    lines: lines.map((l) => toLine(l, c)),
    order_discount: r.order_discount,
    subtotal: m(r.subtotal, c),
    discount_total: m(r.discount_total, c),
    tax_total: m(r.tax_total, c),
    total: m(total, c),
    tip_total: m(r.tip_total, c),
    cash_rounding: m(rounding, c),
    amount_paid: m(paid, c),
    amount_due: m(r.status === 'open' ? Math.max(0, total + rounding - paid) : 0, c),
    change_due: m(r.change_due, c),
    cash_rounding_increment: settings.cash_rounding_increment,
    tax_breakdown: (r.tax_breakdown ?? []).map((b) => ({ rate_id: b.rate_id, name: b.name, rate_ppm: b.rate_ppm, taxable: m(b.taxable, c), tax: m(b.tax, c) })),
    payments: payments.map(toPaymentSummary),
    note: r.note,
    void_reason: r.void_reason,
    receipt_prints: r.receipt_prints,
    created_at: r.created_at.toISOString(),
    updated_at: r.updated_at.toISOString(),
    completed_at: iso(r.completed_at),
    voided_at: iso(r.voided_at),
  };
}

// ---------------------------------------------------------------- drawer sessions

export function toSession(r: SessionRow): SessionDto {
  const c = r.currency.trim();
  return {
    id: r.id,
    store_id: r.store_id,
    register_id: r.register_id,
    status: r.status,
    currency: c,
    opening_float: m(r.opening_float, c),
    expected_cash: m(r.expected_cash, c),
    counted_cash: r.counted_cash === null ? null : m(r.counted_cash, c),
    counted_denominations: r.counted_denominations,
    variance: r.variance === null ? null : m(r.variance, c),
    opened_by: r.opened_by,
    opened_at: r.opened_at.toISOString(),
    closed_by: r.closed_by,
    closed_at: iso(r.closed_at),
    unsynced_sales: r.unsynced_sales,
  };
}

export function toMovement(r: CashMovementRow, currency: string): CashMovementDto {
  return {
    id: r.id,
    session_id: r.session_id,
    kind: r.kind,
    amount: m(r.amount, currency),
    order_id: r.order_id,
    payment_id: r.payment_id,
    reason: r.reason,
    actor_id: r.actor_id,
    occurred_at: r.occurred_at.toISOString(),
  };
}

export async function sessionRow(ctx: Ctx, id: string, lock = false): Promise<SessionRow | undefined> {
  let q = t(ctx.trx).selectFrom('sales.drawer_sessions').selectAll().where('id', '=', id);
  if (lock) q = q.forUpdate();
  return q.executeTakeFirst();
}

export async function openSessionRow(ctx: Ctx, registerId: string, lock = false): Promise<SessionRow | undefined> {
  let q = t(ctx.trx).selectFrom('sales.drawer_sessions').selectAll().where('register_id', '=', registerId).where('status', '=', 'open');
  if (lock) q = q.forUpdate();
  return q.executeTakeFirst();
}

/** The session that was open on a register at an instant (offline sales belong to it). */
export async function sessionRowAt(ctx: Ctx, registerId: string, at: Date): Promise<SessionRow | undefined> {
  return t(ctx.trx)
    .selectFrom('sales.drawer_sessions')
    .selectAll()
    .where('register_id', '=', registerId)
    .where('opened_at', '<=', at)
    .where((eb) => eb.or([eb('closed_at', 'is', null), eb('closed_at', '>', at)]))
    .orderBy('opened_at', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/**
 * Appends a cash movement and moves the session's expected cash by it in SQL (never read-modify-
 * write); a closed session's variance follows. A payment's movement of one kind is recorded once:
 * a repeat returns null.
 */
export async function addCashMovement(ctx: Ctx, row: Omit<CashMovementRow, 'tenant_id' | 'id'>): Promise<string | null> {
  const inserted = await t(ctx.trx)
    .insertInto('sales.cash_movements')
    .values({ tenant_id: ctx.tenantId, id: newId(), ...row })
    .onConflict((oc) => oc.columns(['tenant_id', 'payment_id', 'kind']).where('payment_id', 'is not', null).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!inserted) return null;
  await t(ctx.trx)
    .updateTable('sales.drawer_sessions')
    .set({
      expected_cash: sql<number>`expected_cash + ${row.amount}`,
      variance: sql<number | null>`case when counted_cash is null then null else counted_cash - (expected_cash + ${row.amount}) end`,
    })
    .where('id', '=', row.session_id)
    .execute();
  return inserted.id;
}
